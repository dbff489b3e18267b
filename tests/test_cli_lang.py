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
