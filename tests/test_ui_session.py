"""The workshop app's logic without a browser: sessions, designs, exports, the A/B panel, charts.

The browser tests (tests/test_ui.py) prove the page works; these prove, quickly and in
detail, what the page shows: a design changed in the app is the design it exports, two
designs share one random world, bad input becomes readable lines, and every string the app
shows exists in English and Bulgarian.
"""

from __future__ import annotations

import json
import re
import string
import subprocess
import sys
import threading

import numpy as np
import pytest

pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")

from simcenter import load_scenario  # noqa: E402
from simcenter.cli.parser import build_parser  # noqa: E402
from simcenter.i18n import language, speaking, strings  # noqa: E402
from simcenter.metrics import NAMES  # noqa: E402
from simcenter.ui import charts, controls, differences, exports  # noqa: E402
from simcenter.ui.server import OFFLINE_CDN, solara_environment  # noqa: E402
from simcenter.ui.files import scenario_files, scenario_label  # noqa: E402
from simcenter.ui.session import Run, Workshop  # noqa: E402
from simcenter.ui.text import refusal  # noqa: E402

from conftest import BASE, ROOT  # noqa: E402
from ui_support import DEADLINE_SECONDS, within  # noqa: E402


@pytest.fixture
def workshop():
    return Workshop(BASE, lang="en")


def series(ws: Workshop, which: str = "A") -> np.ndarray:
    run = ws.runs[which]
    return run.model.timeseries[: run.month]


def test_a_changed_design_is_replayed_to_the_month_on_screen(workshop):
    workshop.step(10)
    before = series(workshop).copy()
    workshop.set_lever("A", "legal_form", "cooperative")
    assert workshop.month == 10
    assert not np.array_equal(series(workshop), before, equal_nan=True)
    workshop.set_lever("A", "legal_form", "association")  # back: the same world gives the same run
    np.testing.assert_array_equal(series(workshop), before)


def test_design_b_starts_as_a_copy_of_a_in_the_same_world(workshop):
    workshop.set_lever("A", "n_mentors", 3)
    workshop.step(6)
    workshop.set_compare(True)
    assert workshop.designs["B"] == workshop.designs["A"]
    np.testing.assert_array_equal(series(workshop, "B"), series(workshop, "A"))
    workshop.step(6)
    assert {w: r.month for w, r in workshop.live_runs().items()} == {"A": 12, "B": 12}
    workshop.set_seed(7)  # another world for both, still side by side
    np.testing.assert_array_equal(series(workshop, "B"), series(workshop, "A"))
    workshop.reset()
    assert workshop.month == 0


def test_a_new_structure_brings_its_own_partner_seats(workshop):
    workshop.set_lever("A", "partner_seats", 4)
    workshop.set_lever("A", "management", "multi_stakeholder_board")
    assert "partner_seats" not in workshop.designs["A"].levers
    seats = workshop.base("A").catalogue.management_structures["multi_stakeholder_board"].partner_seats
    assert workshop.runs["A"].config.structure.partner_seats == seats


def test_a_refused_lever_value_changes_nothing_and_says_why(workshop):
    workshop.step(3)
    valid, design = workshop.runs["A"], workshop.designs["A"]
    assert workshop.set_lever("A", "mentoring_fee_eur", -5.0) is False
    assert workshop.runs["A"] is valid and workshop.designs["A"] == design and workshop.problems == {}
    assert refusal("en", workshop.refused) == "Not accepted — mentoring fee, EUR per hour: must be between 0 and 200, got -5"
    workshop.set_lever("A", "event_fee_eur", "ten")
    assert refusal("en", workshop.refused).endswith("event fee, EUR per attendee: expected a number, got text 'ten'")
    assert workshop.set_lever("A", "mentoring_fee_eur", "5,5") and workshop.set_lever("A", "event_fee_eur", 2)
    assert workshop.refused is None and "A" not in workshop.problems
    assert workshop.runs["A"].config.center.services.mentorship.fee_per_hour_eur == 5.5
    assert workshop.month == 3


def test_a_design_the_scenario_refuses_keeps_the_last_valid_run_and_says_why(workshop):
    # The page's checks keep every lever in its range, where no shipped scenario refuses a value;
    # the schema still has the last word, and its problems are shown as before.
    workshop.step(3)
    valid = workshop.runs["A"]
    with workshop.lock:
        workshop.designs["A"] = workshop.designs["A"].with_lever("mentoring_fee_eur", -5.0)
    workshop.set_seed(workshop.seed)  # rebuilds the design
    assert workshop.runs["A"] is valid
    assert workshop.problems["A"] == ["center.services.mentorship.fee_per_hour_eur: must be >= 0.0, got -5.0"]
    workshop.set_language("bg")
    assert workshop.problems["A"] == ["center.services.mentorship.fee_per_hour_eur: трябва да е >= 0.0, получено -5.0"]


def test_problems_and_refusals_speak_the_sessions_language(workshop):
    before = language()
    workshop.set_language("bg")
    workshop.set_lever("A", "mentoring_fee_eur", -5.0)
    assert refusal("bg", workshop.refused) == (
        "Не е прието — такса за менторство, евро на час: трябва да е между 0 и 200, получено: -5")
    workshop.set_language("en")
    assert language() == before  # the process's language is untouched


def test_a_bad_scenario_file_becomes_problem_lines_not_an_exception(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nhorizon: {years: 100}\n", encoding="utf-8")
    ws = Workshop(bad, lang="en")
    assert ws.runs["A"] is None and ws.live_runs() == {}
    assert any(re.search(r"bad\.yaml:2: horizon\.years: must be <= 30, got 100$", p) for p in ws.problems["A"])
    ws.step(3)  # nothing to step, nothing breaks
    assert ws.set_scenario("A", "plovdiv/base.yaml")  # a scenario the page offers, by its id
    assert "A" not in ws.problems and ws.runs["A"] is not None
    missing = Workshop(tmp_path / "missing.yaml", lang="en")
    assert missing.problems["A"] and "not found" in missing.problems["A"][0]


def test_shipped_scenarios_are_offered_and_every_one_builds():
    files = scenario_files()
    labels = [scenario_label(p) for p in files]
    assert "plovdiv/base.yaml" in labels and not any(label.split("/")[-1].startswith("_") for label in labels)
    for path in files:
        ws = Workshop(path, lang="en")
        assert ws.problems == {}, (path, ws.problems)


def test_the_exported_design_is_the_design_on_screen(workshop, tmp_path):
    workshop.set_lever("A", "legal_form", "cooperative")
    workshop.set_lever("A", "n_mentors", 4)
    workshop.set_lever("A", "share_online_events", 0.5)
    workshop.set_compare(True)
    workshop.set_lever("B", "management", "network_hub")
    workshop.step(2)
    paths = {}
    for which in ("A", "B"):
        name, text = exports.scenario_yaml(workshop, which)
        paths[which] = tmp_path / name
        paths[which].write_text(text, encoding="utf-8")
    a, b = load_scenario(paths["A"]), load_scenario(paths["B"])
    assert (a.name, b.name) == ("cooperative-executive-director-n-mentors-4-share-online-events-0-5-workshop-a",
                                "cooperative-network-hub-n-mentors-4-share-online-events-0-5-workshop-b")
    assert a.center.legal_form == "cooperative" and a.center.staff.n_mentors == 4
    assert b.center.management == "network_hub"
    assert controls.lever_value(a, "share_online_events") == pytest.approx(0.5)
    assert "changed: legal_form=cooperative, n_mentors=4, share_online_events=0.5" in a.description
    # The same model as the app's: the exported file reproduces the run on screen.
    replay = Run(a, workshop.seed)
    replay.advance_to(2)
    np.testing.assert_array_equal(replay.model.timeseries[:2], series(workshop, "A"))


@pytest.mark.slow
def test_exported_designs_run_in_simcenter_compare(workshop, tmp_path):
    workshop.set_compare(True)
    workshop.set_lever("B", "legal_form", "foundation")
    for which in ("A", "B"):
        name, text = exports.scenario_yaml(workshop, which)
        (tmp_path / name).write_text(text, encoding="utf-8")
    command = ["compare", str(tmp_path), "--reps", "2", "--workers", "1", "--out", str(tmp_path / "out"),
               "--format", "csv"]
    proc = subprocess.run([sys.executable, "-m", "simcenter", *command],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "out" / "report.html").is_file()


def test_results_csv_has_every_outcome_for_every_design_and_month(workshop):
    workshop.set_compare(True)
    workshop.step(4)
    frame = exports.results_frame(workshop)
    assert list(frame.columns) == ["design", "scenario", "seed", "month", "calendar_month", *NAMES]
    assert len(frame) == 8 and set(frame["design"]) == {"A", "B"}
    assert list(frame["calendar_month"][:4]) == ["2027-01", "2027-02", "2027-03", "2027-04"]
    assert exports.results_csv(workshop).splitlines()[0].startswith("design,scenario,seed,month,")


def test_the_panel_is_empty_for_equal_designs_and_names_real_differences(workshop):
    workshop.set_compare(True)
    workshop.step(24)
    same = differences.panel("en", workshop)
    assert same.design == [] and same.better == {"A": [], "B": []} and same.known == []
    workshop.set_lever("B", "legal_form", "cooperative")
    workshop.set_lever("B", "n_mentors", 4)
    panel = differences.panel("en", workshop)
    assert panel.design == ["legal form: A Public-benefit association, B Cooperative", "mentors (staff): A 1, B 4"]
    assert [k.design for k in panel.known] == ["A", "B"] and panel.known[1].pros
    sentences = panel.better["A"] + panel.better["B"]
    assert sentences and all(re.fullmatch(r"(A|B) does better on .+: .+ against .+ for (A|B)", s) for s in sentences)
    assert len(panel.better["A"]) <= differences.MAX_SENTENCES
    workshop.set_lever("B", "event_fee_eur", "ten")  # typed text: refused, and the panel still speaks
    assert "event fee, EUR per attendee" not in " ".join(differences.panel("en", workshop).design)
    bg = differences.panel("bg", workshop)
    assert bg.design[0].startswith("правна форма: А ")
    assert all(" е по-добър по „" in s for s in bg.better["A"])


def test_materiality_follows_the_report():
    from simcenter.metrics import BY_NAME, is_material

    share, people = BY_NAME["online_share"], BY_NAME["served"]
    assert is_material(share, 0.50, 0.52) and not is_material(share, 0.50, 0.51)
    assert is_material(people, 100, 103) and not is_material(people, 100, 101)
    latency = BY_NAME["decision_latency_months"]  # 2% of a month is days: no difference to a board
    assert is_material(latency, 1.0, 1.5) and not is_material(latency, 1.0, 1.4)


@pytest.mark.parametrize("compare", [False, True])
def test_chart_options_are_plain_json_at_every_month(workshop, compare):
    workshop.set_compare(compare)
    for months in (0, 1, 30):
        workshop.step(months)
        runs = workshop.live_runs()
        for lang in ("en", "bg"):
            for panel, _ in charts.PANELS:
                json.dumps(charts.panel_option(lang, panel, runs), allow_nan=False)
            for which, run in runs.items():
                option = charts.network_option(lang, which, run)
                json.dumps(option, allow_nan=False)
                points = [p for s in option["series"] if s["type"] == "scatter" for p in s["data"]]
                assert len(points) == 1 + len(run.model.partners) + len(run.model.funders) + sum(
                    1 for n in run.model.network.nodes if not n.startswith(("p:", "f:")))


def test_network_layout_is_stable_as_the_network_grows(workshop):
    workshop.step(12)
    early = charts.layout(workshop.runs["A"])
    workshop.step(24)
    late = charts.layout(workshop.runs["A"])
    assert all(late[node] == pos for node, pos in early.items())


def test_every_app_string_exists_in_both_languages_with_the_same_placeholders():
    en, bg = strings("en"), strings("bg")
    keys = [k for k in en if k.startswith("app.")]
    assert keys and sorted(k for k in bg if k.startswith("app.")) == sorted(keys)

    def fields(text):
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    for key in keys:
        assert fields(en[key]) == fields(bg[key]), key
    for c in controls.CONTROLS:
        assert f"app.lever.{c.name}" in en and f"app.lever_value.{c.unit}" in en


def test_speaking_restores_the_process_language():
    before = language()
    with speaking("bg"):
        assert language() == "bg"
    assert language() == before


def test_a_group_speaking_its_language_keeps_no_other_group_waiting():
    before = language()
    inside, leave = threading.Event(), threading.Event()

    def slow_group():
        with speaking("bg"):
            inside.set()
            leave.wait(DEADLINE_SECONDS)
            return language()

    thread = threading.Thread(target=slow_group, daemon=True)
    thread.start()
    assert inside.wait(DEADLINE_SECONDS)

    def other_group():
        with speaking("en"):
            return language()

    try:
        assert within(2.0, other_group) == "en"  # not "bg": each thread speaks its own
    finally:
        leave.set()
        thread.join(DEADLINE_SECONDS)
    assert language() == before  # the process's language is untouched


def test_the_model_never_imports_the_app():
    code = ("import sys, simcenter.model, simcenter.run.runner; "
            "bad = [m for m in sys.modules if m.startswith(('simcenter.ui', 'solara'))]; assert not bad, bad")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_ui_command_defaults_to_this_machine_only():
    args = build_parser().parse_args(["ui"])
    assert (args.host, args.port, args.scenario) == ("127.0.0.1", 8765, None)
    args = build_parser().parse_args(["ui", "--host", "0.0.0.0", "--port", "9000", "--scenario", "x.yaml"])
    assert (args.host, args.port, args.scenario) == ("0.0.0.0", 9000, "x.yaml")


def test_solara_is_configured_never_to_reach_the_internet(tmp_path):
    env = solara_environment(tmp_path / "s.yaml", "bg")
    assert env["SOLARA_APP"] == "simcenter.ui.app"
    assert env["SOLARA_MODE"] == "production"  # no version check, no solara.dev iframe
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["SOLARA_ASSETS_CDN"] == OFFLINE_CDN and OFFLINE_CDN.startswith("http://127.0.0.1:")
    assert env["SIMCENTER_LANG"] == "bg" and env["SIMCENTER_UI_SCENARIO"].endswith("s.yaml")
    assert env["JUPYTER_WIDGETS_ECHO"] == "0"  # a refused value is not handed back to the page's widget
