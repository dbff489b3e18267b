"""Prove that an optimisation changed no result: record runs before, check them after.

    .venv/bin/python benchmarks/golden.py record /tmp/golden   # before the change
    .venv/bin/python benchmarks/golden.py check /tmp/golden    # after: identical, to the last bit?
    .venv/bin/python benchmarks/golden.py summary tests/golden/summary.json   # regenerate the committed summary

``summary FILE`` writes the small golden summary that ``tests/test_golden.py`` compares exactly
(final outcomes, and a digest of every month's outcomes and of the ledger, of a few seeded runs of
shipped scenarios at a small size): regenerate it only when a change of results is intended, and
say so in the commit.

Runs every shipped scenario of scenarios/plovdiv (seeds 1-3), the base scenario with
20,000 people over 3 years (seeds 1-5), and the base scenario with the centre always
solvent (all services active every month), and keeps each run's monthly outcomes,
ledger amounts and number of network ties. ``check`` also runs ``Population.check``
after every month of the first seed of each case: the probabilities and counts the
population keeps up to date must equal a from-scratch computation.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def cases() -> dict:
    import simcenter
    from simcenter.config.levers import apply_levers

    base = simcenter.load_scenario(ROOT / "scenarios" / "plovdiv" / "base.yaml")
    out = {"base_20000_3y": (apply_levers(base, {"n_potential": 20000, "years": 3}), range(1, 6)),
           "base_solvent": (apply_levers(base, {"starting_cash_eur": 3_000_000.0, "n_mentors": 4}), range(1, 4))}
    for path in sorted((ROOT / "scenarios" / "plovdiv").glob("*.yaml")):
        if not path.name.startswith("_"):
            out[path.stem] = (simcenter.load_scenario(path), range(1, 4))
    return out


def runs(deep: bool) -> dict[str, np.ndarray]:
    from simcenter.model import CenterModel
    from simcenter.run.runner import simulate

    arrays = {}
    for name, (scenario, seeds) in cases().items():
        for seed in seeds:
            if deep and seed == seeds[0]:
                model = CenterModel(scenario, rng=seed, collect=False)
                while model.running:
                    model.step()
                    problems = model.pop.check()
                    if problems:
                        raise SystemExit(f"{name} seed {seed} month {model.steps}: {problems}")
            r = simulate(scenario, seed)
            arrays[f"{name}/{seed}/timeseries"] = r.timeseries.to_numpy(float)
            arrays[f"{name}/{seed}/ledger"] = r.ledger["amount_eur"].to_numpy(float)
            arrays[f"{name}/{seed}/ties"] = np.array([r.network_edges])
    return arrays


SUMMARY_SCENARIOS = ("base.yaml", "grant-only.yaml", "cooperative.yaml")
SUMMARY_LEVERS = {"n_potential": 300, "years": 4}
SUMMARY_SEEDS = (1, 2, 3)


def summary_cases() -> dict:
    """The runs of the golden summary: three shipped Plovdiv designs at 300 people over 4 years, and
    the base scenario with the centre always solvent (every service active), seeds 1-3."""
    import simcenter
    from simcenter.config.levers import apply_levers

    folder = ROOT / "scenarios" / "plovdiv"
    out = {Path(f).stem: apply_levers(simcenter.load_scenario(folder / f), SUMMARY_LEVERS) for f in SUMMARY_SCENARIOS}
    out["base_solvent"] = apply_levers(out["base"], {"starting_cash_eur": 3_000_000.0})
    return out


def summary() -> dict:
    """Final outcomes (NaN as null) and SHA-256 digests of the monthly outcomes and ledger amounts."""
    import hashlib

    from simcenter.run.runner import simulate

    runs = {}
    for name, scenario in summary_cases().items():
        for seed in SUMMARY_SEEDS:
            r = simulate(scenario, seed)
            ts = np.ascontiguousarray(r.timeseries.drop(columns="month").to_numpy(np.float64))
            amounts = np.ascontiguousarray(r.ledger["amount_eur"].to_numpy(np.float64))
            runs[f"{name}/{seed}"] = {
                "kpis": {k: (None if v != v else v) for k, v in r.kpis.items()},
                "network_edges": r.network_edges,
                "ledger_rows": len(r.ledger),
                "timeseries_sha256": hashlib.sha256(ts.tobytes()).hexdigest(),
                "ledger_sha256": hashlib.sha256(amounts.tobytes()).hexdigest(),
            }
    return {"levers": SUMMARY_LEVERS, "seeds": list(SUMMARY_SEEDS), "runs": runs}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("record", "check", "summary"):
        print(__doc__)
        return 2
    if argv[0] == "summary":
        import json

        file = Path(argv[1])
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(json.dumps(summary(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {file}")
        return 0
    file = Path(argv[1]) / "golden.npz"
    if argv[0] == "record":
        file.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(file, **runs(deep=False))
        print(f"recorded {file}")
        return 0
    ref = np.load(file)
    deep = os.environ.get("GOLDEN_SHALLOW") != "1" and hasattr(
        importlib.import_module("simcenter.model.population").Population, "check")
    new = runs(deep=deep)
    differ = [k for k in ref.files if k not in new or not np.array_equal(ref[k], new[k], equal_nan=True)]
    differ += [k for k in new if k not in ref.files]
    if differ:
        print(f"{len(differ)} of {len(ref.files)} arrays differ, e.g. {differ[:5]}")
        return 1
    print(f"identical: {len(ref.files)} arrays ({len(ref.files) // 3} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
