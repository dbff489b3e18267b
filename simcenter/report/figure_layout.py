"""How the comparison's figures are laid out and how their words and numbers are written: margins
and gaps in inches (measured text, not guessed: Bulgarian words are wider than English ones of as
many letters), titles that fit, tick numbers per locale (no offset, no "1e6"; shares as
percentages), units in words. Used by ``compare_figures``."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from simcenter.errors import writing_to  # noqa: E402
from simcenter.i18n import format_number, language, t, unit_name  # noqa: E402

SAVE = {"metadata": {"Software": None}}
DPI = 100
WIDTH = 12.0
"""The widest figure, in inches: the report's page is 1,200 pixels wide, and figures are drawn at 100 dpi."""
SHARE_UNITS = ("share", "0/1")
"""Units whose values are shares (0-1): written as percentages, their differences in percentage points."""
THOUSANDS = 100_000
"""An amount axis whose values reach this is written in thousands (the unit says so): a narrow panel
has no room for "−1,250,000" five times."""
TITLE_SIZE, NOTE_SIZE, LABEL_SIZE, TICK_SIZE = 13, 9, 9, 8
NAME_WIDTH = 2.4
"""The widest line of a design's name beside a panel, in inches (a longer name takes two lines)."""
LINE = 1 / 72 * 1.25
"""The height of a line of text of one point, in inches (font size x 1.25 between lines)."""


# --------------------------------------------------------------------------- words and numbers
def sentence(text: str) -> str:
    """``text`` with its first letter a capital (outcome labels are written in lower case)."""
    return text[:1].upper() + text[1:]


def line_count(text: str) -> int:
    return text.count("\n") + 1


@lru_cache(maxsize=1)
def _measurer():
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(8, 8, 72)  # at 72 dpi, a pixel is a point


def inches(text: str, size: float) -> float:
    """How wide ``text`` (its longest line) is in a ``size``-point font, in inches (measured, not guessed:
    Bulgarian words are wider than English ones of as many letters)."""
    from matplotlib.font_manager import FontProperties

    font = FontProperties(size=size)
    return max(_measurer().get_text_width_height_descent(line, font, False)[0] for line in text.split("\n")) / 72


def fit(text: str, width: float, size: float) -> str:
    """``text`` in lines no wider than ``width`` inches in a ``size``-point font (a longer word stays whole)."""
    lines: list[str] = []
    for word in text.split():
        if lines and inches(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines) or text


def _tick(value: float, unit: str | None = None, points: bool = False, scale: float = 1.0) -> str:
    """A tick's number as the report's language writes it: shares as percentages ("35%"), their
    differences in percentage points ("-2"), amounts over ``scale``; never "1e-16" for a zero that
    arithmetic left a hair off, nor "-0"."""
    value = float(value)
    if unit in SHARE_UNITS:
        value *= 100
    return _tick_text(round(value / scale, 9) + 0.0, unit in SHARE_UNITS and not points, language())


@lru_cache(maxsize=4096)
def _tick_text(value: float, percent: bool, lang: str) -> str:
    """(The same few numbers on every panel's axis, each written once.)"""
    text = format_number(value, lang)
    return text + "%" if percent else text


def numbers(axis, unit: str | None = None, points: bool = False, scale: float = 1.0, bins: int | None = None) -> None:
    """Write ``axis``'s numbers per locale (no offset, no scientific notation); ``bins``: at most
    about that many intervals between ticks."""
    if bins:
        axis.set_major_locator(MaxNLocator(nbins=bins, steps=[1, 2, 2.5, 5, 10]))
    axis.set_major_formatter(FuncFormatter(lambda value, _: _tick(value, unit, points, scale)))


def unit_words(unit: str, difference: bool = False, scale: float = 1.0) -> str:
    """An axis's unit in words: percentage points for a difference of shares, per cent for a share,
    "thousand EUR" for amounts written in thousands."""
    if unit in SHARE_UNITS:
        return t("report.unit_points") if difference else t("report.unit_percent")
    if scale == 1000:
        return t("report.unit_thousands", unit=unit_name(unit))
    return unit_name(unit)


# --------------------------------------------------------------------------- layout
def columns_for(n: int) -> int:
    """Panels a row for ``n`` panels: all of them up to four, else three or four, whichever leaves
    fewer empty places (four when even)."""
    if n <= 4:
        return max(1, n)
    return min((4, 3), key=lambda c: math.ceil(n / c) * c - n)


def place(fig: Figure, left: float, right: float, top: float, bottom: float, wgap: float = 0.0,
           hgap: float = 0.0) -> None:
    """The panels' margins and the gaps between them in inches (whatever the figure's size)."""
    w, h = fig.get_size_inches()
    axes = fig.axes[0].get_gridspec() if fig.axes else None
    rows, cols = (axes.nrows, axes.ncols) if axes is not None else (1, 1)
    width = (w - left - right - wgap * (cols - 1)) / cols
    height = (h - top - bottom - hgap * (rows - 1)) / rows
    fig.subplots_adjust(left=left / w, right=1 - right / w, top=1 - top / h, bottom=bottom / h,
                        wspace=wgap / width if cols > 1 else 0.2, hspace=hgap / height if rows > 1 else 0.2)


def heading_lines(title: str, note: str, width: float) -> tuple[str, str]:
    """The figure's title and note, each in lines that fit a figure ``width`` inches wide."""
    return fit(title, width - 0.4, TITLE_SIZE), (fit(note, width - 0.6, NOTE_SIZE) if note else "")


def heading_height(title: str, note: str, width: float) -> float:
    """The inches the figure's title and note take at its top (``heading``)."""
    title, note = heading_lines(title, note, width)
    used = 0.12 + line_count(title) * TITLE_SIZE * LINE
    if note:
        used += 0.06 + line_count(note) * NOTE_SIZE * LINE
    return used + 0.1


def heading(fig: Figure, title: str, note: str = "") -> tuple[list, float]:
    """The figure's title and the line under it that explains its marks, at its top; return the two
    texts and the inches they take."""
    w, h = fig.get_size_inches()
    title, note = heading_lines(title, note, w)
    drawn = [fig.text(0.5, 1 - 0.12 / h, title, ha="center", va="top", fontsize=TITLE_SIZE)]
    if note:
        below = 0.12 + line_count(title) * TITLE_SIZE * LINE + 0.06
        drawn.append(fig.text(0.5, 1 - below / h, note, ha="center", va="top", fontsize=NOTE_SIZE, color="0.25"))
    return drawn, heading_height(title, note, w)


def save(fig: Figure, path: Path, close: bool = True) -> Path:
    with writing_to(path):
        fig.savefig(path, dpi=DPI, **SAVE)
    if close:
        plt.close(fig)
    return path


def panel_grid(n: int, panel_w: float, panel_h: float, left: float, right: float, top: float, bottom: float,
          wgap: float, hgap: float, **share) -> tuple[Figure, list, int]:
    """A figure of ``n`` panels of ``panel_w`` x ``panel_h`` inches in rows (the empty places of the
    last row removed); return it, its panels in order and the number of columns."""
    cols = columns_for(n)
    rows = math.ceil(n / cols)
    size = (left + right + cols * panel_w + (cols - 1) * wgap, top + bottom + rows * panel_h + (rows - 1) * hgap)
    fig, axes = plt.subplots(rows, cols, figsize=size, squeeze=False, **share)
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.remove()
    place(fig, left, right, top, bottom, wgap, hgap)
    return fig, flat[:n], cols


def panel_width(cols: int, left: float, right: float, wgap: float, widest: float = 3.6) -> float:
    """Panels as wide as a 12-inch figure allows, at most ``widest`` inches."""
    return min(widest, (WIDTH - left - right - (cols - 1) * wgap) / cols)
