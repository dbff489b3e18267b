"""One run of the model as a picklable task (``Run``), and what comes back (``RunResult``): what
``simcenter run``, ``compare`` and ``sweep`` send to a worker, on this machine or a cluster.

``execute`` is a top-level, pure function of its ``Run``: the scenario travels with the task (no
file is read on the worker), changes are applied there (``prepare``), and the run is seeded with
the task's seed. Light on purpose: importing this module loads neither the model nor pandas.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from simcenter.config.schema import Scenario

MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class Keep:
    """What a run sends back, besides its status: the final value of ``outcomes`` (None: every
    outcome), the monthly values of ``series`` (None: every outcome; (): none), the monthly income
    by category (``metrics.INCOME_CATEGORIES``), every money movement of the ledger, and what became
    of each of the plan's dated actions."""

    outcomes: tuple[str, ...] | None = None
    series: tuple[str, ...] | None = None
    income: bool = False
    ledger: bool = False
    plan: bool = False


@dataclass(frozen=True)
class Run:
    """A run to do: ``scenario`` (after ``prepare``, if given, on the worker) with ``seed``; ``key``
    is the caller's name for it ((replicate,), (design, replicate), (point, replicate)). With
    ``catch``, an error of the run comes back as a failed result instead of an exception (a sweep
    goes on)."""

    key: tuple
    scenario: Scenario
    seed: int
    keep: Keep = field(default_factory=Keep)
    prepare: Callable[[Scenario], Scenario] | None = None
    catch: bool = False


@dataclass
class RunResult:
    """What one run produced: its status ("ok", "failed": the run raised, "lost": the machine
    running it failed), and what its ``Keep`` asked for."""

    key: tuple
    scenario: str
    seed: int
    status: str = "ok"
    error: str | None = None
    seconds: float = 0.0
    kpis: dict[str, float] | None = None
    series: np.ndarray | None = None  # months x series_names
    series_names: tuple[str, ...] = ()
    income: np.ndarray | None = None  # months x INCOME_CATEGORIES, EUR
    ledger_rows: dict[str, list] | None = None  # month, source, destination, kind, amount_eur
    network_edges: int = 0
    plan: list[dict] | None = None  # per plan action: planned, action, done (month or None), status
    closure_reason: str = ""  # why the centre closed ("" while open)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def timeseries(self) -> pd.DataFrame:
        """The kept monthly values as a table: month, one column per outcome."""
        import pandas as pd

        frame = pd.DataFrame(self.series, columns=list(self.series_names))
        frame.insert(0, "month", np.arange(len(frame)))
        return frame

    @property
    def ledger(self) -> pd.DataFrame:
        """Every money movement as a table: month, source, destination, kind, amount_eur."""
        import pandas as pd

        return pd.DataFrame(self.ledger_rows or {}, columns=["month", "source", "destination", "kind", "amount_eur"])


def execute(run: Run) -> RunResult:
    """Do one run; return what its ``Keep`` asks for. The model is imported here, on the worker."""
    start = time.perf_counter()
    try:
        scenario = run.prepare(run.scenario) if run.prepare is not None else run.scenario
        model = run_model(scenario, run.seed)
    except Exception as exc:
        if not run.catch:
            raise
        return RunResult(run.key, run.scenario.name, run.seed, "failed", describe(exc), time.perf_counter() - start)
    return reduce(model, run, time.perf_counter() - start)


def run_model(scenario: Scenario, seed: int, levers: dict | None = None):
    """Run one scenario with one seed to the end of its horizon; return the model.

    Raises:
        RuntimeError: if the run's ledger does not balance (a bug: money was created or lost).
    """
    from simcenter.model import CenterModel  # here: importing this module loads no model

    model = CenterModel(scenario, rng=int(seed), collect=False, **(levers or {}))
    model.run_to_end()
    problems = model.verify_ledger()
    if problems:
        raise RuntimeError(f"ledger does not balance for seed {seed}: {problems[0]}")
    return model


def reduce(model, run: Run, seconds: float = 0.0) -> RunResult:
    """The result of ``run``, finished as ``model``, that took ``seconds``."""
    from simcenter import metrics

    keep = run.keep
    timeseries = model.timeseries[: model.months]
    last = dict(zip(metrics.NAMES, timeseries[-1].tolist()))
    kpis = last if keep.outcomes is None else {name: float(last[name]) for name in keep.outcomes}
    if keep.series is None:
        names, series = metrics.NAMES, timeseries
    else:
        names = tuple(keep.series)
        series = timeseries[:, [metrics.NAMES.index(n) for n in names]] if names else None
    income = None
    if keep.income:
        income = np.zeros((model.months, len(metrics.INCOME_CATEGORIES)))
        column = {src: metrics.INCOME_CATEGORIES.index(cat) for src, cat in metrics.income_categories(model.config).items()}
        # Money into the centre from a known source, by month and category, in EUR (cents / 100),
        # added in the ledger's order.
        for month, src, cents in model.ledger.inflows("center"):
            k = column.get(src)
            if k is not None:
                income[month, k] += cents / 100
    plan = [dict(entry) for entry in model.governance.plan_log] if keep.plan else None
    return RunResult(run.key, model.config.name, int(run.seed), "ok", None, seconds, kpis, series, names, income,
                     model.ledger.rows() if keep.ledger else None, model.network.number_of_edges(), plan,
                     model.center.closure_reason)


def describe(exc: BaseException) -> str:
    """An exception as one bounded line of text."""
    text = f"{type(exc).__name__}: {exc}".replace("\r", " ").replace("\n", "; ")
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"
