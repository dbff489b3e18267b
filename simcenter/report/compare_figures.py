"""Figures of a comparison: outcomes over time per design, funding mix, differences to the
baseline (forest plot), the pros-and-cons map and regional reach. Each has a title, axis
labels with units and a legend."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from simcenter import metrics  # noqa: E402
from simcenter.errors import writing_to  # noqa: E402
from simcenter.metrics import INCOME_CATEGORIES  # noqa: E402
from simcenter.i18n import format_number, t, unit_name  # noqa: E402
from simcenter.report.analysis import Results, no_verdict  # noqa: E402

TIME_OUTCOMES = ("cash_eur", "served", "ventures_launched_added", "jobs_added", "partner_engagement", "network_ties")
FOREST_OUTCOMES = ("served", "mentoring_hours", "ventures_launched_added", "jobs_added", "client_funding_added_eur",
                   "survival_premium", "months_operating", "closed", "survived_grant_cliff", "own_revenue_share",
                   "funding_hhi", "partner_engagement", "regional_reach", "dropout_rate", "decision_latency_months",
                   "cost_per_venture_added_eur")
SAVE = {"metadata": {"Software": None}}


def _colors(n: int):
    cmap = plt.get_cmap("tab10")
    return [cmap(i % 10) for i in range(n)]


def _local_ticks(*axes) -> None:
    """The y axis's numbers written as the report's language writes them ("60 000" in Bulgarian)."""
    from matplotlib.ticker import FuncFormatter

    for ax in axes:
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))


def _finish(fig, path: Path, tight: bool = True) -> Path:
    if tight:
        fig.tight_layout()
    with writing_to(path):
        fig.savefig(path, dpi=100, **SAVE)
    plt.close(fig)
    return path


def timeseries(res: Results, folder: Path) -> list[Path]:
    """One figure per key outcome: every design's median with its 5-95% band."""
    out = []
    colors = _colors(len(res.designs))
    bands = dict(iter(res.bands[res.bands["outcome"].isin(TIME_OUTCOMES)].groupby(["scenario", "outcome"], sort=False)))
    for outcome in TIME_OUTCOMES:
        o = metrics.BY_NAME[outcome]
        fig, ax = plt.subplots(figsize=(8, 4.2))
        for design, color in zip(res.designs, colors):
            b = bands[(design, outcome)]
            ax.plot(b["month"], b["median"], color=color, label=res.title(design))
            ax.fill_between(b["month"], b["p05"], b["p95"], color=color, alpha=0.12)
        ax.set_title(t("report.fig_timeseries", label=o.label))
        ax.set_xlabel(t("report.month_axis"))
        ax.set_ylabel(f"{o.label} ({unit_name(o.unit)})")
        ax.grid(alpha=0.3)
        _local_ticks(ax)
        ax.legend(fontsize=7, title=t("report.legend_bands"), title_fontsize=7)
        out.append(_finish(fig, folder / f"timeseries_{outcome}.png"))
    return out


def funding_mix(res: Results, folder: Path) -> Path:
    """Mean monthly income by source per design (stacked), with the median cash line."""
    n = len(res.designs)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.2 * rows), squeeze=False, sharey=True)
    colors = plt.get_cmap("Set2")
    for k, design in enumerate(res.designs):
        ax = axes[k // cols][k % cols]
        inc = res.income[res.income["scenario"] == design]
        ax.stackplot(inc["month"], *[inc[c] for c in INCOME_CATEGORIES],
                     labels=[t(f"report.income.{c}") for c in INCOME_CATEGORIES],
                     colors=[colors(i) for i in range(len(INCOME_CATEGORIES))])
        cash = res.bands[(res.bands["scenario"] == design) & (res.bands["outcome"] == "cash_eur")]
        twin = ax.twinx()
        twin.plot(cash["month"], cash["median"], color="black", lw=1, label=t("report.cash_median"))
        twin.axhline(0, color="grey", lw=0.5)
        twin.tick_params(labelsize=7)
        _local_ticks(ax, twin)
        ax.set_title(res.title(design), fontsize=9)
        ax.set_xlabel(t("report.month_axis"), fontsize=8)
        ax.set_ylabel(t("report.income_axis"), fontsize=8)
        ax.tick_params(labelsize=7)
        if k == 0:
            handles, labels = ax.get_legend_handles_labels()
            h2, l2 = twin.get_legend_handles_labels()
            ax.legend(handles + h2, labels + l2, fontsize=6, loc="upper right")
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle(t("report.fig_funding_mix"))
    return _finish(fig, folder / "funding_mix.png")


def forest(res: Results, summary: pd.DataFrame, folder: Path) -> Path:
    """Paired differences to the baseline with their 90% intervals, one panel per outcome."""
    others = [d for d in res.designs if d != res.baseline] or res.designs
    outcomes = [o for o in FOREST_OUTCOMES if o in metrics.BY_NAME]
    cols = 4
    rows = int(np.ceil(len(outcomes) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 0.35 * len(others) * rows + 1.6 * rows), squeeze=False)
    y = np.arange(len(others))
    quiet = no_verdict(res, summary)  # robust, but no verdict: grey, as the report's tables say
    for k, outcome in enumerate(outcomes):
        ax = axes[k // cols][k % cols]
        o = metrics.BY_NAME[outcome]
        sub = summary[(summary["outcome"] == outcome)].set_index("scenario").reindex(others)
        point = sub["diff_median"].to_numpy(dtype=float)
        lo = sub["diff_ci_low"].to_numpy(dtype=float)
        hi = sub["diff_ci_high"].to_numpy(dtype=float)
        robust = sub["robust"].fillna(False).to_numpy(dtype=bool) & np.array([(d, outcome) not in quiet for d in others])
        good = np.array([(o.direction == "max" and p > 0) or (o.direction == "min" and p < 0) for p in point])
        color = np.where(~robust, "grey", np.where(good, "tab:green", "tab:red"))
        for c in np.unique(color):  # one call per colour: the same marks, fewer artists to draw
            m = color == c
            left, right = point[m] - lo[m], hi[m] - point[m]
            ax.errorbar(point[m], y[m], xerr=[np.where(left > 0, left, 0.0), np.where(right > 0, right, 0.0)],
                        fmt="o", color=c, ms=4, capsize=2)
        ax.axvline(0, color="black", lw=0.6)
        ax.set_yticks(y)
        ax.set_yticklabels([res.title(d) for d in others] if k % cols == 0 else [""] * len(others), fontsize=7)
        ax.set_title(o.label, fontsize=8)
        ax.set_xlabel(t("report.diff_axis", unit=unit_name(o.unit)), fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
    for k in range(len(outcomes), rows * cols):
        axes[k // cols][k % cols].axis("off")
    from matplotlib.lines import Line2D

    legend = [Line2D([], [], marker="o", ls="", color=c, label=t(f"report.forest_{name}"))
              for c, name in (("tab:green", "better"), ("tab:red", "worse"), ("grey", "unclear"))]
    fig.suptitle(t("report.fig_forest", baseline=res.title(res.baseline)))
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    fig.legend(handles=legend, loc="upper right", fontsize=8, ncol=3)
    return _finish(fig, folder / "forest.png", tight=False)


def pros_cons_map(res: Results, summary: pd.DataFrame, folder: Path) -> Path:
    """A design x outcome map: robustly better (green) or worse (red) than the baseline."""
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
    # At least 2.8 inches high: the slanted outcome names below the map need about two (with one
    # or two designs, less left tight_layout no room and it gave up, clipping them).
    fig, ax = plt.subplots(figsize=(max(8, 0.38 * len(outcomes)), max(2.8, 1.2 + 0.45 * len(res.designs))))
    from matplotlib.colors import ListedColormap

    ax.imshow(grid, cmap=ListedColormap(["#d9534f", "#f2f2f2", "#5cb85c"]), vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(outcomes)))
    ax.set_xticklabels([metrics.BY_NAME[o].label for o in outcomes], rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(res.designs)))
    ax.set_yticklabels([res.title(d) for d in res.designs], fontsize=8)
    ax.set_title(t("report.fig_pros_cons", baseline=res.title(res.baseline)))
    ax.set_xlabel(t("report.outcome_axis"))
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color="#5cb85c", label=t("report.forest_better")),
                       Patch(color="#d9534f", label=t("report.forest_worse")),
                       Patch(color="#f2f2f2", label=t("report.forest_unclear"))],
              loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    return _finish(fig, folder / "pros_cons.png")


def regional_reach(res: Results, summary: pd.DataFrame, folder: Path) -> Path:
    """Share served outside the city and online share per design, median with 5-95% range."""
    fig, ax = plt.subplots(figsize=(8, 4))
    x = np.arange(len(res.designs))
    width = 0.38
    for k, (outcome, color) in enumerate((("regional_reach", "tab:blue"), ("online_share", "tab:orange"))):
        sub = summary[summary["outcome"] == outcome].set_index("scenario").reindex(res.designs)
        med = sub["median"].to_numpy(dtype=float)
        err = [np.maximum(0, med - sub["p05"].to_numpy(dtype=float)), np.maximum(0, sub["p95"].to_numpy(dtype=float) - med)]
        ax.bar(x + (k - 0.5) * width, med, width, yerr=err, capsize=3, color=color,
               label=metrics.BY_NAME[outcome].label)
    ax.set_xticks(x)
    ax.set_xticklabels([res.title(d) for d in res.designs], rotation=20, ha="right", fontsize=8)
    ax.set_ylabel(t("report.share_axis"))
    ax.set_ylim(0, 1)
    ax.set_title(t("report.fig_reach"))
    ax.legend(fontsize=8)
    return _finish(fig, folder / "regional_reach.png")


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
