"""Sweeps: the results store, resuming after kill -9 and Ctrl-C, failed runs, refusing to mix experiments.

What these protect: a run is a pure function of (point, seed), so the store ends the same however
the work was split (1 or 2 workers) or interrupted; nothing committed is ever lost or stored twice;
a run that raises is a row, not the end of the sweep; a folder never mixes two experiments.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from simcenter.errors import InputError
from simcenter.sweep import analyze, load_experiment, run_sweep
from simcenter.sweep.store import Store
from support import REPO, assert_no_traceback, clean_env, english, run_cli
from sweep_support import assert_same_results, count_runs, tables, write_experiment

BODY = """\
levers:
  legal_form: [association, cooperative]
uncertainties:
  funding.funders.hrdp_social_economy.p_success: {range: [0.05, 0.4]}
  center.starting_cash_eur: {range: [5000, 60000]}
design: {method: latin_hypercube, samples: 6, levers: full_factorial}
replicates: 2
seed: 3
outcomes: [closed, months_operating, ventures_launched, cash_eur, cost_per_venture_added_eur]
timeseries: [cash_eur]
"""

# Long enough that a sweep is still running when its first results are stored (120 runs of ~40 ms).
LONG_BODY = BODY.replace("samples: 6", "samples: 30")
LONG_TOTAL = 2 * 30 * 2


@pytest.fixture(scope="module")
def long_reference(tmp_path_factory):
    """The long experiment swept without interruption (two local workers)."""
    folder = tmp_path_factory.mktemp("long")
    path = write_experiment(folder, LONG_BODY, years=2)
    summary = run_sweep(load_experiment(path), folder / "out", workers=2)
    assert summary.complete and summary.ok == LONG_TOTAL
    return path, folder / "out"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The small experiment swept in one go, in this process."""
    folder = tmp_path_factory.mktemp("reference")
    path = write_experiment(folder, BODY)
    summary = run_sweep(load_experiment(path), folder / "out", workers=1)
    assert summary.complete and summary.ok == 24 and summary.failed == 0
    return path, folder / "out"


def test_store_holds_one_row_per_run_with_parameters_seed_and_status(reference):
    _, out = reference
    t = tables(out)
    runs = t["runs"]
    assert len(runs) == 24 and runs[["point", "replicate"]].drop_duplicates().shape[0] == 24
    assert set(runs["status"]) == {"ok"} and runs["error"].isna().all()
    assert {"legal_form", "p_success", "starting_cash_eur", "seed"} <= set(runs.columns)
    assert runs.groupby("replicate")["seed"].nunique().eq(1).all(), "replicate i has the same seed at every point"
    assert len(t["outcomes"]) == 24 and len(t["timeseries"]) == 24 * 12
    assert t["outcomes"]["cost_per_venture_added_eur"].isna().sum() >= 0  # empty outcomes are NULL, never an error


def test_two_workers_give_bit_identical_results(reference, tmp_path):
    path, out = reference
    summary = run_sweep(load_experiment(path), tmp_path / "two", workers=2)
    assert summary.ok == 24
    assert_same_results(out, tmp_path / "two")


def test_rerunning_a_complete_sweep_computes_nothing_and_duplicates_nothing(reference):
    path, out = reference
    summary = run_sweep(load_experiment(path), out, workers=1)
    assert summary.computed == 0 and summary.stored_before == 24 and summary.complete
    assert count_runs(out) == 24


def test_a_sweep_in_steps_ends_as_one_in_a_go(reference, tmp_path):
    path, out = reference
    exp = load_experiment(path)
    for _ in range(3):
        run_sweep(exp, tmp_path / "steps", workers=1, limit=7)
    assert count_runs(tmp_path / "steps") == 21
    run_sweep(exp, tmp_path / "steps", workers=1)
    assert_same_results(out, tmp_path / "steps")


def test_the_store_refuses_a_duplicate_key(reference, tmp_path):
    import shutil

    _, out = reference
    shutil.copytree(out, tmp_path / "copy")
    con = duckdb.connect(str(tmp_path / "copy" / "sweep.duckdb"))
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO runs (point, replicate, seed, status) VALUES (0, 0, 1, 'ok')")
    con.close()


def test_changing_the_experiment_and_reusing_the_folder_is_refused(reference, tmp_path):
    path, out = reference
    changed = write_experiment(tmp_path, BODY.replace("seed: 3", "seed: 4"))
    with english(), pytest.raises(InputError) as caught:
        run_sweep(load_experiment(changed), out, workers=1, extend=True)
    message = str(caught.value)
    assert "holds the results of a different experiment" in message and "seed changed from 3 to 4" in message
    assert count_runs(out) == 24
    proc = run_cli("sweep", str(changed), "--out", str(out))
    assert proc.returncode == 2 and "never mixed" in proc.stderr
    assert_no_traceback(proc)


def test_a_changed_base_scenario_is_a_changed_experiment(reference, tmp_path):
    path, out = reference
    shrunk = path.read_text(encoding="utf-8").replace("n_potential: 300", "n_potential: 301")
    other = tmp_path / "other.yaml"
    other.write_text(shrunk, encoding="utf-8")
    with english(), pytest.raises(InputError, match=r"region\.n_potential in base scenario 'plovdiv-"):
        run_sweep(load_experiment(other), out, workers=1)


def test_a_refusal_names_the_changed_parameter_as_the_file_does(reference, tmp_path):
    """Not parameters[2].low: the section, the parameter's own key, what in it changed, from what to what."""
    _, out = reference
    changed = write_experiment(tmp_path, BODY.replace("range: [0.05, 0.4]", "range: [0.06, 0.4]")
                               .replace("legal_form: [association, cooperative]", "legal_form: [association, foundation]"))
    with english(), pytest.raises(InputError) as caught:
        run_sweep(load_experiment(changed), out, workers=1)
    message = str(caught.value)
    assert "changed since: levers.legal_form: values changed from [association, cooperative] to " \
           "[association, foundation]; uncertainties.funding.funders.hrdp_social_economy.p_success: range " \
           "changed from [0.05, 0.4] to [0.06, 0.4])" in message
    assert "parameters[" not in message


def test_a_run_that_raises_is_recorded_as_failed_and_the_sweep_goes_on(tmp_path):
    # Each bound is valid alone; together a minimum above the maximum is not: those runs fail.
    body = """\
uncertainties:
  funding.funders.csr_donors.amount_min_eur: {range: [1000, 5000]}
  funding.funders.csr_donors.amount_max_eur: {range: [2000, 6000]}
design: {method: latin_hypercube, samples: 12}
seed: 4
outcomes: [closed, served]
"""
    exp = load_experiment(write_experiment(tmp_path, body))
    summary = run_sweep(exp, tmp_path / "out", workers=1)
    assert summary.failed > 0 and summary.ok > 0 and summary.complete
    runs = tables(tmp_path / "out")["runs"]
    failed = runs[runs["status"] == "failed"]
    assert len(failed) == summary.failed
    assert failed["error"].str.contains("amount_min_eur").all()
    assert (failed["amount_min_eur"] > failed["amount_max_eur"]).all()
    assert len(tables(tmp_path / "out")["outcomes"]) == summary.ok
    again = run_sweep(exp, tmp_path / "out", workers=1)
    assert again.computed == 0, "a failed run is a result: it is not retried"


def _sweep_process(path: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "simcenter", "sweep", str(path), "--out", str(out), *extra],
                            cwd=REPO, env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_results(out: Path, proc: subprocess.Popen, timeout: float = 60) -> str:
    """Until the sweep has committed its first results: its write-ahead log grows past its size
    once the store is made, which is when the sweep names its engine (the log of the store's
    creation is written in several pieces: growing while it is written is no result). Return what
    the sweep printed on stderr until then (``proc.communicate`` gives the rest)."""
    deadline = time.monotonic() + timeout
    printed = _read_stderr_until(proc, "running on ", deadline)
    wal = out / "sweep.duckdb.wal"
    created = wal.stat().st_size if wal.exists() else 0
    while time.monotonic() < deadline and proc.poll() is None:
        if (wal.stat().st_size if wal.exists() else 0) > created:
            return printed
        time.sleep(0.02)
    raise AssertionError(f"the sweep stored nothing in time: {proc.poll()=}")


def _read_stderr_until(proc: subprocess.Popen, text: str, deadline: float) -> str:
    """Read the sweep's stderr (unbuffered, so that ``communicate`` later reads exactly the rest)
    until it has printed ``text``."""
    fd = proc.stderr.fileno()
    got = b""
    while text.encode() not in got:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"the sweep did not print {text!r} in time: {got.decode()}")
        if select.select([fd], [], [], min(remaining, 0.5))[0]:
            chunk = os.read(fd, 65536)
            if not chunk:
                raise AssertionError(f"the sweep ended before printing {text!r}: {got.decode()}")
            got += chunk
    return got.decode()


def _group_gone(pgid: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_a_sweep_killed_with_sigkill_resumes_to_exactly_the_uninterrupted_rows(long_reference, tmp_path):
    path, reference = long_reference
    out = tmp_path / "killed"
    proc = _sweep_process(path, out, "--workers", "2")
    try:
        _wait_for_results(out, proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        # The local workers notice their parent is gone and exit: nothing is left running.
        assert _group_gone(proc.pid), "worker processes outlived the killed sweep"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
    stored = count_runs(out)
    assert 0 < stored < LONG_TOTAL, f"not killed midway: {stored} of {LONG_TOTAL} stored"
    rerun = run_cli("sweep", str(path), "--out", str(out), "--workers", "2", timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"resuming: {stored} of {LONG_TOTAL} runs already stored" in rerun.stderr
    assert f"{LONG_TOTAL - stored} runs computed" in rerun.stdout
    assert_same_results(reference, out)


def test_ctrl_c_stops_cleanly_keeps_what_was_computed_and_resumes(long_reference, tmp_path):
    path, reference = long_reference
    out = tmp_path / "interrupted"
    proc = _sweep_process(path, out, "--workers", "2")
    try:
        printed = _wait_for_results(out, proc)
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal sends it: to every process of the group
        _, rest = proc.communicate(timeout=60)
        stderr = printed + rest
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and 'File "' not in stderr, stderr
    assert "runs are stored; run the same command again" in stderr
    stored = count_runs(out)
    assert 0 < stored < LONG_TOTAL
    assert _group_gone(proc.pid)
    summary = run_sweep(load_experiment(path), out, workers=2)
    assert summary.stored_before == stored and summary.complete
    assert_same_results(reference, out)


def _fork_server_of(pid: int) -> int | None:
    """The fork server process ``pid`` has started for its workers, if any yet."""
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"\nPPid:\t{pid}\n" in status.read_text() and \
                    b"multiprocessing.forkserver" in (status.parent / "cmdline").read_bytes():
                return int(status.parent.name)
        except OSError:  # ended meanwhile
            continue
    return None


def _ignores_ctrl_c(pid: int) -> bool:
    """Does process ``pid`` ignore SIGINT now (as it does for an instant while starting its fork server)?"""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:  # it has ended
        return False
    for line in lines:
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the fork server, and /proc, are Linux's")
@pytest.mark.parametrize("after", [0.3, 0.7])
def test_ctrl_c_while_the_workers_start_is_quiet(tmp_path, after):
    """A Ctrl-C while the pool is starting its first worker (the command waits for the fork server,
    which is still loading the model): the command stops at once, cleanly, and the worker it had
    asked for is not started for nobody later (it used to be, and to print multiprocessing's
    traceback, FileNotFoundError from SemLock, on the terminal the command had left)."""
    path = write_experiment(tmp_path, LONG_BODY, years=2)
    out = tmp_path / "out"
    proc = _sweep_process(path, out, "--workers", "2")
    try:
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline and \
                (_fork_server_of(proc.pid) is None or _ignores_ctrl_c(proc.pid)):
            time.sleep(0.01)
        assert proc.poll() is None and _fork_server_of(proc.pid), "the sweep started no fork server"
        time.sleep(after)  # the command now waits for its first worker: the server loads for a second or more
        os.killpg(proc.pid, signal.SIGINT)
        # Until every process writing to the terminal (the command's stderr) has ended, the
        # fork server and any worker included: what they would print is in ``stderr``.
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and 'File "' not in stderr, stderr
    assert "of 120 runs are stored; run the same command again" in stderr
    assert _group_gone(proc.pid), "a process of the sweep outlived it"


def test_sweep_analyze_export_from_the_command_line(reference, tmp_path):
    from simcenter.sweep import export

    path, _ = reference
    out = tmp_path / "cli"
    proc = run_cli("sweep", str(path), "--out", str(out), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "24 runs computed (24 ok, 0 failed)" in proc.stdout and f"next: simcenter analyze {out}" in proc.stdout
    proc = run_cli("analyze", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "closed (closed == 1) in" in proc.stdout
    assert (out / "analysis" / "analysis.md").is_file()
    export(out, "parquet", tmp_path / "pq")
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM '{tmp_path / 'pq' / 'outcomes.parquet'}'").fetchone()[0] == 24
    assert con.execute(f"SELECT count(*) FROM '{tmp_path / 'pq' / 'timeseries.parquet'}'").fetchone()[0] == 24 * 12
    export(out, "csv")
    experiments = (out / "export" / "experiments.csv").read_text(encoding="utf-8").splitlines()
    assert len(experiments) == 25 and experiments[0].startswith("point,replicate,seed,status,error")


def test_analyze_and_export_refuse_a_folder_without_a_sweep(tmp_path):
    proc = run_cli("export", str(tmp_path), "--to", "csv")
    assert proc.returncode == 2 and "holds no sweep results" in proc.stderr
    assert_no_traceback(proc)
    with english(), pytest.raises(InputError, match="holds no sweep results"):
        analyze(tmp_path)


def test_the_store_reopens_the_experiment_it_holds(reference):
    path, out = reference
    with Store.open(out) as store:
        assert store.experiment.hash() == load_experiment(path).hash()
        assert store.counts() == {"ok": 24, "failed": 0}
