"""The charts' many worlds: each design's ensemble (``simcenter.ui.ensemble``) drawn behind the world on
screen, as the median and the 5-95% band of its worlds, month by month up to the month on screen, for
every outcome of each panel (``charts.PANELS``). Pure functions: runs and ensembles in, an ECharts option
out."""

from __future__ import annotations

from simcenter.ui import charts
from simcenter.ui.text import tr

BAND_OPACITY = 0.14
"""A band's shade: light, as several overlap on a panel of two designs and two outcomes."""


def panel_option(lang: str, panel: str, runs: dict, ensembles: dict, big: bool = False) -> dict:
    """``charts.panel_option`` with, for each design whose ensemble is ready and each outcome the panel
    draws, its band and median; the lines of the world on screen are then named so."""
    option = charts.panel_option(lang, panel, runs, big)
    outcomes = dict(charts.PANELS)[panel]
    ready = {w: e for w, e in ensembles.items()
             if w in runs and e.ready and e.matches(runs[w].config, runs[w].seed) and runs[w].month > 0}
    if not outcomes or not ready:
        return option
    size = max(e.size for e in ready.values())
    for which, ensemble in ready.items():
        run = runs[which]
        months = range(1, run.month + 1)
        for style, name in zip(charts.STYLES, outcomes):
            shown = charts.series_name(lang, which, name, runs)
            for series in option["series"]:
                if series["name"] == shown and series["color"] == charts.COLORS[which]:
                    series["name"] = tr(lang, "app.worlds.line_world", label=shown)
                    series["z"] += 2
            low, median, high = ensemble.band(name, run.month)
            stack = f"band-{which}-{name}"
            # Stacked as the income chart is (see charts.funding_option): each point is [amount, month].
            common = {"type": "line", "stack": stack, "showSymbol": False, "silent": True, "z": 1,
                      "encode": {"x": 1, "y": 0, "tooltip": 0}, "color": charts.COLORS[which]}
            option["series"] += [
                {**common, "name": tr(lang, "app.worlds.line_low", label=shown, size=ensemble.size),
                 "lineStyle": {"width": 0, "opacity": 0},
                 "data": [[v, m] for v, m in zip(charts._round(low), months)]},
                {**common, "name": tr(lang, "app.worlds.line_band", label=shown, size=ensemble.size),
                 "lineStyle": {"width": 0, "opacity": 0}, "areaStyle": {"opacity": BAND_OPACITY},
                 "data": [[v, m] for v, m in zip(charts._round(high - low), months)]},
                {"type": "line", "name": tr(lang, "app.worlds.line_median", label=shown, size=ensemble.size),
                 "showSymbol": False, "z": 2, "color": charts.COLORS[which],
                 "lineStyle": {"width": 1, "opacity": 0.7, "type": style},
                 "data": [[m, v] for m, v in zip(months, charts._round(median))]},
            ]
    charts._note(option, tr(lang, "app.worlds.chart_note", size=size))
    return option
