"""The app's pictures: live time series and the stakeholder network, as ECharts options.

The browser draws them (ECharts ships with ``solara-assets``, so nothing is fetched from the
internet); the server only builds small option dictionaries, so a laptop can serve several
groups playing at once. Every function here is pure: runs in, a JSON-able dict out.
"""

from __future__ import annotations

import math

import numpy as np

from simcenter.metrics import INCOME_CATEGORIES
from simcenter.ui.session import Run
from simcenter.ui.text import letter, outcome_label, party_label, tr

COLORS = {"A": "#1f5fa8", "B": "#d9622b"}
"""One colour per design, on every chart."""
WIDTHS = {"A": 5, "B": 2}
"""Line widths when both designs are drawn: A wider and under B, so where they agree A shows around B."""
INCOME_COLORS = ("#4c72b0", "#55a868", "#c44e52", "#8172b2", "#ccb974", "#64b5cd", "#937860")
STYLES = ("solid", "dashed", "dotted")
"""Line styles telling apart the outcomes drawn on one panel."""
PANELS = (
    ("cash", ("cash_eur",)),
    ("funding", ()),
    ("reach", ("reached", "served")),
    ("ventures", ("ventures_launched", "ventures_scaled")),
    ("jobs", ("jobs",)),
    ("added", ("ventures_launched_added", "jobs_added")),
    ("partners", ("partner_engagement",)),
)
"""Time-series panels, in reading order, with the outcomes each draws. What the centre adds (against the
same world without it) has its own panel: tens beside hundreds, it lay flat on the axis."""
HEADLINE = ("cash", "reach", "added")
"""The panels presentation mode keeps."""
FUNDING_COLOR = "#55a868"
CLOSED_COLOR = "#c44e52"
"""The centre's marker in the network once it has closed (the legend says so)."""
FONT = {False: {"title": 14, "text": 12}, True: {"title": 18, "text": 16}}
"""Font sizes in px, normal and presentation mode; the page draws the charts' titles and notes (in HTML,
so they wrap), ECharts the axes, tooltips and the network's labels."""


def fonts(big: bool) -> dict:
    return FONT[bool(big)]


def _base(title: str, big: bool = False) -> dict:
    text = fonts(big)["text"]
    return {
        "animation": False,
        # Not drawn: the page shows the title and its notes above the chart, where they wrap (``title_lines``).
        "title": {"show": False, "text": title},
        "tooltip": {"trigger": "axis", "textStyle": {"fontSize": text}, "confine": True},
        "grid": {"left": 8, "right": 30, "top": 14, "bottom": text + 20, "containLabel": True},
    }


def _axis(big: bool, **more) -> dict:
    """An axis whose labels are readable and never overlap (ECharts hides a label that would)."""
    text = fonts(big)["text"]
    return {"axisLabel": {"fontSize": text, "hideOverlap": True}, "nameTextStyle": {"fontSize": text}, **more}


def title_lines(option: dict) -> tuple[str, list[str]]:
    """The title and the notes (one a line) the page shows above a time-series chart."""
    title = option.get("title") or {}
    subtext = title.get("subtext") or ""
    return title.get("text", ""), [line for line in subtext.split("\n") if line]


def _note(option: dict, line: str) -> None:
    title = option["title"]
    title["subtext"] = (title["subtext"] + "\n" + line) if title.get("subtext") else line


def _round(values: np.ndarray, digits: int = 4) -> list:
    """Values for the browser: rounded, NaN as a gap."""
    return [None if not math.isfinite(v) else round(float(v), digits) for v in values]


def series_name(lang: str, which: str, name: str, runs: dict) -> str:
    """The name of outcome ``name``'s line of design ``which`` (its letter first when two are drawn)."""
    label = outcome_label(lang, name)
    return f"{letter(lang, which)}: {label}" if len(runs) > 1 else label


def panel_option(lang: str, panel: str, runs: dict[str, Run], big: bool = False) -> dict:
    """One time-series panel (see ``PANELS``) for every design on screen."""
    if panel == "funding":
        return funding_option(lang, runs, big)
    outcomes = dict(PANELS)[panel]
    horizon = max((r.months for r in runs.values()), default=12)
    option = _base(tr(lang, f"app.chart.{panel}"), big)
    option["xAxis"] = _axis(big, type="value", min=0, max=horizon, name=tr(lang, "app.chart.month"),
                            nameLocation="middle", nameGap=fonts(big)["text"] + 12)
    option["yAxis"] = _axis(big, type="value", scale=panel == "cash")
    if panel == "partners":
        option["yAxis"].update(min=0, max=1)
    series = []
    for which, run in runs.items():
        x = np.arange(1, run.month + 1)
        width = WIDTHS[which] if len(runs) > 1 else 2.5
        for style, name in zip(STYLES, outcomes):
            series.append({
                "name": series_name(lang, which, name, runs), "type": "line", "showSymbol": run.month < 3,
                "color": COLORS[which], "z": 4 if which == "B" else 3,
                "lineStyle": {"type": style, "width": width, "opacity": 0.75 if which == "A" and len(runs) > 1 else 1},
                "data": [[int(m), v] for m, v in zip(x, _round(run.series(name)))],
            })
        if panel == "partners" and len(runs) == 1:
            for pid, partner in run.model.partners.items():
                series.append({
                    "name": party_label(lang, partner.spec, pid), "type": "line", "showSymbol": False,
                    "lineStyle": {"width": 1, "opacity": 0.5}, "color": COLORS[which],
                    "data": [[int(m), round(e[pid], 4)] for m, e in zip(x, run.engagement)],
                })
    option["series"] = series
    if panel == "partners" and len(runs) == 1:
        _note(option, tr(lang, "app.chart.partners_note"))
    if len(outcomes) > 1:  # the line style tells the outcomes apart, the colour the designs
        for style, name in zip(STYLES, outcomes):
            _note(option, f"{tr(lang, f'app.chart.{style}')}: {outcome_label(lang, name)}")
    return option


def legend_items(lang: str, panel: str) -> list[tuple[str, str]]:
    """The colour key the page shows above a chart, (label, colour): the income sources."""
    if panel != "funding":
        return []
    return [(tr(lang, f"report.income.{c}"), INCOME_COLORS[i]) for i, c in enumerate(INCOME_CATEGORIES)]


def funding_option(lang: str, runs: dict[str, Run], big: bool = False) -> dict:
    """Income so far by source: stacked over time for one design, stacked bars for two (the colour key is
    in the page, ``legend_items``)."""
    option = _base(tr(lang, "app.chart.funding"), big)
    labels = [tr(lang, f"report.income.{c}") for c in INCOME_CATEGORIES]
    series = []
    if len(runs) == 1:
        (run,) = runs.values()
        option["xAxis"] = _axis(big, type="value", min=0, max=run.months, name=tr(lang, "app.chart.month"),
                                nameLocation="middle", nameGap=fonts(big)["text"] + 12)
        option["yAxis"] = _axis(big, type="value")
        cumulative = np.vstack(run.income) if run.income else np.zeros((0, len(INCOME_CATEGORIES)))
        for i, label in enumerate(labels):
            # ECharts stacks the first value dimension of a point: with a value axis for the months, that
            # would be the month (each source drawn further right, past the month on screen). So each
            # point is [amount, month], read back as x = month, y = amount: the amounts are stacked.
            series.append({"name": label, "type": "line", "stack": "income", "showSymbol": False,
                           "areaStyle": {}, "lineStyle": {"width": 0.5}, "color": INCOME_COLORS[i],
                           "encode": {"x": 1, "y": 0, "tooltip": 0},
                           "data": [[round(float(v), 2), m + 1] for m, v in enumerate(cumulative[:, i])]})
    else:
        names = [letter(lang, w) for w in runs]
        option["tooltip"] = {"trigger": "axis", "axisPointer": {"type": "shadow"}, "confine": True,
                             "textStyle": {"fontSize": fonts(big)["text"]}}
        option["xAxis"] = _axis(big, type="value", splitNumber=3)
        option["yAxis"] = _axis(big, type="category", data=names, inverse=True)
        for i, label in enumerate(labels):
            series.append({"name": label, "type": "bar", "stack": "income", "color": INCOME_COLORS[i],
                           "data": [round(float(r.income[-1][i]), 2) if r.income else 0.0 for r in runs.values()]})
    option["series"] = series
    return option


# ------------------------------------------------------------------------ network
CENTER_NODE = "center"
PARTNER_RING, FUNDER_RING = 1.2, 2.2
"""Radii of the partners' and the funders' circles around the centre (layout units)."""


def layout(run: Run) -> dict[str, tuple[float, float]]:
    """Stable positions: the centre in the middle, partners around it, funders further out,
    each entrepreneur next to the partner or funder of its first tie.

    Positions depend only on node names and first ties, so the picture grows without jumping.
    """
    model = run.model
    pos: dict[str, tuple[float, float]] = {CENTER_NODE: (0.0, 0.0)}
    for ring, names in ((PARTNER_RING, [f"p:{p}" for p in model.partners]),
                        (FUNDER_RING, [f"f:{f}" for f in model.funders])):
        for i, node in enumerate(names):
            turn = 0.0 if ring == PARTNER_RING else math.pi / max(1, len(names))
            angle = 2 * math.pi * i / max(1, len(names)) + turn + 0.25
            pos[node] = (ring * math.cos(angle), ring * math.sin(angle))
    for node in model.network.nodes:
        if node in pos:
            continue
        k = _index(node)
        # Next to the partner or funder of its first tie (the network keeps each node's ties in the order
        # they were made), if its first tie is one; later ties never move it.
        first = next(iter(model.network.neighbors(node)), None)
        anchor = first if first is not None and first[:2] in ("p:", "f:") and first in pos else None
        turn = 2 * math.pi * ((k * 0.6180339887) % 1.0)
        if anchor is not None:
            ax, ay = pos[anchor]
            r = 0.18 + 0.22 * ((k * 0.7548776662) % 1.0)
            pos[node] = (ax * 1.3 + r * math.cos(turn), ay * 1.3 + r * math.sin(turn))
        else:
            r = 0.35 + 0.4 * ((k * 0.7548776662) % 1.0)
            pos[node] = (r * math.cos(turn), r * math.sin(turn))
    return pos


def _index(node: str) -> int:
    digits = "".join(ch for ch in node if ch.isdigit())
    return int(digits) if digits else sum(map(ord, node))


LABEL_WIDTH = {False: 120, True: 160}
"""Px a partner's or funder's name may take on a line: longer names wrap, never cut."""


def network_option(lang: str, which: str, run: Run, big: bool = False) -> dict:
    """The stakeholder network of one design so far: the centre, its partners (bigger: more
    engaged; outlined: a board seat) and funders (filled: has paid), and the entrepreneurs
    tied to them or to each other.

    Drawn on a hidden pair of axes (a scatter of nodes over a ``lines`` series of ties) that fills its
    container, which the page keeps about square and scaling with the window; names wrap, never cut.
    """
    model = run.model
    graph = model.network
    pos = layout(run)
    income = model.ledger.income_by_source("center")
    color = COLORS[which]

    def xy(node: str) -> list[float]:
        x, y = pos[node]
        return [round(x, 4), round(y, 4)]

    ties = []
    for pid, partner in model.partners.items():
        ties.append({"coords": [xy(CENTER_NODE), xy(f"p:{pid}")],
                     "lineStyle": {"width": round(0.5 + 5 * partner.engagement, 2), "color": color, "opacity": 0.8}})
    for fid in model.funders:
        if income.get(fid, 0) > 0:
            ties.append({"coords": [xy(CENTER_NODE), xy(f"f:{fid}")],
                         "lineStyle": {"width": 1.5, "color": FUNDING_COLOR, "opacity": 0.7}})
    for u, v in graph.edges:
        ties.append({"coords": [xy(u), xy(v)], "lineStyle": {"width": 0.6, "color": "#aaa", "opacity": 0.8}})
    people = [n for n in graph.nodes if not n.startswith(("p:", "f:"))]
    names = {c: tr(lang, f"app.network.{c}") for c in ("center", "partner", "funder", "entrepreneur")}
    closed = model.center.closed
    if closed:  # the legend names the red marker
        names["center"] = tr(lang, "app.network.center_closed")
    center_color = CLOSED_COLOR if closed else "#222"
    center = {"name": names["center"], "value": xy(CENTER_NODE), "symbolSize": 30,
              "itemStyle": {"color": center_color}}
    text = fonts(big)["text"]
    wrap = {"width": LABEL_WIDTH[bool(big)], "overflow": "break", "fontSize": text, "lineHeight": text + 2}
    partners = [{"name": party_label(lang, p.spec, pid), "value": xy(f"p:{pid}"),
                 "symbolSize": round(10 + 18 * p.engagement, 1),
                 "itemStyle": {"borderColor": "#000", "borderWidth": 2 if p.board_seat else 0}}
                for pid, p in model.partners.items()]
    funders = [{"name": party_label(lang, f.spec, fid), "value": xy(f"f:{fid}"),
                "itemStyle": {"color": FUNDING_COLOR if income.get(fid, 0) > 0 else "#fff"},
                "label": {"color": "#333" if income.get(fid, 0) > 0 else "#999"}}
               for fid, f in model.funders.items()]
    entrepreneurs = [{"name": tr(lang, "app.network.person", id=n.lstrip("e")), "value": xy(n)} for n in people]
    half = FUNDER_RING + 0.6
    axis = {"type": "value", "min": -half, "max": half, "show": False}
    return {
        "animation": False,
        "title": {"text": tr(lang, "app.network.title", design=letter(lang, which), people=len(people),
                             ties=graph.number_of_edges(), month=run.month),
                  "left": 0, "textStyle": {"fontSize": fonts(big)["title"], "lineHeight": fonts(big)["title"] + 6,
                                            "color": color}},
        "tooltip": {"trigger": "item", "formatter": "{b}", "textStyle": {"fontSize": text}, "confine": True},
        "legend": {"bottom": 0, "data": list(names.values()), "textStyle": {"fontSize": text}},
        "grid": {"left": "10%", "right": "10%", "top": 2 * fonts(big)["title"] + 24, "bottom": 3 * text + 28},
        "xAxis": axis, "yAxis": axis,
        "series": [
            {"type": "lines", "coordinateSystem": "cartesian2d", "silent": True, "data": ties, "z": 1},
            {"type": "scatter", "name": names["entrepreneur"], "data": entrepreneurs, "symbolSize": 5,
             "itemStyle": {"color": "#888", "opacity": 1}, "z": 2},
            {"type": "scatter", "name": names["funder"], "data": funders, "symbol": "diamond", "symbolSize": 14,
             "itemStyle": {"color": FUNDING_COLOR, "borderColor": FUNDING_COLOR, "borderWidth": 1.5, "opacity": 1},
             "z": 3, "labelLayout": {"hideOverlap": True},
             "label": {"show": True, "position": "top", "formatter": "{b}", **wrap}},
            {"type": "scatter", "name": names["partner"], "data": partners, "symbol": "rect",
             "itemStyle": {"color": color, "opacity": 1}, "z": 4, "labelLayout": {"hideOverlap": True},
             "label": {"show": True, "position": "bottom", "formatter": "{b}", **wrap}},
            {"type": "scatter", "name": names["center"], "data": [center], "z": 5,  # the legend names it
             "itemStyle": {"color": center_color, "opacity": 1}},
        ],
    }
