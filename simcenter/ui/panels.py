"""Page components for what a design's outcome looks like: the banner of a centre that closed in the
world on screen (``simcenter.ui.outlook``), and the headline of its many worlds (``simcenter.ui.ensemble``)."""

from __future__ import annotations

import solara
import solara.lab
from mesa.visualization.utils import update_counter

from simcenter.i18n import format_number
from simcenter.ui import ticks
from simcenter.ui.charts import COLORS
from simcenter.ui.ticks import force_update  # Mesa's, in one pass
from simcenter.ui.outlook import closure_line, closures
from simcenter.ui.text import letter, tr


@solara.component
def ClosureBanner(workshop, lang: str):
    """One red line for each design on screen whose centre has closed: when, and why, in plain words."""
    ticks.watch()
    for closure in closures(workshop):
        solara.Error(closure_line(lang, closure), classes=["sc-closed", f"sc-closed-{closure.which}"])


@solara.component
def WorldsHeadline(workshop, lang: str):
    """Each design on screen over many worlds: "open after 10 years in 14 of 20 worlds, with a paid team in 9", computed in
    worker processes (``simcenter.ui.ensemble``); the page is redrawn when they are done."""
    update_counter.get()
    with workshop.lock:
        runs = workshop.live_runs()
        current = workshop.ensembles.follow(runs)  # a changed design: a new ensemble, the stale one cancelled

    def redraw_when_done():
        pending = [e for e in current.values() if not e.done.is_set()]
        for ensemble in pending:
            ensemble.wait()
        if pending and any(e.ready for e in pending):
            force_update()

    solara.lab.use_task(redraw_when_done, dependencies=[tuple(id(e) for e in current.values())],
                        prefer_threaded=True)
    if not current:
        return
    with solara.Card(classes=["sc-worlds"], margin=0, style={"margin-bottom": "8px"}):
        for which, ensemble in current.items():
            run = runs[which]
            values = {"design": letter(lang, which), "size": ensemble.size}
            if ensemble.ready:
                key = "app.worlds.operating_one_year" if run.months == 12 else "app.worlds.operating"
                text = tr(lang, key, years=format_number(run.months / 12, lang), n=ensemble.operating(),
                          staffed=ensemble.staffed(), **values)
                css = "sc-worlds-ready"
            else:
                text = tr(lang, "app.worlds.failed" if ensemble.error else "app.worlds.running", **values)
                css = "sc-worlds-running"
            solara.Text(text, classes=["sc-worlds-line", f"sc-worlds-{which}", css],
                        style={"display": "block", "font-size": "1.1rem", "font-weight": "600",
                               "color": COLORS[which]})
        solara.Text(tr(lang, "app.worlds.note", size=max(e.size for e in current.values())), classes=["sc-note"])
