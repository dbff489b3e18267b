"""The report's "Where each difference comes from" section and figures, from ``decomposition.csv``
(written by ``simcenter.comparison.decomposition``): per design, one sentence derived from the
numbers (the outcome whose total difference is clearest, its largest part by absolute effect and
whether that part's 90% interval excludes zero, and the next part) and one figure of small
multiples (a panel per outcome, a bar per part with its interval). No file: no section.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import pandas as pd

from simcenter import metrics
from simcenter.errors import InputError, Problem
from simcenter.i18n import format_value as fmt
from simcenter.i18n import t

FILE = "decomposition.csv"
INFO = "decomposition.json"
COLUMNS = ["scenario", "outcome", "part", "effect", "ci_low", "ci_high"]
ROWS = ("legal_form", "management", "plan", "fees", "resources", "interaction")
"""The rows of a design's split, in order (then the total)."""


def read(folder: str | Path) -> pd.DataFrame | None:
    """The decomposition table of a saved comparison, or None when it has none.

    Raises:
        InputError: the file is there but not a decomposition table.
    """
    path = Path(folder) / FILE
    if not path.is_file():
        return None
    try:
        frame = pd.read_csv(path, keep_default_na=False, na_values=[""])
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), 1, "", str(exc))]) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError([Problem(str(path), 1, ", ".join(missing), t("report.decomp_bad_file"))])
    for c in ("effect", "ci_low", "ci_high"):
        frame[c] = pd.to_numeric(frame[c], errors="coerce")
    if "note" not in frame.columns:
        frame["note"] = ""
    frame["note"] = frame["note"].astype(object).where(frame["note"].notna(), "").astype(str)
    return frame


def replicates(folder: str | Path) -> tuple[int, int] | None:
    """(replicates the parts were estimated over, the comparison's), from decomposition.json."""
    try:
        info = json.loads((Path(folder) / INFO).read_text(encoding="utf-8"))
        return int(info["replicates"]), int(info["of"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _unit(outcome: str) -> str:
    unit = metrics.BY_NAME[outcome].unit
    return "share" if unit == "0/1" else unit


def signed(value: float, outcome: str) -> str:
    """The value with its sign in front of the unit: +5.7 months, −EUR 6,531 (not EUR -6,531)."""
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return sign + fmt(abs(value), _unit(outcome))


def _excludes_zero(row) -> bool:
    return bool(row["ci_low"] > 0 or row["ci_high"] < 0)


def sentence(frame: pd.DataFrame, design: str, title: str | None = None) -> str:
    """One sentence on where ``design``'s difference comes from: the outcome whose total difference is
    clearest (largest against its interval's half-width), its largest part by absolute effect (and
    whether that part's interval excludes zero), and the next largest part. ``title``: the design's name
    as the report shows it (default: its id)."""
    mine = frame[frame["scenario"] == design]
    design = title or design
    totals = mine[(mine["part"] == "total") & mine["effect"].notna() & (mine["effect"] != 0)]
    if totals.empty:
        return t("report.decomp_no_difference", design=design)
    width = ((totals["ci_high"] - totals["ci_low"]) / 2).clip(lower=1e-12).fillna(1e-12)
    total = totals.loc[(totals["effect"].abs() / width).idxmax()]
    outcome = total["outcome"]
    parts = mine[(mine["outcome"] == outcome) & mine["part"].isin(ROWS) & mine["effect"].notna()]
    parts = parts.assign(size=parts["effect"].abs()).sort_values("size", ascending=False, kind="stable")
    parts = parts[parts["size"] > 0]
    label = metrics.BY_NAME[outcome].label
    if parts.empty:
        return t("report.decomp_no_difference", design=design)
    first = parts.iloc[0]
    text = t("report.decomp_sentence", design=design, outcome=label, total=signed(total["effect"], outcome),
             part=t(f"report.decomp_part.{first['part']}"), effect=signed(first["effect"], outcome),
             sure=t("report.decomp_sure" if _excludes_zero(first) else "report.decomp_unsure"))
    if len(parts) > 1:
        second = parts.iloc[1]
        text += t("report.decomp_not_from", part=t(f"report.decomp_part.{second['part']}"),
                  effect=signed(second["effect"], outcome))
    return text + "."


def figure_name(design: str) -> str:
    """The file name of ``design``'s figure (letters, digits, ``-``, ``_`` kept)."""
    stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in design) or "_"
    return f"decomposition_{stem}.png"


def _designs(res, frame: pd.DataFrame) -> list[str]:
    present = set(frame["scenario"])
    return [d for d in res.designs if d != res.baseline and d in present]


def _note(res) -> str:
    k = replicates(res.folder)
    text = t("report.decomp_note", baseline=res.title(res.baseline))
    if k and k[0] < k[1]:
        text += " " + t("report.decomp_fewer", k=k[0], reps=k[1])
    return text


def markdown(res, caption=lambda path: path.stem) -> list[str]:
    """The section's lines for report.md (none without decomposition.csv); ``caption``: a figure's caption."""
    frame = read(res.folder)
    if frame is None:
        return []
    out = ["", f"## {t('report.decomp_title')}", "", _note(res), ""]
    for d in _designs(res, frame):
        out.append(f"- {sentence(frame, d, res.title(d))}")
    out.append("")
    for d in _designs(res, frame):
        path = res.folder / "figures" / figure_name(d)
        if path.is_file():
            out.append(f"![{caption(path)}](figures/{figure_name(d)})")
    return out


def html_section(res, img, caption=lambda path: path.name) -> list[str]:
    """The section's parts of report.html (none without decomposition.csv); ``img``: a PNG as an element."""
    frame = read(res.folder)
    if frame is None:
        return []
    e = html.escape
    parts = [f"<h2>{e(t('report.decomp_title'))}</h2>", f'<p class="note">{e(_note(res))}</p>', "<ul>"]
    parts += [f"<li>{e(sentence(frame, d, res.title(d)))}</li>" for d in _designs(res, frame)]
    parts.append("</ul>")
    for d in _designs(res, frame):
        path = res.folder / "figures" / figure_name(d)
        if path.is_file():
            parts.append(f'<figure class="figure" id="fig-{e(path.stem)}">{img(path)}<figcaption>{e(caption(path))}</figcaption></figure>')
    return parts


# --------------------------------------------------------------------------- figures
def draw(folder: str | Path, design: str, baseline: str, lang: str | None = None,
         titles: dict[str, dict[str, str]] | None = None) -> str:
    """``design``'s figure in ``folder``/figures: a panel per outcome, a horizontal bar per part
    (and the total) with its 90% interval; return its path. ``lang``: the language (in a worker);
    ``titles``: design -> language -> display name (default: the designs' names)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from simcenter.i18n import language, speaking
    from simcenter.report.figure_layout import SHARE_UNITS, THOUSANDS, numbers, unit_words

    folder = Path(folder)
    frame = read(folder)
    mine = frame[frame["scenario"] == design]
    outcomes = list(dict.fromkeys(mine["outcome"]))
    rows_order = [*ROWS, "total"]
    with speaking(lang or language()):
        cols = min(4, max(1, len(outcomes)))
        n_rows = int(math.ceil(len(outcomes) / cols))
        fig, axes = plt.subplots(n_rows, cols, figsize=(3.6 * cols, 2.6 * n_rows + 0.8), squeeze=False)
        y = np.arange(len(rows_order))[::-1]
        labels = [t(f"report.decomp_short.{p}") for p in rows_order]
        for k, outcome in enumerate(outcomes):
            ax = axes[k // cols][k % cols]
            sub = mine[mine["outcome"] == outcome].set_index("part").reindex(rows_order)
            eff = sub["effect"].to_numpy(dtype=float)
            lo, hi = sub["ci_low"].to_numpy(dtype=float), sub["ci_high"].to_numpy(dtype=float)
            colors = ["#4c72b0"] * len(ROWS[:-1]) + ["#9aa5b1", "#333333"]
            ax.barh(y, np.nan_to_num(eff), color=colors, height=0.65)
            left, right = np.nan_to_num(eff - lo).clip(min=0), np.nan_to_num(hi - eff).clip(min=0)
            ax.errorbar(np.nan_to_num(eff), y, xerr=[left, right], fmt="none", ecolor="black", elinewidth=0.8, capsize=2)
            ax.axvline(0, color="black", lw=0.6)
            ax.set_yticks(y)
            ax.set_yticklabels(labels if k % cols == 0 else [""] * len(labels), fontsize=7)
            ax.set_title(metrics.BY_NAME[outcome].label, fontsize=8)
            o = metrics.BY_NAME[outcome]
            finite = np.abs(np.concatenate([lo, hi, eff]))
            finite = finite[np.isfinite(finite)]
            scale = 1000.0 if o.unit == "EUR" and finite.size and finite.max() >= THOUSANDS else 1.0
            numbers(ax.xaxis, o.unit if o.unit in SHARE_UNITS else None, points=True, scale=scale,
                    bins=4)
            ax.set_xlabel(t("report.diff_axis", unit=unit_words(o.unit, difference=True,
                                                                 scale=scale)), fontsize=7)
            ax.tick_params(axis="x", labelsize=7)
            ax.grid(axis="x", alpha=0.3)
        for k in range(len(outcomes), n_rows * cols):
            axes[k // cols][k % cols].axis("off")
        shown = {d: ((titles or {}).get(d) or {}).get(lang or language()) or d for d in (design, baseline)}
        fig.suptitle(t("report.decomp_fig", design=shown[design], baseline=shown[baseline]), fontsize=10)
        fig.tight_layout(rect=(0, 0, 1, 0.95))
        path = folder / "figures" / figure_name(design)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(fig)
    return str(path)

