"""Analysis of stored sweeps: indices point at the parameter that drives an outcome, PRIM at the
conditions that make the centre fail, in plain language; figures and tables are written."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from simcenter.sweep import analyze, load_experiment, run_sweep
from simcenter.sweep.analysis import index_value
from simcenter.sweep.experiment import Condition
from support import english
from sweep_support import write_experiment

# Two years without the founding grant or EU cooperation projects (a partner's 5% co-financing is within any
# centre's reach): a centre that starts with little cash cannot pay its team.
# Starting cash drives cash and closure; jobs per venture cannot touch the centre's cash (word of mouth can:
# demand for mentoring makes the board hire, reputation brings sponsorship).
DRIVERS = """\
  center.starting_cash_eur: {range: [20000, 200000]}
  behaviour.jobs_operating: {range: declared}
  center.staff.salary_monthly_eur: {range: [1000, 1800]}
"""


def _sweep(tmp_path_factory, name: str, design: str, extra: str = "") -> str:
    folder = tmp_path_factory.mktemp(name)
    body = ("  funding.starting_grants: []\n  funding.funders.eu_cooperation.call_months: []\nuncertainties:\n"
            + DRIVERS + design
            + "outcomes: [closed, months_operating, cash_eur, served]\nseed: 8\n" + extra)
    path = write_experiment(folder, body, name=name, years=2)
    summary = run_sweep(load_experiment(path), folder / "out", workers=2)
    assert summary.complete and summary.failed == 0
    return folder / "out"


# Without a grant, little starting cash means a team that does not last a year (the board cuts it);
# the centre itself, cut to a shell, seldom closes within two years.
FAILURE = "analysis:\n  failure: months_operating < 12\n"


@pytest.fixture(scope="module")
def sobol(tmp_path_factory):
    return _sweep(tmp_path_factory, "sobol", "design: {method: sobol, samples: 16}\n", FAILURE)


def test_sobol_indices_rank_the_driver_first_and_give_an_irrelevant_input_zero(sobol):
    with english():
        a = analyze(sobol)
    assert a.method == "sobol" and a.ok == 16 * 5
    assert set(a.indices.columns) >= {"design", "outcome", "parameter", "S1", "S1_conf", "ST", "ST_conf"}
    cash = a.indices[a.indices["outcome"] == "cash_eur"].set_index("parameter")["ST"]
    assert cash.idxmax() == "starting_cash_eur"
    assert index_value(a, "cash_eur", "jobs_operating") == pytest.approx(0.0, abs=1e-9)


def test_prim_tells_in_plain_language_where_the_team_does_not_last(sobol):
    with english():
        a = analyze(sobol)
    (finding,) = a.findings
    assert str(finding.condition) == "months_operating < 12"
    assert 0 < finding.failing < finding.runs
    box = finding.overall
    assert box is not None and box.density >= 0.8
    assert ("starting_cash_eur", "below") in [(name, kind) for name, kind, _ in box.limits]
    assert "jobs_operating" not in finding.sentence
    assert finding.sentence.startswith(f"months operating (months_operating < 12) in {finding.failing} of "
                                       f"{finding.runs} runs")
    assert "It happens most where starting_cash_eur is at most" in finding.sentence


def test_analysis_files_and_figures_are_written(sobol):
    with english():
        a = analyze(sobol)
    folder = sobol / "analysis"
    table = pd.read_csv(folder / "sensitivity.csv")
    assert len(table) == 4 * 3  # outcomes x parameters
    drawn = {p.name for p in a.figures}
    assert drawn >= {"sensitivity_overview.png", "sensitivity_months_operating.png", "prim_months_operating.png"}
    assert all(p.stat().st_size > 5000 for p in a.figures)
    text = (folder / "analysis.md").read_text(encoding="utf-8")
    assert "## Sensitivity" in text and "## When does a design fail?" in text and "starting_cash_eur" in text
    boxes = pd.read_csv(folder / "boxes.csv")
    assert list(boxes["condition"]) == ["months_operating < 12"]


def test_another_failure_condition_can_be_given_at_analysis_time(sobol):
    with english():
        a = analyze(sobol, failure=(Condition("cash_eur", "<", -1e12),), write=False)
    assert a.findings[0].failing == 0 and "No run meets the condition" in a.findings[0].sentence


def test_morris_elementary_effects(tmp_path_factory):
    out = _sweep(tmp_path_factory, "morris", "design: {method: morris, samples: 6}\n")
    with english():
        a = analyze(out, write=False)
    assert a.method == "morris" and a.ok == 6 * 4
    cash = a.indices[a.indices["outcome"] == "cash_eur"].set_index("parameter")["mu_star"]
    assert cash.idxmax() == "starting_cash_eur" and cash["jobs_operating"] == 0


def test_per_design_failure_rates_with_levers_crossed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("designs")
    body = """\
  funding.starting_grants: []
levers:
  n_mentors: [1, 4]
uncertainties:
  center.starting_cash_eur: {range: [20000, 200000]}
design: {method: latin_hypercube, samples: 12, levers: full_factorial}
outcomes: [closed, cash_eur]
"""
    path = write_experiment(folder, body, years=2)
    run_sweep(load_experiment(path), folder / "out", workers=1)
    with english():
        a = analyze(folder / "out")
    assert a.method == "rbd_fast" and a.indices.empty and "from 40 samples" in a.notes[0]
    by = a.findings[0].by_design.set_index("design")
    assert list(by.index) == ["n_mentors=1", "n_mentors=4"]
    assert by.loc["n_mentors=4", "share"] >= by.loc["n_mentors=1", "share"], "more staff, more cost"
    assert (folder / "out" / "analysis" / "figures" / "failure_closed.png").is_file()
    assert not math.isnan(a.findings[0].by_design["share"].sum())
