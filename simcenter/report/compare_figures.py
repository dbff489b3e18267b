"""Figures of a comparison, as a municipal board reads them: outcomes over time (a panel per
design), funding mix, differences to the baseline (forest plot), the pros-and-cons map and
regional reach. Each has a title in words and a line that explains its marks, axes whose numbers
are written as the report's language writes them (no "1e6", shares as percentages) with their
units in words, and no legend over the data.

Each figure is laid out with margins fixed in inches (``figure_layout``; no ``tight_layout``: on
grids of twelve or sixteen panels it draws the figure once more only to measure it), for a page
1,200 pixels wide (12 inches at 100 dpi). ``*_figure`` functions return the figure before it is
saved (the tests look at its axes)."""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from simcenter import metrics  # noqa: E402
from simcenter.metrics import INCOME_CATEGORIES  # noqa: E402
from simcenter.i18n import t, unit_name  # noqa: E402
from simcenter.report.analysis import Results, no_verdict  # noqa: E402
from simcenter.report.figure_layout import (  # noqa: E402
    LABEL_SIZE, LINE, NAME_WIDTH, SHARE_UNITS, THOUSANDS, TICK_SIZE, WIDTH, columns_for, fit, heading, heading_height,
    inches, line_count, numbers, panel_grid, panel_width, place, save, sentence, unit_words)

TIME_OUTCOMES = ("cash_eur", "served", "ventures_launched_added", "jobs_added", "partner_engagement", "network_ties")
FOREST_OUTCOMES = ("served", "mentoring_hours", "ventures_launched_added", "jobs_added", "client_funding_added_eur",
                   "survival_premium", "months_operating", "closed", "survived_grant_cliff", "own_revenue_share",
                   "funding_hhi", "partner_engagement", "regional_reach", "dropout_rate", "decision_latency_months",
                   "cost_per_venture_added_eur")
DESIGN = "#1f77b4"
BASELINE = "0.55"
BETTER, WORSE, UNCLEAR = "#2ca02c", "#d62728", "0.6"


def _design_name(res: Results, design: str) -> str:
    """The design's title, marked when it is the baseline."""
    title = res.title(design)
    return t("report.fig_baseline_mark", design=title) if design == res.baseline else title


# --------------------------------------------------------------------------- outcomes over time
def timeseries_figures(res: Results):
    """Yield, per outcome of ``TIME_OUTCOMES``, its figure: a panel per design (shared axes) with the
    design's median and 5-95% band, and the baseline's median as a thin grey line in the others.

    The same figure each time, its marks and words replaced (its twelve panels and their ticks are
    most of the time it takes to draw): save it before asking for the next one."""
    bands = dict(iter(res.bands[res.bands["outcome"].isin(TIME_OUTCOMES)].groupby(["scenario", "outcome"], sort=False)))
    designs = res.designs
    cols = columns_for(len(designs))
    left, right, wgap, bottom = 0.95, 0.25, 0.22, 0.62
    panel_w = panel_width(cols, left, right, wgap)
    names = [fit(_design_name(res, d), panel_w - 0.1, LABEL_SIZE) for d in designs]
    title_h = max(line_count(n) for n in names) * LABEL_SIZE * LINE + 0.1
    width = left + right + cols * panel_w + (cols - 1) * wgap
    note = t("report.fig_timeseries_note", baseline=res.title(res.baseline))
    titles = {o: t("report.fig_timeseries", label=sentence(metrics.BY_NAME[o].label)) for o in TIME_OUTCOMES}
    top = max(heading_height(title, note, width) for title in titles.values()) + title_h
    fig, axes, cols = panel_grid(len(designs), panel_w, 1.6, left, right, top, bottom, wgap, title_h + 0.12,
                            sharex=True, sharey=True)
    for k, (ax, name) in enumerate(zip(axes, names)):
        ax.set_title(name, fontsize=LABEL_SIZE, pad=4)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=TICK_SIZE, labelbottom=k + cols >= len(designs), labelleft=k % cols == 0)
    months = res.bands["month"]
    axes[0].set_xlim(float(months.min()), float(months.max()))
    numbers(axes[0].xaxis)
    fig.supxlabel(t("report.month_axis"), fontsize=LABEL_SIZE, y=0.12 / fig.get_figheight(), va="bottom")
    try:
        for outcome in TIME_OUTCOMES:
            o = metrics.BY_NAME[outcome]
            texts, _ = heading(fig, titles[outcome], note)
            base = bands[(res.baseline, outcome)]
            marks = []
            low, high = math.inf, -math.inf
            for design, ax in zip(designs, axes):
                b = bands[(design, outcome)]
                if design != res.baseline:
                    marks += ax.plot(base["month"], base["median"], color=BASELINE, lw=0.9, zorder=2)
                marks.append(ax.fill_between(b["month"], b["p05"], b["p95"], color=DESIGN, alpha=0.22, lw=0, zorder=1))
                marks += ax.plot(b["month"], b["median"], color=DESIGN, lw=1.4, zorder=3)
                values = b[["p05", "median", "p95"]].to_numpy(dtype=float)
                if np.isfinite(values).any():
                    low, high = min(low, np.nanmin(values)), max(high, np.nanmax(values))
            if np.isfinite([low, high]).all():  # the panels' shared y axis: every band, 5% to spare
                pad = (high - low) * 0.05 or max(abs(high), 1.0) * 0.05
                axes[0].set_ylim(low - pad, high + pad)
            numbers(axes[0].yaxis, o.unit if o.unit in SHARE_UNITS else None)
            label = fig.supylabel(f"{sentence(o.label)} ({unit_words(o.unit)})", fontsize=LABEL_SIZE,
                                  x=0.12 / fig.get_figwidth(), ha="left")
            yield outcome, fig
            for mark in [*marks, *texts]:
                mark.remove()
            label.set_text("")
    finally:
        plt.close(fig)


def timeseries(res: Results, folder: Path) -> list[Path]:
    """One figure per key outcome (``timeseries_figures``), ``timeseries_<outcome>.png``."""
    return [save(fig, folder / f"timeseries_{outcome}.png", close=False) for outcome, fig in timeseries_figures(res)]


# --------------------------------------------------------------------------- funding mix
def funding_mix_figure(res: Results) -> Figure:
    """Mean monthly income by source per design (stacked, left axis) with the median cash (right
    axis): a panel per design, shared axes, the legend below the panels."""
    designs = res.designs
    cols = columns_for(len(designs))
    left, right, wgap = 0.95, 0.95, 0.18
    panel_w = panel_width(cols, left, right, wgap)
    names = [fit(_design_name(res, d), panel_w - 0.1, LABEL_SIZE) for d in designs]
    title_h = max(line_count(n) for n in names) * LABEL_SIZE * LINE + 0.1
    width = left + right + cols * panel_w + (cols - 1) * wgap
    title, note = t("report.fig_funding_mix"), t("report.fig_funding_mix_note")
    labels = [t(f"report.income.{c}") for c in INCOME_CATEGORIES] + [t("report.cash_median")]
    legend_cols = 4 if cols >= 3 else 2
    legend_h = math.ceil(len(labels) / legend_cols) * LABEL_SIZE * LINE * 1.3 + 0.1
    bottom = 0.12 + legend_h + 0.62
    top = heading_height(title, note, width) + title_h
    fig, axes, cols = panel_grid(len(designs), panel_w, 1.7, left, right, top, bottom, wgap, title_h + 0.12,
                            sharex=True, sharey=True)
    heading(fig, title, note)
    colors = plt.get_cmap("Set2")
    twins = []
    handles = []
    for k, (design, ax, name) in enumerate(zip(designs, axes, names)):
        inc = res.income[res.income["scenario"] == design]
        areas = ax.stackplot(inc["month"], *[inc[c] for c in INCOME_CATEGORIES],
                             colors=[colors(i) for i in range(len(INCOME_CATEGORIES))], lw=0)
        cash = res.bands[(res.bands["scenario"] == design) & (res.bands["outcome"] == "cash_eur")]
        twin = ax.twinx()
        if twins:
            twin.sharey(twins[0])
        twins.append(twin)
        line, = twin.plot(cash["month"], cash["median"], color="black", lw=1)
        twin.axhline(0, color="black", lw=0.5, ls=":")
        if not handles:
            handles = [*areas, line]
        ax.set_title(name, fontsize=LABEL_SIZE, pad=4)
        last = k % cols == cols - 1 or k == len(designs) - 1
        ax.tick_params(labelsize=TICK_SIZE, labelbottom=k + cols >= len(designs), labelleft=k % cols == 0)
        twin.tick_params(labelsize=TICK_SIZE, labelright=last, right=last)
    axes[0].set_xlim(float(res.income["month"].min()), float(res.income["month"].max()))
    numbers(axes[0].xaxis)
    numbers(axes[0].yaxis)
    numbers(twins[0].yaxis)
    w, h = fig.get_size_inches()
    fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.1 / h), ncol=legend_cols,
               fontsize=LABEL_SIZE, frameon=False)
    fig.supxlabel(t("report.month_axis"), fontsize=LABEL_SIZE, y=(0.12 + legend_h) / h, va="bottom")
    fig.supylabel(t("report.income_axis", unit=unit_name("EUR")), fontsize=LABEL_SIZE, x=0.12 / w, ha="left")
    middle = 1 - (top + (h - top - bottom) / 2) / h  # of the panels, where the right axis's words go
    fig.text(1 - 0.12 / w, middle, t("report.cash_axis", unit=unit_name("EUR")), rotation=-90,
             ha="right", va="center", fontsize=LABEL_SIZE)
    return fig


def funding_mix(res: Results, folder: Path) -> Path:
    """``funding_mix_figure`` as ``funding_mix.png``."""
    return save(funding_mix_figure(res), folder / "funding_mix.png")


# --------------------------------------------------------------------------- differences to the baseline
def forest_figure(res: Results, summary: pd.DataFrame) -> Figure:
    """Paired differences to the baseline with their 90% intervals, one panel per outcome, the
    designs in the report's order from the top, the colours' legend under the title."""
    others = [d for d in res.designs if d != res.baseline] or res.designs
    outcomes = [o for o in FOREST_OUTCOMES if o in metrics.BY_NAME]
    cols = 4
    names = [fit(res.title(d), NAME_WIDTH, TICK_SIZE) for d in others]
    row = max(0.24, max(line_count(n) for n in names) * TICK_SIZE * 1.15 / 72 + 0.05)
    left, right, wgap = 0.2 + max(inches(n, TICK_SIZE) for n in names), 0.25, 0.3
    panel_w = panel_width(cols, left, right, wgap)
    width = left + right + cols * panel_w + (cols - 1) * wgap
    heads = [fit(metrics.BY_NAME[o].label, panel_w, LABEL_SIZE) for o in outcomes]
    head_h = max(line_count(x) for x in heads) * LABEL_SIZE * LINE + 0.08
    title = t("report.fig_forest", baseline=res.title(res.baseline))
    note = t("report.fig_forest_note")
    legend_h = LABEL_SIZE * LINE * 1.4 + 0.1
    top = heading_height(title, note, width) + legend_h + head_h
    panel_h = max(1.2, row * len(others) + 0.1)
    hgap = head_h + 0.55  # the x axis's numbers and unit, then the next panel's title
    fig, axes, _ = panel_grid(len(outcomes), panel_w, panel_h, left, right, top, 0.55, wgap, hgap, sharey=True)
    _, used = heading(fig, title, note)
    y = np.arange(len(others))[::-1]  # the first design at the top
    quiet = no_verdict(res, summary)  # robust, but no verdict: grey, as the report's tables say
    for k, (outcome, ax, head) in enumerate(zip(outcomes, axes, heads)):
        o = metrics.BY_NAME[outcome]
        sub = summary[(summary["outcome"] == outcome)].set_index("scenario").reindex(others)
        point = sub["diff_median"].to_numpy(dtype=float)
        lo = sub["diff_ci_low"].to_numpy(dtype=float)
        hi = sub["diff_ci_high"].to_numpy(dtype=float)
        robust = sub["robust"].fillna(False).to_numpy(dtype=bool) & np.array([(d, outcome) not in quiet for d in others])
        good = np.array([(o.direction == "max" and p > 0) or (o.direction == "min" and p < 0) for p in point])
        color = np.where(~robust, UNCLEAR, np.where(good, BETTER, WORSE))
        for c in np.unique(color):  # one call per colour: the same marks, fewer artists to draw
            m = color == c
            below, above = point[m] - lo[m], hi[m] - point[m]
            ax.errorbar(point[m], y[m], xerr=[np.where(below > 0, below, 0.0), np.where(above > 0, above, 0.0)],
                        fmt="o", color=c, ms=4, capsize=2, lw=1.2)
        ax.axvline(0, color="black", lw=0.6)
        ax.grid(axis="x", alpha=0.3)
        ax.set_ylim(-0.6, len(others) - 0.4)
        ax.set_yticks(y)
        ax.set_yticklabels(names, fontsize=TICK_SIZE)
        ax.tick_params(axis="y", length=0, labelleft=k % cols == 0)
        ax.set_title(head, fontsize=LABEL_SIZE, pad=4)
        finite = np.abs(np.concatenate([lo, hi, point]))
        finite = finite[np.isfinite(finite)]
        scale = 1000.0 if o.unit == "EUR" and finite.size and finite.max() >= THOUSANDS else 1.0
        unit = o.unit if o.unit in SHARE_UNITS else None
        numbers(ax.xaxis, unit, points=True, scale=scale, bins=4)
        ax.set_xlabel(unit_words(o.unit, difference=True, scale=scale), fontsize=TICK_SIZE)
        ax.tick_params(axis="x", labelsize=TICK_SIZE)
    from matplotlib.lines import Line2D

    legend = [Line2D([], [], marker="o", ls="", color=c, label=t(f"report.forest_{name}"))
              for c, name in ((BETTER, "better"), (WORSE, "worse"), (UNCLEAR, "unclear"))]
    fig.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, 1 - used / fig.get_figheight()), ncol=3,
               fontsize=LABEL_SIZE, frameon=False, handletextpad=0.3, columnspacing=1.5, borderaxespad=0)
    return fig


def forest(res: Results, summary: pd.DataFrame, folder: Path) -> Path:
    """``forest_figure`` as ``forest.png``."""
    return save(forest_figure(res, summary), folder / "forest.png")


def pros_cons_figure(res: Results, summary: pd.DataFrame) -> Figure:
    """A design x outcome map: robustly better (green) or worse (red) than the baseline, the colours'
    legend under the title."""
    outcomes = [o.name for o in metrics.OUTCOMES if o.direction != "info"]
    grid = np.zeros((len(res.designs), len(outcomes)))
    rows = {(r.scenario, r.outcome): r for r in summary[["scenario", "outcome", "robust", "direction", "diff_median"]]
            .itertuples(index=False)}
    quiet = no_verdict(res, summary)
    for i, design in enumerate(res.designs):
        for j, outcome in enumerate(outcomes):
            row = rows[(design, outcome)]
            if row.robust and (design, outcome) not in quiet:
                good = (row.direction == "max") == (row.diff_median > 0)
                grid[i, j] = 1 if good else -1
    names = [fit(_design_name(res, d), NAME_WIDTH, TICK_SIZE) for d in res.designs]
    columns = [metrics.BY_NAME[o].label for o in outcomes]
    left = 0.2 + max(inches(n, TICK_SIZE) for n in names)
    # The slanted outcome names below the map: the longest one's run down at 60 degrees.
    bottom = 0.25 + max(inches(c, TICK_SIZE) for c in columns) * math.sin(math.radians(60)) + TICK_SIZE / 72
    cell_w = min(0.3, (WIDTH - left - 0.3) / len(outcomes))
    width = left + 0.3 + cell_w * len(outcomes)
    title = t("report.fig_pros_cons", baseline=res.title(res.baseline))
    legend_h = LABEL_SIZE * LINE * 1.4 + 0.15
    top = heading_height(title, "", width) + legend_h
    rows_h = max(line_count(n) for n in names) * 0.18 + 0.12
    fig = plt.figure(figsize=(width, top + bottom + rows_h * len(res.designs)))
    ax = fig.add_subplot()
    place(fig, left, 0.3, top, bottom)
    _, used = heading(fig, title)
    from matplotlib.colors import ListedColormap

    ax.imshow(grid, cmap=ListedColormap([WORSE, "#f2f2f2", BETTER]), vmin=-1, vmax=1, aspect="auto",
              interpolation="nearest")
    ax.set_xticks(np.arange(len(outcomes) + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(len(res.designs) + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="white", lw=1)
    ax.tick_params(which="minor", length=0)
    ax.set_xticks(range(len(outcomes)))
    ax.set_xticklabels(columns, rotation=60, ha="right", rotation_mode="anchor", fontsize=TICK_SIZE)
    ax.set_yticks(range(len(res.designs)))
    ax.set_yticklabels(names, fontsize=TICK_SIZE)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    from matplotlib.patches import Patch

    fig.legend(handles=[Patch(color=BETTER, label=t("report.forest_better")),
                        Patch(color=WORSE, label=t("report.forest_worse")),
                        Patch(facecolor="#f2f2f2", edgecolor="0.7", label=t("report.forest_unclear"))],
               loc="upper center", bbox_to_anchor=(0.5, 1 - used / fig.get_figheight()), ncol=3,
               fontsize=LABEL_SIZE, frameon=False, borderaxespad=0)
    return fig


def pros_cons_map(res: Results, summary: pd.DataFrame, folder: Path) -> Path:
    """``pros_cons_figure`` as ``pros_cons.png``."""
    return save(pros_cons_figure(res, summary), folder / "pros_cons.png")


def regional_reach_figure(res: Results, summary: pd.DataFrame) -> Figure:
    """Share of the people reached who live outside the city and share of services online per design
    (horizontal bars, median with the 5-95% range), the legend under the title."""
    designs = res.designs
    names = [fit(_design_name(res, d), NAME_WIDTH, TICK_SIZE) for d in designs]
    left, right, bottom = 0.2 + max(inches(n, TICK_SIZE) for n in names), 0.35, 0.6
    width = min(WIDTH, left + right + 6.5)
    title, note = t("report.fig_reach"), t("report.fig_reach_note")
    legend_h = LABEL_SIZE * LINE * 1.4 + 0.15
    top = heading_height(title, note, width) + legend_h
    row = max(0.42, max(line_count(n) for n in names) * 0.17 + 0.1)
    fig = plt.figure(figsize=(width, top + bottom + row * len(designs)))
    ax = fig.add_subplot()
    place(fig, left, right, top, bottom)
    _, used = heading(fig, title, note)
    y = np.arange(len(designs))[::-1]
    height = 0.38
    for k, (outcome, color) in enumerate((("regional_reach", "tab:blue"), ("online_share", "tab:orange"))):
        sub = summary[summary["outcome"] == outcome].set_index("scenario").reindex(designs)
        med = sub["median"].to_numpy(dtype=float)
        low, high = sub["p05"].to_numpy(dtype=float), sub["p95"].to_numpy(dtype=float)
        err = [np.maximum(0, med - low), np.maximum(0, high - med)]
        ax.barh(y + (0.5 - k) * height, med, height, xerr=err, capsize=2.5, color=color,
                error_kw={"elinewidth": 0.9}, label=sentence(metrics.BY_NAME[outcome].label))
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=TICK_SIZE)
    ax.set_ylim(-0.6, len(designs) - 0.4)
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(0, 1)
    numbers(ax.xaxis, "share")
    ax.tick_params(axis="x", labelsize=TICK_SIZE)
    ax.set_xlabel(t("report.share_axis"), fontsize=LABEL_SIZE)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 1 - used / fig.get_figheight()), ncol=2,
               fontsize=LABEL_SIZE, frameon=False, borderaxespad=0)
    return fig


def regional_reach(res: Results, summary: pd.DataFrame, folder: Path) -> Path:
    """``regional_reach_figure`` as ``regional_reach.png``."""
    return save(regional_reach_figure(res, summary), folder / "regional_reach.png")


def all_figures(res: Results, summary: pd.DataFrame, folder: Path) -> list[Path]:
    """Draw every comparison figure into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    return [*timeseries(res, folder), funding_mix(res, folder), forest(res, summary, folder),
            pros_cons_map(res, summary, folder), regional_reach(res, summary, folder)]


def draw_figure(results_folder: str, figures_folder: str, lang: str, which: str,
                summary: pd.DataFrame | None = None) -> list[str]:
    """One of the figures (``which``: timeseries, funding_mix, forest, pros_cons, regional_reach) in
    another process (picklable: paths, the language and the summary table in, paths out), so that a
    report draws them while it writes its tables."""
    from simcenter.i18n import set_language
    from simcenter.report.analysis import load_results

    set_language(lang)
    res, folder = load_results(results_folder), Path(figures_folder)
    # Not its parents: a comparison's folder that is gone (the command was interrupted and removed
    # it) is not made again by a figure drawn late.
    folder.mkdir(exist_ok=True)
    if which == "timeseries":
        paths = timeseries(res, folder)
    elif which == "funding_mix":
        paths = [funding_mix(res, folder)]
    elif which == "forest":
        paths = [forest(res, summary, folder)]
    elif which == "pros_cons":
        paths = [pros_cons_map(res, summary, folder)]
    else:
        paths = [regional_reach(res, summary, folder)]
    return [str(p) for p in paths]
