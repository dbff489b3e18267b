"""Figures of outcome time series with uncertainty bands (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

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


FIGURE_OUTCOMES: tuple[str, ...] = tuple(dict.fromkeys(o for outcomes in RUN_FIGURES.values() for o in outcomes))
"""Every outcome drawn in a run's figures, once each."""


def band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median, 5th and 95th percentile over replicates (rows) of every column, empty values ignored."""
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return (np.nanmedian(values, axis=0), np.nanpercentile(values, 5, axis=0),
                    np.nanpercentile(values, 95, axis=0))


def run_figures(bands: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], n_reps: int, folder: Path,
                title: str) -> list[Path]:
    """Write the key time series of one scenario's replicates as PNG files; return their paths.
    ``bands``: each outcome of ``FIGURE_OUTCOMES``' median, 5th and 95th percentile month by month."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, outcomes in RUN_FIGURES.items():
        fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
        for outcome in outcomes:
            med, lo, hi = bands[outcome]
            months = np.arange(len(med))
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
