"""The problems found in one experiment file, each located at its line: FILE:LINE: path: message.

The models of ``sweep.schema`` report the file's shape through ``config.problems.validation_problems``;
the checks that need the base scenarios or the whole file add theirs here, located the same way
(``config.problems.locate``: a path's own line, or its nearest ancestor's), so that one list,
reported at once, holds both.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from simcenter.config.problems import locate, validation_problems
from simcenter.config.yamlsource import Locations
from simcenter.errors import Problem, format_path
from simcenter.i18n import t


class Report:
    """Every problem found in one experiment file so far."""

    def __init__(self, path: Path, name: str, locs: Locations):
        self.path, self.name, self.locs = path, name, locs
        self.problems: list[Problem] = []

    def line(self, where: tuple) -> int:
        """The line of ``where`` in the file (or of its nearest ancestor)."""
        return locate(where, self.locs)[1]

    def add(self, where: tuple, message: str, line: int | None = None) -> None:
        """A problem at ``where`` (at ``line`` when it belongs elsewhere than where's own line)."""
        self.problems.append(Problem(self.name, line or self.line(where), format_path(where), message))

    def shape(self, exc: ValidationError, data: dict, root) -> None:
        """The problems pydantic found in ``data`` (validated as the model ``root``), in the scenarios' words."""
        self.problems.extend(validation_problems(exc, data, self.locs, root))

    def in_base(self, problems: list[Problem], base: str) -> None:
        """Problems of a base scenario changed by the experiment, at their own files and lines."""
        self.problems.extend(Problem(p.file, p.line, p.path, t("sweep.in_base", base=base, message=p.message))
                             for p in problems)

    def item(self, where: tuple, i: int) -> tuple:
        """The path of the ``i``-th item at ``where``: ``where[i]``, or ``where`` itself when the file
        gives one value there for a list of it (``outcomes: cash_eur``)."""
        return where + (i,) if where + (i,) in self.locs else where

    def has(self, where: tuple) -> bool:
        """Whether a problem was found at ``where`` or inside it."""
        path = format_path(where)
        return any(p.path == path or p.path.startswith((path + ".", path + "[")) for p in self.problems)
