"""``--lang`` wherever it is given (before or after the sub-command), and the Bulgarian comparison report."""

from __future__ import annotations

import re

import pytest

from simcenter.cli.parser import build_parser
from support import PLOVDIV, assert_no_traceback, run_cli

CYRILLIC = re.compile("[\u0400-\u04ff]")
BASE = str(PLOVDIV / "base.yaml")


@pytest.mark.parametrize("argv, lang", [
    (["--lang", "bg", "compare", "x.yaml"], "bg"),
    (["compare", "--lang", "bg", "x.yaml"], "bg"),
    (["compare", "x.yaml", "--lang=bg"], "bg"),
    (["--lang", "en", "compare", "--lang", "bg", "x.yaml"], "bg"),  # the later one wins
    (["compare", "x.yaml"], None),
    (["--lang", "bg", "run", "x.yaml"], "bg"),
    (["run", "x.yaml", "--lang", "bg"], "bg"),
    (["--lang=bg", "report", "dir"], "bg"),
    (["run", "x.yaml"], None),
])
def test_lang_is_read_before_and_after_the_sub_command(argv, lang):
    assert build_parser().parse_args(argv).lang == lang


@pytest.mark.parametrize("before", [True, False], ids=["before", "after"])
def test_run_speaks_bulgarian_wherever_lang_is(before):
    args = ["run", BASE, "--reps", "1", "--years", "1", "--workers", "1"]
    proc = run_cli(*(["--lang", "bg", *args] if before else [*args, "--lang", "bg"]), timeout=120)
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert CYRILLIC.search(proc.stdout.splitlines()[0]), proc.stdout
    assert "mentoring hours" not in proc.stdout and "часове менторство" in proc.stdout


# --------------------------------------------------------------------------- the Bulgarian comparison report
DESIGNS = [str(PLOVDIV / f) for f in ("base.yaml", "cooperative.yaml", "grant-only.yaml")]
SMALL = ["--reps", "3", "--workers", "1", "--set", "horizon.years=2", "--set", "region.n_potential=300"]

LATIN_ALLOWED = {
    # Proper names and abbreviations that Bulgarian text keeps in Latin letters: the region, the EU
    # programmes and funds, the index of concentration, the names of file formats and methods.
    "Plovdiv", "HRDP", "ESF", "EaSI", "PRIM", "CSV", "PNG", "HHI", "EU",
}
"""Latin-letter words a Bulgarian report may hold besides ids: file names (the figures' links,
``figures/forest.png``), anything in backticks, and the designs' ids (``plovdiv-cooperative``), which
are removed before counting; what is left must be one of these."""


def _latin_words(markdown: str, ids: list[str]) -> set[str]:
    text = re.sub(r"`[^`]*`", " ", markdown)  # code and ids in backticks
    text = re.sub(r"!?\[[^\]]*\]\([^)]*\)", " ", text)  # links and images: file names
    for name in sorted(ids, key=len, reverse=True):
        text = text.replace(name, " ")
    return set(re.findall(r"[A-Za-z][A-Za-z'’-]*", text)) - LATIN_ALLOWED


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """The same comparison with --lang bg before and after the sub-command, and in English (the saved
    results of the first, reported again without a language)."""
    import shutil

    root = tmp_path_factory.mktemp("lang")
    out = {}
    for where in ("before", "after"):
        folder = root / where
        lang = ["--lang", "bg"]
        args = [*lang, "compare", *DESIGNS, *SMALL, "--out", str(folder)] if where == "before" else \
            ["compare", *DESIGNS, *SMALL, "--out", str(folder), *lang]
        proc = run_cli(*args, timeout=300)
        assert_no_traceback(proc)
        assert proc.returncode == 0, proc.stderr
        out[where] = (folder / "report.md").read_text(encoding="utf-8")
        out[where + "_stdout"] = proc.stdout
    shutil.copytree(root / "before", root / "en")
    proc = run_cli("report", str(root / "en"), timeout=300)
    assert proc.returncode == 0, proc.stderr
    out["en"] = (root / "en" / "report.md").read_text(encoding="utf-8")
    return out


def test_bulgarian_report_is_the_same_wherever_lang_is_and_differs_from_english(reports):
    assert reports["before"] == reports["after"]
    assert reports["before"] != reports["en"]
    assert reports["before_stdout"] == reports["after_stdout"]


def test_bulgarian_report_has_no_english_words(reports):
    ids = ["plovdiv-association-director", "plovdiv-cooperative", "plovdiv-grant-only"]
    assert _latin_words(reports["before"], ids) == set(), reports["before"]
    assert _latin_words(reports["before_stdout"], ids) == set(), reports["before_stdout"]
    assert len(_latin_words(reports["en"], ids)) > 50  # the check sees English words where there are some


def test_bulgarian_report_uses_titles_and_bulgarian_numbers(reports):
    bg, en = reports["before"], reports["en"]
    assert "Кооперация с колективен съвет" in bg and "Само с безвъзмездно финансиране" in bg
    assert "Cooperative with a collegial board" in en and "plovdiv-cooperative |" not in en
    assert re.search(r"\d[\u00a0\u202f]\d{3}[\u00a0\u202f]€", bg), "money: 25 000 €"
    assert "EUR" not in bg and re.search(r"EUR \d{1,3},\d{3}", en)
    assert re.search(r"\d,\d+%", bg) and re.search(r"\d\.\d+%", en), "decimal comma in Bulgarian"
    assert "месеца" in bg and "months" in en
    assert "Сдружение в обществена полза" in bg  # the legal form's Bulgarian label
