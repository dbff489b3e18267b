"""Interruptions and memory (issue 16): SIGTERM ends a command as Ctrl-C does, leaving the earlier
folder as it was and no partial folder; ``run --out`` is written whole or not at all; replicates
are streamed to disk (memory bounded whatever ``--reps``), and more than the stated limit is
refused at once.

Before: SIGTERM during a comparison's report left ``.DIR.partial-PID`` for good; an interrupted
``run --out`` left new tables beside the earlier figures; ``--reps 1000000`` grew the command by
about 0.4 GB a minute until it died with "internal error: MemoryError".
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import Executor, Future
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simcenter import metrics
from simcenter.config.levers import apply_levers
from simcenter.config.loader import load_scenario
from simcenter.run.many import run_many
from simcenter.run.task import Run, RunResult

from support import BASE, PROBLEM_RE, REPO, assert_no_traceback, clean_env, run_cli

SMALL = ["--set", "horizon.years=1", "--set", "region.n_potential=300"]
CMD = [sys.executable, "-m", "simcenter"]


def _variant(folder: Path, name: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"extends: {BASE}\nname: {name}\n", encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _terminate_when(proc: subprocess.Popen, ready, what: str) -> str:
    """Send SIGTERM to ``proc`` (the command's own process, as ``kill PID`` does) once ``ready()``;
    return its standard error."""
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not ready():
        time.sleep(0.005)
    assert proc.poll() is None, f"the command ended before {what}: {proc.communicate()[1]}"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    return err


# =========================================================================== SIGTERM
def test_sigterm_during_the_report_leaves_the_earlier_report_and_no_partial_folder(tmp_path):
    designs = [_variant(tmp_path, name) for name in ("one", "two", "three")]
    out = tmp_path / "out"
    first = run_cli("compare", *map(str, designs), "--reps", "2", "--workers", "2", *SMALL, "--out", str(out),
                    timeout=120)
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    proc = subprocess.Popen([*CMD, "compare", *map(str, designs), "--reps", "4", "--workers", "2", *SMALL,
                             "--out", str(out)], cwd=REPO, env=clean_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # The results are saved (comparison.json is their last file): the report is being built.
    err = _terminate_when(proc, lambda: any((p / "comparison.json").exists() for p in tmp_path.glob(".out.partial-*")),
                          "its report phase")
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "terminated (SIGTERM)", err
    assert "Traceback" not in err
    time.sleep(1.5)  # a figure a worker was drawing must not bring the partial folder back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.yaml", "out", "three.yaml", "two.yaml"]
    assert _snapshot(out) == before


def test_an_interrupted_run_leaves_the_earlier_folder_as_it_was(tmp_path):
    out = tmp_path / "run"
    first = run_cli("run", str(BASE), "--reps", "2", "--workers", "1", *SMALL, "--out", str(out), timeout=120)
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)

    def writing() -> bool:  # the new tables have begun (beside the folder, or in it)
        partial = [f for p in tmp_path.glob(".run.partial-*") for f in p.glob(".timeseries.csv.*")]
        return bool(partial) or (out / "timeseries.csv").read_bytes() != before["timeseries.csv"]

    proc = subprocess.Popen([*CMD, "run", str(BASE), "--reps", "400", "--workers", "1", *SMALL, "--out", str(out)],
                            cwd=REPO, env=clean_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    err = _terminate_when(proc, writing, "it wrote its tables")
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    assert _snapshot(out) == before


# =========================================================================== the limit
@pytest.mark.parametrize("command", ["run", "compare", "facts"])
def test_more_replicates_than_the_limit_are_refused_before_any_run(tmp_path, command):
    args = {"run": ["run", str(BASE)], "compare": ["compare", str(BASE)],
            "facts": ["facts", "--out", str(tmp_path / "docs")]}[command]
    start = time.perf_counter()
    proc = run_cli(*args, "--reps", "1000000", *([] if command == "facts" else SMALL), timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert_no_traceback(proc)
    lines = [ln for ln in proc.stderr.splitlines() if not ln.startswith("warning:")]
    assert len(lines) == 1 and PROBLEM_RE.match(lines[0]), proc.stderr
    assert lines[0].startswith("--reps:1: reps: 1000000 replicates asked for; at most 10000 in one command")
    assert time.perf_counter() - start < 30
    assert not (tmp_path / "docs").exists()


def test_a_comparison_of_too_many_runs_is_refused(tmp_path):
    designs = [_variant(tmp_path, f"d{i}") for i in range(11)]
    proc = run_cli("compare", *map(str, designs), "--reps", "10000", *SMALL, "--out", str(tmp_path / "out"),
                   timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "--reps:1: reps: 11 designs × 10000 replicates = 110000 runs; at most 100000" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_the_limit_in_bulgarian():
    proc = run_cli("run", str(BASE), "--reps", "20000", "--lang", "bg", timeout=60)
    assert proc.returncode == 2
    assert "--reps:1: reps: поискани са 20000 повторения; най-много 10000" in proc.stderr


# =========================================================================== bounded memory
def test_run_writes_each_replicate_as_it_comes(tmp_path):
    """``run --out`` keeps no replicate: each one's rows are in the (temporary) table before the next."""
    from simcenter.report.run_folder import run_scenario

    scenario = apply_levers(load_scenario(BASE), {"n_potential": 200, "years": 1})
    out = tmp_path / "run"
    seen = []

    def progress(done: int, total: int) -> None:  # called as replicate done-1 arrives, before it is written
        (table,) = tmp_path.rglob(".timeseries.csv.*.tmp")
        seen.append(len(table.read_text(encoding="utf-8").splitlines()))

    result = run_scenario(scenario, 5, 1, out=out, workers=1, progress=progress)
    assert seen == [1 + 12 * i for i in range(5)]  # the header, then 12 months a replicate
    assert len(result["seeds"]) == 5 and len((out / "timeseries.csv").read_text().splitlines()) == 61
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


class _OutOfOrder(Executor):
    """Completes every run at once except replicate 0, which comes after ``delay`` seconds."""

    def __init__(self, delay: float):
        self.delay = delay
        self.submitted: list[int] = []

    def submit(self, fn, run, /):
        fut: Future = Future()
        fut.set_running_or_notify_cancel()
        result = RunResult(run.key, run.scenario, run.seed)
        self.submitted.append(run.key[0])
        if run.key[0] == 0:
            threading.Timer(self.delay, fut.set_result, (result,)).start()
        else:
            fut.set_result(result)
        return fut


class _Engine:
    window, starts_workers, workers = 3, False, 1

    def __init__(self):
        self.executor = _OutOfOrder(0.3)


def test_ordered_runs_wait_in_a_bounded_window():
    """With ``ordered``, results come in order and no run is handed out more than ``window`` places
    ahead of the first not yet yielded: what waits for a slow run stays bounded."""
    engine = _Engine()
    ahead = []
    keys = []
    for result in run_many((Run((i,), "s", i) for i in range(20)), engine, ordered=True):
        keys.append(result.key[0])
        ahead.append(len(engine.executor.submitted) - len(keys))
    assert keys == list(range(20))
    assert max(ahead) < engine.window
    assert engine.executor.submitted == list(range(20))


def test_spill_gives_the_statistics_of_the_stacked_replicates(tmp_path, monkeypatch):
    import simcenter.run.spill as spill
    from simcenter.run.spill import Spill

    monkeypatch.setattr(spill, "BLOCK_BYTES", 8 * 50 * 7)  # many small blocks
    rng = np.random.default_rng(5)
    stack = rng.normal(size=(50, 24, 9)) * 1e4
    stack[rng.random(stack.shape) < 0.02] = np.nan
    with Spill(tmp_path / "s.f64", 50, (24, 9)) as s:
        for r in rng.permutation(50):
            s.put(r, stack[r])
        q = s.percentiles([5, 50, 95])
        mean = s.mean()
    expected = np.percentile(stack, [5, 50, 95], axis=0)
    gaps = np.isnan(stack).any(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected[:, gaps] = np.nanpercentile(stack[:, gaps], [5, 50, 95], axis=0)
    assert np.array_equal(q, expected, equal_nan=True)
    assert np.array_equal(mean, np.mean(stack, axis=0), equal_nan=True)
    assert not (tmp_path / "s.f64").exists()


def test_comparison_results_are_those_kept_in_memory(tmp_path):
    """The bands and mean income computed from the files are exactly those of the stacked runs."""
    from simcenter.comparison import load_designs
    from simcenter.comparison.running import run_comparison
    from simcenter.comparison.saving import save

    designs, _ = load_designs([BASE, BASE.parent / "cooperative.yaml"], ["region.n_potential=200", "horizon.years=1"])
    results = run_comparison(designs, 4, 2)
    save(tmp_path / "a", designs, results, designs[0].name, 2, 4, [], 0.0)
    bands = pd.read_csv(tmp_path / "a" / "bands.csv")
    income = pd.read_csv(tmp_path / "a" / "income.csv")
    served = metrics.NAMES.index("served")
    for i, d in enumerate(designs):
        stack = np.stack([r.series for r in results if r.key[0] == i])
        rows = bands[(bands["scenario"] == d.name) & (bands["outcome"] == "served")]
        expected = np.percentile(stack[:, :, served], [5, 50, 95], axis=0)
        assert np.allclose(rows[["p05", "median", "p95"]].to_numpy().T, expected, rtol=1e-14, atol=0)
        mean = np.mean(np.stack([r.income for r in results if r.key[0] == i]), axis=0)
        assert np.allclose(income[income["scenario"] == d.name].iloc[:, 2:].to_numpy(), mean, rtol=1e-14, atol=0)
    assert not [p for p in (tmp_path / "a").iterdir() if p.name.endswith(".f64")]
