"""Errors that reach users: one line each, ``FILE:LINE: dotted.path: message``."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located precisely enough to fix it."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{printable(self.file)}:{self.line}: {printable(self.path) or '(root)'}: {printable(self.message)}"


class InputError(Exception):
    """Bad input (a scenario, an experiment, a command-line value). The CLI exits with code 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.path, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class InputWarning(UserWarning):
    """Input that is valid but does something the user may not expect (e.g. plan actions left out by
    a shorter horizon). The CLI prints it as one ``warning:`` line; it carries a located ``Problem``."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(str(problem))


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a service manager, a closing session), raised in the main thread by the
    command line's handler: a ``KeyboardInterrupt``, so that it stops the work and runs the same
    clean-up as Ctrl-C (a partial folder removed, queued runs cancelled); the command exits 143."""


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on escaped (``\\n``, ``\\x1b``, ``\\u202e``),
    so that a name from a file (a scenario, a key, a file name) cannot break a message into lines,
    move the cursor, recolour the terminal or reverse the text that follows. Printable text, Cyrillic
    included, is unchanged, and so are the spaces that do not break (Bulgarian groups thousands with
    one: ``simcenter.i18n.format_number``)."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c in SPACES else repr(c)[1:-1] for c in text)


SPACES = " \u00a0\u202f"
"""The spaces ``printable`` keeps: the space, the no-break space and the narrow no-break space."""


def format_path(parts: tuple) -> str:
    """Render a location tuple as a dotted path, with ``[i]`` for list items."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_path(dotted: str) -> tuple:
    """A dotted path as a location tuple, the inverse of ``format_path``: ``"plan.0.month"`` ->
    ``("plan", 0, "month")``. Only ASCII digits index lists: ``str.isdigit`` also accepts ``²``,
    which ``int`` refuses."""
    return tuple(int(p) if is_index(p) else p for p in dotted.split("."))


def is_index(part: str) -> bool:
    """Is one part of a dotted path a list index (ASCII digits)?"""
    return part.isascii() and part.isdigit()


@contextlib.contextmanager
def writing_to(path: str | os.PathLike):
    """Name ``path`` in an ``OSError`` raised while it is written.

    A write that fails (a full disk, a quota) raises an ``OSError`` that names no file, and the
    CLI answers a failed system call with one line naming the file (exit 2).
    """
    try:
        yield
    except OSError as exc:
        if exc.filename is None and exc.errno is not None:
            raise OSError(exc.errno, exc.strerror, os.fspath(path)) from exc
        raise
