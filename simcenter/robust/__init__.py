"""Robust decision making: which design holds up across futures.

``robust`` runs every design over the same Latin-hypercube sample of futures (values of uncertain
parameters: funding success, call sizes, uptake, municipal politics, salaries, rent) and the same
seeds, and reports per design its regret (shortfall from the best design of each future), the
share of futures in which it meets the board's thresholds, and where it fails (PRIM boxes).
"""

from __future__ import annotations

import importlib

_LAZY = {"robust": "command", "load_thresholds": "thresholds", "regret": "measures",
         "satisficing_share": "measures", "sample_futures": "futures"}
__all__ = list(_LAZY)


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'simcenter.robust' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"simcenter.robust.{module}"), name)
    globals()[name] = value
    return value
