"""Where each difference comes from: each design's paired difference from the baseline, split into
its parts (legal form, management, plan, fees, resources) and their interaction.

One part at a time on the baseline: for each part a design changes, the baseline with only that part
of the design applied (the design's values copied into the baseline's data, validated as a scenario)
is run over the same seeds; the part's effect is the mean paired difference (variant − baseline)
with a bootstrap 90% interval over replicates, and the interaction is the rest: the design's total
difference minus the sum of its parts (``total = Σ parts + interaction``, exactly). Means, not
medians, because means add up. A part the design does not change has effect 0 and is not run.

A part that cannot be applied alone (a plan that applies to a funder the baseline lacks) is run with
what it needs of the design carried along (the fewest changes that make it valid), said in the
``note`` column; a part that cannot be made valid is not run, and its effect stays in the interaction.

The variants run on the comparison's engine with its runs (``extra_runs``), over the comparison's
first ``k`` replicates (the same seeds), ``k`` chosen so that the variants' runs are at most
``RUN_BUDGET`` times the comparison's (``reps`` when that allows it): the total difference in
``decomposition.csv`` is taken over those same replicates.
"""

from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from simcenter import metrics
from simcenter.comparison.designs import Design
from simcenter.config.loader import scenario_from_dict
from simcenter.errors import InputError
from simcenter.rng import replicate_seeds
from simcenter.run.task import Keep, Run, RunResult

PARTS = ("legal_form", "management", "plan", "fees", "resources")
"""The parts of a design, in the table's order (then ``interaction``, then ``total``)."""
HEADLINE = ("closed", "months_operating", "served", "ventures_launched_added", "jobs_added",
            "client_funding_added_eur", "cost_per_venture_added_eur")
"""The outcomes split into parts: the report overview's main outcomes, and the cost per venture added."""
COLUMNS = ["scenario", "outcome", "part", "effect", "ci_low", "ci_high", "note"]
KEY = "decomposition"
"""The first element of a variant run's key: (KEY, variant, replicate)."""
KEEP = Keep(outcomes=HEADLINE, series=())
RUN_BUDGET = 0.6
"""The variants' runs, at most this many times the comparison's (fewer replicates when needed)."""
MIN_REPS = 10
"""Fewest replicates the variants run over (or all of them, when fewer)."""
NAMES = ("name", "description", "title", "title_bg")
"""What names a design rather than changes it: no part of any split."""
IGNORED = tuple((k,) for k in NAMES)


def part_of(path: tuple) -> str:
    """The part a changed field (its path in ``Scenario.model_dump()``) belongs to."""
    if path[:2] == ("center", "legal_form"):
        return "legal_form"
    if path[:2] == ("center", "management") or (path[0] == "partners" and len(path) >= 3 and path[2] == "board_seat"):
        return "management"
    if path[0] == "plan":
        return "plan"
    if path[:2] == ("center", "services") and len(path) >= 4 and "fee" in str(path[3]):
        return "fees"
    return "resources"


def changes(base: dict, design: dict, path: tuple = ()) -> list[tuple]:
    """The paths at which ``design`` differs from ``base`` (lists compared whole; a key only one has: its path)."""
    if isinstance(base, dict) and isinstance(design, dict):
        out = []
        for k in list(base) + [k for k in design if k not in base]:
            if k not in base or k not in design:
                out.append(path + (k,))
            else:
                out.extend(changes(base[k], design[k], path + (k,)))
        return out
    return [] if base == design else [path]


def _apply(base: dict, design: dict, paths: Sequence[tuple]) -> dict:
    """``base`` with ``design``'s values at ``paths`` (a key ``design`` lacks: removed)."""
    out = copy.deepcopy(base)
    for path in paths:
        node, src = out, design
        for k in path[:-1]:
            node, src = node[k], src[k]
        if path[-1] in src:
            node[path[-1]] = copy.deepcopy(src[path[-1]])
        else:
            node.pop(path[-1], None)
    return out


@dataclass
class Variant:
    """The baseline with one part of a design: what runs (``scenario``), or why it cannot."""

    design: str
    part: str
    scenario: object | None = None
    carried: list[str] = field(default_factory=list)  # other parts' fields it needs, carried along
    problem: str = ""  # why it could not be run
    same_as_design: bool = False  # the design changes this part only: its own runs
    index: int = -1  # its runs' variant number (shared by equal variants of several designs)


def _problems(data: dict, name: str) -> tuple[object | None, list]:
    try:
        return scenario_from_dict(data, name), []
    except InputError as exc:
        return None, exc.problems


def plan_variants(designs: Sequence[Design], baseline: str) -> list[Variant]:
    """Every design's variants (the baseline with one of the design's parts); never raises."""
    base_design = next(d for d in designs if d.name == baseline)
    base = base_design.scenario.model_dump()
    out: list[Variant] = []
    unique: dict[str, int] = {}
    for d in designs:
        if d.name == baseline:
            continue
        data = d.scenario.model_dump()
        paths = [p for p in changes(base, data) if p not in IGNORED]
        by_part = {part: [p for p in paths if part_of(p) == part] for part in PARTS}
        changed = [part for part in PARTS if by_part[part]]
        for part in changed:
            v = Variant(d.name, part)
            out.append(v)
            if len(changed) == 1:
                v.same_as_design = True
                continue
            # Others' fields, resources first: what a part may need carried along to be valid.
            others = [p for q in ("resources", *PARTS) if q != part for p in by_part[q]]
            chosen = list(by_part[part])
            scenario, problems = _problems(_apply(base, data, chosen), d.name)
            while problems:
                best = None
                for p in others:
                    if p in chosen:
                        continue
                    s, probs = _problems(_apply(base, data, chosen + [p]), d.name)
                    if best is None or len(probs) < len(best[2]):
                        best = (p, s, probs)
                if best is None or len(best[2]) >= len(problems):
                    break
                chosen.append(best[0])
                v.carried.append(".".join(map(str, best[0])))
                scenario, problems = best[1], best[2]
            if problems:
                v.problem = "; ".join(f"{p.path}: {p.message}" for p in problems[:2])
                v.carried = []
                continue
            if len(chosen) == len(paths):
                v.same_as_design = True
                continue
            v.scenario = scenario
            key = json.dumps({k: val for k, val in _apply(base, data, chosen).items() if k not in NAMES},
                             sort_keys=True, default=str)
            v.index = unique.setdefault(key, len(unique))
    return out


def replicates_for(n_designs: int, reps: int, variants: Sequence[Variant]) -> int:
    """How many of the comparison's replicates the variants run over (``RUN_BUDGET``)."""
    n = len({v.index for v in variants if v.index >= 0})
    if n == 0:
        return reps
    return int(min(reps, max(min(reps, MIN_REPS), RUN_BUDGET * n_designs * reps // n)))


def variant_runs(variants: Sequence[Variant], seed: int, reps: int) -> list[Run]:
    """Each distinct variant's runs over the first ``reps`` seeds, keyed (KEY, variant, replicate)."""
    scenarios = {v.index: v.scenario for v in variants if v.index >= 0}
    return [Run((KEY, i, r), scenarios[i], s, KEEP) for r, s in enumerate(replicate_seeds(seed, reps))
            for i in sorted(scenarios)]


class Collected:
    """The variants' headline outcomes, filled as their runs come (``add``)."""

    def __init__(self, variants: Sequence[Variant], reps: int):
        n = len({v.index for v in variants if v.index >= 0})
        self.values = np.full((n, reps, len(HEADLINE)), np.nan)

    def add(self, result: RunResult) -> None:
        _, i, r = result.key
        self.values[i, r] = [result.kpis[o] for o in HEADLINE]


def table(designs: Sequence[Design], baseline: str, kpis: np.ndarray, variants: Sequence[Variant],
          collected: Collected, seed: int):
    """The decomposition table (``COLUMNS``): per design but the baseline, outcome and part (and
    ``interaction``, ``total``), the effect with its 90% interval. ``kpis``: the comparison's
    (design x replicate x ``metrics.NAMES``) values."""
    import pandas as pd

    from simcenter.report.analysis import paired_interval

    rng = np.random.default_rng(int(seed))
    names = [d.name for d in designs]
    k = collected.values.shape[1]
    b = names.index(baseline)
    rows = []
    for d, name in enumerate(names):
        if d == b:
            continue
        mine = {v.part: v for v in variants if v.design == name}
        for j, outcome in enumerate(HEADLINE):
            col = metrics.NAMES.index(outcome)
            base, own = kpis[b, :k, col], kpis[d, :k, col]
            series = {p: (own if v.same_as_design else collected.values[v.index, :, j])
                      for p, v in mine.items() if v.same_as_design or v.index >= 0}
            ok = np.isfinite(base) & np.isfinite(own)
            for s in series.values():
                ok &= np.isfinite(s)
            total = paired_interval(own[ok], base[ok], "mean", rng) if ok.any() else (math.nan,) * 3
            rest = (own - base)[ok]
            effects = []
            for part in PARTS:
                v = mine.get(part)
                if v is None:
                    rows.append((name, outcome, part, 0.0, 0.0, 0.0, "not changed by the design"))
                    continue
                if part not in series:
                    rows.append((name, outcome, part, math.nan, math.nan, math.nan,
                                 f"not run (invalid alone: {v.problem}); its effect is in the interaction"))
                    continue
                eff = paired_interval(series[part][ok], base[ok], "mean", rng) if ok.any() else (math.nan,) * 3
                effects.append(eff[0])
                rest = rest - (series[part] - base)[ok]
                note = "carried along: " + ", ".join(v.carried) if v.carried else ""
                if v.same_as_design:
                    note = "the design's only part: its own runs"
                rows.append((name, outcome, part, *eff, note))
            inter = paired_interval(rest, np.zeros_like(rest), "mean", rng) if rest.size else (math.nan,) * 3
            point = total[0] - float(np.nansum(effects)) if effects else total[0]
            rows.append((name, outcome, "interaction", point, inter[1], inter[2], "total minus the sum of the parts"))
            rows.append((name, outcome, "total", *total, f"mean paired difference over {int(ok.sum())} replicates"))
    return pd.DataFrame(rows, columns=COLUMNS)


def write(folder: Path, frame) -> Path:
    """``decomposition.csv`` in ``folder``."""
    from simcenter.files import FLOAT_FORMAT, atomic_write

    path = Path(folder) / "decomposition.csv"
    atomic_write(path, frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    return path


def finish(folder: Path, designs: Sequence[Design], baseline: str, kpis: np.ndarray, variants: Sequence[Variant],
           collected: Collected, seed: int, reps: int, executor=None) -> None:
    """Write decomposition.csv, decomposition.json and a figure per design into ``folder`` (the figures
    in ``executor``'s worker processes when given, else here); return once all are written."""
    from simcenter.i18n import language
    from simcenter.report import decomposition as section

    write(folder, table(designs, baseline, kpis, variants, collected, seed))
    info = {"replicates": int(collected.values.shape[1]), "of": int(reps),
            "variants": int(collected.values.shape[0])}
    (Path(folder) / section.INFO).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    others = [d.name for d in designs if d.name != baseline]
    titles = {d.name: {"en": d.scenario.title or d.name, "bg": d.scenario.title_bg or d.scenario.title or d.name}
              for d in designs}
    if executor is None:
        for name in others:
            section.draw(folder, name, baseline, titles=titles)
        return
    lang = language()
    for future in [executor.submit(section.draw, str(folder), name, baseline, lang, titles) for name in others]:
        future.result()
