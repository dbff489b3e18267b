"""Comparing designs: every scenario over the same seeds (paired replicates), results saved.

Replicate i of every design uses the same seed, so the people, their needs and every
exogenous event are the same across designs: differences between designs are paired. The
saved folder holds everything the report needs (``simcenter report DIR`` rebuilds it
without running anything).
"""

from __future__ import annotations

import importlib

WORKER_MODULES = ("simcenter.comparison.running",)
"""What a comparison's worker processes import once, besides the model (``local_executor``):
defined here, importable without loading the rest (the command starts its pool first)."""

_LAZY = {"compare": "command", "check_output": "command", "Design": "designs", "default_baseline": "designs", "load_designs": "designs",
         "run_comparison": "running", "save": "saving"}
__all__ = ["WORKER_MODULES", *_LAZY]


def __getattr__(name: str):
    """The package's names, imported when first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simcenter.comparison' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"simcenter.comparison.{module}"), name)
    globals()[name] = value
    return value
