"""The brief: the report's first page, which a board reads in two minutes.

Everything in it is derived from the saved numbers by rules stated on the page:

- **Traffic lights**: for each design and each group's headline outcome (``metrics.GROUPS``), green when the
  design is robustly and materially better than the baseline (the summary table's paired 90% interval
  excludes zero and the difference passes the materiality threshold), red when worse, amber otherwise.
- **Recommendation**: among the designs that no other design dominates (robustly and materially better on
  at least one headline and worse on none, paired by replicate), the one with the most green minus red
  headlines, every headline weighing the same; ties go to the design that is the best in the larger share
  of worlds, averaged over the headlines. When ``simcenter robust`` results for the same designs are in
  the folder's ``robust/`` sub-folder and another design meets the board's thresholds in materially more
  futures, it is named as the recommendation for a board that puts holding up across futures first.
- **Trade-offs**: one line per group (the outcomes that move with its headline across the designs, by rank
  correlation, named once), the groups on which the designs differ most first.
- **What would change it**: a headline on which another design is better (what a board that weighs it
  most would choose), the part of the recommended design's advantage that comes with resources it is
  given (from ``decomposition.csv``), and where it fails the board's thresholds across futures (PRIM).

Nothing here runs the model, and nothing loads plotting code.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simcenter import metrics
from simcenter.i18n import format_percent, join_words, t
from simcenter.i18n import format_value as fmt
from simcenter.report import analysis
from simcenter.phrases import describe_limits, describe_threshold, uncertainty_labels
from simcenter.report import decomposition as decomp

ROBUST_FOLDER = "robust"
"""Where a comparison folder holds the results of ``simcenter robust`` for its designs."""
MOVES_WITH = 0.7
"""Spearman correlation across the designs' medians above which a member outcome moves with its group's
headline (it is then named with the headline, not as a trade-off of its own)."""
FUTURES_MATERIAL = 0.10
"""A design holds up materially better across futures when it meets the thresholds in at least 10
percentage points more of them (3 of 30 futures)."""
MAX_TRADEOFFS = 6
"""The brief names at most six trade-offs."""

GREEN, AMBER, RED, REFERENCE, NONE = "better", "same", "worse", "reference", "none"


@dataclass
class Light:
    """A traffic light: a design's headline value and its colour against the baseline."""

    text: str
    colour: str


@dataclass
class Robust:
    """The robustness results for the comparison's designs (``robust/robustness.csv`` and ``robust.json``)."""

    table: pd.DataFrame
    meta: dict

    @property
    def futures(self) -> int:
        return int(self.meta.get("futures") or self.table["futures"].iloc[0])

    def row(self, design: str) -> pd.Series:
        return self.table.set_index("design").loc[design]


@dataclass
class Brief:
    """The content of the first page, in the language in force."""

    question: str
    worlds: str
    recommended: list[str]
    why: list[str] = field(default_factory=list)
    robustness: list[str] = field(default_factory=list)
    change: list[str] = field(default_factory=list)
    tradeoffs: list[str] = field(default_factory=list)
    lights: dict[str, dict[str, Light]] = field(default_factory=dict)
    rule: str = ""
    light_rule: str = ""


# --------------------------------------------------------------------------- reading
def read_robust(res: analysis.Results) -> tuple[Robust | None, str]:
    """The folder's robustness results when they are for the same designs, and a note when they are there
    but for other designs (or unreadable): the brief says why it left them out."""
    folder = res.folder / ROBUST_FOLDER
    table_path, meta_path = folder / "robustness.csv", folder / "robust.json"
    if not table_path.is_file():
        return None, ""
    try:
        table = pd.read_csv(table_path, keep_default_na=False, na_values=[""])
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        table["satisficing_share"] = pd.to_numeric(table["satisficing_share"])
    except (ValueError, OSError, KeyError, UnicodeDecodeError):
        return None, t("brief.robust_unreadable", path=str(table_path))
    if sorted(table["design"].astype(str)) != sorted(res.designs):
        return None, t("brief.robust_other_designs", path=str(table_path))
    return Robust(table, meta), ""


# --------------------------------------------------------------------------- the numbers
def _level(row: dict) -> float:
    return row["mean"] if row["statistic"] == "mean" else row["median"]


def lights(res: analysis.Results, summary: pd.DataFrame) -> dict[str, dict[str, Light]]:
    """design -> headline -> its traffic light against the baseline."""
    rows = {(r["scenario"], r["outcome"]): r for r in summary.to_dict(orient="records")}
    quiet = analysis.no_verdict(res, summary)
    out: dict[str, dict[str, Light]] = {}
    for d in res.designs:
        out[d] = {}
        for h in metrics.HEADLINES:
            row = rows[(d, h)]
            level = _level(row)
            text = fmt(level, "share" if row["unit"] == "0/1" else row["unit"]) if not math.isnan(level) else "–"
            if d == res.baseline:
                colour = REFERENCE
            elif math.isnan(level) or (d, h) in quiet or analysis.too_few(res, d, h):
                colour = NONE
            elif row["robust"] and analysis.material(h, row["diff_median"], level):
                colour = GREEN if analysis._better(row["direction"], row["diff_median"]) else RED
            else:
                colour = AMBER
            out[d][h] = Light(text, colour)
    return out


def _verdict(res: analysis.Results, a: str, b: str, outcome: str, rng: np.random.Generator) -> int:
    """+1 when ``a`` is robustly and materially better than ``b`` on ``outcome`` (paired by replicate),
    -1 when worse, 0 otherwise (or when a share rests on too few people, or on fewer of the good it counts)."""
    o = metrics.BY_NAME[outcome]
    if analysis.too_few(res, a, outcome) or analysis.too_few(res, b, outcome):
        return 0
    how = analysis.statistic(outcome)
    va, vb = res.values(a, outcome), res.values(b, outcome)
    point, lo, hi = analysis.paired_interval(va, vb, how, rng)
    if math.isnan(point) or not (lo > 0 or hi < 0):
        return 0
    level = analysis._stat(va[~np.isnan(va)], how)
    if not metrics.is_material(o, float(level) - point, float(level)):
        return 0
    sign = 1 if analysis._better(o.direction, point) else -1
    if sign > 0 and o.count:  # a larger share of fewer people is no advantage
        ca, cb = np.nanmedian(res.values(a, o.count)), np.nanmedian(res.values(b, o.count))
        if ca < (1 - metrics.MATERIAL_RELATIVE) * cb:
            return 0
    return sign


def verdicts(res: analysis.Results) -> dict[tuple[str, str], list[int]]:
    """(a, b) -> ``_verdict`` of ``a`` against ``b`` on each headline outcome, for every pair of designs (the
    bootstrap of every pair: done with the summary table, in a worker process when there is one)."""
    rng = np.random.default_rng(int(res.meta.get("seed", 0)) + 7)
    designs = res.designs
    out = {}
    for i, a in enumerate(designs):
        out[(a, a)] = [0] * len(metrics.HEADLINES)
        for b in designs[i + 1:]:
            v = [_verdict(res, a, b, h, rng) for h in metrics.HEADLINES]
            out[(a, b)] = v
            out[(b, a)] = [-x for x in v]
    return out


def dominated(res: analysis.Results, pairs: dict | None = None) -> dict[str, list[str]]:
    """design -> the designs that dominate it on the headlines (better on one at least, worse on none)."""
    pairs = pairs if pairs is not None else verdicts(res)
    return {d: [o for o in res.designs if o != d and max(pairs[(o, d)]) > 0 and min(pairs[(o, d)]) >= 0]
            for d in res.designs}


def score(lights_: dict[str, dict[str, Light]], design: str) -> int:
    """Green minus red headlines against the baseline, each headline weighing the same."""
    colours = [light.colour for light in lights_[design].values()]
    return colours.count(GREEN) - colours.count(RED)


def _best_share(trade: pd.DataFrame, design: str) -> float:
    """The share of worlds in which ``design`` is the best, averaged over the headlines."""
    rows = trade.set_index("outcome").reindex(list(metrics.HEADLINES))
    return float(np.nan_to_num(rows[f"share_best:{design}"].to_numpy(dtype=float)).mean())


def ranking(res, lights_, trade, beaten) -> list[str]:
    """The designs, the recommended first: not dominated before dominated, then by score, then by the
    share of worlds in which each is the best."""
    return sorted(res.designs, key=lambda d: (bool(beaten[d]), -score(lights_, d), -_best_share(trade, d),
                                              res.designs.index(d)))


def moves_with(res: analysis.Results, group: metrics.Group) -> tuple[list[str], list[str]]:
    """The group's members that move with its headline across the designs' medians (Spearman rank
    correlation at least ``MOVES_WITH`` in the direction of each outcome's goodness), and those that do not."""
    if len(res.designs) < 3:
        return [], list(group.members)

    def good(outcome):
        o = metrics.BY_NAME[outcome]
        med = np.array([analysis._stat(res.values(d, outcome), analysis.statistic(outcome)) for d in res.designs])
        return pd.Series(med if o.direction != "min" else -med)

    head = good(group.headline)
    together, apart = [], []
    for m in group.members:
        other = good(m)
        rho = _spearman(head, other) if head.nunique() > 1 and other.nunique() > 1 else math.nan
        (together if not math.isnan(rho) and rho >= MOVES_WITH else apart).append(m)
    return together, apart


def _spearman(a: pd.Series, b: pd.Series) -> float:
    """Spearman's rank correlation: Pearson's of the average ranks (ties share theirs), as pandas' and scipy's,
    without importing scipy for it (0.7 s of every comparison); rounded to 12 places, so that a correlation
    at the threshold does not fall on either side of it by the last bit of a sum."""
    return round(float(np.corrcoef(a.rank().to_numpy(), b.rank().to_numpy())[0, 1]), 12)


# --------------------------------------------------------------------------- the brief
def build(res: analysis.Results, summary: pd.DataFrame, trade: pd.DataFrame,
          pairs: dict[tuple[str, str], list[int]] | None = None) -> Brief:
    """The brief of a saved comparison (with its decomposition and robustness results when present);
    ``pairs``: ``verdicts(res)`` when they are computed already."""
    lights_ = lights(res, summary)
    pairs = pairs if pairs is not None else verdicts(res)
    beaten = dominated(res, pairs)
    ahead = lambda a, b, h: pairs[(a, b)][metrics.HEADLINES.index(h)] > 0  # noqa: E731
    order = ranking(res, lights_, trade, beaten)
    top = order[0]
    title = res.title
    years = res.meta["months"] // 12
    brief = Brief(
        question=t("brief.question", n=len(res.designs)),
        worlds=t("brief.worlds", n=len(res.designs), reps=res.meta["replicates"], years=years,
                 baseline=title(res.baseline)),
        recommended=[top],
        rule=t("brief.rule"),
        light_rule=t("brief.light_rule", baseline=title(res.baseline)),
        lights=lights_,
    )
    greens = [h for h in metrics.HEADLINES if lights_[top][h].colour == GREEN]
    reds = [h for h in metrics.HEADLINES if lights_[top][h].colour == RED]
    label = _headline_label
    if top == res.baseline:
        brief.why.append(t("brief.why_baseline", design=title(top)))
    else:
        brief.why.append(t("brief.why", design=title(top), k=len(greens), n=len(metrics.HEADLINES),
                           better=join_words([label(h) for h in greens]) or t("brief.nothing"),
                           worse=join_words([label(h) for h in reds]) or t("brief.nothing"),
                           baseline=title(res.baseline)))
    runner = next((d for d in order[1:] if not beaten[d]), None)
    if beaten[top]:
        brief.why.append(t("brief.all_dominated"))
    elif runner is not None:
        brief.why.append(t("brief.runner_up", design=title(runner), score=_signed(score(lights_, runner)),
                           top=_signed(score(lights_, top))))
    n_beaten = sum(1 for d in res.designs if beaten[d])
    if n_beaten:
        brief.why.append(t("brief.dominated_one" if n_beaten == 1 else "brief.dominated", k=n_beaten, n=len(res.designs),
                           designs=join_words([title(d) for d in res.designs if beaten[d]])))

    # How robust: the share of worlds it is the best, then the futures (when simcenter robust was run).
    share = _best_share(trade, top)
    brief.robustness.append(t("brief.best_share", share=format_percent(share), reps=res.meta["replicates"]))
    robust, note = read_robust(res)
    if note:
        brief.robustness.append(note)
    if robust is None:
        brief.robustness.append(t("brief.no_robust"))
    else:
        _robustness(res, robust, top, brief)

    brief.change += [t("brief.change_priority", label=label(h), design=title(_best_on(res, summary, h)))
                     for h in metrics.HEADLINES if h in reds]
    brief.change += _resources(res, top, greens)
    if robust is not None:
        brief.change += _fails_where(res, robust, top)
    for other in brief.recommended[1:]:  # what the design that holds up across futures rests on
        mine = [h for h in metrics.HEADLINES if lights_[other][h].colour == GREEN]
        brief.change += _resources(res, other, mine, key="brief.change_resources_other")

    brief.tradeoffs = tradeoffs(res, summary, lights_, top, ahead)
    return brief


def _headline_label(outcome: str) -> str:
    group = next(g for g in metrics.GROUPS if g.headline == outcome)
    return t("brief.headline_label", group=group.label, outcome=metrics.BY_NAME[outcome].label)


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else ("−" + str(-n) if n < 0 else "0")


def _best_on(res, summary: pd.DataFrame, outcome: str) -> str:
    """The design with the best statistic on ``outcome`` (shares on too few people left out)."""
    o = metrics.BY_NAME[outcome]
    sub = summary[summary["outcome"] == outcome].set_index("scenario")
    col = "mean" if analysis.statistic(outcome) == "mean" else "median"
    values = {d: float(sub.loc[d, col]) for d in res.designs
              if not analysis.too_few(res, d, outcome) and not math.isnan(float(sub.loc[d, col]))}
    if not values:
        return ""
    return (max if o.direction == "max" else min)(values, key=lambda d: (values[d], -res.designs.index(d)))


def _robustness(res, robust: Robust, top: str, brief: Brief) -> None:
    table = robust.table
    n = robust.futures
    mine = robust.row(top)
    ths = robust.meta.get("thresholds") or []
    brief.robustness.append(t("brief.futures_meets", k=n - int(mine["futures_failed"]), n=n,
                              share=format_percent(float(mine["satisficing_share"])),
                              thresholds=join_words([_threshold(th) for th in ths]) or t("brief.nothing")))
    best = table.sort_values(["satisficing_share"], ascending=False, kind="stable").iloc[0]
    name, gap = str(best["design"]), float(best["satisficing_share"] - mine["satisficing_share"])
    if gap <= 0:
        brief.robustness.append(t("brief.futures_most", n=len(table)))
    elif gap >= FUTURES_MATERIAL - 1e-9:
        brief.recommended.append(name)
        brief.robustness.append(t("brief.futures_other", design=res.title(name),
                                  share=format_percent(float(best["satisficing_share"])), n=n))
    else:
        brief.robustness.append(t("brief.futures_close", design=res.title(name),
                                  share=format_percent(float(best["satisficing_share"]))))
    for outcome in robust.meta.get("outcomes") or []:
        col = f"regret_p90_{outcome}"
        if col in table.columns and outcome in metrics.BY_NAME:
            o = metrics.BY_NAME[outcome]
            rank = int((table[col] < mine[col]).sum()) + 1
            brief.robustness.append(t("brief.regret", outcome=o.label, value=fmt(float(mine[col]), o.unit),
                                      rank=rank, n=len(table)))


def _threshold(th: dict) -> str:
    """A threshold of robust.json in words ("" when it is not one)."""
    try:
        return describe_threshold(th["outcome"], th["statistic"], th["bound"], float(th["value"]))
    except (TypeError, KeyError, ValueError):
        return ""


def _resources(res, top: str, greens: list[str], key: str = "brief.change_resources") -> list[str]:
    """Where most (half or more) of an advantage of ``top`` on a headline comes from (``decomposition.csv``):
    the resources it is given (they must be committed), or its parts only together (the interaction: no part
    alone gives it, and the part that alone does worst is named)."""
    frame = decomp.read(res.folder)
    if frame is None or top == res.baseline:
        return []
    from_resources, together = [], []
    mine = frame[frame["scenario"] == top]
    for h in greens:
        rows = mine[mine["outcome"] == h].set_index("part")
        if "total" not in rows.index:
            continue
        total = float(rows.loc["total", "effect"])
        shares = {p: float(rows.loc[p, "effect"]) / total for p in ("resources", "interaction")
                  if p in rows.index and total and not math.isnan(float(rows.loc[p, "effect"]))}
        if shares.get("resources", 0) >= 0.5:
            from_resources.append(h)
        elif shares.get("interaction", 0) >= 0.5:
            alone = rows.loc[[p for p in decomp.ROWS[:-1] if p in rows.index], "effect"].astype(float)
            worst = alone.idxmin() if metrics.BY_NAME[h].direction == "max" else alone.idxmax()
            together.append((h, worst, float(alone[worst])))
    out = []
    if from_resources:
        out.append(t(key, labels=join_words(metrics.BY_NAME[h].label for h in from_resources), design=res.title(top)))
    if together:
        h, worst, effect = together[0]
        out.append(t("brief.change_together", labels=join_words(metrics.BY_NAME[h].label for h, *_ in together),
                     design=res.title(top), part=t(f"report.decomp_part.{worst}"),
                     label=metrics.BY_NAME[h].label, effect=decomp.signed(effect, h)))
    return out


def _fails_where(res, robust: Robust, top: str) -> list[str]:
    mine = robust.row(top)
    box = next((b for b in robust.meta.get("boxes") or [] if b.get("design") == top and b.get("limits")), None)
    where = _box_words(box) if box else mine.get("fails_where", "")
    if isinstance(where, str) and where:
        return [t("brief.change_futures", design=res.title(top), conditions=where,
                  density=format_percent(float(mine["box_density"])), coverage=format_percent(float(mine["box_coverage"])))]
    failed = int(mine["futures_failed"])
    if failed:
        return [t("brief.change_futures_nobox", design=res.title(top), k=failed, n=robust.futures)]
    return []


def _box_words(box: dict) -> str:
    """A failure box saved in robust.json in words, its parameters named in words."""
    return describe_limits(box["limits"], uncertainty_labels(p for p, *_ in box["limits"]))


def tradeoffs(res, summary: pd.DataFrame, lights_, top: str, ahead) -> list[str]:
    """One sentence per group on which the designs differ, what it gives up first, then those that differ most: what the recommended
    design gives up there (the best design on the headline and its value, when it is robustly and materially
    ahead) or that no design does better (the group's other outcomes are named in the appendix)."""
    ranked = []
    for g in metrics.GROUPS:
        h = g.headline
        differ = sum(1 for d in res.designs if lights_[d][h].colour in (GREEN, RED))
        if not differ:
            continue
        best = _best_on(res, summary, h)
        if best == top or not ahead(best, top, h):
            text = t("brief.trade_leads", group=g.label, outcome=metrics.BY_NAME[h].label, value=lights_[top][h].text)
        else:
            text = t("brief.trade", group=g.label, outcome=metrics.BY_NAME[h].label, best=res.title(best),
                     value=lights_[best][h].text, mine=lights_[top][h].text)
        ranked.append((best == top or not ahead(best, top, h), -differ, metrics.GROUPS.index(g), text))
    return [text for *_, text in sorted(ranked)[:MAX_TRADEOFFS]]


# --------------------------------------------------------------------------- groups appendix
def group_rows(res) -> list[tuple[metrics.Group, list[str], list[str]]]:
    """Each group with the members that moved with its headline in this comparison and those that did not."""
    return [(g, *moves_with(res, g)) for g in metrics.GROUPS]


def as_dict(brief: Brief) -> dict:
    """The brief as plain data (``compare --format json``): designs by name, the lights by headline outcome."""
    return {"question": brief.question, "recommended": list(brief.recommended), "why": brief.why,
            "robustness": brief.robustness, "tradeoffs": brief.tradeoffs, "what_would_change": brief.change,
            "lights": {d: {h: {"value": light.text, "colour": light.colour} for h, light in row.items()}
                       for d, row in brief.lights.items()},
            "rule": brief.rule}
