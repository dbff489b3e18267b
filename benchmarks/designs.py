"""The Plovdiv designs as a planner reads them: per design, the share of worlds in which the centre
closed, the median months it operated with a paid team, the paid staff at years 3 and 10, and the
share of the plan's dated actions carried out. The figures issue 17's closing note asks for,
before and after a change of the model (run it in two checkouts).

    .venv/bin/python benchmarks/designs.py --reps 100            # every design in scenarios/plovdiv
    .venv/bin/python benchmarks/designs.py --reps 30 --json out.json

Same seeds for every design (replicate i has the i-th seed derived from --seed), 2 workers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folder", default=str(ROOT / "scenarios" / "plovdiv"))
    parser.add_argument("--json", help="also write the table here")
    args = parser.parse_args(argv)

    import simcenter
    from simcenter import metrics
    from simcenter.run.engines import open_engine
    from simcenter.run.task import Keep

    wanted = [n for n in ("closed", "closed_insolvency", "closed_by_host", "months_operating", "plan_done_share")
              if n in metrics.NAMES]
    keep = Keep(outcomes=tuple(wanted), series=("staff",))
    rows = []
    engine = open_engine(args.workers)
    try:
        for path in sorted(Path(args.folder).glob("*.yaml")):
            if path.name.startswith("_"):
                continue
            scenario = simcenter.load_scenario(str(path))
            results = simcenter.run_replicates(scenario, args.reps, args.seed, engine=engine, keep=keep)
            k = {n: np.array([r.kpis[n] for r in results]) for n in wanted}
            staff = np.array([r.series[:, 0] for r in results])
            row = {"design": path.stem, "runs": len(results),
                   "closed": float(k["closed"].mean()),
                   "months_operating_median": float(np.median(k["months_operating"])),
                   "staff_y3_median": float(np.median(staff[:, min(35, staff.shape[1] - 1)])),
                   "staff_y10_median": float(np.median(staff[:, min(119, staff.shape[1] - 1)])),
                   "staff_y10_zero": float((staff[:, min(119, staff.shape[1] - 1)] == 0).mean())}
            for n in ("closed_insolvency", "closed_by_host"):
                if n in k:
                    row[n] = float(k[n].mean())
            if "plan_done_share" in k:
                row["plan_done_share"] = float(np.nanmean(k["plan_done_share"]))
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        engine.close()
    cols = list(rows[0])
    print("\n" + " | ".join(cols))
    for r in rows:
        print(" | ".join(f"{r[c]:.2f}" if isinstance(r[c], float) else str(r[c]) for c in cols))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
