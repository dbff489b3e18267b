"""Design A against design B in plain words: what differs in the designs, and in their results.

Results are compared in the month on screen, in the one random world both designs share, so
a difference comes from the designs, not from different draws; but one world is one story:
the panel says so, and ``simcenter compare`` gives the answer over many worlds. A difference is worth a sentence
when it is material in the report's sense (``simcenter.report.analysis``: two percentage
points for shares, 2% otherwise), and a share is compared only when both designs' share rests on
at least ``metrics.MIN_BASE`` people or ventures (its ``base`` outcome), a higher regional reach only when
it reaches no fewer people outside the city (its ``count``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simcenter.metrics import BY_NAME, MIN_BASE, is_material
from simcenter.ui import controls, text
from simcenter.ui.session import Workshop
from simcenter.ui.text import entry_cons, entry_label, entry_pros, letter, outcome_label, outcome_value, tr

COMPARED = ("reached", "served", "ventures_launched", "ventures_launched_added", "ventures_scaled", "jobs",
            "jobs_added", "client_funding_eur", "runway_months", "own_revenue_share", "funding_hhi",
            "grants_won", "partner_engagement", "network_ties", "regional_reach", "dropout_rate",
            "cost_per_venture_added_eur", "decision_latency_months")
"""Outcomes with a direction (more or less is better) that the panel compares."""
MAX_SENTENCES = 6
"""Sentences per side: the largest differences first."""


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


def panel(lang: str, workshop: Workshop) -> Panel:
    """Everything the pros-and-cons panel shows, for the month on screen."""
    with workshop.lock:
        better, closed = outcome_lines(lang, workshop)
        return Panel(design_lines(lang, workshop), known_lines(lang, workshop), better, closed, workshop.month)
