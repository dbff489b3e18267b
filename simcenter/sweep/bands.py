"""Time-series bands of a sweep analysis: each kept time series, month by month, per lever value.

For every outcome the experiment keeps month by month (``timeseries:``), one figure with a panel
per lever (per parameter, if the experiment has no lever): one line per value of the lever, the
median over the runs that have that value, in a band from their 10th to their 90th percentile. A
lever with more than ``MAX_VALUES`` values (a sampled range) is cut into three groups of about as
many runs each. The numbers drawn are written to ``bands.csv`` (outcome, parameter, value, month,
runs, p10, median, p90). ``analysis.analyze`` writes them beside its other figures.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from simcenter import metrics  # noqa: E402
from simcenter.errors import writing_to  # noqa: E402
from simcenter.files import FLOAT_FORMAT, atomic_write  # noqa: E402
from simcenter.i18n import t, unit_name  # noqa: E402
from simcenter.sweep.experiment import Experiment, Parameter  # noqa: E402
from simcenter.sweep.store import Store, _q  # noqa: E402

MAX_VALUES = 6
"""A lever with more values than this is drawn in three groups (low, middle, high thirds of its runs)."""
MAX_PANELS = 4
"""At most this many levers a figure (the first ones the experiment declares)."""
QUANTILES = (0.1, 0.5, 0.9)
COLUMNS = ["outcome", "parameter", "value", "month", "runs", "p10", "median", "p90"]


def bands(folder: Path) -> tuple[Experiment, pd.DataFrame]:
    """The bands of every kept time series of the sweep in ``folder``: one row per outcome, parameter,
    value (or group of values) and month, with the runs it holds and their 10th, 50th, 90th percentiles."""
    with Store.open(folder) as store:
        exp = store.experiment
        params = _panels(exp)
        if not exp.timeseries or "timeseries" not in store.tables():
            return exp, pd.DataFrame(columns=COLUMNS)
        cols = ", ".join(f"r.{_q(p.name)}" for p in params)
        values = ", ".join(f"CAST(s.{_q(n)} AS DOUBLE) AS {_q(n)}" for n in exp.timeseries)
        frame = store.con.execute(
            f"SELECT s.month{', ' + cols if cols else ''}, {values} FROM timeseries s "
            "JOIN runs r USING (point, replicate) ORDER BY s.point, s.replicate, s.month").df()
    rows = []
    for p in params or [None]:
        groups = _groups(frame, p)
        for name in exp.timeseries:
            by = frame.groupby([groups, frame["month"]], sort=True, observed=True)[name]
            q = by.quantile(list(QUANTILES)).unstack()
            count = by.count()
            for (value, month), r in q.iterrows():
                rows.append({"outcome": name, "parameter": p.name if p else "", "value": value, "month": int(month),
                             "runs": int(count.loc[(value, month)]), "p10": r[0.1], "median": r[0.5], "p90": r[0.9]})
    return exp, pd.DataFrame(rows, columns=COLUMNS)


def _panels(exp: Experiment) -> list[Parameter]:
    """The parameters whose values split the runs: the levers, else every parameter."""
    return list(exp.levers or exp.parameters)[:MAX_PANELS]


def _groups(frame: pd.DataFrame, p: Parameter | None) -> pd.Series:
    """Each row's line: its value of ``p`` (as text), or its third of ``p``'s range; "all runs" without ``p``."""
    if p is None:
        return pd.Series(pd.Categorical([t("sweep.all_runs")] * len(frame)), index=frame.index, name="value")
    column = frame[p.name]
    if column.nunique() <= MAX_VALUES or p.kind == "categorical":
        values = sorted(column.unique(), key=_sort_key)
        labels = [_shown(v) for v in values]
        index = column.map({v: i for i, v in enumerate(values)}).to_numpy()
    else:
        x = column.to_numpy(dtype=float)
        edges = np.unique(np.quantile(x, [0, 1 / 3, 2 / 3, 1]))
        index = np.clip(np.searchsorted(edges, x, side="left") - 1, 0, len(edges) - 2)
        labels = [t("sweep.band_range", low=_shown(edges[i]), high=_shown(edges[i + 1])) for i in range(len(edges) - 1)]
    return pd.Series(pd.Categorical.from_codes(index, labels), index=frame.index, name="value")


def _sort_key(v):
    return (0, float(v), "") if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else (1, 0.0, str(v))


def _shown(v) -> str:
    return f"{v:g}" if isinstance(v, (float, np.floating)) else str(v)


def write(folder: Path, figures: Path) -> list[Path]:
    """Write ``bands.csv`` (in ``figures``' parent) and one figure per kept time series; return the figures."""
    exp, table = bands(folder)
    if table.empty:
        return []
    atomic_write(figures.parent / "bands.csv", table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    figures.mkdir(parents=True, exist_ok=True)
    return [_figure(exp, name, table[table["outcome"] == name], figures / f"bands_{name}.png") for name in exp.timeseries]


def _figure(exp: Experiment, name: str, rows: pd.DataFrame, path: Path) -> Path:
    outcome = metrics.BY_NAME[name]
    panels = list(dict.fromkeys(rows["parameter"]))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels) + 0.6, 3.9), squeeze=False, sharey=True)
    for ax, parameter in zip(axes[0], panels):
        part = rows[rows["parameter"] == parameter]
        for value in dict.fromkeys(part["value"]):  # in the lever's order
            line = part[part["value"] == value]
            drawn = ax.plot(line["month"], line["median"], linewidth=1.6, label=value)
            ax.fill_between(line["month"], line["p10"], line["p90"], alpha=0.18, color=drawn[0].get_color(), linewidth=0)
        ax.set_title(parameter or t("sweep.all_runs"), fontsize=10)
        ax.set_xlabel(t("sweep.band_month"))
        ax.legend(fontsize=7, loc="best", frameon=False)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel(_wrap(f"{outcome.label} ({unit_name(outcome.unit)})", 34))
    fig.suptitle(t("sweep.band_title", outcome=outcome.label), fontsize=11)
    caption = t("sweep.band_caption", runs=int(rows.groupby(["parameter", "month"])["runs"].sum().max()))
    fig.text(0.01, 0.01, _wrap(caption, int(16 * fig.get_figwidth())), fontsize=7.5, va="bottom")
    fig.tight_layout(rect=(0, 0.09, 1, 1))
    with writing_to(path):
        fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return path


def _wrap(text: str, chars: int) -> str:
    return "\n".join(textwrap.wrap(text, chars, break_long_words=False)) or text
