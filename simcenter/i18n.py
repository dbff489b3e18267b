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
def format_number(value: float) -> str:
    """A count or an amount: thousands grouped from 100 up, whole numbers without decimals, others
    to three significant digits; "–" for no value."""
    if value is None or value != value:
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if value == int(value):
        return f"{value:.0f}"
    return f"{value:.3g}"


def format_value(value: float | None, unit: str, bare: bool = False, lang: str | None = None) -> str:
    """A value in its outcome's unit (``bare``: without the unit's words), in ``lang`` (default: the
    language in force): shares as percentages, euros, months, indices to two decimals."""
    if value is None or value != value:
        return "–"
    if bare and unit in ("EUR", "months"):
        return format_number(value)
    if unit in ("share", "0/1"):
        return f"{value * 100:.1f}%" if abs(value) < 0.1 else f"{value * 100:.0f}%"
    if unit == "EUR":
        return f"EUR {value:,.0f}"
    if unit == "months":
        template = strings(lang or language()).get("report.months_value") or strings("en")["report.months_value"]
        return template.format(value=f"{value:.1f}".rstrip("0").rstrip("."))
    if unit in ("0..1", "index"):
        return f"{value:.2f}"
    return format_number(value)
