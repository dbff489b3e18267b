"""Local worker processes (simcenter.run.pool): how they start, stop and die with their parent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from simcenter.run.pool import _alive, local_executor  # _alive: dead or a zombie is not alive

from conftest import ROOT


class _Teardown:
    """Writes its file when destroyed: at the latest when the interpreter is torn down."""

    def __init__(self, path: str):
        self.path = path

    def __del__(self):
        Path(self.path).write_text("torn down", encoding="utf-8")


def _register_exit_file(path: str) -> int:
    """Run in a worker: an exit handler registered after the pool's own must still run; an object
    left in a module is destroyed only if the interpreter is torn down module by module."""
    import atexit

    atexit.register(lambda: Path(path).write_text("ran", encoding="utf-8"))
    sys.modules[__name__].__dict__.setdefault("_kept", []).append(_Teardown(path + ".teardown"))
    return os.getpid()


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_workers_exit_cleanly_without_teardown(tmp_path, method):
    """Spawned workers run every exit handler a task registered, then end without the interpreter's
    teardown; workers forked by the fork server end without either (Python 3.12's fork server
    ends them with ``os._exit``)."""
    pool = local_executor(2, method=method)
    marks = [str(tmp_path / f"exit{k}") for k in range(4)]
    pids = set(pool.map(_register_exit_file, marks))
    processes = list(pool._processes.values())  # noqa: SLF001 - to read their exit codes
    pool.shutdown(wait=True)
    assert pids and all(p.exitcode == 0 for p in processes)
    if method == "spawn":
        assert [m for m in marks if Path(m).exists()] == marks  # every handler ran before the quick exit
    assert not any(Path(m + ".teardown").exists() for m in marks)  # no module-by-module teardown


def test_starting_a_pool_already_shut_down_is_quiet(monkeypatch):
    """The command starts its workers from a background thread; a Ctrl-C or bad input may shut
    the pool down before that thread has handed out its start-up tasks: no error in that thread."""
    import threading

    from simcenter.run.pool import start

    errors = []
    monkeypatch.setattr(threading, "excepthook", lambda args: errors.append(args.exc_value))
    pool = local_executor(2)
    pool.shutdown(wait=False, cancel_futures=True)
    before = set(threading.enumerate())
    start(pool, 2)
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=10)
    assert errors == []


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_workers_and_fork_server_exit_when_the_main_process_is_killed(method):
    code = ("import sys, time\nfrom simcenter.run.pool import local_executor, start\n"
            "pool = local_executor(2, method=sys.argv[1])\nstart(pool, 2)\n"
            "while len(pool._processes) < 2 or not all(p.pid for p in pool._processes.values()):\n"
            "    time.sleep(0.05)\n"
            "from multiprocessing import forkserver\n"
            "server = [forkserver._forkserver._forkserver_pid] if sys.argv[1] == 'forkserver' else []\n"
            "print(' '.join(str(p) for p in [*pool._processes, *server]), flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code, method], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == (3 if method == "forkserver" else 2) and all(_alive(p) for p in pids)
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)


def _entry(tmp_path, body: str) -> subprocess.CompletedProcess:
    """Run the console entry point with ``simcenter.cli.main.main`` replaced by ``body``."""
    code = ("import atexit, sys\nfrom pathlib import Path\nimport importlib\nm = importlib.import_module('simcenter.cli.main')\n"
            "from simcenter.cli import entry\nimport os\nclass Teardown:\n"
            "    def __init__(self):\n        self.make = (os.open, os.close, str(Path(sys.argv[1], 'teardown')))\n"
            "    def __del__(self):\n        o, c, p = self.make\n        c(o(p, os.O_WRONLY | os.O_CREAT))\n"
            "kept = Teardown()\n"
            "def fake():\n" + "".join(f"    {line}\n" for line in body.splitlines()) +
            "m.main = fake\nentry.run()\n")
    return subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, cwd=ROOT)


def test_the_command_exits_with_its_code_after_every_exit_handler_and_without_teardown(tmp_path):
    proc = _entry(tmp_path, "atexit.register(lambda: Path(sys.argv[1], 'handler').write_text('x'))\n"
                            "print('out', end='')\nreturn 3")
    assert proc.returncode == 3 and proc.stdout == "out"  # the code, and the output flushed
    assert (tmp_path / "handler").exists() and not (tmp_path / "teardown").exists()
    assert _entry(tmp_path, "sys.exit(2)").returncode == 2  # argparse's usage errors
    # A Ctrl-C before the command handles it (while the command line is read): quietly, 130.
    interrupted = _entry(tmp_path, "raise KeyboardInterrupt")
    assert interrupted.returncode == 130 and interrupted.stderr == "" and interrupted.stdout == ""
    assert _entry(tmp_path, "return 0").returncode == 0
    failed = _entry(tmp_path, "raise RuntimeError('boom')")
    assert failed.returncode == 1 and "boom" in failed.stderr
    message = _entry(tmp_path, "sys.exit('bad thing')")
    assert message.returncode == 1 and "bad thing" in message.stderr


def _ended_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_an_error_once_the_main_process_has_ended_is_not_printed():
    """The fork server's hook (``quiet_once_ended``): a worker the command asked for just before a
    Ctrl-C, started after the command has ended, fails quietly; while the command lives, an error
    is printed as before."""
    code = ("import sys\nfrom simcenter.run.pool import quiet_once_ended\n"
            "quiet_once_ended(int(sys.argv[1]), grace=0.2)\nraise FileNotFoundError('the pool is gone')\n")
    ended = subprocess.run([sys.executable, "-c", code, str(_ended_pid())], capture_output=True, text=True, cwd=ROOT)
    assert ended.returncode == 1 and ended.stderr == ""
    alive = subprocess.run([sys.executable, "-c", code, str(os.getpid())], capture_output=True, text=True, cwd=ROOT)
    assert alive.returncode == 1 and "Traceback" in alive.stderr and "the pool is gone" in alive.stderr


def test_the_fork_server_ends_while_loading_when_the_main_process_has_ended():
    """``ended_with``: a fork server still loading the model ends as soon as the command has ended
    (instead of loading on, then forking for nobody the worker asked for before a Ctrl-C); when
    the block ends, the watching thread is gone (the server forks with no other thread)."""
    code = ("import sys, time\nfrom simcenter.run.pool import ended_with\n"
            "with ended_with(int(sys.argv[1]), every=0.02):\n    time.sleep(30)\nprint('loaded on')\n")
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", code, str(_ended_pid())], capture_output=True, text=True, cwd=ROOT,
                          timeout=20)
    assert proc.returncode == 0 and proc.stdout == "" and time.monotonic() - start < 10
    code = ("import os, sys, threading\nfrom simcenter.run.pool import ended_with\n"
            "with ended_with(os.getppid(), every=0.02):\n    pass\nprint(threading.active_count())\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=20)
    assert proc.returncode == 0 and proc.stdout.strip() == "1", proc.stderr
