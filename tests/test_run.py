"""The one orchestrator (simcenter/run/many.py) and the run task (simcenter/run/task.py).

What these tests protect: every run is done once and comes back under its key; never more than
the engine's window in flight (memory bounded whatever the number of runs); a crashed pool is
restarted and its runs done again, a limited number of times; a run's own error is a failed
result (sweeps) or an exception (run, compare); a run the machinery lost is a "lost" result; what
a ``Keep`` asks for is what comes back.
"""

from __future__ import annotations

from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pytest

from simcenter import metrics
from simcenter.config.levers import apply_levers
from simcenter.run.engines import InlineExecutor
from simcenter.run.many import MAX_POOL_RESTARTS, run_many
from simcenter.run.runner import run_replicates, simulate
from simcenter.run.task import Keep, Run, execute


class _Executor(InlineExecutor):
    """Runs at once and counts what is in flight (the test counts results taken back); breaks the
    pool or loses runs on purpose."""

    def __init__(self, engine):
        self.engine = engine

    def submit(self, fn, /, *args, **kwargs) -> Future:
        engine = self.engine
        engine.in_flight += 1
        engine.most = max(engine.most, engine.in_flight)
        fut: Future = Future()
        fut.set_running_or_notify_cancel()
        run = args[0]
        if engine.break_next:
            engine.break_next -= 1
            fut.set_exception(BrokenProcessPool("a worker died"))
        elif run.key in engine.lose:
            fut.set_exception(OSError("connection lost"))
        else:
            try:
                fut.set_result(fn(*args, **kwargs))
            except Exception as exc:  # noqa: BLE001 - as a pool delivers it
                fut.set_exception(exc)
        return fut  # in flight until the test takes its result


class FakeEngine:
    starts_workers = False
    workers = 2

    def __init__(self, window=3, break_next=0, lose=()):
        self.window = window
        self.break_next = break_next
        self.lose = set(lose)
        self.in_flight = 0
        self.most = 0
        self.restarts = 0
        self.executor = _Executor(self)

    def restart(self):
        self.restarts += 1


def _runs(small, n, **kw):
    scenario = apply_levers(small, {"years": 1, "n_potential": 100})
    return [Run((i,), scenario, 100 + i, Keep(series=()), **kw) for i in range(n)]


def test_every_run_comes_back_once_under_its_key(small):
    runs = _runs(small, 7)
    results = list(run_many(runs, FakeEngine(window=3)))
    assert sorted(r.key for r in results) == [(i,) for i in range(7)]
    assert all(r.ok and r.seed == 100 + r.key[0] for r in results)


def test_never_more_than_the_window_in_flight(small):
    engine = FakeEngine(window=3)
    taken = 0
    for _ in run_many(_runs(small, 10), engine):
        taken += 1
        engine.in_flight -= 1
        assert engine.in_flight <= engine.window
    assert taken == 10 and engine.most == 3


def test_a_crashed_pool_is_restarted_and_its_runs_done_again(small):
    engine = FakeEngine(window=4, break_next=2)
    results = list(run_many(_runs(small, 6), engine))
    assert sorted(r.key for r in results) == [(i,) for i in range(6)] and all(r.ok for r in results)
    assert engine.restarts >= 1


def test_a_pool_that_keeps_crashing_stops_the_command(small):
    engine = FakeEngine(window=1, break_next=MAX_POOL_RESTARTS + 1)
    with pytest.raises(RuntimeError):
        list(run_many(_runs(small, 2), engine))


def test_a_runs_own_error_is_a_failed_result_with_catch_and_an_exception_without(small):
    def broken(scenario):
        raise ValueError("no such field")

    failed = list(run_many(_runs(small, 2, prepare=broken, catch=True), FakeEngine()))
    assert [r.status for r in failed] == ["failed", "failed"]
    assert failed[0].error == "ValueError: no such field" and failed[0].kpis is None
    with pytest.raises(ValueError):
        list(run_many(_runs(small, 2, prepare=broken), FakeEngine()))


def test_a_run_the_machinery_lost_is_lost_not_failed(small):
    results = {r.key: r for r in run_many(_runs(small, 3, catch=True), FakeEngine(lose={(1,)}))}
    assert results[(1,)].status == "lost" and "connection lost" in results[(1,)].error
    assert results[(0,)].ok and results[(2,)].ok


def test_keep_sends_back_what_it_asks_for(small):
    scenario = apply_levers(small, {"years": 1, "n_potential": 100})
    lean = execute(Run((0,), scenario, 3, Keep(outcomes=("served", "closed"), series=("cash_eur",))))
    assert set(lean.kpis) == {"served", "closed"} and lean.series.shape == (12, 1)
    assert lean.income is None and lean.ledger_rows is None
    full = execute(Run((0,), scenario, 3, Keep(income=True, ledger=True)))
    assert set(full.kpis) == set(metrics.NAMES) and full.series.shape == (12, len(metrics.NAMES))
    assert full.income.shape == (12, len(metrics.INCOME_CATEGORIES))
    assert full.kpis["served"] == lean.kpis["served"]
    np.testing.assert_array_equal(full.timeseries["cash_eur"].to_numpy(), lean.series[:, 0])
    # The income by category adds up to every inflow from a known source.
    ledger = full.ledger
    known = ledger[(ledger.destination == "center") & (ledger.source != "founders")]
    assert full.income.sum() == pytest.approx(known.amount_eur.sum())


def test_replicates_and_simulate_agree(small):
    scenario = apply_levers(small, {"years": 1, "n_potential": 100})
    reps = run_replicates(scenario, 3, seed=5)
    assert [r.key for r in reps] == [(0,), (1,), (2,)]
    again = simulate(scenario, reps[1].seed)
    assert again.kpis == reps[1].kpis or all(
        a == b or (np.isnan(a) and np.isnan(b)) for a, b in zip(again.kpis.values(), reps[1].kpis.values()))
