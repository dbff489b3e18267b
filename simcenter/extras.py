"""Optional dependencies: every lazy import of an extra goes through ``require``, so that a missing
one is one line naming the ``pip install`` that brings it (exit code 2), not an internal error.

The extras' names are pyproject.toml's ``[project.optional-dependencies]``: ``analysis`` (SALib,
EMA Workbench, DuckDB) and ``cluster`` (Dask).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from simcenter.errors import InputError, Problem
from simcenter.i18n import t

EXTRAS = {
    "SALib": ("analysis", "SALib"),
    "ema_workbench": ("analysis", "EMA Workbench"),
    "duckdb": ("analysis", "DuckDB"),
    "dask": ("cluster", "Dask"),
    "distributed": ("cluster", "Dask distributed"),
}
"""Top-level module -> (the extra that installs it, its name for people)."""


@dataclass(frozen=True, order=True)
class Notice(Problem):
    """A problem that is not in a file: printed as its message alone."""

    def __str__(self) -> str:
        return t("extras.error", message=self.message)


class MissingExtra(InputError, ImportError):
    """An optional dependency is not installed. An ``InputError`` (the command line exits 2 with one
    line) and an ``ImportError`` (code that goes on without an extra, ``except ImportError``, still does)."""

    def __init__(self, module: str, extra: str, what: str):
        self.module, self.extra, self.what = module, extra, what
        super().__init__([Notice(module, 1, "", t("extras.missing", what=what, extra=extra))])


def missing(exc: ImportError, wanted: str) -> MissingExtra | ImportError:
    """The ``MissingExtra`` that ``exc`` (raised importing ``wanted``) stands for, or ``exc`` itself
    when the module that is missing belongs to no extra."""
    for name in (exc.name or "", wanted):
        top = name.split(".")[0]
        if top in EXTRAS:
            return MissingExtra(top, *EXTRAS[top])
    return exc


def require(module: str) -> ModuleType:
    """Import ``module`` (``"SALib.sample.sobol"``) of an optional extra.

    Raises:
        MissingExtra: it (or a module it needs) is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise missing(exc, module) from None
