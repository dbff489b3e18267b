"""Same seed, same bytes; different seeds differ; designs share one random world."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from simcenter.model import CenterModel
from simcenter.stages import COMPARISON
from simcenter.report.run_folder import write_run
from simcenter.rng import replicate_seeds, stream
from simcenter.run.engines import open_engine
from simcenter.run.runner import run_replicates

PACKAGE = Path(__file__).resolve().parent.parent / "simcenter"


def _write(tmp_path: Path, scenario, seed: int, reps: int, name: str) -> Path:
    out = tmp_path / name
    write_run(out, scenario, run_replicates(scenario, reps, seed), replicate_seeds(seed, reps), 0.0, figures=False)
    return out


def test_same_seed_gives_identical_bytes(tmp_path, small):
    a = _write(tmp_path, small, 7, 3, "a")
    b = _write(tmp_path, small, 7, 3, "b")
    for name in ("kpis.csv", "timeseries.csv", "ledger.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def test_parallel_workers_give_the_same_bytes_as_one(tmp_path, small):
    serial = run_replicates(small, 4, 3)
    engine = open_engine(2)
    try:
        parallel = run_replicates(small, 4, 3, engine)
    finally:
        engine.close()
    for x, y in zip(serial, parallel):
        assert x.timeseries.equals(y.timeseries)
        assert x.kpis == y.kpis or all(
            (np.isnan(x.kpis[k]) and np.isnan(y.kpis[k])) or x.kpis[k] == y.kpis[k] for k in x.kpis
        )


def test_different_seeds_differ(tmp_path, small):
    a = _write(tmp_path, small, 1, 1, "a")
    b = _write(tmp_path, small, 2, 1, "b")
    assert (a / "timeseries.csv").read_bytes() != (b / "timeseries.csv").read_bytes()


def test_streams_depend_on_name_and_seed_only():
    assert stream(5, "x").random() == stream(5, "x").random()
    assert stream(5, "x").random() != stream(5, "y").random()
    assert stream(5, "x").random() != stream(6, "x").random()


def _run(scenario, seed, **levers):
    model = CenterModel(scenario, rng=seed, collect=False, **levers)
    while model.running:
        model.step()
    return model


def test_changing_the_legal_form_keeps_the_same_people_and_world(small):
    a = _run(small, 11, legal_form="association")
    b = _run(small, 11, legal_form="cooperative", management="multi_stakeholder_board")
    assert a.pop.n == b.pop.n
    np.testing.assert_array_equal(a.arrivals, b.arrivals)
    n = a.pop.n
    for name in ("city", "digital", "cap0", "need_m", "need_f", "need_n", "travel_eur"):
        np.testing.assert_array_equal(getattr(a.pop, name)[:n], getattr(b.pop, name)[:n], err_msg=name)
    # The comparison world has no centre in it: it is the same world under every design.
    np.testing.assert_array_equal(a.pop.stage[COMPARISON, :n], b.pop.stage[COMPARISON, :n])
    np.testing.assert_array_equal(a.pop.funding[COMPARISON, :n], b.pop.funding[COMPARISON, :n])


def test_designs_do_differ_with_the_centre(small):
    a = _run(small, 11, n_mentors=0, n_coordinators=0)
    b = _run(small, 11, n_mentors=4)
    assert a.outcome("mentoring_hours") != b.outcome("mentoring_hours")


def test_no_global_random_state_in_the_package():
    """All randomness comes from the model's seeded generators (no np.random.* / random.* calls)."""
    pattern = re.compile(r"\bnp\.random\.(rand|random|randint|normal|uniform|choice|seed|poisson|shuffle)\b|^\s*import random\b|\brandom\.(random|randint|choice|seed|shuffle)\(")
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{i}: {line.strip()}")
    assert offenders == []
