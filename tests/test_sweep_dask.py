"""Sweeps on Dask: a real scheduler and workers on 127.0.0.1 give the local engine's results, bit for bit.

A `dask scheduler` and two `dask worker` processes are started on free loopback ports for the
module (and always stopped); a worker killed in the middle of a sweep costs time, not results.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simcenter.errors import InputError
from simcenter.sweep import load_experiment, run_sweep
from support import assert_no_traceback, clean_env, english, run_cli
from sweep_support import assert_same_results, write_experiment

pytest.importorskip("distributed")

DASK = Path(sys.executable).parent / "dask"
BODY = """\
levers:
  legal_form: [association, cooperative]
uncertainties:
  funding.funders.hrdp_social_economy.p_success: {range: [0.05, 0.4]}
  behaviour.p_seek_mentoring: {distribution: normal, mean: 0.08, sd: 0.03, range: [0.02, 0.2]}
design: {method: latin_hypercube, samples: 10, levers: full_factorial}
replicates: 2
seed: 9
outcomes: [closed, months_operating, ventures_launched, served, cash_eur]
timeseries: [cash_eur, served]
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([str(DASK), *args], cwd=cwd, env=clean_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait(timeout=10)


def _worker(address: str, name: str, cwd: Path) -> subprocess.Popen:
    return _start(["worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                   "--name", name, "--death-timeout", "30"], cwd)


def _wait_for_workers(address: str, n: int, timeout: float = 60) -> None:
    from distributed import Client

    with Client(address, timeout="20s", set_as_default=False) as client:
        client.wait_for_workers(n, timeout=timeout)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A Dask scheduler and two single-threaded workers on free loopback ports."""
    folder = tmp_path_factory.mktemp("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [_start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], folder)]
    try:
        procs += [_worker(address, f"w{i}", folder) for i in (1, 2)]
        _wait_for_workers(address, 2)
        yield address, folder
    finally:
        for proc in reversed(procs):
            _stop(proc)


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    """The experiment swept by the local engine."""
    folder = tmp_path_factory.mktemp("local")
    path = write_experiment(folder, BODY)
    summary = run_sweep(load_experiment(path), folder / "out", workers=1)
    assert summary.ok == 40
    return path, folder / "out"


def test_a_sweep_on_a_dask_cluster_equals_the_local_one(cluster, local, tmp_path):
    address, _ = cluster
    path, reference = local
    summary = run_sweep(load_experiment(path), tmp_path / "dask", scheduler=address)
    assert summary.ok == 40 and summary.lost == 0 and summary.complete
    assert "2 workers" in summary.engine
    assert_same_results(reference, tmp_path / "dask")


def test_killing_a_worker_midway_still_completes_with_the_same_results(cluster, local, tmp_path):
    address, folder = cluster
    path, reference = local
    doomed = _worker(address, "doomed", folder)
    try:
        _wait_for_workers(address, 3)
        killed = []

        def progress(done: int, total: int) -> None:
            if done >= 4 and not killed:
                os.killpg(doomed.pid, signal.SIGKILL)
                killed.append(done)

        summary = run_sweep(load_experiment(path), tmp_path / "survivor", scheduler=address, progress=progress)
    finally:
        _stop(doomed)
    assert killed and killed[0] < 40, "the worker was not killed midway"
    assert summary.ok == 40 and summary.lost == 0 and summary.complete
    assert len(summary.workers_lost) == 1 and summary.workers_lost[0][0].startswith("tcp://127.0.0.1:")
    assert_same_results(reference, tmp_path / "survivor")


def test_sweep_command_on_a_local_dask_cluster(local, tmp_path):
    path, reference = local
    proc = run_cli("sweep", str(path), "--out", str(tmp_path / "lc"), "--cluster", "local", "--workers", "2",
                   timeout=180)
    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    assert "on Dask local cluster: 2 workers" in proc.stdout
    assert_same_results(reference, tmp_path / "lc")


def test_an_unreachable_scheduler_is_a_clear_error(local, tmp_path):
    path, _ = local
    address = f"tcp://127.0.0.1:{_free_port()}"
    start = time.monotonic()
    with english(), pytest.raises(InputError, match="cannot reach the Dask scheduler at"):
        run_sweep(load_experiment(path), tmp_path / "nowhere", scheduler=address)
    assert time.monotonic() - start < 30


@pytest.fixture
def bare_scheduler(tmp_path):
    """A Dask scheduler with no worker (yet)."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    proc = _start(["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], tmp_path)
    try:
        from distributed import Client

        deadline = time.monotonic() + 60
        while True:  # the scheduler is up once a client connects
            try:
                Client(address, timeout="2s", set_as_default=False).close()
                break
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        yield address
    finally:
        _stop(proc)


def test_a_scheduler_without_workers_stops_the_sweep_with_one_line(bare_scheduler, local, tmp_path):
    path, _ = local
    start = time.monotonic()
    proc = run_cli("sweep", str(path), "--out", str(tmp_path / "idle"), "--scheduler", bare_scheduler,
                   "--worker-timeout", "2", timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert_no_traceback(proc)
    assert proc.stderr.strip().splitlines()[-1] == (
        f"error: the Dask scheduler at {bare_scheduler} has no workers (waited 2 s): start one "
        f"(dask worker {bare_scheduler}) and run the same command again")
    assert time.monotonic() - start < 60


def test_a_cluster_left_without_workers_stops_keeping_every_finished_run(bare_scheduler, local, tmp_path):
    """The only worker dies midway: the sweep stops after --worker-timeout with one line, the store
    keeps what was finished, and the same command with a new worker completes it, bit for bit."""
    path, reference = local
    only = _worker(bare_scheduler, "only", tmp_path)
    try:
        _wait_for_workers(bare_scheduler, 1)
        killed = []

        def progress(done: int, total: int) -> None:
            if done >= 4 and not killed:
                os.killpg(only.pid, signal.SIGKILL)
                killed.append(done)

        with english(), pytest.raises(InputError, match=r"no Dask worker for 2 s \(the scheduler at .* has none "
                                                        r"left\); the runs computed so far are stored"):
            run_sweep(load_experiment(path), tmp_path / "halted", scheduler=bare_scheduler, progress=progress,
                      worker_timeout=2)
    finally:
        _stop(only)
    from sweep_support import count_runs

    assert 4 <= count_runs(tmp_path / "halted") < 40
    again = _worker(bare_scheduler, "again", tmp_path)
    try:
        _wait_for_workers(bare_scheduler, 1)
        summary = run_sweep(load_experiment(path), tmp_path / "halted", scheduler=bare_scheduler)
    finally:
        _stop(again)
    assert summary.stored_before >= 4 and summary.complete and summary.lost == 0
    assert_same_results(reference, tmp_path / "halted")


def test_the_summary_says_when_workers_were_lost(tmp_path, capsys):
    from simcenter.cli.commands import _print_sweep
    from simcenter.sweep.engine import SweepSummary

    summary = SweepSummary("x", tmp_path, engine="Dask", total=4, ok=4, seconds=2.0,
                           workers_lost=[("tcp://127.0.0.1:4001", "15:20:31")])
    with english():
        _print_sweep(summary, tmp_path)
        assert "1 worker lost at 15:20:31 (tcp://127.0.0.1:4001); the others did its runs" in capsys.readouterr().out
        summary.workers_lost.append(("tcp://127.0.0.1:4002", "15:21:02"))
        _print_sweep(summary, tmp_path)
    assert "2 workers lost, at 15:20:31 (tcp://127.0.0.1:4001), 15:21:02 (tcp://127.0.0.1:4002)" \
        in capsys.readouterr().out
