"""The page's words for a room, without a browser: every outcome on the page has a plain name and a
glossary entry (technical name, unit, meaning) in both languages; the A-against-B panel leads with the
result over many worlds in plain words; presentation mode is kept in the page's address. In the browser:
tests/test_ui_projector.py."""

from __future__ import annotations

import re

import numpy as np
import pytest

pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")

from simcenter.i18n import LANGUAGES, strings, unit_name  # noqa: E402
from simcenter.metrics import BY_NAME  # noqa: E402
from simcenter.ui import charts, differences, state  # noqa: E402
from simcenter.ui.ensemble import SERIES  # noqa: E402
from simcenter.ui.figures import KPIS, SHOWN  # noqa: E402
from simcenter.ui.session import Workshop  # noqa: E402
from simcenter.ui.text import outcome_glossary, outcome_label  # noqa: E402

from conftest import ROOT  # noqa: E402

BASE = ROOT / "scenarios" / "plovdiv" / "base.yaml"
DEADLINE = 300  # seconds: 2 x 20 runs on a shared, loaded machine, the worker pool starting


def test_shown_outcomes_cover_the_cards_the_charts_and_the_comparison():
    assert set(KPIS) | {n for _, o in charts.PANELS for n in o} | set(differences.COMPARED) == set(SHOWN)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_outcome_on_the_page_has_a_plain_name_and_a_glossary_entry(lang):
    table = strings(lang)
    for name in SHOWN:
        assert table.get(f"app.outcome.{name}") and table.get(f"app.meaning.{name}"), (lang, name)
        assert outcome_label(lang, name) == table[f"app.outcome.{name}"]
        entry = outcome_glossary(lang, name)
        assert entry.startswith(f"{table[f'outcomes.{name}']} ({unit_name(BY_NAME[name].unit, lang)}). ")
        assert entry.endswith(table[f"app.meaning.{name}"])
        assert "HHI" not in outcome_label(lang, name)  # the jargon is in the glossary only
    assert outcome_label("en", "funding_hhi") == "how much income depends on one source"
    assert "HHI" in outcome_glossary(lang, "funding_hhi")


def test_the_plain_names_are_the_apps_and_the_reports_keep_theirs():
    assert outcome_label("en", "staff") == strings("en")["outcomes.staff"]  # no plain name: the report's
    assert strings("en")["outcomes.funding_hhi"] == "funding concentration (HHI)"


def test_presentation_mode_is_kept_in_the_address():
    ws = Workshop(BASE, lang="en")
    assert "present" not in state.encode(ws)  # written only when on
    assert ws.set_present(True)
    address = state.encode(ws)
    assert "present=1" in address
    again = Workshop(BASE, lang="en")
    assert state.restore(again, address) == [] and again.present
    off = Workshop(BASE, lang="en")
    notes = state.restore(off, "present=maybe")
    assert not off.present and len(notes) == 1
    assert state.note_text("en", notes[0]) == "Presentation: expected on or off, got text 'maybe'"


def test_about_keeps_two_significant_figures():
    assert [differences.about(x) for x in (312.35, 28.4, 6.4, 0.3, -1234.0, 0.0)] == [310, 28, 6, 0, -1200, 0]


@pytest.mark.slow
def test_the_panel_leads_with_the_result_over_many_worlds_in_plain_words():
    ws = Workshop(BASE, seed=1, lang="en")
    ws.set_compare(True)
    assert ws.set_lever("B", "legal_form", "cooperative")
    assert differences.panel("en", ws).lead.state == "running"
    ensembles = ws.ensembles.follow(ws.live_runs())
    assert all(e.wait(DEADLINE) for e in ensembles.values())
    ws.step(12)
    lead = differences.panel("en", ws).lead
    a, b = ensembles["A"], ensembles["B"]
    # The closure share is the ensembles' (what simcenter run --reps 20 gives: tests/test_ui_ensemble.py).
    assert lead.lines[0] == (f"Over 20 worlds, A stays open to the end (10 years) in {a.operating()}, "
                             f"B in {b.operating()}.") == "Over 20 worlds, A stays open to the end (10 years) in 20, B in 17."
    served = SERIES.index("served")
    diff = np.median([rb.series[119, served] - ra.series[119, served] for ra, rb in zip(a.results, b.results)]) / 10
    assert diff < 0  # the cooperative serves fewer
    sentence = next(s for s in lead.lines if "people a year" in s)
    assert sentence == f"A serves about {differences.about(-diff):,.0f} more people a year than B."
    assert all(re.match(r"^(A|B) (serves|adds|helps) about [\d,]+ more .+ than (A|B)", s) or s.startswith(("Over", "On "))
               for s in lead.lines), lead.lines
    assert "world by world" in lead.note and "seed 1" in lead.note
    bg = differences.panel("bg", ws).lead
    assert bg.lines[0] == "В 20 свята А работи до края (10 години) в 20, Б – в 17."


def test_the_networks_legend_names_a_closed_centre_and_no_name_is_cut():
    # The cooperative closes insolvent in month 37 of seed 1 (tests/test_ui_outlook.py).
    ws = Workshop(ROOT / "scenarios" / "plovdiv" / "cooperative.yaml", seed=1, lang="en")
    ws.step(36)
    before = charts.network_option("en", "A", ws.runs["A"])
    assert "the centre" in before["legend"]["data"] and "the centre, closed (red)" not in before["legend"]["data"]
    ws.step(1)
    option = charts.network_option("bg", "A", ws.runs["A"], big=True)
    center = next(s for s in option["series"] if s.get("name") == "центърът, закрит (червено)")
    assert center["name"] in option["legend"]["data"] and center["itemStyle"]["color"] == charts.CLOSED_COLOR
    assert option["legend"]["textStyle"]["fontSize"] >= 16
    labelled = [s for s in option["series"] if s.get("label", {}).get("show")]
    assert labelled and all(s["label"]["overflow"] == "break" and s["label"]["fontSize"] >= 16 for s in labelled)
    names = [p["name"] for s in labelled for p in s["data"]]
    assert "Общинска подкрепа за социални иновации" in names  # whole (it was cut at 26 characters)
    assert not any(n.endswith(("…", "...")) for n in names)


def test_design_a_shows_around_design_b_where_they_agree():
    ws = Workshop(BASE, seed=1, lang="en")
    ws.set_compare(True)  # B is a copy of A: every line of B lies on A's
    ws.step(6)
    option = charts.panel_option("en", "reach", ws.live_runs())
    lines = {s["name"]: s for s in option["series"]}
    a, b = lines["A: people reached"], lines["B: people reached"]
    assert a["data"] == b["data"]
    assert a["lineStyle"]["width"] >= 2 * b["lineStyle"]["width"] and b["z"] > a["z"]  # A wider, under B
    assert [p for p, _ in charts.PANELS if p in charts.HEADLINE] == list(charts.HEADLINE)
    added = dict(charts.PANELS)["added"]
    assert set(added) == {"ventures_launched_added", "jobs_added"}  # their own axis, not the totals'
    assert not set(added) & {n for p, o in charts.PANELS if p != "added" for n in o}
