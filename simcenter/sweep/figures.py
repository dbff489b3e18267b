"""Figures of a sweep analysis: indices per outcome, failure by design, PRIM trade-offs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from simcenter import metrics  # noqa: E402
from simcenter.errors import writing_to  # noqa: E402
from simcenter.i18n import t  # noqa: E402
from simcenter.sweep import sensitivity  # noqa: E402

MAX_DESIGNS_DRAWN = 6
MAX_CONVERGENCE_LINES = 6
"""The parameters with the largest total index drawn in a convergence figure."""


def write_all(a, folder: Path) -> list[Path]:
    """Write every figure of an analysis; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    out: list[Path] = []
    if a.method and not a.indices.empty:
        out.append(_heatmap(a, folder / "sensitivity_overview.png"))
        for outcome in a.experiment.focus:
            path = _bars(a, outcome, folder / f"sensitivity_{outcome}.png")
            if path:
                out.append(path)
    if not a.convergence.empty:
        for outcome in a.experiment.focus:
            path = _convergence(a, outcome, folder / f"convergence_{outcome}.png")
            if path:
                out.append(path)
    for f in a.findings:
        if len(f.by_design) > 1:
            out.append(_failure_by_design(f, folder / f"failure_{f.condition.outcome}.png"))
        if f.overall is not None:
            out.append(_tradeoff(f, folder / f"prim_{f.condition.outcome}.png"))
    return out


def _fit(text: str, chars: int = 30) -> str:
    """A long axis or colour-bar label broken into lines of at most ``chars`` characters.

    Matplotlib draws a label on one line however long it is, and cuts it at the figure's edge:
    the Morris colour bar showed "mu* (scaled to the largest per outcome in the", and the PRIM
    density axis lost both ends of its Bulgarian label.
    """
    return "\n".join(textwrap.wrap(text, chars, break_long_words=False)) or text


def _save(fig, path: Path) -> Path:
    fig.tight_layout()
    with writing_to(path):
        fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return path


def _heatmap(a, path: Path) -> Path:
    main = sensitivity.MAIN_INDEX[a.method]
    table = a.indices.groupby(["parameter", "outcome"])[main].mean().unstack("outcome")
    outcomes = [o for o in a.experiment.outcomes if o in table.columns]
    table = table[outcomes]
    table = table.loc[table.mean(axis=1).sort_values(ascending=False).index]  # ranked: the strongest on top
    values = table.to_numpy(dtype=float)
    if a.method == "morris":  # mu* is in the outcome's units: scale each outcome to its largest effect
        peak = np.nanmax(np.abs(values), axis=0)
        values = np.divide(values, peak, out=np.zeros_like(values), where=peak > 0)
    fig, ax = plt.subplots(figsize=(max(6, 0.35 * len(outcomes) + 3), max(3.5, 0.4 * len(table) + 2)), dpi=100)
    top = max(1.0, np.nanmax(values) if values.size else 1.0)
    im = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0, vmax=top)
    labels = [metrics.BY_NAME[o].label for o in outcomes]
    ax.set_xticks(range(len(outcomes)), labels, rotation=60, ha="right", fontsize=7)
    ax.set_yticks(range(len(table)), list(table.index), fontsize=8)
    fig.colorbar(im, ax=ax, label=_fit(t(f"sweep.index_label_{a.method}"), 24))
    ax.set_title(t("sweep.figure_overview", name=a.experiment.name))
    return _save(fig, path)


def _bars(a, outcome: str, path: Path) -> Path | None:
    rows = a.indices[a.indices["outcome"] == outcome]
    if rows.empty:
        return None
    main = sensitivity.MAIN_INDEX[a.method]
    conf = {"sobol": "ST_conf", "morris": "mu_star_conf", "rbd_fast": "S1_conf"}[a.method]
    designs = list(rows["design"].unique())[:MAX_DESIGNS_DRAWN]
    params = list(rows.groupby("parameter")[main].mean().sort_values(ascending=False).index)  # ranked
    fig, ax = plt.subplots(figsize=(7, max(3, 0.45 * len(params) * max(1, len(designs)) ** 0.5 + 1.5)), dpi=100)
    height = 0.8 / len(designs)
    for k, design in enumerate(designs):
        sel = rows[rows["design"] == design].set_index("parameter").reindex(params)
        ys = np.arange(len(params)) + k * height
        bars = ax.barh(ys, sel[main].to_numpy(dtype=float), height=height, xerr=np.abs(sel[conf].to_numpy(dtype=float)),
                       label=design if len(designs) > 1 else None, capsize=2,
                       error_kw={"ecolor": "black", "elinewidth": 1.2})
        for bar, clear in zip(bars, sel[f"{main}_clear"].fillna(False).to_numpy(dtype=bool)):
            if not clear:  # not distinguishable from 0: drawn hollow
                bar.set_alpha(0.35)
                bar.set_hatch("//")
        if a.method == "sobol":
            ax.errorbar(sel["S1"].to_numpy(dtype=float), ys + height * 0.3,
                        xerr=np.abs(sel["S1_conf"].to_numpy(dtype=float)), fmt="d", color="#555555", markersize=4,
                        elinewidth=0.8, capsize=1.5, zorder=3,
                        label=t("sweep.first_order") if k == 0 else None)
    ax.set_yticks(np.arange(len(params)) + 0.4 - height / 2, params, fontsize=8)
    ax.invert_yaxis()
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel(_fit(t(f"sweep.index_label_{a.method}") + " " + t("sweep.bars_note"), 70))
    ax.set_title(f"{metrics.BY_NAME[outcome].label}")
    if len(designs) > 1 or a.method == "sobol":
        ax.legend(fontsize=7)
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, path)


def _convergence(a, outcome: str, path: Path) -> Path | None:
    """Total Sobol indices on nested subsets of the sample (the first design), with their intervals."""
    rows = a.convergence[a.convergence["outcome"] == outcome]
    if rows.empty or rows["samples"].nunique() < 2:
        return None
    rows = rows[rows["design"] == rows["design"].iloc[0]]
    largest = rows["samples"].max()
    order = rows[rows["samples"] == largest].sort_values("ST", ascending=False)["parameter"].head(MAX_CONVERGENCE_LINES)
    fig, ax = plt.subplots(figsize=(7, 4.5), dpi=100)
    for name in order:
        sel = rows[rows["parameter"] == name].sort_values("samples")
        x, y, e = (sel[c].to_numpy(dtype=float) for c in ("samples", "ST", "ST_conf"))
        line, = ax.plot(x, y, marker="o", label=name)
        ax.fill_between(x, y - np.abs(e), y + np.abs(e), color=line.get_color(), alpha=0.12)
    ax.set_xscale("log", base=2)
    ax.set_xticks(sorted(rows["samples"].unique()), [str(int(n)) for n in sorted(rows["samples"].unique())])
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_xlabel(_fit(t("sweep.convergence_axis"), 70))
    ax.set_ylabel(_fit(t("sweep.index_label_sobol"), 40))
    ax.set_title(_fit(t("sweep.figure_convergence", label=metrics.BY_NAME[outcome].label), 60), fontsize=11)
    ax.legend(fontsize=7, ncol=2)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def _failure_by_design(f, path: Path) -> Path:
    table = f.by_design.sort_values("share")
    fig, ax = plt.subplots(figsize=(7, max(3, 0.3 * len(table) + 1.5)), dpi=100)
    share = table["share"].to_numpy(dtype=float)
    err = np.clip(np.vstack([share - table["low"].to_numpy(dtype=float),
                             table["high"].to_numpy(dtype=float) - share]), 0, None)  # rounding: never below 0
    ax.barh(range(len(table)), share * 100, xerr=err * 100, capsize=2, color="#c0504d")
    ax.set_yticks(range(len(table)), list(table["design"]), fontsize=8)
    ax.set_xlabel(_fit(t("sweep.failure_axis", condition=str(f.condition)) + " " + t("sweep.wilson_note"), 70))
    ax.set_xlim(0, 100)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(t("sweep.figure_failure", label=metrics.BY_NAME[f.condition.outcome].label))
    return _save(fig, path)


def _tradeoff(f, path: Path) -> Path:
    box = f.overall
    traj = box.trajectory
    fig, ax = plt.subplots(figsize=(6, 4.5), dpi=100)
    sc = ax.scatter(traj["coverage"], traj["density"], c=traj["res_dim"], cmap="viridis", s=18)
    ax.axhline(box.base_rate, color="grey", linestyle="--", linewidth=1, label=t("sweep.base_rate"))
    ax.scatter([box.coverage], [box.density], s=160, facecolors="none", edgecolors="red", linewidths=2,
               label=t("sweep.chosen_box"))
    fig.colorbar(sc, ax=ax, label=_fit(t("sweep.restricted_dims")), ticks=range(int(traj["res_dim"].max()) + 1))
    ax.set_xlabel(_fit(t("sweep.coverage"), 60))
    ax.set_ylabel(_fit(t("sweep.density")))
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    ax.set_title(t("sweep.figure_prim", condition=str(f.condition)))
    return _save(fig, path)
