"""One design's running model in a group's world: the world's seed as the commands derive it, and the
model advanced month by month with its outcomes kept (no Solara, no session state here)."""

from __future__ import annotations

import numpy as np

from simcenter import CenterModel, Scenario, replicate_seeds
from simcenter.metrics import INCOME_CATEGORIES, NAMES, income_categories


def world_seed(seed: int) -> int:
    """The model's seed for the page's ``seed``: replicate 1 of ``simcenter run --seed SEED`` (and of
    ``simcenter compare --seed SEED``), so ``simcenter run FILE --seed SEED --reps 1`` on an exported
    design replays the world on screen."""
    return replicate_seeds(seed, 1)[0]


class Run:
    """One design running month by month, with the history the charts need."""

    def __init__(self, config: Scenario, seed: int):
        self.config = config
        self.seed = seed  # as the page shows it; the model's own is world_seed(seed)
        self.model = CenterModel(scenario=config, rng=world_seed(seed), collect=False)
        self.categories = income_categories(config)
        self.income: list[np.ndarray] = []  # per month: income so far by category, EUR
        self.engagement: list[dict[str, float]] = []  # per month: partner id -> engagement

    @property
    def month(self) -> int:
        """Months simulated so far."""
        return min(self.model.steps, self.model.months)

    @property
    def months(self) -> int:
        """The horizon in months."""
        return self.model.months

    @property
    def finished(self) -> bool:
        """True once the horizon is reached."""
        return self.month >= self.months

    def step(self) -> None:
        """Simulate one more month (nothing once the horizon is reached)."""
        if self.finished:
            return
        self.model.step()
        by_source = self.model.ledger.income_by_source("center")
        row = np.zeros(len(INCOME_CATEGORIES))
        for source, cents in by_source.items():
            cat = self.categories.get(source)
            if cat is not None:
                row[INCOME_CATEGORIES.index(cat)] += cents / 100
        self.income.append(row)
        self.engagement.append({pid: p.engagement for pid, p in self.model.partners.items()})

    def advance_to(self, month: int) -> None:
        """Simulate until ``month`` months are done (or the horizon)."""
        while self.month < month and not self.finished:
            self.step()

    def series(self, name: str) -> np.ndarray:
        """Outcome ``name`` for every month simulated so far."""
        return self.model.timeseries[: self.month, NAMES.index(name)]

    def latest(self, name: str) -> float:
        """Outcome ``name`` in the latest month simulated (NaN before the first)."""
        return self.model.outcome(name) if self.month else float("nan")
