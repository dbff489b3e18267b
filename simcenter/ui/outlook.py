"""What became of each design's centre, in plain words: closed (when, and why) in the world on screen.
No Solara here (``simcenter.ui.panels`` shows it)."""

from __future__ import annotations

from dataclasses import dataclass

from simcenter.i18n import format_date
from simcenter.ui.text import letter, tr

REASONS = ("insolvency", "council_budget", "host_review", "partners_withdrew")
"""Why a centre closes, as the model records it (``center.closure_reason``); each has its sentence."""


@dataclass(frozen=True)
class Closure:
    """Design ``which``'s centre closed in ``month`` (1-based, as the page counts), ``calendar`` (YYYY-MM),
    for ``reason`` (one of ``REASONS``)."""

    which: str
    month: int
    calendar: str
    reason: str


def closures(workshop) -> list[Closure]:
    """The designs on screen whose centre has closed by the month on screen, in the world on screen."""
    found = []
    with workshop.lock:
        for which, run in workshop.live_runs().items():
            center = run.model.center
            if center.closed:
                y, m = run.model.calendar(center.closure_month - 1)
                found.append(Closure(which, center.closure_month, f"{y:04d}-{m:02d}", center.closure_reason))
    return found


def closure_line(lang: str, closure: Closure) -> str:
    """"Design A closed in month 76 (April 2032): it ran out of money ..." in ``lang`` (the month as the language
    writes it: "април 2032 г.")."""
    reason = closure.reason if closure.reason in REASONS else "host_review"
    return tr(lang, "app.closure.line", design=letter(lang, closure.which), month=closure.month,
              calendar=format_date(closure.calendar, lang), why=tr(lang, f"app.closure.{reason}"))
