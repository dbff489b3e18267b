"""The folder of a ``simcenter run``: CSV tables, the resolved scenario, run metadata, figures."""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Sequence

from simcenter.version import __version__
from simcenter.config.schema import Scenario
from simcenter.files import atomic_write, json_safe, resolved_yaml, write_csv
from simcenter.run.runner import RunResult, kpi_summary, kpi_table, ledger_table, timeseries_table


def write_run(folder: Path, scenario: Scenario, results: Sequence[RunResult], seeds: Sequence[int],
              wall_seconds: float, figures: bool = True) -> list[Path]:
    """Write timeseries.csv, kpis.csv, ledger.csv, scenario.resolved.yaml, run.json and figures/."""
    folder.mkdir(parents=True, exist_ok=True)
    ts = timeseries_table(results)
    write_csv(ts, folder / "timeseries.csv")
    write_csv(kpi_table(results), folder / "kpis.csv")
    write_csv(ledger_table(results), folder / "ledger.csv")
    atomic_write(folder / "scenario.resolved.yaml", resolved_yaml(scenario))
    meta = {
        "simcenter_version": __version__,
        "python": platform.python_version(),
        "scenario": scenario.name,
        "seeds": [int(s) for s in seeds],
        "replicates": len(results),
        "timings": {
            "wall_seconds": round(wall_seconds, 4),
            "run_seconds": [round(r.seconds, 4) for r in results],
        },
        "kpis": kpi_summary(results),
    }
    atomic_write(folder / "run.json", json.dumps(json_safe(meta), indent=2, allow_nan=False) + "\n")
    written = [folder / n for n in ("timeseries.csv", "kpis.csv", "ledger.csv", "scenario.resolved.yaml", "run.json")]
    if figures:
        from simcenter.report.figures import run_figures  # matplotlib: only when figures are asked for

        written += run_figures(ts, folder / "figures", scenario.name)
    return written
