"""Running a comparison: every design over the same seeds (paired replicates), reduced to what
the comparison keeps (final outcomes, monthly outcomes, monthly income by source)."""

from __future__ import annotations

from typing import Callable, Sequence

from simcenter.comparison.designs import Design
from simcenter.rng import replicate_seeds
from simcenter.run.many import run_many
from simcenter.run.task import Keep, Run, RunResult

KEEP = Keep(income=True)
"""What a comparison keeps of a run: every outcome's final and monthly values, the monthly income."""


def comparison_runs(designs: Sequence[Design], seeds: Sequence[int]) -> list[Run]:
    """Design ``d``'s replicate ``r`` runs with ``seeds[r]``, keyed (d, r); a replicate's designs
    one after the other, so that every design's first replicates come back first."""
    return [Run((d, r), design.scenario, seed, KEEP) for r, seed in enumerate(seeds) for d, design in enumerate(designs)]


def run_comparison(designs: Sequence[Design], reps: int, seed: int, engine=None,
                   progress: Callable[[int, int], None] | None = None,
                   on_all_submitted: Callable[[], object] | None = None,
                   keep: Callable[[RunResult], object] | None = None,
                   extra_runs: Sequence[Run] = ()) -> list[RunResult]:
    """Run every design over the same ``reps`` seeds on ``engine`` (None: this process). With
    ``keep``, each result is handed to it as it comes (in any order; ``RunResult.key`` says which)
    and none is kept here: memory stays bounded. Otherwise, return the results ordered by (design,
    replicate). ``extra_runs`` (the decomposition's variants, keyed otherwise) run after them on the
    same engine and come back the same way."""
    runs = comparison_runs(designs, replicate_seeds(seed, reps)) + list(extra_runs)
    out: list[RunResult] = []
    for done, result in enumerate(run_many(runs, engine, on_all_submitted=on_all_submitted), 1):
        if keep is not None:
            keep(result)
        else:
            out.append(result)
        if progress:
            progress(done, len(runs))
    out.sort(key=lambda r: (len(r.key), r.key))
    return out
