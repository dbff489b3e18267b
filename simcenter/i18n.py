"""User-facing strings, one file per language under ``locales/``.

Every message the CLI, the report or the app shows is a key in ``locales/en.yaml``;
``locales/bg.yaml`` holds the Bulgarian text for the same keys. A missing translation
falls back to English, so adding a language is adding a file. The language comes from
``set_language`` (the CLI's ``--lang``) or the ``SIMCENTER_LANG`` environment variable; the
workshop app, which serves several groups in different languages at once, speaks a group's
language for a while with ``speaking`` (that thread only).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources

import yaml

from simcenter.errors import printable

LANGUAGES = ("en", "bg")
_language: str | None = None
_speaking: ContextVar[str | None] = ContextVar("simcenter_speaking", default=None)
"""The language of the ``speaking`` block in force in this thread (each thread has its own)."""


def set_language(lang: str | None) -> None:
    """Choose the language of all later messages (``None``: from ``SIMCENTER_LANG``, else English)."""
    global _language
    if lang is not None and lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _language = lang


def language() -> str:
    """The language in force: this thread's ``speaking`` language, else the process's."""
    if lang := _speaking.get():
        return lang
    if _language:
        return _language
    env = os.environ.get("SIMCENTER_LANG", "en").split("_")[0].lower()
    return env if env in LANGUAGES else "en"


@contextmanager
def speaking(lang: str):
    """Speak ``lang`` inside the block, in this thread only.

    The app validates one group's design in that group's language while other groups, in
    other threads, do the same in theirs; a context variable instead of the process's
    language means no group ever waits for another (a lock here once let one stuck file
    read freeze every group).
    """
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    token = _speaking.set(lang)
    try:
        yield
    finally:
        _speaking.reset(token)


@lru_cache(maxsize=None)
def strings(lang: str) -> dict[str, str]:
    """All strings of one language, flattened to dotted keys."""
    text = (resources.files("simcenter") / "locales" / f"{lang}.yaml").read_text(encoding="utf-8")
    flat: dict[str, str] = {}

    def walk(prefix: str, node) -> None:
        for key, value in node.items():
            full = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                walk(full, value)
            else:
                flat[full] = str(value)

    walk("", yaml.safe_load(text) or {})
    return flat


def t(key: str, /, **values) -> str:
    """The message ``key`` in the current language, with ``{placeholders}`` filled in.

    The message is escaped where a terminal would act on it (``errors.printable``): the names filled
    in come from files and folders, and a newline or an escape sequence in one must not reach the
    terminal raw (nor split a one-line message). No template holds such a character itself."""
    template = strings(language()).get(key) or strings("en").get(key)
    if template is None:
        raise KeyError(f"no user-facing string named {key!r} in locales/en.yaml")
    return printable(template.format(**values)) if values else template


# ---------------------------------------------------------------- numbers as people read them
# Babel writes the digits in each language's way (CLDR, shipped with Babel: offline): English
# "25,000", "EUR 25,000", "35%", "2.5"; Bulgarian "25 000" (a non-breaking space), "25 000 €",
# "35%", "2,5". The rounding is Python's (the same digits in every language and as before Babel);
# Babel only groups, places the sign, the decimal mark and the currency.
_BABEL_LOCALE = {"en": "en", "bg": "bg"}


def _locale(lang: str | None) -> str:
    return _BABEL_LOCALE.get(lang or language(), "en")


def _digits(text: str, lang: str | None, grouped: bool = True) -> str:
    """``text``, a number Python has rounded (``"1234.5"``, ``"-3"``), written in ``lang``: grouped in
    thousands (``grouped``) with the language's separators; exponent notation kept as it is."""
    from decimal import Decimal

    from babel.numbers import format_decimal, get_decimal_symbol

    locale = _locale(lang)
    if "e" in text or "E" in text or text in ("inf", "-inf", "nan"):
        return text.replace(".", get_decimal_symbol(locale))
    decimals = len(text.split(".")[1]) if "." in text else 0
    pattern = ("#,##0" if grouped else "0") + ("." + "0" * decimals if decimals else "")
    return format_decimal(Decimal(text), pattern, locale=locale)


def written_number(text: str, lang: str | None = None, grouped: bool = True) -> str:
    """A number as Python wrote it (``f"{x:.2f}"``, ``repr``, ``"1e+308"``) in ``lang``'s digits, nothing rounded
    further: "1234.5" is "1,234.5" in English, "1 234,5" in Bulgarian (a non-breaking space)."""
    return _digits(text, lang, grouped)


def join_words(items, lang: str | None = None) -> str:
    """"a, b and c" in the language in force ("а, б и в")."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    with speaking(lang or language()):
        return ", ".join(items[:-1]) + t("report.and") + items[-1]


def format_number(value: float, lang: str | None = None) -> str:
    """A count or an amount in ``lang`` (default: the language in force): thousands grouped from 100
    up, whole numbers without decimals, others to three significant digits; "–" for no value."""
    if value is None or value != value:
        return "–"
    if abs(value) >= 100:
        return _digits(f"{value:.0f}", lang)
    if value == int(value):
        return _digits(f"{value:.0f}", lang)
    return _digits(f"{value:.3g}", lang)


def format_money(value: float, lang: str | None = None, cents: bool = False) -> str:
    """Euros, whole: "EUR 25,000" in English, "25 000 €" in Bulgarian (Babel's currency pattern of the
    language, without cents); ``cents``: an amount that is not whole keeps them ("EUR 12.50", "12,50 €")."""
    from decimal import Decimal

    from babel import Locale
    from babel.numbers import format_currency

    if value is None or value != value:
        return "–"
    locale = _locale(lang)
    shown = f"{value:.2f}" if cents and round(value, 2) != round(value) else f"{value:.0f}"
    rounded = Decimal(shown)
    if locale == "en":  # the English report's form since the start: the code, then the amount
        return f"EUR {_digits(shown, lang)}"
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    if "." not in shown:
        pattern = ";".join(p.replace(".00", "") for p in pattern.split(";"))
    return format_currency(rounded, "EUR", format=pattern, locale=locale, currency_digits=False)


def format_percent(share: float, lang: str | None = None, decimals: int | None = None) -> str:
    """A share (0.35) as a percentage in ``lang``: one decimal under 10%, else none ("35%", "3.5%";
    Bulgarian "3,5%"); ``decimals``: that many decimals whatever the share (a slider's whole percents)."""
    from decimal import Decimal

    from babel.numbers import format_percent as babel_percent

    if share is None or share != share:
        return "–"
    if decimals is not None:
        text = f"{share * 100:.{decimals}f}"
    else:
        text = f"{share * 100:.1f}" if abs(share) < 0.1 else f"{share * 100:.0f}"
    places = "." + "0" * len(text.split(".")[1]) if "." in text else ""
    return babel_percent(Decimal(text) / 100, f"#,##0{places}%", locale=_locale(lang))


def format_date(value, lang: str | None = None, form: str = "yMMMM") -> str:
    """A date (a ``datetime.date``, or a month "2026-03") in ``lang``: by default month and year
    ("March 2026", "март 2026 г.")."""
    import datetime

    from babel.dates import format_skeleton

    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value if value.count("-") == 2 else f"{value}-01")
        except ValueError:
            return value
    return format_skeleton(form, value, locale=_locale(lang))


def unit_name(unit: str, lang: str | None = None) -> str:
    """An outcome's unit as the language names it (axis labels, tables): "months" -> "месеци"."""
    table = strings(lang or language())
    return table.get(f"units.{unit}") or strings("en").get(f"units.{unit}") or unit


def format_value(value: float | None, unit: str, bare: bool = False, lang: str | None = None) -> str:
    """A value in its outcome's unit (``bare``: without the unit's words), in ``lang`` (default: the
    language in force): shares as percentages, euros, months, indices to two decimals."""
    if value is None or value != value:
        return "–"
    lang = lang or language()
    if bare and unit in ("EUR", "months"):
        return format_number(value, lang)
    if unit in ("share", "0/1"):
        return format_percent(value, lang)
    if unit == "EUR":
        return format_money(value, lang)
    if unit == "months":
        number = f"{value:.1f}".rstrip("0").rstrip(".")
        key = "report.months_value_one" if number in ("1", "-1") else "report.months_value"
        template = strings(lang).get(key) or strings("en")[key]
        return template.format(value=_digits(number, lang))
    if unit in ("0..1", "index"):
        return _digits(f"{value:.2f}", lang)
    return format_number(value, lang)
