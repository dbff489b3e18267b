"""Figures of outcome time series with uncertainty bands (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from simcenter import metrics  # noqa: E402
from simcenter.errors import writing_to  # noqa: E402
from simcenter.i18n import t  # noqa: E402

RUN_FIGURES: dict[str, tuple[str, ...]] = {
    "cash": ("cash_eur",),
    "reach": ("reached", "served"),
    "ventures": ("ventures_launched", "ventures_launched_added", "ventures_scaled"),
    "jobs": ("jobs", "jobs_added"),
    "partners": ("partner_engagement",),
    "network": ("network_ties",),
}
"""Figure name -> outcomes drawn in it (one line with a 5-95% band each)."""


def band(ts: pd.DataFrame, outcome: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Months, median, 5th and 95th percentile of ``outcome`` across replicates."""
    wide = ts.pivot(index="month", columns="replicate", values=outcome)
    values = wide.to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(values, axis=1)
            lo = np.nanpercentile(values, 5, axis=1)
            hi = np.nanpercentile(values, 95, axis=1)
    return wide.index.to_numpy(), med, lo, hi


def run_figures(ts: pd.DataFrame, folder: Path, title: str) -> list[Path]:
    """Write the key time series of one scenario's replicates as PNG files; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    n_reps = ts["replicate"].nunique()
    for name, outcomes in RUN_FIGURES.items():
        fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
        for outcome in outcomes:
            months, med, lo, hi = band(ts, outcome)
            label = metrics.BY_NAME[outcome].label
            line, = ax.plot(months, med, label=f"{label} ({t('report.median')})")
            if n_reps > 1:
                ax.fill_between(months, lo, hi, alpha=0.2, color=line.get_color(), label=t("report.band"))
        unit = metrics.BY_NAME[outcomes[0]].unit
        ax.set_xlabel(t("report.month_axis"))
        ax.set_ylabel(unit)
        ax.set_title(f"{title}: {t(f'report.figure.{name}')}")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        path = folder / f"{name}.png"
        with writing_to(path):
            fig.savefig(path, metadata={"Software": None})
        plt.close(fig)
        written.append(path)
    return written
