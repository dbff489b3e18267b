"""How each fact is measured on the model: runs of the shipped scenarios, one function per fact.

Each returns a ``Fact``: what was measured, the target with its tolerance (fixed in the code or the
held-out data before measuring), and whether it holds. Roles and sources are given in
``simcenter.facts`` (``ROLES``), not here.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from simcenter.config.levers import apply_levers
from simcenter.model import CenterModel
from simcenter.stages import CLOSED, COMPARISON


@dataclass
class Fact:
    """One stylised fact: what was measured, the target, and whether it holds."""

    key: str
    title: str
    measured: dict[str, float]
    target: str
    holds: bool
    figure: str = ""
    series: dict = field(default_factory=dict)
    role: str = ""  # "calibration" (inputs were set from it) or "held-out" (never used to set a number)
    source: str = ""
    how: str = ""  # calibration: which inputs were set from it and how; held-out: how the model is checked
    learnt: str = ""  # a held-out fact that fails: what it taught (written after measuring; the band unchanged)
    history: list = field(default_factory=list)  # the model's value at earlier stages of the model
    title_bg: str = ""  # a held-out fact's title in Bulgarian (the others' are in the locales: cli.facts_titles)


_SHARED: dict[tuple[int, int], tuple[object, CenterModel]] = {}
"""Finished runs kept by ``shared_runs``, by (the scenario's id, seed); the scenario is kept with its run."""
_SHARING: set[int] = set()
"""The ids of the scenarios whose runs are kept (inside ``shared_runs``)."""


@contextmanager
def shared_runs(*scenarios):
    """Within: each world of ``scenarios`` is run once and its finished model shared by every fact that reads it
    (the facts only read a finished model, and a watched run's model is an unwatched run's). ``simcenter facts``
    reads the base design's worlds in six facts."""
    ids = {id(s) for s in scenarios} - _SHARING
    _SHARING.update(ids)
    try:
        yield
    finally:
        _SHARING.difference_update(ids)
        for key in [k for k in _SHARED if k[0] in ids]:
            del _SHARED[key]


def _run(scenario, seed: int, watch=None) -> CenterModel:
    key = (id(scenario), seed)
    if watch is None and key in _SHARED:
        return _SHARED[key][1]
    model = CenterModel(scenario, rng=seed, collect=False)
    while model.running:
        model.step()
        if watch is not None:
            watch(model)
    if id(scenario) in _SHARING:
        _SHARED[key] = (scenario, model)
    return model


def _median(values) -> float:
    arr = np.asarray([v for v in values if not (isinstance(v, float) and math.isnan(v))], dtype=float)
    return float(np.median(arr)) if arr.size else math.nan


def survival_run(scenario, seed: int):
    """One world of the survival fact: the finished model, the share of the comparison world's ventures still
    running 12 and 60 months after launch (NaN without such a cohort), and the survival curve of the 60-month
    cohort (None without one). The model is the same as an unwatched run's: the watch only reads."""
    launched_at: dict[str, np.ndarray] = {}

    def watch(m):
        n = m.pop.n
        arr = launched_at.setdefault("month", np.full(m.pop.capacity, -1, dtype=np.int32))
        new = m.pop.launched[COMPARISON, :n] & (arr[:n] < 0)
        arr[:n][new] = m.month
        alive = m.pop.stage[COMPARISON, :n] < CLOSED
        launched_at.setdefault("alive", []).append(alive.copy())

    model = _run(scenario, seed, watch)
    months = launched_at["month"]
    history = launched_at["alive"]
    horizon = model.months
    shares = []
    for lag in (12, 60):
        cohort = [(i, mo) for i, mo in enumerate(months[: model.pop.n]) if 0 <= mo < horizon - lag]
        shares.append(float(np.mean([history[mo + lag][i] for i, mo in cohort])) if cohort else math.nan)
    cohort = [(i, mo) for i, mo in enumerate(months[: model.pop.n]) if 0 <= mo < horizon - 60]
    curve = [float(np.mean([history[mo + k][i] for i, mo in cohort])) for k in range(61)] if cohort else None
    return model, shares[0], shares[1], curve


def survival(scenario, seeds) -> Fact:
    """Ventures launched in the comparison world: share still running 12 and 60 months later."""
    at12, at60, curve = [], [], []
    for seed in seeds:
        _, s12, s60, row = survival_run(scenario, seed)
        at12 += [] if math.isnan(s12) else [s12]
        at60 += [] if math.isnan(s60) else [s60]
        curve += [] if row is None else [row]
    s12, s60 = _median(at12), _median(at60)
    holds = 0.74 <= s12 <= 0.86 and 0.36 <= s60 <= 0.52
    return Fact("survival", "New-venture survival (comparison world)", {"after 1 year": s12, "after 5 years": s60},
                "about 80% after 1 year (0.74-0.86) and 44% after 5 years (0.36-0.52)", holds,
                series={"months": list(range(61)), "survival": np.median(np.array(curve), axis=0).tolist() if curve else []})


def grant_success(scenarios, seeds) -> Fact:
    """Project-grant success rate of the default centre, pooled over replicates."""
    won = decided = 0
    rates = []
    for sc in scenarios:
        for seed in seeds:
            c = _run(sc, seed).center
            won += c.competitive_won
            decided += c.competitive_decided
            if c.competitive_decided:
                rates.append(c.competitive_won / c.competitive_decided)
    pooled = won / decided if decided else math.nan
    return Fact("grant_success", "Grant success rate", {"pooled over all applications": pooled,
                "applications decided": float(decided)},
                "12-20% (accepting 10-22% for sampling noise)", 0.10 <= pooled <= 0.22, series={"rates": rates})


def funding_cliff(scenario, seeds) -> Fact:
    """The grant-only design: months from the end of its last project grant to the end of its paid team.

    A grant-only centre may win another project before the first one ends: that moves the
    cliff, it does not remove it. What is measured is the gap between the end of the last
    project begun before the centre stopped operating (open with a paid team, for good) and the
    month it stopped (0 if it stopped before that project's end). A centre that has cut its team may stay open, a shell paying its
    fixed costs, until its founders' loan runs out: its closure comes later and is shown apart.
    """
    gaps, cash, closed, closure_gaps = [], [], [], []
    end = scenario.funding.starting_grants[0].duration_months
    for seed in seeds:
        m = _run(scenario, seed)
        c = m.center
        closed.append(c.closed)
        staffed = np.nonzero(m.staffed)[0]
        stop = int(staffed[-1]) + 1 if len(staffed) else 0
        # The projects begun before the team stopped; one still running when it stopped counts as a gap of 0.
        ended = [g.end for g in c.grants if g.kind == "grant" and g.start < stop] if stop < m.months else []
        gaps.append(max(0, stop - max(ended)) if ended else math.inf)
        if c.closed and ended:
            closure_gaps.append(c.closure_month - max(ended))
        cash.append((m.cash_cents / 100).tolist())
    median_gap = float(np.median(gaps))
    share_within = sum(0 <= g <= 12 for g in gaps) / len(gaps)
    return Fact("funding_cliff", "The funding cliff (grant-only design)",
                {"median months from the last grant's end to the end of the paid team": median_gap,
                 "share whose team ended within 12 months of a grant's end": share_within,
                 "median months from the last grant's end to closure": float(np.median(closure_gaps))
                 if closure_gaps else math.nan,
                 "share closed before the horizon": float(np.mean(closed))},
                "the team goes within months of the grant's end: median 0-12 months, and within a year in at least "
                "80% of runs", 0 <= median_gap <= 12 and share_within >= 0.8,
                series={"grant_end": end, "cash": np.median(np.array(cash), axis=0).tolist(),
                        "gaps": [g if math.isfinite(g) else None for g in gaps]})



def support_effects(scenario, seeds) -> Fact:
    """Survival premium of supported ventures, and the fading of capability gained from mentoring."""
    premiums, profiles = [], []
    for seed in seeds:
        state: dict = {}

        def watch(m):
            n = m.pop.n
            ended = state.setdefault("ended", np.full(m.pop.capacity, -1, dtype=np.int32))
            prev = state.get("prog")
            prog = m.pop.prog_left[:n].copy()
            if prev is not None:
                k = min(len(prev), n)
                finished = (prev[:k] == 1) & (prog[:k] == 0)
                ended[:k][finished] = m.month
            state["prog"] = prog
            state.setdefault("boost", []).append(m.pop.boost[:n].copy())

        m = _run(scenario, seed, watch)
        premiums.append(m.outcome("survival_premium"))
        ended = state["ended"]
        boosts = state["boost"]
        cohort = [(i, e) for i, e in enumerate(ended[: m.pop.n]) if 0 <= e < m.months - 24]
        if cohort:
            base = np.array([boosts[e][i] for i, e in cohort])
            ok = base > 0
            if ok.any():
                profile = [float(np.mean(np.array([boosts[e + k][i] for i, e in cohort])[ok] / base[ok]))
                           for k in range(25)]
                profiles.append(profile)
    premium = _median(premiums)
    profile = np.median(np.array(profiles), axis=0) if profiles else np.array([math.nan] * 25)
    left12 = float(profile[12])
    holds = abs(premium) < 0.05 and left12 < 0.5
    return Fact("support_effects", "No large survival premium; mentoring effects fade",
                {"survival premium (median)": premium, "capability gain left 12 months after support": left12},
                "premium within ±5 percentage points; less than half the gain left a year after support ends", holds,
                series={"months": list(range(25)), "left": profile.tolist()})


def _paired(a_scenario, b_scenario, seeds, outcomes, over_time=()) -> dict[str, list[tuple[float, float]]]:
    """Outcomes of two designs in the same worlds. Those in ``over_time`` are also given averaged over
    every month of the horizon (``"<outcome>/all months"``: a centre that closed counts with what it shows
    after closure) and over the months both centres were open (``"<outcome>/both open"``)."""
    from simcenter import metrics

    out: dict[str, list[tuple[float, float]]] = {o: [] for o in outcomes}
    for o in over_time:
        out[f"{o}/all months"], out[f"{o}/both open"], out[f"{o}/after closure"] = [], [], []
    closures: list[tuple[bool, bool]] = []
    for seed in seeds:
        a, b = _run(a_scenario, seed), _run(b_scenario, seed)
        closures.append((bool(a.center.closed), bool(b.center.closed)))
        both = min(m.center.closure_month if m.center.closed else m.months for m in (a, b))
        for o in outcomes:
            out[o].append((a.outcome(o), b.outcome(o)))
        for o in over_time:
            j = metrics.NAMES.index(o)
            out[f"{o}/all months"].append((float(np.nanmean(a.timeseries[:, j])), float(np.nanmean(b.timeseries[:, j]))))
            out[f"{o}/both open"].append((float(np.nanmean(a.timeseries[: max(1, both), j])),
                                          float(np.nanmean(b.timeseries[: max(1, both), j]))))
            out[f"{o}/after closure"].append(tuple(  # each design's months after its own closure (NaN: none)
                float(np.nanmean(m.timeseries[m.center.closure_month:, j]))
                if m.center.closed and m.center.closure_month < m.months else math.nan for m in (a, b)))
    out["closed"] = [(float(x), float(y)) for x, y in closures]
    return out


def _gains(pairs) -> list[float]:
    return [b - a for a, b in pairs if not math.isnan(a - b)]


def inclusive_governance(director, inclusive, seeds) -> Fact:
    """Executive director vs multi-stakeholder board, same worlds: partner engagement over the whole horizon
    (every month, a centre that closed included) and at its end, and decision latency.

    The fact holds when, in at least 80% of paired worlds, the board's engagement averaged over all months is
    higher and its decisions slower; engagement at the horizon and while both are open are shown beside it, and
    what closure did is stated apart: the share of worlds in which each design closed and its partners' engagement
    in the months after (empty when it never closed)."""
    pairs = _paired(director, inclusive, seeds, ("partner_engagement", "decision_latency_months"),
                    over_time=("partner_engagement",))
    eng = _gains(pairs["partner_engagement/all months"])
    final = _gains(pairs["partner_engagement"])
    open_both = _gains(pairs["partner_engagement/both open"])
    lat = _gains(pairs["decision_latency_months"])
    share_eng, share_lat = float(np.mean(np.array(eng) > 0)), float(np.mean(np.array(lat) > 0))
    closed = np.array(pairs["closed"])
    return Fact("inclusive_governance", "Inclusive governance: more engagement, slower decisions",
                {"engagement gain over all months (median)": _median(eng),
                 "engagement gain at the horizon (median)": _median(final),
                 "engagement gain while both are open (median)": _median(open_both),
                 "latency added, months (median)": _median(lat),
                 "share of worlds with more engagement over all months": share_eng,
                 "share of worlds with more engagement at the horizon": float(np.mean(np.array(final) > 0)),
                 "share of worlds with slower decisions": share_lat,
                 "share of worlds where the director's centre closed": float(closed[:, 0].mean()),
                 "share of worlds where the board's centre closed": float(closed[:, 1].mean()),
                 "engagement after closure, director's centre (median over worlds where it closed)":
                     _median([a for a, _ in pairs["partner_engagement/after closure"]]),
                 "engagement after closure, board's centre (median over worlds where it closed)":
                     _median([b for _, b in pairs["partner_engagement/after closure"]])},
                "in at least 80% of paired worlds higher engagement over all months of the horizon (closure "
                "included) and longer latency", bool(share_eng >= 0.8 and share_lat >= 0.8), series={"pairs": pairs})


def online_delivery(scenario, seeds) -> Fact:
    """Mostly on-site vs mostly online events, same worlds: regional reach and drop-out."""
    onsite = apply_levers(scenario, {"share_online_events": 0.2})
    online = apply_levers(scenario, {"share_online_events": 0.8})
    pairs = _paired(onsite, online, seeds, ("regional_reach", "dropout_online", "dropout_onsite"))
    reach_gain = [b - a for a, b in pairs["regional_reach"] if not math.isnan(a - b)]
    drop_gap = [b_on for (_, b_on) in pairs["dropout_online"]]
    drop_site = [b_site for (_, b_site) in pairs["dropout_onsite"]]
    gaps = [x - y for x, y in zip(drop_gap, drop_site) if not math.isnan(x - y)]
    share_reach = float(np.mean(np.array(reach_gain) > 0)) if reach_gain else 0.0
    share_drop = float(np.mean(np.array(gaps) > 0)) if gaps else 0.0
    return Fact("online_delivery", "Online delivery: wider regional reach, higher drop-out",
                {"regional reach gain (median)": _median(reach_gain),
                 "online minus on-site drop-out (median)": _median(gaps),
                 "share of worlds with wider reach": share_reach, "share of worlds where online drops out more": share_drop},
                "in at least 80% of paired worlds wider reach, and online drop-out above on-site",
                share_reach >= 0.8 and share_drop >= 0.8, series={"pairs": pairs})


def scale_check(scenario, seeds) -> Fact:
    """Running ventures, jobs and launches a year of the base design against the sourced anchor."""
    from simcenter.facts import scale

    models = [_run(scenario, seed) for seed in seeds]
    measured = scale.measure(models)
    b = scale.band()
    return Fact("scale", "Scale: ventures and jobs in proportion to the province", measured, scale.target(),
                scale.holds(measured, b), series={"band": b, "jobs": [m.outcome("jobs") for m in models]})
