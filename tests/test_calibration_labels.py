"""Every number of every shipped scenario is labelled: a source, an assumption with a plausible range, or
a design choice (issue 18; the rule: simcenter/config/calibration.py and docs/calibration.md)."""

from pathlib import Path

import pytest

from simcenter.config.calibration import classify, rows, stated_range, unlabelled

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "scenarios").glob("**/*.yaml"))


@pytest.mark.parametrize("label, span, kind, rng", [
    ("", None, "unlabelled", None),
    ("   ", None, "unlabelled", None),
    ("assumption", None, "unlabelled", None),
    ("assumption: a seminar room", None, "unlabelled", None),
    ("assumption: range 1-3; x", None, "assumption", (1, 3)),
    ("Assumption: range 0.05 - 0.3; reason", None, "assumption", (0.05, 0.3)),
    ("assumption: range 15,000-60,000; a budget line", None, "assumption", (15_000, 60_000)),
    ("assumption: range 1–4 (en dash)", None, "assumption", (1, 4)),
    ("assumption: share aware at opening", (0.01, 0.15), "assumption", (0.01, 0.15)),
    ("assumption: range 2-4; the label's range wins over the span", (1, 9), "assumption", (2, 4)),
    ("assumption: range 5-1; reversed is no range", None, "unlabelled", None),
    ("design choice: one coordinator to start", None, "design choice", None),
    ("Design choice: the plan", None, "design choice", None),
    ("NSI: national average gross wage (domain.md)", None, "source", None),
    ("NSI: average wage", (1000, 1800), "source", (1000, 1800)),
])
def test_classify(label, span, kind, rng):
    assert classify(label, span) == (kind, rng)


def test_stated_range_needs_the_word_range():
    assert stated_range("assumption: 2-20 a month") is None
    assert stated_range("assumption: range 2-20 a month") == (2, 20)


@pytest.mark.parametrize("path", SCENARIOS)
def test_every_number_of_a_shipped_scenario_is_labelled(path, monkeypatch):
    monkeypatch.chdir(ROOT)
    problems = unlabelled(path)
    assert not problems, f"{len(problems)} unlabelled numbers in {path}:\n" + "\n".join(problems)


MINIMAL = """\
name: test-labels            # design choice: a test scenario
horizon:
  years: 2                   # design choice: a short run
region:
  name: Somewhere
  n_potential: 300           # assumption: range 100-500; a test population
  new_ideas_per_month: 3
center:
  legal_form: association
  management: executive_director
  starting_cash_eur: 1000    # assumption
"""


def test_an_unlabelled_number_is_caught_with_its_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    path = tmp_path / "unlabelled.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    problems = [p for p in unlabelled(path) if p.startswith(str(path))]  # the defaults: the test above
    assert problems == [
        f"{path}:7: region.new_ideas_per_month = 3: no label (a comment: a source, "
        "'assumption: range LO-HI; reason' or 'design choice: ...')",
        f"{path}:11: center.starting_cash_eur = 1000: 'assumption' is an assumption without a range "
        "(add 'range LO-HI')",
    ]
    by_name = {r["parameter"]: r for r in rows(path)}
    assert by_name["region.n_potential"]["kind"] == "assumption"
    assert by_name["region.n_potential"]["range"] == "100 – 500"
    assert by_name["horizon.years"]["kind"] == "design choice"
    assert by_name["center.rent_monthly_eur"]["kind"] == "source"  # the default's declared source
    with pytest.raises(AssertionError, match=r"unlabelled\.yaml:7: region\.new_ideas_per_month"):
        test_every_number_of_a_shipped_scenario_is_labelled(str(path), monkeypatch)
