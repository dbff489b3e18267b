"""Local worker processes: a pool, started early and warmed up while the caller does other work.

Light on purpose (no numpy, pandas or Mesa at import): the command line starts the pool first,
and its own process never loads the model; the workers (or the fork server they come from) do.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import signal
import sys
import threading
import time
import weakref
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Sequence

from simcenter import quickexit


def default_workers() -> int:
    """All cores."""
    return max(1, os.cpu_count() or 1)


def local_executor(workers: int, warm: bool = False, method: str | None = None,
                   preload: Sequence[str] = ()) -> Executor:
    """A pool of local worker processes.

    On Linux, workers are forked from a server process ("forkserver": safe with threads, unlike a
    plain fork) that has imported the model and loaded its compiled loops once
    (``simcenter.run.preload``), so every worker starts warm in milliseconds, sharing that work
    instead of each repeating it (2-3 s of CPU a worker). Elsewhere (macOS, Windows) they are
    spawned, and with ``warm`` each imports the model and loads the compiled loops as it starts.

    Workers ignore Ctrl-C: the main process handles it, cancels what is queued and exits
    cleanly, instead of every worker printing its own traceback. They exit if the main process
    dies (``kill -9``), and when the pool shuts down they exit without tearing the interpreter
    down module by module (with the compiled loops and the plotting library loaded, that took
    0.6 s, which the main process spent waiting for them). ``start`` starts them now.
    ``method``: "forkserver" (where the OS has one) or "spawn" instead of the default (for tests).
    ``preload``: modules of the caller's tasks the workers import once (the fork server, or each
    spawned worker with ``warm``), besides the model.
    """
    check_main_guarded()
    context = _context(method, tuple(preload))
    forked = context.get_start_method() == "forkserver"
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(warm and not forked, os.getpid(), tuple(preload)))
    if forked:
        _ensure_server()
        _QUIET_START.add(pool)
    return pool


def _context(method: str | None = None, preload: tuple[str, ...] = ()):
    # The fork server by default on Linux only: macOS has one too, but forking a process that has
    # loaded Apple's frameworks (numpy's Accelerate) is unsafe there; its default is spawn.
    default = sys.platform.startswith("linux") and method is None
    if (default or method == "forkserver") and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["simcenter.run.preload", *preload])
        return context
    if method not in (None, "spawn"):
        raise ValueError(f"start method {method!r}: forkserver (where the OS has it) or spawn")
    return multiprocessing.get_context("spawn")


class UnguardedMain(RuntimeError):
    """A pool started from the top level of a script without ``if __name__ == "__main__":``."""


def check_main_guarded() -> None:
    """Refuse, with one clear error, to start worker processes from a script's top-level code that
    is not under ``if __name__ == "__main__":``.

    The fork server (and a spawned worker) imports the script that ``python`` ran, to find what it
    defines: unguarded, the script's top level runs again there and starts a pool of its own, which
    multiprocessing refuses with a RuntimeError about "bootstrapping" in a process the user never
    sees; the workers die and the command says only that. Seen from here, the call comes from a line
    of the script's top level (the outermost frame whose globals are ``__main__``'s): if that line is
    not inside such a guard, say so now, naming the script and the line. Only scripts run by path
    (``python script.py``): a module run with ``-m``, ``python -c`` and notebooks are not re-run."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if main is None or not path or getattr(main, "__spec__", None) is not None:
        return
    frame, line = sys._getframe(1), None
    while frame is not None:
        if frame.f_globals is main.__dict__ and frame.f_code.co_name == "<module>":
            line = frame.f_lineno
        frame = frame.f_back
    if line is None or _guarded(path, line):
        return
    from simcenter.i18n import t

    raise UnguardedMain(t("run.unguarded_main", file=os.path.basename(path), line=line))


def _guarded(path: str, line: int) -> bool:
    """Is ``line`` of the script ``path`` inside an ``if __name__ == "__main__":`` block at its top
    level? (A script that cannot be read or parsed is given the benefit of the doubt.)"""
    import ast

    try:
        with open(path, "rb") as fh:
            tree = ast.parse(fh.read())
    except (OSError, SyntaxError, ValueError):
        return True
    for node in tree.body:
        if isinstance(node, ast.If) and _is_main_test(node.test) and node.body:
            if node.body[0].lineno <= line <= (node.body[-1].end_lineno or node.body[-1].lineno):
                return True
    return False


def _is_main_test(test) -> bool:
    import ast

    if not (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)):
        return False
    sides = [test.left, test.comparators[0]]
    return any(isinstance(x, ast.Name) and x.id == "__name__" for x in sides) and \
        any(isinstance(x, ast.Constant) and x.value == "__main__" for x in sides)


OWNER_ENV = "SIMCENTER_POOL_OWNER"
"""Tells the fork server which process started it (``server_owner``)."""


def _ensure_server() -> None:
    """Start the fork server now (it loads the model while the caller does other work), ignoring
    Ctrl-C: it keeps ignoring it (while loading too) and so do the workers it forks; a Ctrl-C
    reaches only the main process, which stops them. The server is told this process's id
    (``server_owner``), in its environment."""
    from multiprocessing import forkserver

    previous = os.environ.get(OWNER_ENV)
    os.environ[OWNER_ENV] = str(os.getpid())
    try:
        with ctrl_c_ignored():
            forkserver.ensure_running()
    finally:
        if previous is None:
            os.environ.pop(OWNER_ENV, None)
        else:
            os.environ[OWNER_ENV] = previous


def server_owner() -> int:
    """In the fork server: the process that started it (``_ensure_server``), even if that one has
    already ended (the parent process id is then another)."""
    try:
        return int(os.environ[OWNER_ENV])
    except (KeyError, ValueError):
        return os.getppid()


@contextlib.contextmanager
def ctrl_c_ignored():
    """Ignore Ctrl-C (SIGINT) inside the block, in the main thread (elsewhere signal handlers
    cannot be changed, and Ctrl-C reaches only the main thread anyway); processes started inside
    inherit "ignore"."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


_QUIET_START: weakref.WeakSet = weakref.WeakSet()
"""Pools whose workers ignore Ctrl-C from their very start (forked by a server that does)."""


def start(pool: Executor, workers: int) -> None:
    """Start ``workers`` processes of ``pool`` now, from a background thread (a pool starts them
    only as work arrives, and starting one waits for the fork server to be ready)."""
    threading.Thread(target=_start_processes, args=(pool, workers), name="pool-start", daemon=True).start()


def _start_processes(pool: Executor, workers: int) -> None:
    try:
        submit_all(pool, _nothing, [()] * workers)
    except RuntimeError:  # the pool was shut down meanwhile (a Ctrl-C, bad input): nothing to start
        pass


def _nothing() -> None:
    return None


def _init_worker(warm: bool = False, main: int | None = None, preload: tuple[str, ...] = ()) -> None:
    quickexit.register().set(0)  # first registered, so it runs last: every other exit handler runs before
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if main is not None:
        threading.Thread(target=_watch_main, args=(main,), name="main-watch", daemon=True).start()
    if warm:
        warm_up()
        for module in preload:
            importlib.import_module(module)


def warm_up() -> None:
    """Import the model and the runner, and load every compiled loop (a small model run)."""
    from simcenter.run.warm import compile_all

    compile_all()


def _watch_main(main: int) -> None:
    """Exit once the main process has died. (Not only when this process's parent changes: a
    forked worker's parent is the fork server, which lives as long as any worker does.)"""
    while True:
        time.sleep(1.0)
        if not _alive(main):
            os._exit(0)


@contextlib.contextmanager
def ended_with(main: int, every: float = 0.1):
    """Inside the block, end this process at once if the main process ``main`` ends.

    For the fork server while it loads the model (a second or two; far longer while the compiled
    loops are not cached yet): a Ctrl-C then ends the command at once, and the server must not go
    on loading and then fork, for nobody, the worker the command had asked for just before (the
    request outlives the command). The watching thread is stopped and joined when the block ends:
    the server forks its workers with no other thread running."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(every):
            if not _alive(main):
                os._exit(0)

    thread = threading.Thread(target=watch, name="main-watch", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def quiet_once_ended(main: int, grace: float = 5.0) -> None:
    """Print no error that reaches this process's top level (``sys.excepthook``) once the main
    process ``main`` has ended, or ends within ``grace`` seconds; print the others as before.

    For the fork server, whose workers inherit it: a worker the command asked for just before a
    Ctrl-C may be forked after the command has stopped waiting for it, and then its start fails
    (the pool's locks it opens are gone with the command: ``FileNotFoundError`` from ``SemLock``),
    which multiprocessing prints as a traceback on the terminal the command has left cleanly.
    Nobody waits for that worker: it ends quietly."""
    default = sys.excepthook

    def hook(kind, value, tb) -> None:
        if not _ends(main, grace):
            default(kind, value, tb)

    sys.excepthook = hook


def _ends(pid: int, within: float) -> bool:
    """Has process ``pid`` ended, or does it end within ``within`` seconds?"""
    deadline = time.monotonic() + within
    while _alive(pid):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (dead, not yet reaped) has exited too; Linux shows it in /proc
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def submit_all(pool: Executor, fn, tasks: Sequence[tuple]) -> list:
    """Submit ``fn(*task)`` for every task. While spawned workers start, Ctrl-C is ignored in the
    parent: processes started then inherit "ignore", so a Ctrl-C never reaches a worker that is
    still importing (where it would print a traceback); the parent handles Ctrl-C afterwards.
    (Workers forked by the fork server ignore it from the start: nothing to do.)"""
    if pool in _QUIET_START:
        return [pool.submit(fn, *task) for task in tasks]
    with ctrl_c_ignored():
        return [pool.submit(fn, *task) for task in tasks]
