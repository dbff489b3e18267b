"""Design A against design B in plain words: the result over many worlds first, then what differs in the
designs, and where each does better in the world on screen.

The panel leads with the result over the designs' ensembles (``simcenter.ui.ensemble``: the same 20
worlds for both, compared world by world): in how many worlds each stays open to the end, and the
median of the differences world by world in people served a year, extra jobs and extra ventures at
the end of the horizon ("B serves about 310 more people a year than A").

Below it, results are compared in the month on screen, in the one random world both designs share, so
a difference comes from the designs, not from different draws; but one world is one story: the panel
says that those lines are one world only. A difference is worth a sentence
when it is material in the report's sense (``simcenter.report.analysis``: two percentage
points for shares, 2% otherwise), and a share is compared only when both designs' share rests on
at least ``metrics.MIN_BASE`` people or ventures (its ``base`` outcome), a higher regional reach only when
it reaches no fewer people outside the city (its ``count``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from simcenter.i18n import format_number, join_words
from simcenter.metrics import BY_NAME, MIN_BASE, is_material
from simcenter.ui import controls, text
from simcenter.ui.ensemble import SERIES
from simcenter.ui.session import Workshop
from simcenter.ui.text import entry_cons, entry_label, entry_pros, letter, outcome_label, outcome_value, tr

COMPARED = ("reached", "served", "ventures_launched", "ventures_launched_added", "ventures_scaled", "jobs",
            "jobs_added", "client_funding_eur", "runway_months", "own_revenue_share", "funding_hhi",
            "grants_won", "partner_engagement", "network_ties", "regional_reach", "dropout_rate",
            "cost_per_venture_added_eur", "decision_latency_months")
"""Outcomes with a direction (more or less is better) that the panel compares."""
MAX_SENTENCES = 6
"""Sentences per side: the largest differences first."""
LEAD = ("served", "jobs_added", "ventures_launched_added")
"""The outcomes the panel's lead compares over many worlds (each has a sentence, ``app.versus.<name>``;
people served as a yearly figure)."""


@dataclass(frozen=True)
class Lead:
    """The panel's first lines: the result over many worlds, or why it is not there yet."""

    state: str  # "ready", "running", "failed"; "" without design B
    lines: list[str] = field(default_factory=list)
    note: str = ""
    size: int = 0


@dataclass(frozen=True)
class Known:
    """What the catalogue says of one design's legal form or management structure."""

    design: str
    label: str
    pros: tuple[str, ...]
    cons: tuple[str, ...]


@dataclass(frozen=True)
class Panel:
    """The pros-and-cons panel: design differences, and where each design does better."""

    design: list[str]
    known: list[Known]  # the catalogue's pros and cons of each form or structure that differs
    better: dict[str, list[str]]  # "A"/"B" -> sentences
    closed: list[str]  # designs that ran out of money
    month: int
    lead: Lead = Lead("")


def lever_text(lang: str, workshop: Workshop, which: str, name: str) -> str:
    """The value of lever ``name`` in design ``which`` as people read it."""
    value = workshop.value(which, name)
    if value is None:
        return "–"
    base = workshop.base(which)
    if name in controls.DESIGN_LEVERS and base is not None:
        group = base.catalogue.legal_forms if name == "legal_form" else base.catalogue.management_structures
        return entry_label(lang, group[value]) if value in group else str(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)  # typed text that is not a number: shown as typed (the problem says why)
    control = controls.BY_NAME[name]
    return ("× " if control.unit == "factor" else "") + text.lever_value(lang, control, float(value))


def design_lines(lang: str, workshop: Workshop) -> list[str]:
    """One line per lever (and scenario file) on which design B differs from design A."""
    a, b = workshop.designs["A"], workshop.designs.get("B")
    if b is None:
        return []
    letters = {"A": letter(lang, "A"), "B": letter(lang, "B")}
    lines = []
    if a.scenario != b.scenario:
        lines.append(tr(lang, "app.diff.design_line", what=tr(lang, "app.scenario"), **letters,
                        a=workshop.choice("A").label, b=workshop.choice("B").label))
    for name in controls.ORDER:
        if workshop.value("A", name) != workshop.value("B", name):
            lines.append(tr(lang, "app.diff.design_line", what=tr(lang, f"app.lever.{name}"), **letters,
                            a=lever_text(lang, workshop, "A", name), b=lever_text(lang, workshop, "B", name)))
    return lines


def known_lines(lang: str, workshop: Workshop) -> list[Known]:
    """The catalogue's known pros and cons of the legal form and structure where A and B differ."""
    out = []
    for name in controls.DESIGN_LEVERS:
        values = {w: workshop.value(w, name) for w in ("A", "B")}
        if "B" not in workshop.designs or values["A"] == values["B"]:
            continue
        for which, key in values.items():
            base = workshop.base(which)
            group = {} if base is None else (
                base.catalogue.legal_forms if name == "legal_form" else base.catalogue.management_structures)
            if key in group:
                entry = group[key]
                out.append(Known(which, entry_label(lang, entry), entry_pros(lang, entry), entry_cons(lang, entry)))
    return out


def outcome_lines(lang: str, workshop: Workshop) -> tuple[dict[str, list[str]], list[str]]:
    """Sentences on the outcomes where each design does materially better, largest first,
    and a sentence for each design that has closed, saying by whose rule."""
    runs = workshop.live_runs()
    better: dict[str, list[tuple[float, str]]] = {"A": [], "B": []}
    closed = []
    if set(runs) != {"A", "B"}:
        return {"A": [], "B": []}, closed
    for which, run in runs.items():
        center = run.model.center
        if center.closed:
            key = "app.diff.closed" if center.closure_reason == "insolvency" else "app.diff.closed_by_host"
            closed.append(tr(lang, key, design=letter(lang, which), month=center.closure_month))
    ra, rb = runs["A"], runs["B"]
    month = min(ra.month, rb.month)
    if month == 0:
        return {"A": [], "B": []}, closed
    for name in COMPARED:
        outcome = BY_NAME[name]
        a, b = float(ra.series(name)[month - 1]), float(rb.series(name)[month - 1])
        if math.isnan(a) or math.isnan(b) or not is_material(outcome, a, b):
            continue
        if outcome.base and min(ra.series(outcome.base)[month - 1], rb.series(outcome.base)[month - 1]) < MIN_BASE:
            continue  # a share of very few people says nothing about the design
        b_better = (b > a) if outcome.direction == "max" else (b < a)
        if outcome.count:
            ca, cb = float(ra.series(outcome.count)[month - 1]), float(rb.series(outcome.count)[month - 1])
            if (cb < ca) if b_better else (ca < cb):
                continue  # a larger share of fewer people is no wider reach
        winner, loser = ("B", "A") if b_better else ("A", "B")
        vw, vl = (b, a) if b_better else (a, b)
        size = abs(b - a) / max(abs(a), abs(b), 1e-9)
        sentence = tr(lang, "app.diff.better", better=letter(lang, winner), worse=letter(lang, loser),
                      outcome=outcome_label(lang, name), value_better=outcome_value(lang, name, vw),
                      value_worse=outcome_value(lang, name, vl))
        better[winner].append((size, sentence))
    return {k: [s for _, s in sorted(v, key=lambda x: -x[0])[:MAX_SENTENCES]] for k, v in better.items()}, closed


def about(x: float) -> float:
    """``x`` to two significant figures (at least to a whole number): "about 310", not "about 312.35"."""
    if not math.isfinite(x) or x == 0:
        return 0.0
    if abs(x) < 10:
        return float(round(x))
    return float(round(x, 1 - int(math.floor(math.log10(abs(x))))))


def lead(lang: str, workshop: Workshop) -> Lead:
    """The result over many worlds in plain words: how often each design stays open to the end, and the
    median difference world by world (the same worlds for both designs) in ``LEAD`` at the horizon."""
    runs = workshop.live_runs()
    if set(runs) != {"A", "B"}:
        return Lead("")
    ensembles = {w: workshop.ensembles.current.get(w) for w in ("A", "B")}
    size = max([e.size for e in ensembles.values() if e is not None] or [workshop.ensembles.size])
    if any(e is None or not e.matches(runs[w].config, runs[w].seed) or e.cancelled for w, e in ensembles.items()) \
            or not all(e.done.is_set() for e in ensembles.values()):
        return Lead("running", [tr(lang, "app.versus.running", size=size)], size=size)
    if not all(e.ready for e in ensembles.values()):
        return Lead("failed", [tr(lang, "app.versus.failed")], size=size)
    a, b = ensembles["A"], ensembles["B"]
    months = min(runs["A"].months, runs["B"].months)
    years = months / 12
    letters = {"A": letter(lang, "A"), "B": letter(lang, "B")}
    when = tr(lang, "app.versus.years_one") if months == 12 else tr(lang, "app.versus.years",
                                                                         years=format_number(years, lang))
    n = {"A": a.operating(), "B": b.operating()}
    if n["A"] == n["B"]:
        lines = [tr(lang, "app.versus.open_same", size=size, years=when, n=n["A"], **letters)]
    else:
        first, second = ("A", "B") if n["A"] > n["B"] else ("B", "A")
        lines = [tr(lang, "app.versus.open", size=size, years=when, first=letters[first], second=letters[second],
                    n_first=n[first], n_second=n[second])]
    same = []
    for name in LEAD:
        column = SERIES.index(name)
        va = np.array([r.series[months - 1, column] for r in a.results], dtype=float)
        vb = np.array([r.series[months - 1, column] for r in b.results], dtype=float)
        diff = float(np.nanmedian(vb - va))  # world by world: both designs in the same worlds
        amount = about(abs(diff / years if name == "served" else diff))
        if amount == 0 or not is_material(BY_NAME[name], float(np.nanmedian(va)), float(np.nanmedian(vb))):
            same.append(outcome_label(lang, name))
            continue
        better, worse = ("B", "A") if diff > 0 else ("A", "B")
        lines.append(tr(lang, f"app.versus.{name}", better=letters[better], worse=letters[worse],
                        amount=format_number(amount, lang)))
    if same:
        lines.append(tr(lang, "app.versus.same", outcomes=join_words(same, lang), **letters))
    return Lead("ready", lines, tr(lang, "app.versus.note", size=size, seed=workshop.seed), size)


def panel(lang: str, workshop: Workshop) -> Panel:
    """Everything the A-against-B panel shows: the result over many worlds, and the month on screen."""
    with workshop.lock:
        better, closed = outcome_lines(lang, workshop)
        return Panel(design_lines(lang, workshop), known_lines(lang, workshop), better, closed, workshop.month,
                     lead(lang, workshop))
