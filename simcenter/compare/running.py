"""Running a comparison: every design over the same seeds (paired replicates), reduced to what
the comparison keeps."""

from __future__ import annotations

import time
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import numpy as np

from simcenter import metrics
from simcenter.compare.designs import Design
from simcenter.config.schema import Scenario
from simcenter.rng import replicate_seeds
from simcenter.run.pool import default_workers, local_executor, submit_all


@dataclass
class TaskResult:
    """What a worker sends back for one (design, seed): small, so parallel runs stay cheap."""

    design: int
    replicate: int
    seed: int
    kpis: dict[str, float]
    timeseries: np.ndarray  # months x outcomes
    income: np.ndarray  # months x metrics.INCOME_CATEGORIES, EUR
    seconds: float


def run_task(design: int, replicate: int, scenario: Scenario, seed: int) -> TaskResult:
    """Run one design with one seed and reduce it to what a comparison keeps (picklable)."""
    from simcenter.run.runner import run_model

    start = time.perf_counter()
    model, _ = run_model(scenario, seed)
    seconds = time.perf_counter() - start
    months = scenario.horizon.months
    income = np.zeros((months, len(metrics.INCOME_CATEGORIES)))
    column = {src: metrics.INCOME_CATEGORIES.index(cat) for src, cat in metrics.income_categories(scenario).items()}
    # Money into the centre from a known source, by month and category, in EUR (cents / 100),
    # added in the ledger's order (what ``np.add.at`` over ``simulate``'s ledger table gives).
    for month, src, cents in model.ledger.inflows("center"):
        k = column.get(src)
        if k is not None:
            income[month, k] += cents / 100
    timeseries = model.timeseries[: model.months]
    kpis = dict(zip(metrics.NAMES, timeseries[-1].tolist()))
    return TaskResult(design, replicate, seed, kpis, timeseries, income, seconds)


def run_replicate(replicate: int, seed: int, designs: Sequence[tuple[int, Scenario]]) -> list[TaskResult]:
    """Run designs (index, scenario) with one replicate's seed, one after the other (one task for a
    worker instead of several small ones)."""
    return list(_replicate_runs(replicate, seed, designs))


def _replicate_runs(replicate: int, seed: int, designs: Sequence[tuple[int, Scenario]]) -> Iterator[TaskResult]:
    """``run_replicate``, a run at a time."""
    for i, scenario in designs:
        yield run_task(i, replicate, scenario, seed)


def _replicate_tasks(designs: Sequence[Design], seeds: Sequence[int], workers: int) -> list[tuple]:
    """``run_replicate`` tasks: a replicate's designs together, split into smaller groups when there
    are too few replicates to keep every worker busy (at least four tasks a worker)."""
    indexed = [(i, d.scenario) for i, d in enumerate(designs)]
    parts = min(len(indexed), max(1, -(-4 * workers // len(seeds))))
    size = -(-len(indexed) // parts)
    return [(r, s, indexed[k: k + size]) for r, s in enumerate(seeds) for k in range(0, len(indexed), size)]


def run_comparison(designs: Sequence[Design], reps: int, seed: int, workers: int | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   pool: Executor | None = None, meanwhile: Callable[[], object] | None = None) -> list[TaskResult]:
    """Run every design over the same ``reps`` seeds; results ordered by (design, replicate).

    The designs of one replicate run together (``run_replicate``: they share its random
    numbers). ``pool``: worker processes to use (left running for the caller); else ``workers``
    local ones are started and stopped here. ``meanwhile``: called once the runs are handed out
    (work for this process while the workers run), or first when there are no workers.
    """
    seeds = replicate_seeds(seed, reps)
    total = len(designs) * len(seeds)
    workers = workers or default_workers()
    out: list[TaskResult] = []
    if pool is None and (workers <= 1 or total <= 1):
        if meanwhile:
            meanwhile()
        indexed = [(i, d.scenario) for i, d in enumerate(designs)]
        for r, s in enumerate(seeds):
            for result in _replicate_runs(r, s, indexed):
                out.append(result)
                if progress:
                    progress(len(out), total)
    else:
        own_pool = pool is None
        if own_pool:
            pool = local_executor(min(workers, total), preload=(__name__,))
        futures = submit_all(pool, run_replicate, _replicate_tasks(designs, seeds, workers))
        try:
            if meanwhile:
                meanwhile()
            for fut in as_completed(futures):
                out.extend(fut.result())
                if progress:
                    progress(len(out), total)
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise
        finally:
            if own_pool:
                pool.shutdown(wait=True, cancel_futures=True)
    out.sort(key=lambda r: (r.design, r.replicate))
    return out
