"""Plain-text, CSV and JSON rendering of row dictionaries for the terminal."""

from __future__ import annotations

import csv
import io
import json
import shutil
import textwrap

from simcenter.errors import printable
from simcenter.files import FLOAT_FORMAT


def table(rows: list[dict], title: str | None = None, headers: dict[str, str] | None = None,
          max_width: int | None = None) -> str:
    """Render rows as an aligned text table, wrapping long cells and headers to fit the terminal."""
    if not rows:
        return ""
    cols = list(rows[0])
    heads = [(headers or {}).get(c, c) for c in cols]
    cells = [[_cell(r.get(c)) for c in cols] for r in rows]
    width = max_width or shutil.get_terminal_size((160, 20)).columns
    longest_word = [max(len(w) for w in (h + " " + " ".join(row[i] for row in cells)).split()) for i, h in enumerate(heads)]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(heads)]
    budget = max(width - 2 * (len(cols) - 1), len(cols) * 6)
    while sum(widths) > budget:
        # Shrink the widest column that can still wrap between words.
        shrinkable = [i for i, w in enumerate(widths) if w > max(8, min(longest_word[i], 32))]
        if not shrinkable:
            break
        i = max(shrinkable, key=lambda k: widths[k])
        widths[i] -= 1
    lines = []
    if title:
        lines += [title, "=" * min(len(title), width)]

    def emit(values: list[str]) -> None:
        wrapped = [textwrap.wrap(v, w, break_on_hyphens=False, break_long_words=False) or [""]
                   for v, w in zip(values, widths)]
        for k in range(max(len(x) for x in wrapped)):
            lines.append("  ".join((x[k] if k < len(x) else "").ljust(w) for x, w in zip(wrapped, widths)).rstrip())

    emit(heads)
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        emit(row)
    return "\n".join(lines)


def to_csv(rows: list[dict]) -> str:
    """Render rows as CSV with a header line."""
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(v, FLOAT_FORMAT) for k, v in r.items()} for r in rows)
    return buf.getvalue()


def to_json(obj) -> str:
    """Render an object as stable, indented JSON."""
    return json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False)


def _cell(value, float_format: str | None = None) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return float_format % value if float_format else f"{value:g}"  # CSV: the files' precision
    if isinstance(value, (list, tuple)):
        return printable(", ".join(map(str, value)))
    return "" if value is None else printable(str(value))
