"""What letting readers in costs a sweep's writer: the time inside ``Store.write`` at one write a second.

The sweep writes about once a second (``engine.FLUSH_SECONDS``) and closes its store every
``HOLD_SECONDS`` after a write so that readers get a turn (``simcenter.sweep.storefile``). This
writes the same runs (20 a write, every outcome kept, three monthly series over 24 months) at one
write a second with the store kept open for good (``inf``, no turn for readers), closed every
5 s (the default) and closed after every write (0), and prints the time spent writing. Not a
test: timings depend on the machine and on what else runs.

    .venv/bin/python benchmarks/store_turns.py [--writes 40]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BODY = """name: store-turns
scenarios: {base}
set: {{region.n_potential: 300, horizon.years: 2}}
levers: {{legal_form: [association, foundation, cooperative, municipal_enterprise]}}
uncertainties: {{grant_success_factor: {{range: [0.5, 1.5]}}}}
design: {{method: latin_hypercube, samples: 250, levers: full_factorial}}
replicates: 2
timeseries: [cash_eur, closed, served]
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=40)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    import simcenter.sweep.store as store
    from simcenter import metrics
    from simcenter.run.task import RunResult
    from simcenter.sweep import design, load_experiment

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "exp.yaml"
        path.write_text(BODY.format(base=ROOT / "scenarios" / "plovdiv" / "base.yaml"), encoding="utf-8")
        exp = load_experiment(path)
        points = design.points(exp)
        keys = [(p.point, r) for p in points for r in range(exp.replicates)]
        for hold in (float("inf"), 5.0, 0.0):
            store.HOLD_SECONDS = hold
            s = store.Store.for_sweep(Path(tmp) / f"hold-{hold}", exp, points)
            s.done()
            times = []
            for i in range(args.writes):
                runs = [RunResult(key=k, scenario="s", seed=1, kpis={o: 1.0 for o in metrics.NAMES},
                                  series=np.ones((24, len(exp.timeseries)))) for k in keys[i * 20:(i + 1) * 20]]
                time.sleep(1.0)
                start = time.perf_counter()
                s.write(runs)
                times.append(time.perf_counter() - start)
            start = time.perf_counter()
            s.close()
            print(f"store closed every {hold:g} s: {args.writes} writes of 20 runs, one a second: writing took "
                  f"{sum(times):.2f} s (median {statistics.median(times) * 1000:.0f} ms); the last close "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms", flush=True)


if __name__ == "__main__":
    main()
