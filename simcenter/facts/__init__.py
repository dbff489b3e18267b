"""Stylised facts: does the Plovdiv base reproduce what the literature and the data say?

Each fact is measured over replicates, compared with a stated tolerance and drawn as a
figure. ``simcenter facts`` runs them and writes ``docs/validation.md`` with its figures;
``tests/test_stylised_facts.py`` asserts them with fewer replicates.

The facts (``../shared/domain.md``):
1. new-venture survival near 80% after one year and 44% after five (comparison world);
2. grant success rates of 12-20%;
3. the funding cliff: a grant-only centre's cash runs out within months of the grant's end;
4. no large survival premium from support, and mentoring effects fade after support ends;
5. inclusive governance raises partner engagement and slows decisions;
6. online delivery widens regional reach, with higher drop-out than on-site delivery;
7. the scale: running ventures, jobs and launches within a band of a sourced anchor (``facts.scale``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from simcenter.config.loader import load_scenario
from simcenter.config.levers import apply_levers
from simcenter.model import CenterModel
from simcenter.stages import CLOSED, COMPARISON
from simcenter.rng import replicate_seeds
from simcenter.errors import writing_to
from simcenter.outputs import prepare_output
from simcenter.run.runner import check_replicates

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "plovdiv"


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


def _run(scenario, seed: int, watch=None) -> CenterModel:
    model = CenterModel(scenario, rng=seed, collect=False)
    while model.running:
        model.step()
        if watch is not None:
            watch(model)
    return model


def _median(values) -> float:
    arr = np.asarray([v for v in values if not (isinstance(v, float) and math.isnan(v))], dtype=float)
    return float(np.median(arr)) if arr.size else math.nan


def survival(scenario, seeds) -> Fact:
    """Ventures launched in the comparison world: share still running 12 and 60 months later."""
    at12, at60, curve = [], [], []
    for seed in seeds:
        launched_at: dict[str, np.ndarray] = {}

        def watch(m):
            n = m.pop.n
            arr = launched_at.setdefault("month", np.full(m.pop.capacity, -1, dtype=np.int32))
            arr = launched_at["month"]
            new = m.pop.launched[COMPARISON, :n] & (arr[:n] < 0)
            arr[:n][new] = m.month
            alive = m.pop.stage[COMPARISON, :n] < CLOSED
            launched_at.setdefault("alive", []).append(alive.copy())

        model = _run(scenario, seed, watch)
        months = launched_at["month"]
        history = launched_at["alive"]
        horizon = model.months
        for lag, sink in ((12, at12), (60, at60)):
            cohort = [(i, mo) for i, mo in enumerate(months[: model.pop.n]) if 0 <= mo < horizon - lag]
            if cohort:
                sink.append(float(np.mean([history[mo + lag][i] for i, mo in cohort])))
        cohort = [(i, mo) for i, mo in enumerate(months[: model.pop.n]) if 0 <= mo < horizon - 60]
        if cohort:
            curve.append([float(np.mean([history[mo + k][i] for i, mo in cohort])) for k in range(61)])
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
    """Outcomes of two designs in the same worlds; those in ``over_time`` averaged over the months
    both centres were open (a design that fails early is not compared with a working one)."""
    from simcenter import metrics

    out: dict[str, list[tuple[float, float]]] = {o: [] for o in outcomes}
    for seed in seeds:
        a, b = _run(a_scenario, seed), _run(b_scenario, seed)
        both = min(m.center.closure_month if m.center.closed else m.months for m in (a, b))
        for o in outcomes:
            if o in over_time:
                j = metrics.NAMES.index(o)
                out[o].append((float(np.nanmean(a.timeseries[: max(1, both), j])),
                               float(np.nanmean(b.timeseries[: max(1, both), j]))))
            else:
                out[o].append((a.outcome(o), b.outcome(o)))
    return out


def inclusive_governance(director, inclusive, seeds) -> Fact:
    """Executive director vs multi-stakeholder board, same worlds: engagement and decision latency."""
    pairs = _paired(director, inclusive, seeds, ("partner_engagement", "decision_latency_months"),
                    over_time=("partner_engagement",))
    eng = [b - a for a, b in pairs["partner_engagement"] if not math.isnan(a - b)]
    lat = [b - a for a, b in pairs["decision_latency_months"] if not math.isnan(a - b)]
    share_eng, share_lat = np.mean(np.array(eng) > 0), np.mean(np.array(lat) > 0)
    return Fact("inclusive_governance", "Inclusive governance: more engagement, slower decisions",
                {"engagement gain while both are open (median)": _median(eng), "latency added, months (median)": _median(lat),
                 "share of worlds with more engagement": float(share_eng),
                 "share of worlds with slower decisions": float(share_lat)},
                "in at least 80% of paired worlds both higher engagement and longer latency",
                bool(share_eng >= 0.8 and share_lat >= 0.8), series={"pairs": pairs})


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


def all_facts(reps: int = 20, seed: int = 1, folder: Path = SCENARIOS) -> list[Fact]:
    """Measure every stylised fact on the shipped Plovdiv scenarios."""
    seeds = replicate_seeds(seed, reps)
    base = load_scenario(folder / "base.yaml")
    return [
        survival(base, seeds),
        grant_success([base], seeds),
        funding_cliff(load_scenario(folder / "grant-only.yaml"), seeds),
        support_effects(base, seeds),
        inclusive_governance(base, load_scenario(folder / "association-multistakeholder.yaml"), seeds),
        online_delivery(base, seeds),
        scale_check(base, seeds),
    ]


# --------------------------------------------------------------------------- report
def figures(facts: list[Fact], folder: Path) -> dict[str, Path]:
    """One figure per fact, written to ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for f in facts:
        fig, ax = plt.subplots(figsize=(6.5, 3.8))
        s = f.series
        if f.key == "survival" and s.get("survival"):
            ax.plot(s["months"], s["survival"], label="model (comparison world, median over replicates)")
            ax.scatter([12, 60], [0.80, 0.44], color="black", zorder=3, label="Eurostat: 80% at 1 year, 44% at 5")
            ax.set_xlabel("months since launch")
            ax.set_ylabel("share of ventures still running")
            ax.set_ylim(0, 1)
        elif f.key == "grant_success":
            ax.hist([r for r in s["rates"] if not math.isnan(r)], bins=12, color="tab:blue", label="runs")
            ax.axvspan(0.12, 0.20, color="green", alpha=0.15, label="12-20% (domain.md)")
            ax.set_xlabel("project-grant success rate of a run")
            ax.set_ylabel("runs")
        elif f.key == "funding_cliff":
            ax.plot(np.arange(len(s["cash"])), s["cash"], label="cash, median over replicates")
            ax.axvline(s["grant_end"], color="red", ls="--", label="the grant ends")
            ax.axhline(0, color="grey", lw=0.6)
            ax.set_xlabel("month")
            ax.set_ylabel("EUR")
        elif f.key == "support_effects":
            ax.plot(s["months"], s["left"], label="capability gain left (median over replicates)")
            ax.axhline(0.5, color="grey", ls=":", label="half")
            ax.set_xlabel("months after the mentoring programme ended")
            ax.set_ylabel("share of the gain left")
            ax.set_ylim(0, 1.05)
        elif f.key == "online_delivery":
            pairs = s["pairs"]
            groups = {
                "regional reach,\n20% online events": [a for a, _ in pairs["regional_reach"]],
                "regional reach,\n80% online events": [b for _, b in pairs["regional_reach"]],
                "programme drop-out,\non site": [b for _, b in pairs["dropout_onsite"]],
                "programme drop-out,\nonline": [b for _, b in pairs["dropout_online"]],
            }
            ax.boxplot([[v for v in vals if not math.isnan(v)] for vals in groups.values()],
                       tick_labels=list(groups), vert=False)
            ax.tick_params(axis="y", labelsize=7)
            ax.set_xlabel("share (replicates; drop-out in the 80%-online design)")
            ax.set_xlim(0, 1)
        elif f.key == "scale":
            ax.hist(s["jobs"], bins=12, color="tab:blue", label="jobs at the horizon, runs")
            ax.axvspan(*s["band"].jobs, color="green", alpha=0.15, label="anchor band (register scaled, x1-4)")
            ax.set_xlabel("jobs in running ventures in the province")
            ax.set_ylabel("runs")
        elif f.key == "inclusive_governance":
            # Two panels, one per unit: engagement (0..1) and latency (months), each a paired
            # difference, multi-stakeholder board minus executive director, in the same world.
            ax.remove()
            panels = fig.subplots(1, 2)
            for panel, (key, label) in zip(panels, (("partner_engagement", "partner engagement gain (0..1)"),
                                                    ("decision_latency_months", "decision latency added (months)"))):
                diffs = [b - a for a, b in s["pairs"][key] if not math.isnan(b - a)]
                panel.boxplot([diffs], tick_labels=["board − director"], vert=False)
                panel.axvline(0, color="black", lw=0.6)
                panel.set_xlabel(label, fontsize=8)
                panel.tick_params(axis="y", labelsize=7)
            fig.suptitle(f.title, fontsize=10)
            ax = panels[0]
        if f.key != "inclusive_governance":
            ax.set_title(f.title, fontsize=10)
        ax.legend(fontsize=7) if ax.get_legend_handles_labels()[0] else None
        fig.tight_layout()
        path = folder / f"{f.key}.png"
        with writing_to(path):
            fig.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(fig)
        out[f.key] = path
    return out


def markdown(facts: list[Fact], images: dict[str, Path], reps: int, seed: int, relative_to: Path) -> str:
    """The validation document."""
    lines = [
        "# Validation against stylised facts",
        "",
        f"Generated by `simcenter facts --reps {reps} --seed {seed}`; do not edit by hand.",
        "",
        "The default Plovdiv scenarios (`scenarios/plovdiv/`) are run over seeded replicates and",
        "checked against the stylised facts of `../shared/domain.md`, each with a stated tolerance.",
        "`tests/test_stylised_facts.py` asserts the same checks with fewer replicates.",
        "",
        "| fact | measured | target | holds |",
        "|---|---|---|---|",
    ]
    for f in facts:
        measured = "; ".join(f"{k}: {v:.3g}" for k, v in f.measured.items())
        lines.append(f"| {f.title} | {measured} | {f.target} | {'yes' if f.holds else '**no**'} |")
    lines.append("")
    for f in facts:
        rel = images[f.key].relative_to(relative_to).as_posix()
        lines += [f"## {f.title}", "", f"Target: {f.target}.", "",
                  *[f"- {k}: **{v:.3g}**" for k, v in f.measured.items()], "", f"![{f.key}]({rel})", ""]
    return "\n".join(lines)


def write_report(out: Path, reps: int = 20, seed: int = 1, force: bool = False) -> list[Fact]:
    """Measure the facts and write ``out/validation.md`` with figures in ``out/validation/``.

    ``out`` may hold anything else; a ``validation.md`` there must be one this command wrote,
    unless ``force`` (``simcenter.outputs``: never the current or the home folder, nor one holding
    the scenarios the facts are measured on)."""
    check_replicates(reps)
    prepare_output(Path(out), "facts", [SCENARIOS], force)  # now, not after the runs
    facts = all_facts(reps, seed)
    images = figures(facts, out / "validation")
    with writing_to(out / "validation.md"):
        (out / "validation.md").write_text(markdown(facts, images, reps, seed, out), encoding="utf-8")
    return facts
