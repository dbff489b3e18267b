"""Helpers for the app's tests: a deadline for calls a regression could make hang, and a named pipe."""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager

DEADLINE_SECONDS = 10.0
"""Far more than any guarded read takes; a call still running by then is stuck."""


def within(seconds: float, call, *args, **kwargs):
    """``call(*args, **kwargs)`` in a daemon thread: its result, its exception, or a failed test after ``seconds``.

    A daemon thread stuck in a read cannot keep the test run from ending; ``fifo`` below also
    wakes such a reader when its test ends.
    """
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name=f"within-{getattr(call, '__name__', 'call')}")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise AssertionError(f"{getattr(call, '__name__', call)} still running after {seconds:g} s: it hangs")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@contextmanager
def fifo(path):
    """A named pipe at ``path`` that nobody writes to; at the end, any reader stuck on it is woken."""
    os.mkfifo(path)
    try:
        yield path
    finally:
        try:  # a reader blocked in open() or read() returns once a writer comes and goes
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass  # no reader: nothing to wake
