"""What makes a design robust: its regret across futures, the share of futures in which it meets
the board's thresholds (satisficing), and the conditions under which it fails (PRIM boxes).

All from a table of outcomes by design, future and replicate; nothing here runs the model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simcenter import metrics
from simcenter.i18n import format_number, format_percent, t
from simcenter.robust.futures import uncertainty_labels


def regret(means: np.ndarray, direction: str = "max") -> np.ndarray:
    """Each design's shortfall from the best design of each future (``means``: designs x futures,
    each the mean over the future's replicates): 0 for the best design of every future."""
    means = np.asarray(means, dtype=float)
    if direction == "max":
        return means.max(axis=0, keepdims=True) - means
    return means - means.min(axis=0, keepdims=True)


def satisficing_share(meets: np.ndarray) -> np.ndarray:
    """The share of futures in which each design meets every threshold (``meets``: designs x futures)."""
    return np.asarray(meets, dtype=float).mean(axis=1)


def failure_box(futures: pd.DataFrame, fails: np.ndarray, scope: str):
    """A PRIM box over the futures' parameters where the design fails (None: no clear region, or no
    failure to explain, or PRIM not installed)."""
    fails = np.asarray(fails, dtype=bool)
    if fails.all() or not fails.any():
        return None
    try:
        from simcenter.sweep.discovery import find_box

        return find_box(futures.drop(columns=["future"]), fails, scope)
    except ImportError:  # pragma: no cover - the analysis extra is missing
        return None


def robustness_table(names, values: dict[str, np.ndarray], meets: np.ndarray, futures: pd.DataFrame,
                     regret_outcomes) -> tuple[pd.DataFrame, pd.DataFrame, list]:
    """The per-design table (``robustness.csv``), the per-(design, future) table (``by_future.csv``)
    and the failure boxes; ``values``: outcome -> designs x futures x replicates."""
    n_designs, n_futures = meets.shape
    rows = {"design": list(names), "futures": n_futures, "satisficing_share": satisficing_share(meets),
            "futures_failed": (~meets).sum(axis=1)}
    by_future = {"design": np.repeat(np.array(names, dtype=object), n_futures),
                 "future": np.tile(futures["future"].to_numpy(), n_designs),
                 "meets_thresholds": meets.reshape(-1).astype(int)}
    for outcome in regret_outcomes:
        means = values[outcome].mean(axis=-1)
        r = regret(means, metrics.BY_NAME[outcome].direction)
        rows[f"mean_{outcome}"] = means.mean(axis=1)
        rows[f"regret_p90_{outcome}"] = np.percentile(r, 90, axis=1)
        rows[f"regret_median_{outcome}"] = np.median(r, axis=1)
        rows[f"regret_max_{outcome}"] = r.max(axis=1)
        by_future[f"mean_{outcome}"] = means.reshape(-1)
        by_future[f"regret_{outcome}"] = r.reshape(-1)
    boxes = [failure_box(futures, ~meets[d], name) for d, name in enumerate(names)]
    rows["fails_where"] = [b.conditions(uncertainty_labels()) if b is not None and b.limits else "" for b in boxes]
    rows["box_coverage"] = [b.coverage if b is not None and b.limits else np.nan for b in boxes]
    rows["box_density"] = [b.density if b is not None and b.limits else np.nan for b in boxes]
    return pd.DataFrame(rows), pd.DataFrame(by_future), boxes


def summary_markdown(table: pd.DataFrame, boxes, thresholds, regret_outcomes, reps: int,
                     titles: dict[str, str] | None = None) -> str:
    """``robust.md``: short sentences, each derived from the numbers of ``table``; designs by their display
    names in the language in force (``titles``: name -> title; default: their names)."""
    table = table.assign(design=[(titles or {}).get(d, d) for d in table["design"]])
    n = int(table["futures"].iloc[0])
    lines = [f"# {t('robust.title')}", "", t("robust.intro", designs=len(table), futures=n, reps=reps), "",
             t("robust.thresholds_are", thresholds="; ".join(th.describe() for th in thresholds)), ""]
    for outcome in regret_outcomes:
        col = f"regret_p90_{outcome}"
        best = table.loc[table[col].idxmin()]
        lines.append("- " + t("robust.lowest_regret", design=_tied(table, col, best[col]),
                                outcome=metrics.BY_NAME[outcome].label,
                                p90=format_number(best[col]), median=format_number(best[f"regret_median_{outcome}"])))
    top = table.loc[table["satisficing_share"].idxmax()]
    if top["satisficing_share"] == 0:
        lines.append("- " + t("robust.none_satisficing", n=n))
    else:
        lines.append("- " + t("robust.most_satisficing", design=_tied(table, "satisficing_share", top["satisficing_share"]),
                              k=n - int(top["futures_failed"]), n=n, share=format_percent(top['satisficing_share'])))
    lines += ["", f"## {t('robust.failures')}", ""]
    for (_, row), box in zip(table.iterrows(), boxes):
        failed = int(row["futures_failed"])
        head = t("robust.fails_in", design=row["design"], k=failed, n=n, share=format_percent(failed / n))
        if failed == 0:
            tail = t("robust.never_fails")
        elif failed == n:
            tail = t("robust.always_fails")
        elif box is None or not box.limits:
            tail = t("robust.no_box")
        else:
            tail = t("robust.box", conditions=box.conditions(uncertainty_labels()), density=format_percent(box.density),
                     coverage=format_percent(box.coverage))
        lines.append(f"- {head} {tail}")
    lines += ["", f"## {t('robust.table')}", ""]
    heads = [t("robust.col_design"), t("robust.col_satisficing")]
    heads += [t("robust.col_regret", outcome=metrics.BY_NAME[o].label) for o in regret_outcomes]
    lines += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for _, row in table.iterrows():
        cells = [str(row["design"]), format_percent(row["satisficing_share"])]
        cells += [f"{format_number(row[f'regret_p90_{o}'])} ({format_number(row[f'regret_median_{o}'])})"
                  for o in regret_outcomes]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _tied(table: pd.DataFrame, column: str, value: float) -> str:
    """The designs whose ``column`` equals the best ``value`` (more than one when they tie)."""
    return ", ".join(table.loc[table[column] == value, "design"].astype(str))
