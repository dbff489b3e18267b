"""The app's words in the language each browser session chose.

``simcenter.i18n.t`` speaks the process's one language (the CLI's ``--lang``). The app serves
several groups at once, each with its own language toggle, so it reads the same locale files
through ``simcenter.i18n.strings`` with the language passed explicitly; the keys and the
English fallback are the same as ``t``'s.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simcenter.errors import printable
from simcenter.i18n import (LANGUAGES, format_date, format_money, format_number, format_percent, format_value, language,
                            strings, unit_name, written_number)
from simcenter import LEVERS
from simcenter.metrics import BY_NAME
from simcenter.ui.controls import ORDER, Control

if TYPE_CHECKING:
    from simcenter.config.catalogue import LegalForm, ManagementStructure


def default_language() -> str:
    """The language a new session starts in: ``--lang`` / ``SIMCENTER_LANG``, else English."""
    return language()


def tr(lang: str, key: str, /, **values) -> str:
    """The message ``key`` in ``lang`` (English when missing), with ``{placeholders}`` filled in."""
    template = strings(lang if lang in LANGUAGES else "en").get(key) or strings("en").get(key)
    if template is None:
        raise KeyError(f"no user-facing string named {key!r} in locales/en.yaml")
    return template.format(**values) if values else template


def letter(lang: str, which: str) -> str:
    """A design's letter as the language writes it (A/B, А/Б)."""
    return tr(lang, f"app.letter.{which}")


def outcome_label(lang: str, name: str) -> str:
    """The name of outcome ``name`` on the page: its plain name (``app.outcome.<name>``, "how much income
    depends on one source") where the app has one, else the report's (``outcomes.<name>``)."""
    return tr(lang, f"app.outcome.{name}" if strings("en").get(f"app.outcome.{name}") else f"outcomes.{name}")


def outcome_glossary(lang: str, name: str) -> str:
    """What the page shows on hover over outcome ``name``: the report's (technical) name, the unit and the
    meaning, "funding concentration (HHI) (index): the Herfindahl-Hirschman index of income by source ..."."""
    meaning = tr(lang, f"app.meaning.{name}") if strings("en").get(f"app.meaning.{name}") else ""
    return tr(lang, "app.glossary.line", technical=tr(lang, f"outcomes.{name}"),
              unit=unit_name(BY_NAME[name].unit, lang), meaning=meaning).strip()


def entry_label(lang: str, entry: LegalForm | ManagementStructure) -> str:
    """The name of a legal form or management structure."""
    return entry.label_bg if lang == "bg" else entry.label


def party_label(lang: str, spec, key: str) -> str:
    """The name of a partner or funder (``spec``, scenario data) in ``lang``: its ``label_bg`` in
    Bulgarian where the scenario has one, else its ``label``, else its id ``key``."""
    return ((spec.label_bg or spec.label) if lang == "bg" else spec.label) or key


def entry_summary(lang: str, entry: LegalForm | ManagementStructure) -> str:
    """The one- or two-sentence explanation of a legal form or management structure."""
    return (entry.summary_bg or entry.summary) if lang == "bg" else entry.summary


def entry_pros(lang: str, entry) -> tuple[str, ...]:
    """The catalogue's pros of an entry, in ``lang`` (English where a Bulgarian list is missing)."""
    return tuple(entry.pros_bg or entry.pros) if lang == "bg" else tuple(entry.pros)


def entry_cons(lang: str, entry) -> tuple[str, ...]:
    """The catalogue's cons of an entry, in ``lang`` (English where a Bulgarian list is missing)."""
    return tuple(entry.cons_bg or entry.cons) if lang == "bg" else tuple(entry.cons)


def fmt(lang: str, x: float | None, unit: str) -> str:
    """A value in its unit, in ``lang`` (the report's formatting: ``simcenter.i18n.format_value``)."""
    return format_value(x, unit, lang=lang)


def outcome_value(lang: str, name: str, x: float | None) -> str:
    """The value of outcome ``name`` in its unit."""
    return fmt(lang, x, BY_NAME[name].unit)


def amount(lang: str, x: float) -> str:
    """A typed amount as a field shows it, in ``lang``: whole, or to the cent ("12,5" in Bulgarian), never
    rounded away (``format_number`` keeps three digits: a fee of 150.5 would read 150)."""
    return written_number(f"{x:.2f}".rstrip("0").rstrip("."), lang)


def lever_value(lang: str, c: Control, value: float) -> str:
    """A lever's value as people read it, in ``lang``: "40%", "1,3", "12,50 €", "3"."""
    if c.unit == "share":
        return format_percent(value, lang, decimals=0)
    if c.unit == "factor":
        return written_number(f"{value:.1f}", lang)
    if c.unit == "EUR":
        return format_money(value, lang, cents=True)
    return format_number(value, lang)


def lever_text(lang: str, c: Control, value) -> str:
    """A lever's label with its value, in ``lang`` ("бюджет за популяризиране, евро на месец: 300 €")."""
    return tr(lang, f"app.lever_value.{c.unit}", label=tr(lang, f"app.lever.{c.name}"), value=lever_value(lang, c, value))


def calendar(lang: str, year: int, month: int) -> str:
    """A month of the calendar as the language writes it: "October 2027", "октомври 2027 г." (Babel)."""
    return format_date(f"{year:04d}-{month:02d}", lang)


SHOWN_CHARACTERS = 30
"""How much of a refused text the page echoes: enough to recognise it, never a page of it."""


def refusal(lang: str, refused) -> str:
    """The one line a ``controls.Refused`` value becomes: which input, and why its value was not taken."""
    values = {k: format_number(v, lang) for k, v in refused.values.items()}
    why = tr(lang, refused.reason, got=described(lang, refused.got), **values)
    return tr(lang, "app.input.refused", what=tr(lang, refused.what), why=why)


def described(lang: str, raw: object) -> str:
    """What a browser sent, in short and in words: a number, a quoted bit of text, or its kind."""
    if raw is None:
        return tr(lang, "app.input.got_nothing")
    if isinstance(raw, bool):
        return tr(lang, "app.input.got_flag")
    if isinstance(raw, int):
        return format_number(raw, lang) if raw.bit_length() < 64 else tr(lang, "app.input.got_huge")
    if isinstance(raw, float):
        if math.isnan(raw):
            return tr(lang, "app.input.got_nan")
        if math.isinf(raw):
            return ("−" if raw < 0 else "") + tr(lang, "app.input.got_infinity")
        return written_number(f"{raw:.6g}", lang)  # as read, in the language's digits: "1e+308", "2,5"
    if isinstance(raw, str):
        text = printable(raw.strip())
        shown = text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + "…"
        return tr(lang, "app.input.got_text", text=shown)
    if isinstance(raw, (list, tuple)):
        return tr(lang, "app.input.got_list")
    if isinstance(raw, dict):
        return tr(lang, "app.input.got_mapping")
    return tr(lang, "app.input.got_other")


ROOT = ": (root): "
"""Where ``simcenter.errors.Problem`` puts a problem of the whole file (in English: the model's layer speaks none)."""


def problem_text(lang: str, line: str) -> str:
    """A problem line with the dotted path of a lever replaced by the lever's name, and a problem of the whole
    file said so in ``lang`` ("(целият файл)")."""
    if ROOT in line:
        line = line.replace(ROOT, f": {tr(lang, 'app.load.whole_file')}: ", 1)
    for name in ORDER:
        path = getattr(LEVERS[name], "path", None)  # levers that set one field know it
        if path and line.startswith(path + ":"):
            return tr(lang, f"app.lever.{name}") + line[len(path):]
    return line
