"""The workshop app's page: one Solara page, one ``Workshop`` per browser session.

Built the way Mesa's SolaraViz builds a page (``mesa.visualization``): a sidebar with the
run controls (Reset, Play, Step) and the model parameters as sliders, a main area of
components redrawn through Mesa's ``update_counter`` after every step. What SolaraViz itself
cannot do here it does in its own components: two designs stepping together in one random
world, design choices that validate as a scenario does, and every word in the session's
language.

Every input hands the browser's raw value to the session (``simcenter.ui.session``), which
checks it before use: the inputs here are Vuetify widgets wired directly, not Solara's
``SliderInt``/``InputInt``/``ToggleButtonsSingle`` or Mesa's ``UserInputs``, because those
convert the value first (``int(value)``, ``values[index]``) and a value that does not convert
would end in a traceback on the page instead of a message.

Served beyond this machine, the page asks for the access code first (``simcenter.ui.gate``)
and builds nothing else until it is typed.

The components live in their modules: the control column in ``sidebar``, the figures, charts, network and
glossary in ``figures``, the A-against-B panel in ``versus``, the closure banner and the headline over many
worlds in ``panels``. Presentation mode (a switch in the top bar, kept in the page's address) puts the
page in larger type with the headline charts only (the ``sc-present`` styles below and ``figures``).

Serve it with ``simcenter ui`` (``simcenter.ui.server``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import solara
import solara.lab
from mesa.visualization.utils import update_counter

from simcenter.i18n import LANGUAGES
from simcenter.ui import access, persist, ticks
from simcenter.ui.figures import Charts, Glossary, KpiCards, Network
from simcenter.ui.files import REPO_SCENARIOS, scenario_files
from simcenter.ui.gate import AccessForm
from simcenter.ui.panels import ClosureBanner, WorldsHeadline
from simcenter.ui.server import ENV_SCENARIO
from simcenter.ui.session import Workshop
from simcenter.ui.sidebar import DesignControls, Exports, RunControls
from simcenter.ui.text import calendar, default_language, letter, problem_text, refusal, tr
from simcenter.ui.versus import ProsCons
from simcenter.ui.ticks import force_update  # Mesa's, in one pass
from simcenter.ui.widgets import act_value, fresh

GATE = access.Gate(os.environ.get(access.ENV_CODE) or None)
"""This server's access code (none on 127.0.0.1 or with --no-auth), set by ``simcenter ui`` before Solara
imported this module."""
PLAY_SLICE_SECONDS = 0.05
"""Play waits between two months in slices this short, so Pause and a new pace take effect at once."""
SIDE_STYLE = {"flex": "0 0 370px", "width": "370px", "position": "sticky", "top": "8px",
              "max-height": "calc(100vh - 80px)", "overflow-y": "auto", "padding-right": "4px"}
"""The control column: fixed width, scrolling on its own so the charts stay in view."""
CSS = """
.sc-kpis { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 8px; margin-bottom: 8px; }
.sc-proscons ul { padding-left: 22px; }
.sc-kpi { padding: 8px 10px; }
.sc-kpi-title { font-size: 0.95rem; line-height: 1.3; font-weight: 500; overflow-wrap: anywhere; margin-bottom: 4px; }
.sc-kpi-value { font-size: 1.35rem; font-weight: 600; }
.sc-kpi-A { color: #1f5fa8; } .sc-kpi-B { color: #d9622b; }
.sc-named, .sc-chart-title[title] { text-decoration: underline dotted #999; text-underline-offset: 3px; cursor: help; }
.sc-note { font-size: 0.85rem; color: #444; }
.sc-month { font-size: 1.1rem; font-weight: 600; }
.sc-ab-line { font-size: 1.15rem; font-weight: 600; line-height: 1.45; color: #111; }
.sc-ab-running .sc-ab-line, .sc-ab-failed .sc-ab-line { font-weight: 400; color: #555; }
.sc-catalogue .v-expansion-panel-header { font-weight: 600; }
.sc-chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 14px; }
.sc-chart-title { font-weight: 600; font-size: 14px; line-height: 1.3; }
.sc-chart-note, .sc-key-item { font-size: 12px; color: #444; line-height: 1.35; }
.sc-key-item { display: inline-flex; align-items: center; margin-right: 10px; }
.sc-key-swatch { display: inline-block; width: 12px; height: 12px; margin-right: 4px; }
.sc-chart-canvas { height: 280px; width: 100%; }
.sc-network-grid { display: grid; gap: 8px; }
.sc-network-canvas { width: min(100%, 82vh); aspect-ratio: 1 / 1.12; margin: 0 auto; }
.sc-glossary dt { font-weight: 600; margin-top: 6px; } .sc-glossary dd { margin-left: 12px; color: #333; }
.sc-side .v-input__slider .v-input__slot { flex-wrap: wrap; height: auto !important; }
.sc-side .v-input__slider .v-input__slot > .v-label { flex: 0 0 100%; max-width: 100%; white-space: normal;
  height: auto !important; line-height: 1.3 !important; margin-bottom: 2px; }
.sc-side .v-select__selection--comma { white-space: normal; overflow: visible; text-overflow: clip; line-height: 1.3; }
.sc-side .v-select__selections { flex-wrap: wrap; }
.sc-side .v-input .v-label { white-space: normal; overflow: visible; text-overflow: clip; }
.sc-export .v-btn { text-transform: none; height: auto !important; min-height: 36px; max-width: 100%; }
.sc-export .v-btn__content { white-space: normal; text-align: left; flex: 1 1 auto; }
.sc-present .sc-main { font-size: 1.15rem; }
.sc-present .sc-main .sc-note, .sc-present .sc-main li, .sc-present .sc-main .v-alert { font-size: 1.1rem; }
.sc-present .sc-month { font-size: 1.4rem; }
.sc-present .sc-ab-line, .sc-present .sc-worlds-line { font-size: 1.5rem !important; line-height: 1.35 !important; }
.sc-present .sc-kpi-title { font-size: 1.15rem; } .sc-present .sc-kpi-value { font-size: 1.8rem; }
.sc-present .sc-chart-grid { grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); }
.sc-present .sc-chart-title { font-size: 18px; }
.sc-present .sc-chart-note, .sc-present .sc-key-item { font-size: 16px; }
.sc-present .sc-chart-canvas { height: 380px; }
.sc-present .v-card__title { font-size: 1.5rem; }
"""


def initial_scenario() -> Path:
    """The scenario a new session opens: ``--scenario``, else the Plovdiv base design."""
    chosen = os.environ.get(ENV_SCENARIO)
    if chosen:
        return Path(chosen)
    base = REPO_SCENARIOS / "plovdiv" / "base.yaml"
    files = scenario_files()
    return base if base.exists() or not files else files[0]


@solara.component
def Page():
    """The whole app for one browser session (after the access code, if the server asks for one)."""
    lang = solara.use_reactive(persist.use_language(default_language()))  # the page's address may name one
    unlocked = solara.use_reactive(not GATE.required)
    workshop = persist.use_workshop(lambda: Workshop(initial_scenario(), lang=lang.value) if unlocked.value else None,
                                    unlocked.value)  # set to what the page's address holds
    update_counter.get()

    def speak(code):
        if workshop is None:  # the access form: a language it knows, or nothing
            if isinstance(code, str) and code in LANGUAGES:
                lang.set(code)
        elif workshop.set_language(code):  # its problem messages too
            lang.set(workshop.lang)
        force_update()

    solara.Title(tr(lang.value, "app.title"))
    solara.Style(CSS)
    with solara.AppBar():
        solara.AppBarTitle(tr(lang.value, "app.title"))
        if workshop is not None:
            PresentSwitch(workshop, lang.value)
        solara.v.BtnToggle(v_model=lang.value, on_v_model=speak, mandatory=True, class_="sc-lang",
                           children=[solara.v.Btn(children=[tr(code, "app.language_name")], value=code, text=True)
                                     for code in LANGUAGES]).key(f"lang-{workshop.refusals if workshop else 0}")
    if workshop is None:
        AccessForm(GATE, lang.value, on_open=lambda: unlocked.set(True))
    else:
        Workbench(workshop, lang.value)


@solara.component
def PresentSwitch(workshop: Workshop, lang: str):
    """Presentation mode on or off (kept in the page's address, so it survives a reload)."""
    update_counter.get()
    solara.v.Switch(label=tr(lang, "app.present.toggle"), v_model=workshop.present, class_="sc-present-toggle mx-4",
                    hide_details=True, dark=True, title=tr(lang, "app.present.hint"),
                    on_v_model=act_value(workshop.set_present)).key(fresh("present", workshop.refusals))


@solara.component
def Workbench(workshop: Workshop, lang: str):
    """The app itself: controls on the left; problems, figures, charts and the network on the right."""
    playing = solara.use_reactive(False)
    update_counter.get()

    def play_loop():
        while True:
            started = time.monotonic()  # the pace counts from here: drawing the month is part of it
            with workshop.lock:  # Pause takes the lock too: no month is stepped after it
                if not playing.value or workshop.finished:
                    break
                workshop.play_tick()  # one month, whatever a Step advances
            ticks.force_month(workshop)  # redraws what shows the month, not the whole page
            time.sleep(PLAY_SLICE_SECONDS)  # at least this: other groups' clicks come in between
            while playing.value and time.monotonic() - started < workshop.play_seconds:  # the group's pace
                time.sleep(PLAY_SLICE_SECONDS)
        playing.value = False

    solara.lab.use_task(play_loop, dependencies=[playing.value], prefer_threaded=True)

    with solara.Row(gap="16px", classes=["sc-present"] if workshop.present else [],
                    style={"align-items": "flex-start", "flex-wrap": "nowrap"}):
        with solara.Column(classes=["sc-side"], style=SIDE_STYLE):
            RunControls(workshop, lang, playing)
            DesignControls(workshop, "A", lang)
            if workshop.compare:
                DesignControls(workshop, "B", lang)
            Exports(workshop, lang)
            persist.LoadDesign(workshop, lang)
        with solara.Column(classes=["sc-main"], style={"flex": "1 1 auto", "min-width": "0"}):
            persist.Keeper(workshop)
            persist.Notes(workshop, lang)
            Problems(workshop, lang)
            ClosureBanner(workshop, lang)
            WorldsHeadline(workshop, lang)
            MonthHeader(workshop, lang)
            if workshop.compare:  # the result of A against B first, on the first screen
                ProsCons(workshop, lang)
            KpiCards(workshop, lang)
            Charts(workshop, lang)
            Network(workshop, lang)
            Glossary(lang)


@solara.component
def Problems(workshop: Workshop, lang: str):
    """Every problem with a design, one line each, and the last value not taken, in the page (never a crash)."""
    update_counter.get()
    if workshop.refused is not None:
        solara.Warning(refusal(lang, workshop.refused), classes=["sc-refused"])
    for which in workshop.active:
        lines = workshop.problems.get(which)
        if not lines:
            continue
        key = "app.invalid_scenario" if workshop.runs.get(which) is None else "app.invalid_design"
        with solara.Div(classes=["sc-problems"]):
            solara.Error(tr(lang, key, design=letter(lang, which)))
            for line in lines:
                solara.Error(problem_text(lang, line), dense=True, icon=False)
    if not workshop.live_runs():
        solara.Info(tr(lang, "app.no_run"))


@solara.component
def MonthHeader(workshop: Workshop, lang: str):
    """Which month is on screen."""
    ticks.watch()
    runs = workshop.live_runs()
    if not runs:
        return
    run = next(iter(runs.values()))
    month = workshop.month
    y, m = run.model.calendar(max(0, month - 1))
    with solara.Row(classes=["sc-month-row"]):
        solara.Text(tr(lang, "app.month_of", month=month, months=run.months, calendar=calendar(lang, y, m)),
                    classes=["sc-month"])
        if month == 0:
            solara.Text(tr(lang, "app.not_started"), classes=["sc-note"])
        elif workshop.finished:
            solara.Text(tr(lang, "app.finished"), classes=["sc-note"])
