"""Robust decision making: which design holds up across futures.

``robust`` runs every design over the same Latin-hypercube sample of futures (values of uncertain
parameters: funding success, call sizes, uptake, municipal politics, salaries, rent) and the same
seeds, and reports per design its regret (shortfall from the best design of each future), the
share of futures in which it meets the board's thresholds, and where it fails (PRIM boxes).
Imported only when used (``simcenter.robustness``), so loading it eagerly here costs nothing else.
"""

from __future__ import annotations

from simcenter.robust.command import robust
from simcenter.robust.thresholds import load_thresholds

__all__ = ["load_thresholds", "robust"]
