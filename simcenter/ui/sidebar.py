"""The page's control column: Run (Reset, Play, Step, the seed, side by side), each design's choices and
levers with the catalogue's notes, and the downloads (Mesa's ``ModelController`` and ``UserInputs``, in
the session's language and checked by it)."""

from __future__ import annotations

import solara
from mesa.visualization.utils import update_counter

from simcenter.i18n import format_number
from simcenter.ui import controls, exports, ticks
from simcenter.ui.session import Workshop
from simcenter.ui.text import amount, entry_cons, entry_label, entry_pros, entry_summary, letter, lever_text, tr
from simcenter.ui.ticks import force_update  # Mesa's, in one pass
from simcenter.ui.widgets import Bullets, Slider, act_value, fresh


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


@solara.component
def NumberInput(c: controls.Control, value, lang: str, which: str, set_lever):
    """A typed amount (fees): the text as typed goes to the design, which reads and checks it."""
    shown = amount(lang, value) if isinstance(value, (int, float)) else str(value)
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
