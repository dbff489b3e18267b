"""Ending a process without tearing the interpreter down.

With numpy, pandas, Mesa, the compiled loops and matplotlib loaded, Python's own shutdown
(destroying every module and object one by one) takes about half a second, which nobody needs:
files are written and closed by then. ``register`` installs, as the first exit handler (so it runs
last, after every handler registered later: multiprocessing's clean-up, logging, temporary
folders...), a handler that flushes the standard streams and ends the process at once.
"""

from __future__ import annotations

import atexit
import os
import sys


class ExitCode:
    """The code the process ends with; 1 (an uncaught error) until set."""

    def __init__(self) -> None:
        self.value = 1

    def set(self, value: object) -> None:
        """The code ``sys.exit(value)`` gives: 0 for None, the number, else 1 (a message)."""
        self.value = 0 if value is None else value if isinstance(value, int) else 1


def register() -> ExitCode:
    """Install the quick exit; return the object that holds the code it exits with."""
    code = ExitCode()
    atexit.register(_exit_now, code)
    return code


def _exit_now(code: ExitCode) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):
            pass
    os._exit(code.value)
