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
    assert _entry(tmp_path, "return 0").returncode == 0
    failed = _entry(tmp_path, "raise RuntimeError('boom')")
    assert failed.returncode == 1 and "boom" in failed.stderr
    message = _entry(tmp_path, "sys.exit('bad thing')")
    assert message.returncode == 1 and "bad thing" in message.stderr
