"""Helpers for the sweep tests: small experiment files and comparing two results stores."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from support import BASE

SMALL = """\
set:
  region.n_potential: 300
  horizon.years: {years}
"""
"""Every test sweep runs a small world: 300 people over one or two years."""


def write_experiment(folder: Path, body: str, name: str = "small", years: int = 1) -> Path:
    """An experiment file on the Plovdiv base scenario, shrunk for speed, with ``body`` appended."""
    path = folder / f"{name}.yaml"
    path.write_text(f"name: {name}\nscenarios: {BASE}\n" + SMALL.format(years=years) + body, encoding="utf-8")
    return path


def tables(folder: Path) -> dict[str, pd.DataFrame]:
    """Every deterministic column of a sweep's store, ordered by key (timings left out)."""
    con = duckdb.connect(str(folder / "sweep.duckdb"), read_only=True)
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        out = {
            "runs": con.execute("SELECT * EXCLUDE (seconds) FROM runs ORDER BY point, replicate").df(),
            "outcomes": con.execute("SELECT * FROM outcomes ORDER BY point, replicate").df(),
            "points": con.execute("SELECT * FROM points ORDER BY point").df(),
        }
        if "timeseries" in names:
            out["timeseries"] = con.execute("SELECT * FROM timeseries ORDER BY point, replicate, month").df()
        return out
    finally:
        con.close()


def assert_same_results(a: Path, b: Path) -> None:
    """Two stores hold exactly the same rows with exactly the same values."""
    ta, tb = tables(a), tables(b)
    assert set(ta) == set(tb)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], check_exact=True, obj=name)


def count_runs(folder: Path) -> int:
    con = duckdb.connect(str(folder / "sweep.duckdb"), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM runs").fetchone()[0])
    finally:
        con.close()
