"""Errors that reach users: one line each, ``FILE:LINE: dotted.path: message``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file, located precisely enough to fix it."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.path or '(root)'}: {self.message}"


class InputError(Exception):
    """Bad input (a scenario, an experiment, a command-line value). The CLI exits with code 2."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.path, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(parts: tuple) -> str:
    """Render a location tuple as a dotted path, with ``[i]`` for list items."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out
