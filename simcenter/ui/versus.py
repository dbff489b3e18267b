"""The A-against-B panel on the page (``simcenter.ui.differences`` says what it holds): the result over
many worlds first, in plain words and large; then how the designs differ; then where each does better
in the world on screen, said to be one world only; the catalogue's pros and cons folded below, as
bullet lines."""

from __future__ import annotations

import solara

from simcenter.metrics import MIN_BASE
from simcenter.ui import differences, ticks
from simcenter.ui.session import Workshop
from simcenter.ui.text import letter, outcome_glossary, outcome_label, tr
from simcenter.ui.widgets import Bullets, Heading


def topic(lang: str, sentence: str) -> str:
    """The glossary entry of the outcome a sentence is about (the longest outcome name in it)."""
    names = [n for n in differences.COMPARED if outcome_label(lang, n) in sentence]
    return outcome_glossary(lang, max(names, key=lambda n: len(outcome_label(lang, n)))) if names else ""


@solara.component
def ProsCons(workshop: Workshop, lang: str):
    """Design A against design B: the result first, then the details."""
    ticks.watch()
    panel = differences.panel(lang, workshop)
    lead = panel.lead
    size = lead.size or workshop.ensembles.size
    with solara.Card(tr(lang, "app.versus.title"), classes=["sc-proscons"]):
        with solara.Div(classes=["sc-ab-result", f"sc-ab-{lead.state}"]):
            for line in lead.lines:
                solara.v.Html(tag="div", class_="sc-ab-line", children=[line])
        if lead.note:
            solara.Text(lead.note, classes=["sc-note"], style={"display": "block"})
        if not panel.design:
            solara.Info(tr(lang, "app.same_design"), classes=["sc-same"])
        else:
            Heading(tr(lang, "app.differs"))
            Bullets(panel.design, "sc-differs")
        for line in panel.closed:
            solara.Warning(line)
        Heading(tr(lang, "app.versus.one_world", size=size, month=panel.month))
        with solara.Columns([1, 1]):
            for which in ("A", "B"):
                with solara.Div(classes=[f"sc-better-{which}"]):
                    Heading(tr(lang, "app.better_in", design=letter(lang, which)))
                    if panel.better[which]:
                        Bullets(panel.better[which], titles=[topic(lang, s) for s in panel.better[which]])
                    else:
                        solara.Text(tr(lang, "app.nothing_better"), classes=["sc-note"])
        solara.Text(tr(lang, "app.versus.one_world_note", size=size, n=MIN_BASE), classes=["sc-note"],
                    style={"display": "block"})
        if panel.known:
            with solara.Div(classes=["sc-catalogue"]):
                with solara.Details(summary=tr(lang, "app.versus.catalogue")):
                    for known in panel.known:
                        Heading(f"{letter(lang, known.design)}: {known.label}")
                        Bullets([f"+ {p}" for p in known.pros] + [f"− {c}" for c in known.cons], "sc-catalogue-list")
