"""The page's figures: the key figures as cards, the charts over time, the stakeholder network, and the
glossary of the outcomes' names. Every outcome is named plainly (``text.outcome_label``); pointing at a
name shows its technical name, unit and meaning (``text.outcome_glossary``, the ``title`` of its element).

In presentation mode (``Workshop.present``) the charts are the headline ones (``charts.HEADLINE``), their
text is at least 16 px, and the network scales with the window."""

from __future__ import annotations

import solara

from simcenter.ui import bands, charts, ticks
from simcenter.ui.differences import COMPARED
from simcenter.ui.figure import Figure, Option
from simcenter.ui.session import Workshop
from simcenter.ui.text import letter, outcome_glossary, outcome_label, outcome_value, tr

KPIS = ("reached", "served", "ventures_launched", "jobs_added", "cash_eur", "runway_months",
        "own_revenue_share", "grants_won", "partner_engagement", "network_ties")
"""The key figures shown as cards."""
SHOWN = tuple(dict.fromkeys(KPIS + tuple(n for _, outcomes in charts.PANELS for n in outcomes) + COMPARED))
"""Every outcome the page can name: each has a plain name and a meaning in both languages (tested)."""


@solara.component
def KpiCards(workshop: Workshop, lang: str):
    """The key figures of each design in the month on screen."""
    ticks.watch()
    runs = workshop.live_runs()
    if not runs:
        return
    with solara.Div(classes=["sc-kpis"]):
        for name in KPIS:
            with solara.v.Card(class_=f"sc-kpi sc-kpi-{name}", outlined=True):
                solara.v.Html(tag="div", class_="sc-kpi-title sc-named",
                              attributes={"title": outcome_glossary(lang, name)}, children=[outcome_label(lang, name)])
                for which, run in runs.items():
                    prefix = f"{letter(lang, which)}: " if len(runs) > 1 else ""
                    with solara.Div():
                        solara.Text(prefix + outcome_value(lang, name, run.latest(name)),
                                    classes=["sc-kpi-value", f"sc-kpi-{which}"])


@solara.component
def Charts(workshop: Workshop, lang: str):
    """Live time series of every design on screen: every panel, or the headline ones in presentation mode."""
    counter = ticks.watch()
    runs = workshop.live_runs()
    big = workshop.present
    panels = [p for p, _ in charts.PANELS if not big or p in charts.HEADLINE]

    def build():
        with workshop.lock:
            return [bands.panel_option(lang, panel, runs, workshop.ensembles.current, big) for panel in panels]

    options = solara.use_memo(build, [counter, lang, big, tuple(runs), tuple(id(r) for r in runs.values())])
    if not runs:
        return
    outcomes = dict(charts.PANELS)
    with solara.Card(tr(lang, "app.charts"), classes=["sc-charts"]):
        if len(runs) > 1:
            solara.Text(tr(lang, "app.chart.colors"), classes=["sc-note"], style={"display": "block"})
        if big:
            solara.Text(tr(lang, "app.present.fewer"), classes=["sc-note"], style={"display": "block"})
        with solara.Div(classes=["sc-chart-grid"]):
            for panel, option in zip(panels, options):
                title, notes = charts.title_lines(option)
                with solara.Div(classes=["sc-chart", f"sc-chart-{panel}"]):
                    glossary = " · ".join(outcome_glossary(lang, n) for n in outcomes[panel])
                    solara.v.Html(tag="div", class_="sc-chart-title", children=[title],
                                  attributes={"title": glossary} if glossary else {})
                    for line in notes:
                        solara.v.Html(tag="div", class_="sc-chart-note", children=[line])
                    items = charts.legend_items(lang, panel)
                    if items:
                        with solara.Div(classes=["sc-chart-key"]):
                            for label, color in items:
                                solara.v.Html(tag="span", class_="sc-key-item", children=[
                                    solara.v.Html(tag="span", class_="sc-key-swatch", style_=f"background: {color}"),
                                    label])
                    Figure(Option(option), lang, attributes={"class": "sc-chart-canvas"})


@solara.component
def Network(workshop: Workshop, lang: str):
    """The stakeholder network of every design on screen, as it grows; it scales with the window."""
    counter = ticks.watch()
    runs = workshop.live_runs()
    big = workshop.present

    def build():
        with workshop.lock:
            return {which: charts.network_option(lang, which, run, big) for which, run in runs.items()}

    options = solara.use_memo(build, [counter, lang, big, tuple(runs), tuple(id(r) for r in runs.values())])
    if not runs:
        return
    with solara.Card(tr(lang, "app.network_card"), classes=["sc-network"]):
        with solara.Div(classes=["sc-network-grid"], style={"grid-template-columns": f"repeat({len(options)}, minmax(0, 1fr))"}):
            for which, option in options.items():
                with solara.Div(classes=[f"sc-network-{which}"]):
                    Figure(Option(option), lang, attributes={"class": "sc-network-canvas"})


@solara.component
def Glossary(lang: str):
    """What every outcome's name on the page means: plain name, then technical name, unit and meaning."""
    with solara.Card(classes=["sc-glossary"]):
        with solara.Details(summary=tr(lang, "app.glossary.title")):
            solara.Text(tr(lang, "app.glossary.hint"), classes=["sc-note"], style={"display": "block"})
            solara.v.Html(tag="dl", children=[
                part for name in SHOWN for part in (
                    solara.v.Html(tag="dt", class_="sc-named", children=[outcome_label(lang, name)]),
                    solara.v.Html(tag="dd", children=[outcome_glossary(lang, name)]))])
