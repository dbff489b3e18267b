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

Serve it with ``simcenter ui`` (``simcenter.ui.server``).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import solara
import solara.lab
from mesa.visualization.utils import update_counter

from simcenter.i18n import LANGUAGES, format_number
from simcenter.ui import access, bands, charts, controls, differences, exports, persist, ticks
from simcenter.ui.files import REPO_SCENARIOS, scenario_files
from simcenter.ui.gate import AccessForm
from simcenter.ui.panels import ClosureBanner, WorldsHeadline
from simcenter.ui.server import ENV_SCENARIO
from simcenter.ui.session import Workshop
from simcenter.ui.text import (default_language, entry_cons, entry_label, entry_pros, entry_summary, letter, outcome_label,
                               outcome_value, problem_text, refusal, tr)
from simcenter.ui.ticks import force_update  # Mesa's, in one pass

GATE = access.Gate(os.environ.get(access.ENV_CODE) or None)
"""This server's access code (none on 127.0.0.1 or with --no-auth), set by ``simcenter ui`` before Solara
imported this module."""
PLAY_SLICE_SECONDS = 0.05
"""Play waits between two months in slices this short, so Pause and a new pace take effect at once."""
KPIS = ("reached", "served", "ventures_launched", "jobs_added", "cash_eur", "runway_months",
        "own_revenue_share", "grants_won", "partner_engagement", "network_ties")
"""The key figures shown as cards."""
SIDE_STYLE = {"flex": "0 0 370px", "width": "370px", "position": "sticky", "top": "8px",
              "max-height": "calc(100vh - 80px)", "overflow-y": "auto", "padding-right": "4px"}
"""The control column: fixed width, scrolling on its own so the charts stay in view."""
CSS = """
.sc-kpi .v-card__title { word-break: normal; font-size: 1rem; line-height: 1.3; padding-bottom: 4px; }
.sc-kpi .v-card__text { padding-top: 4px; }
.sc-kpi-value { font-size: 1.35rem; font-weight: 600; }
.sc-kpi-A { color: #1f5fa8; } .sc-kpi-B { color: #d9622b; }
.sc-note { font-size: 0.85rem; color: #444; }
.sc-month { font-size: 1.1rem; font-weight: 600; }
.sc-side .v-input__slider .v-input__slot { flex-wrap: wrap; height: auto !important; }
.sc-side .v-input__slider .v-input__slot > .v-label { flex: 0 0 100%; max-width: 100%; white-space: normal;
  height: auto !important; line-height: 1.3 !important; margin-bottom: 2px; }
.sc-export .v-btn { text-transform: none; height: auto !important; min-height: 36px; max-width: 100%; }
.sc-export .v-btn__content { white-space: normal; text-align: left; flex: 1 1 auto; }
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
        solara.v.BtnToggle(v_model=lang.value, on_v_model=speak, mandatory=True, class_="sc-lang",
                           children=[solara.v.Btn(children=[tr(code, "app.language_name")], value=code, text=True)
                                     for code in LANGUAGES]).key(f"lang-{workshop.refusals if workshop else 0}")
    if workshop is None:
        AccessForm(GATE, lang.value, on_open=lambda: unlocked.set(True))
    else:
        Workbench(workshop, lang.value)


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

    with solara.Row(gap="16px", style={"align-items": "flex-start", "flex-wrap": "nowrap"}):
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
            KpiCards(workshop, lang)
            if workshop.compare:
                ProsCons(workshop, lang)
            Charts(workshop, lang)
            Network(workshop, lang)


@solara.component
def RunControls(workshop: Workshop, lang: str, playing: solara.Reactive[bool]):
    """Reset, Play/Pause and Step (as Mesa's ModelController), the seed and side-by-side mode."""
    update_counter.get()

    def reset():
        with workshop.lock:
            playing.set(False)
            workshop.reset()

    def play_pause():
        with workshop.lock:
            playing.set(not playing.value)
        force_update()

    def act(change):
        def handler(*_):
            change()
            force_update()
        return handler

    with solara.Card(tr(lang, "app.controls"), classes=["sc-controls"]):
        with solara.Row(justify="space-between"):
            solara.Button(tr(lang, "app.reset"), color="primary", classes=["sc-reset"], on_click=act(reset))
            solara.Button(tr(lang, "app.pause" if playing.value else "app.play"), color="primary",
                          classes=["sc-play"], disabled=workshop.finished and not playing.value,
                          on_click=play_pause)
            solara.Button(tr(lang, "app.step"), color="primary", classes=["sc-step"],
                          disabled=playing.value or workshop.finished,
                          on_click=ticks.stepped(workshop))
        low, high = controls.MONTHS_PER_STEP
        Slider(tr(lang, "app.months_per_step") + f": {workshop.months_per_step}", workshop.months_per_step,
               low, high, 1, "sc-per-step", act_value(workshop.set_months_per_step), workshop.refusals)
        low, high, notch = controls.PLAY_SECONDS
        Slider(tr(lang, "app.play_pace", seconds=format_number(workshop.play_seconds, lang)), workshop.play_seconds,
               low, high, notch, "sc-play-seconds", act_value(workshop.set_play_seconds), workshop.refusals)
        solara.InputText(tr(lang, "app.seed"), value=str(workshop.seed), classes=["sc-seed"],
                         on_value=act_value(workshop.set_seed))
        solara.Text(tr(lang, "app.seed_help"), classes=["sc-note"])
        solara.v.Switch(label=tr(lang, "app.compare"), v_model=workshop.compare, class_="sc-compare",
                        on_v_model=act_value(workshop.set_compare)).key(f"compare-{workshop.refusals}")


def act_value(change):
    """An ``on_value`` handler that hands the browser's value to the workshop (which checks it), then
    redraws (Mesa's ``force_update``): the change, or the message saying why it was not taken."""
    def handler(value):
        change(value)
        force_update()
    return handler


def Slider(label: str, value, minimum, maximum, step, css: str, on_value, refusals: int) -> None:
    """A slider whose every value, as the browser sent it, goes to ``on_value`` (which checks it).

    Built afresh after each refused value (``refusals``, see ``fresh``).
    """
    solara.v.Slider(v_model=value, on_v_model=on_value, label=label, min=minimum, max=maximum, step=step,
                    thumb_label=True, hide_details=True, class_=css).key(fresh(css, refusals))


def fresh(name: str, refusals: int) -> str:
    """A widget key that changes with every refused value, so the widget is built anew and shows the
    session's value again: a refused value would otherwise stay in the browser's copy of the widget
    (Solara echoes a client's value back), and a slider holding "abc" misbehaves on its next move.
    Text fields are left alone: they keep what the group typed, next to the message saying why not."""
    return f"{name}-{refusals}"


@solara.component
def DesignControls(workshop: Workshop, which: str, lang: str):
    """One design's choices: scenario file, legal form, management structure, the levers."""
    update_counter.get()
    base = workshop.base(which)
    values = workshop.values(which)  # as the design has them, not as its scenario file does
    offered = workshop.choices()  # ids and labels only: no path ever goes to the browser
    current = workshop.choice(which)
    items = [{"text": c.label, "value": c.id} for c in offered.values()]
    if current.id not in offered:
        items.append({"text": current.label, "value": current.id})

    def set_lever(name, value):
        workshop.set_lever(which, name, value)
        force_update()

    with solara.Card(tr(lang, "app.design", design=letter(lang, which)), classes=[f"sc-design-{which}"]):
        solara.v.Select(label=tr(lang, "app.scenario"), v_model=current.id, class_=f"sc-scenario-{which}",
                        items=items, hint=tr(lang, "app.scenario_help"),
                        on_v_model=act_value(lambda choice: workshop.set_scenario(which, choice))
                        ).key(fresh(f"scenario-{which}", workshop.refusals))
        if base is None:
            return
        for name, group in (("legal_form", base.catalogue.legal_forms),
                            ("management", base.catalogue.management_structures)):
            chosen = values[name]
            solara.v.Select(label=tr(lang, f"app.{name}"), v_model=chosen, class_=f"sc-{name}-{which}",
                            items=[{"text": entry_label(lang, e), "value": key} for key, e in group.items()],
                            on_v_model=lambda v, name=name: set_lever(name, v)
                            ).key(fresh(f"{name}-{which}", workshop.refusals))
            if chosen in group:
                CatalogueNote(group[chosen], lang, f"sc-{name}-note-{which}")
        solara.Text(tr(lang, "app.levers"), style={"font-weight": "600"})
        for c in controls.CONTROLS:
            value = values[c.name]
            if value is None:
                solara.Text(tr(lang, "app.no_lever", label=tr(lang, f"app.lever.{c.name}")), classes=["sc-note"])
                continue
            if c.kind == "number":
                NumberInput(c, value, lang, which, set_lever)
                continue
            value = int(round(value)) if c.integer else float(value)
            Slider(lever_text(lang, c, value), value, c.minimum, c.maximum, c.step, f"sc-lever-{c.name}-{which}",
                   lambda v, c=c, at=value: controls.snapped(c, at, v) or set_lever(c.name, v), workshop.refusals)


def lever_text(lang: str, c: controls.Control, value) -> str:
    """A slider's label with its current value."""
    shown = f"{value * 100:.0f}%" if c.unit == "share" else (f"{value:.1f}" if c.unit == "factor" else format_number(value))
    return tr(lang, f"app.lever_value.{c.unit}", label=tr(lang, f"app.lever.{c.name}"), value=shown)


@solara.component
def NumberInput(c: controls.Control, value, lang: str, which: str, set_lever):
    """A typed amount (fees): the text as typed goes to the design, which reads and checks it."""
    shown = format_number(value) if isinstance(value, (int, float)) else str(value)
    solara.InputText(tr(lang, f"app.lever.{c.name}"), value=shown, on_value=lambda text: set_lever(c.name, text),
                     continuous_update=False, classes=[f"sc-{c.name}-{which}"])


@solara.component
def CatalogueNote(entry, lang: str, css: str):
    """What the catalogue says of a legal form or structure: a summary, then pros and cons."""
    with solara.Div(classes=["sc-note", css]):
        solara.Text(entry_summary(lang, entry))
        if entry.pros or entry.cons:
            with solara.Details(summary=tr(lang, "app.pros") + " / " + tr(lang, "app.cons")):
                Bullets([f"+ {p}" for p in entry_pros(lang, entry)] + [f"− {c}" for c in entry_cons(lang, entry)])


def Bullets(lines: list[str], css: str = "") -> None:
    """A bulleted list of plain text (no Markdown: Solara's Markdown would fetch KaTeX from a CDN)."""
    solara.v.Html(tag="ul", class_=css, children=[solara.v.Html(tag="li", children=[line]) for line in lines])


def Heading(text: str) -> None:
    """A bold line of text."""
    solara.v.Html(tag="div", style_="font-weight: 600; margin-top: 6px;", children=[text])


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
        solara.Text(tr(lang, "app.month_of", month=month, months=run.months, calendar=f"{y:04d}-{m:02d}"),
                    classes=["sc-month"])
        if month == 0:
            solara.Text(tr(lang, "app.not_started"), classes=["sc-note"])
        elif workshop.finished:
            solara.Text(tr(lang, "app.finished"), classes=["sc-note"])


@solara.component
def KpiCards(workshop: Workshop, lang: str):
    """The key figures of each design in the month on screen."""
    ticks.watch()
    runs = workshop.live_runs()
    if not runs:
        return
    grid = {"display": "grid", "grid-template-columns": "repeat(5, minmax(0, 1fr))", "gap": "8px"}
    with solara.Div(classes=["sc-kpis"], style=grid):
        for name in KPIS:
            with solara.Card(outcome_label(lang, name), classes=["sc-kpi", f"sc-kpi-{name}"], margin=0):
                for which, run in runs.items():
                    prefix = f"{letter(lang, which)}: " if len(runs) > 1 else ""
                    with solara.Div():
                        solara.Text(prefix + outcome_value(lang, name, run.latest(name)),
                                    classes=["sc-kpi-value", f"sc-kpi-{which}"])


@solara.component
def ProsCons(workshop: Workshop, lang: str):
    """Design A against design B, in plain words, live."""
    ticks.watch()
    panel = differences.panel(lang, workshop)
    with solara.Card(tr(lang, "app.pros_cons"), classes=["sc-proscons"]):
        solara.Text(tr(lang, "app.pros_cons_intro", month=panel.month, n=differences.MIN_BASE), classes=["sc-note"])
        if not panel.design:
            solara.Info(tr(lang, "app.same_design"), classes=["sc-same"])
        else:
            Heading(tr(lang, "app.differs"))
            Bullets(panel.design, "sc-differs")
            for known in panel.known:
                solara.Text(f"{letter(lang, known.design)}: {known.label} — "
                            + "; ".join([f"+ {p}" for p in known.pros] + [f"− {c}" for c in known.cons]),
                            classes=["sc-note"], style={"display": "block"})
        for line in panel.closed:
            solara.Warning(line)
        with solara.Columns([1, 1]):
            for which in ("A", "B"):
                with solara.Div(classes=[f"sc-better-{which}"]):
                    Heading(tr(lang, "app.better_in", design=letter(lang, which)))
                    if panel.better[which]:
                        Bullets(panel.better[which])
                    else:
                        solara.Text(tr(lang, "app.nothing_better"), classes=["sc-note"])


@solara.component
def Charts(workshop: Workshop, lang: str):
    """Live time series of every design on screen, six panels."""
    counter = ticks.watch()
    runs = workshop.live_runs()

    def build():
        with workshop.lock:
            return [bands.panel_option(lang, panel, runs, workshop.ensembles.current) for panel, _ in charts.PANELS]

    options = solara.use_memo(build, [counter, lang, tuple(runs), tuple(id(r) for r in runs.values())])
    if not runs:
        return
    with solara.Card(tr(lang, "app.charts"), classes=["sc-charts"]):
        if len(runs) > 1:
            solara.Text(tr(lang, "app.chart.colors"), classes=["sc-note"])
        with solara.Div(style={"display": "grid", "grid-template-columns": "repeat(3, minmax(0, 1fr))", "gap": "8px"}):
            for (panel, _), option in zip(charts.PANELS, options):
                with solara.Div(classes=[f"sc-chart-{panel}"]):
                    solara.FigureEcharts(option=option, attributes={"style": "height: 300px; width: 100%;"},
                                         responsive=True)


@solara.component
def Network(workshop: Workshop, lang: str):
    """The stakeholder network of every design on screen, as it grows."""
    counter = ticks.watch()
    runs = workshop.live_runs()

    def build():
        with workshop.lock:
            return {which: charts.network_option(lang, which, run) for which, run in runs.items()}

    options = solara.use_memo(build, [counter, lang, tuple(runs), tuple(id(r) for r in runs.values())])
    if not runs:
        return
    with solara.Card(tr(lang, "app.network_card"), classes=["sc-network"]):
        with solara.Columns([1] * len(options)):
            for which, option in options.items():
                with solara.Div(classes=[f"sc-network-{which}"]):
                    solara.FigureEcharts(option=option, attributes={"style": "height: 460px; width: 100%;"},
                                         responsive=True)


@solara.component
def Exports(workshop: Workshop, lang: str):
    """Downloads: each design as a scenario file, the results as CSV."""
    update_counter.get()
    runs = workshop.live_runs()
    yaml_of = solara.use_memo(lambda: {w: (lambda w=w: exports.scenario_yaml(workshop, w)[1]) for w in ("A", "B")}, [])
    csv_of = solara.use_memo(lambda: (lambda: exports.results_csv(workshop)), [])
    with solara.Card(tr(lang, "app.export"), classes=["sc-export"]):
        for which in runs:
            with solara.FileDownload(yaml_of[which], filename=exports.export_name(workshop, which) + ".yaml",
                                     mime_type="application/x-yaml"):
                solara.Button(tr(lang, "app.export_yaml", design=letter(lang, which)), icon_name="mdi-download",
                              classes=[f"sc-export-yaml-{which}"], text=True)
        if runs:
            with solara.FileDownload(csv_of, filename="simcenter-workshop-results.csv", mime_type="text/csv"):
                solara.Button(tr(lang, "app.export_csv"), icon_name="mdi-download", classes=["sc-export-csv"],
                              text=True)
        solara.Text(tr(lang, "app.export_help"), classes=["sc-note"])
