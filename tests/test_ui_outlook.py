"""A design's fate in plain sight, without a browser: a centre that closes in the world on screen
says so, when and why, in both languages (``simcenter.ui.outlook``). In the browser:
tests/test_ui_outlook_page.py."""

from __future__ import annotations

import pytest

pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")

from simcenter.i18n import format_date  # noqa: E402
from simcenter.ui.outlook import REASONS, Closure, closure_line, closures  # noqa: E402
from simcenter.ui.session import Workshop  # noqa: E402

from conftest import ROOT  # noqa: E402

COOPERATIVE = ROOT / "scenarios" / "plovdiv" / "cooperative.yaml"
"""Closes insolvent in month 37 with seed 1 (the page's default world)."""


def test_a_centre_that_closes_says_when_and_why_in_both_languages():
    ws = Workshop(COOPERATIVE, lang="en")
    ws.step(36)
    assert closures(ws) == []
    ws.step(1)
    (closed,) = closures(ws)
    center = ws.runs["A"].model.center
    assert (closed.which, closed.month, closed.reason) == ("A", center.closure_month, "insolvency") == ("A", 37, "insolvency")
    y, m = ws.runs["A"].model.calendar(36)
    assert closed.calendar == f"{y:04d}-{m:02d}"
    en = closure_line("en", closed)
    assert en.startswith(f"Design A closed in month 37 ({format_date(closed.calendar, 'en')}): it ran out of money")
    assert "insolvent" in en
    bg = closure_line("bg", closed)
    assert bg.startswith(f"Модел А затвори през месец 37 ({format_date(closed.calendar, 'bg')}): остана без пари")
    assert "несъстоятелност" in bg
    ws.step(20)  # it stays closed, and says so in the month it closed
    assert closures(ws) == [closed]


def test_only_the_designs_on_screen_that_closed_are_named():
    ws = Workshop(ROOT / "scenarios" / "plovdiv" / "base.yaml", lang="en")
    ws.set_compare(True)
    ws.set_scenario("B", next(c.id for c in ws.choices().values() if c.path == COOPERATIVE))
    ws.step(60)
    assert [c.which for c in closures(ws)] == ["B"]
    assert closure_line("bg", closures(ws)[0]).startswith("Модел Б затвори през месец 37")


@pytest.mark.parametrize("reason", REASONS)
def test_every_reason_for_closing_has_its_own_plain_sentence_in_both_languages(reason):
    closed = Closure("B", 14, "2027-02", reason)
    lines = {lang: closure_line(lang, closed) for lang in ("en", "bg")}
    assert lines["en"].startswith("Design B closed in month 14 (February 2027): ")
    assert lines["bg"].startswith("Модел Б затвори през месец 14 (февруари 2027\u202fг.): ")  # the month as Bulgarian writes it (Babel)
    others = {closure_line("en", Closure("B", 14, "2027-02", r)) for r in REASONS}
    assert len(others) == len(REASONS)  # each reason says something of its own
    assert not any(ch in lines["bg"].split(":", 1)[1] for ch in "abcdefghijklmnopqrstuvwxyz")  # real Bulgarian
    who = {"insolvency": "ran out of money", "council_budget": "council", "host_review": "host",
           "partners_withdrew": "partners"}[reason]
    assert who in lines["en"]
