"""Local worker processes (simcenter.pool): how they start, stop and die with their parent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from simcenter.pool import local_executor

from conftest import ROOT


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")  # a zombie has exited


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


def test_workers_run_every_exit_handler_then_exit_without_teardown(tmp_path):
    pool = local_executor(2)
    marks = [str(tmp_path / f"exit{k}") for k in range(4)]
    pids = set(pool.map(_register_exit_file, marks))
    processes = list(pool._processes.values())  # noqa: SLF001 - to read their exit codes
    pool.shutdown(wait=True)
    assert pids and all(p.exitcode == 0 for p in processes)
    ran = [m for m in marks if Path(m).exists()]
    assert ran == marks  # every handler a task registered ran before the quick exit
    assert not any(Path(m + ".teardown").exists() for m in marks)  # no module-by-module teardown


def test_workers_exit_when_the_parent_is_killed():
    code = ("import time\nfrom simcenter.pool import local_executor, start\n"
            "import os\npool = local_executor(2)\nstart(pool, 2)\n"
            "print(' '.join(str(p) for p in pool._processes), flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(p) for p in pids)
