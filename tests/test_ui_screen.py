"""What the page shows is the design the model runs, in the numbering the page uses (issue 20).

Without a browser: the levers' shown values, the results file's months, the exported file's
name and what reproduces it, the scenario picker's names, the names of partners and funders.
"""

from __future__ import annotations

import pytest

pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")

from simcenter.ui import controls  # noqa: E402
from simcenter.ui.session import Workshop  # noqa: E402

from conftest import BASE  # noqa: E402


@pytest.fixture
def workshop():
    return Workshop(BASE, lang="en")


def assert_shown_as_run(ws: Workshop, which: str) -> None:
    """Every lever's shown value is the value in the model running design ``which``."""
    config = ws.runs[which].config
    for name in controls.ORDER:
        if name != "grant_success_factor":  # relative to the scenario's rates, not read back from it
            assert ws.value(which, name) == pytest.approx(controls.lever_value(config, name)), (which, name)


def test_partner_seats_show_the_chosen_structures_seats_and_a_nudge_keeps_the_board(workshop):
    workshop.set_lever("A", "management", "multi_stakeholder_board")
    seats = workshop.runs["A"].config.structure.partner_seats
    assert seats == 9 and workshop.value("A", "partner_seats") == 9  # was 0: the starting file's seats
    workshop.set_lever("A", "partner_seats", workshop.value("A", "partner_seats") + 1)  # one notch up
    assert workshop.runs["A"].config.structure.partner_seats == 10  # not a board cut to one seat


def test_every_levers_shown_value_reads_from_the_current_design(workshop):
    assert_shown_as_run(workshop, "A")
    workshop.set_lever("A", "legal_form", "cooperative")
    workshop.set_lever("A", "management", "multi_stakeholder_board")
    assert_shown_as_run(workshop, "A")
    workshop.step(3)
    workshop.reset()
    assert_shown_as_run(workshop, "A")
    workshop.set_compare(True)
    workshop.set_lever("B", "management", "network_hub")
    for which in ("A", "B"):
        assert_shown_as_run(workshop, which)
    assert workshop.value("B", "legal_form") == "cooperative"
    assert workshop.set_scenario("B", "plovdiv/foundation-board.yaml")
    assert_shown_as_run(workshop, "B")


def test_the_results_files_months_are_the_pages(workshop):
    from simcenter.ui import exports

    workshop.set_compare(True)
    workshop.step(3)  # the page says "Month 3 of 120 (2027-03)"
    frame = exports.results_frame(workshop)
    for which in ("A", "B"):
        rows = frame[frame["design"] == which]
        assert list(rows["month"]) == [1, 2, 3] and rows["month"].iloc[-1] == workshop.month
        assert list(rows["calendar_month"]) == ["2027-01", "2027-02", "2027-03"]
        assert rows["served"].iloc[-1] == workshop.runs[which].latest("served")  # the card at month 3


def test_the_exported_file_is_named_and_titled_after_the_design_it_holds(workshop):
    from simcenter import scenario_from_dict
    import yaml

    from simcenter.ui import exports

    workshop.set_lever("A", "legal_form", "cooperative")
    workshop.set_lever("A", "management", "multi_stakeholder_board")
    workshop.set_lever("A", "share_online_events", 0.5)
    workshop.set_compare(True)
    workshop.set_scenario("B", "plovdiv/foundation-board.yaml")
    name, text = exports.scenario_yaml(workshop, "A")
    assert name == "cooperative-multi-stakeholder-board-share-online-events-0-5-workshop-a.yaml"
    assert name == exports.export_name(workshop, "A") + ".yaml"  # the download's file name
    a = scenario_from_dict(yaml.safe_load(text))
    assert a.name + ".yaml" == name
    assert (a.title, a.title_bg) == ("Workshop design A: Cooperative, Multi-stakeholder board",
                                     "Модел А от работилницата: Кооперация, Многостранен управителен съвет")
    b = exports.scenario_yaml(workshop, "B")[0]
    assert b == "foundation-collegial-board-workshop-b.yaml"  # not the file it started from


@pytest.mark.slow
def test_simcenter_run_on_the_exported_file_gives_the_numbers_on_screen(tmp_path):
    import csv
    import json

    from simcenter.ui import exports
    from support import run_cli

    short = tmp_path / "short.yaml"  # a short horizon: the run below goes to the month on screen
    short.write_text(f"extends: {BASE}\nname: short\nhorizon: {{years: 2}}\n", encoding="utf-8")
    ws = Workshop(short, seed=7, lang="en")
    ws.set_lever("A", "n_mentors", 3)
    ws.step(24)
    assert ws.finished and ws.month == 24
    shown = {name: ws.runs["A"].latest(name) for name in ("reached", "served", "cash_eur", "grants_won")}
    name, text = exports.scenario_yaml(ws, "A")
    exported = tmp_path / "home" / name
    exported.parent.mkdir()
    exported.write_text(text, encoding="utf-8")
    command = exports.replay_command(exported.stem, 7)
    assert command == f"simcenter run {name} --seed 7 --reps 1" and command in " ".join(text.split())

    proc = run_cli(*command.split()[1:], "--format", "json", "--out", str(tmp_path / "out"),
                   cwd=exported.parent, timeout=300)
    assert proc.returncode == 0, proc.stderr
    kpis = json.loads(proc.stdout)["kpis"]
    assert {k: kpis[k]["median"] for k in shown} == pytest.approx(shown)
    with (tmp_path / "out" / "timeseries.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    last = rows[-1]  # month 23 there: the page's month 24
    assert int(last["month"]) + 1 == ws.month
    assert {k: float(last[k]) for k in shown} == pytest.approx(shown)


def test_play_goes_a_month_a_second_by_default_at_a_pace_the_server_checks(workshop):
    from simcenter.ui.text import refusal

    assert workshop.play_seconds == 1.0
    workshop.set_months_per_step(6)  # a Step's size is not Play's
    assert workshop.play_tick() and workshop.month == 1
    workshop.step()
    assert workshop.month == 7
    for bad in (0, 5, "fast", None, float("nan"), [1]):
        assert workshop.set_play_seconds(bad) is False and workshop.play_seconds == 1.0
    assert refusal("en", workshop.refused).startswith("Not accepted — Seconds per month while playing:")
    workshop.set_play_seconds(10)
    assert refusal("bg", workshop.refused) == ("Не е прието — Секунди на месец при пускане: "
                                                "трябва да е между 0,25 и 4, получено: 10")
    assert workshop.set_play_seconds("0,5") and workshop.play_seconds == 0.5 and workshop.refused is None
    workshop.step(200)
    assert workshop.play_tick() is False and workshop.month == 120  # nothing more to play


def test_the_picker_names_designs_in_the_sessions_language_and_hides_templates(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\nhorizon: {years: 100}\n", encoding="utf-8")
    ws = Workshop(BASE, lang="en")
    offered = ws.choices()
    assert offered["plovdiv/base.yaml"].label == "Association with an executive director"
    assert offered["plovdiv/cooperative.yaml"].label == "Cooperative with a collegial board"
    assert not [c for c in offered.values() if "template" in c.id or c.label.endswith(".yaml")]
    ws.set_language("bg")
    assert ws.choices()["plovdiv/base.yaml"].label == "Сдружение с изпълнителен директор"  # same id
    assert ws.choice("A").label == "Сдружение с изпълнителен директор"
    assert Workshop(broken, lang="bg").choices()["broken.yaml"].label == "broken.yaml"  # no title to show


@pytest.mark.parametrize("lang, university, funder", [
    ("en", "University of Plovdiv", "Corporate donors (CSR)"),
    ("bg", "Пловдивски университет", "Корпоративни дарители (КСО)"),
])
def test_partners_and_funders_are_named_in_the_sessions_language(workshop, lang, university, funder):
    from simcenter.ui import charts

    workshop.step(2)
    run = workshop.runs["A"]
    lines = [s["name"] for s in charts.panel_option(lang, "partners", workshop.live_runs())["series"]]
    assert university in lines
    nodes = {s["name"]: [p["name"] for p in s["data"]] for s in charts.network_option(lang, "A", run)["series"]
             if s["type"] == "scatter"}
    shown = [n for names in nodes.values() for n in names]
    assert university in shown and funder in shown  # whole names: they wrap on the picture, never cut
    if lang == "bg":  # every partner and funder of the Plovdiv scenario has its Bulgarian name
        specs = [p.spec for p in run.model.partners.values()] + [f.spec for f in run.model.funders.values()]
        assert all(s.label_bg for s in specs)


def test_a_slider_showing_an_off_step_value_at_its_nearest_step_changes_nothing():
    support, seats = controls.BY_NAME["municipal_support_eur"], controls.BY_NAME["partner_seats"]
    assert controls.notch(support, 12_782) == 12_500 and controls.notch(seats, 20) == 12
    assert controls.snapped(support, 12_782, 12_500) and controls.snapped(seats, 20, 12)  # as the slider appears
    assert not controls.snapped(support, 12_782, 15_000)  # a group's move
    assert not controls.snapped(support, 12_500, 12_500) and not controls.snapped(seats, 9, 9)
    assert not controls.snapped(support, 12_782, "12500") and not controls.snapped(support, 12_782, True)
