"""``simcenter robust``: every design over the same futures; regret, satisficing, where each fails."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from simcenter.robust.measures import regret, satisficing_share
from simcenter.robust.thresholds import DEFAULT, Threshold, load_thresholds, satisficing
from support import PROBLEM_PARTS_RE, REPO, assert_no_traceback, english, run_cli

TWO = ["scenarios/plovdiv/base.yaml", "scenarios/plovdiv/cooperative.yaml"]
TINY = ["--futures", "4", "--reps", "2", "--set", "horizon.years=2", "--set", "region.n_potential=300",
        "--workers", "2"]
ROBUSTNESS_COLUMNS = ["design", "futures", "satisficing_share", "futures_failed",
                      "mean_months_operating", "regret_p90_months_operating", "regret_median_months_operating",
                      "regret_max_months_operating", "mean_served", "regret_p90_served", "regret_median_served",
                      "regret_max_served", "fails_where", "box_coverage", "box_density"]
FUTURE_COLUMNS = ["future", "grant_success_factor", "call_size_factor", "municipal_money_factor", "p_seek_mentoring",
                  "p_attend_event",
                  "p_budget_cut_election", "salary_monthly_eur", "rent_monthly_eur"]


def test_municipal_money_scales_the_municipal_funders_and_the_councils_cover():
    import simcenter
    from simcenter.robust.futures import scale_municipal_money

    me = simcenter.load_scenario(REPO / "scenarios" / "plovdiv" / "municipal-enterprise.yaml").model_dump()
    before = dict(me["funding"]["funders"]["council_budget"])
    cover = me["catalogue"]["legal_forms"]["municipal_enterprise"]["host_cover_eur_year"]
    hrdp = dict(me["funding"]["funders"]["hrdp_social_economy"])
    scale_municipal_money(me, 0.5)
    assert me["funding"]["funders"]["council_budget"]["amount_max_eur"] == before["amount_max_eur"] * 0.5
    assert me["catalogue"]["legal_forms"]["municipal_enterprise"]["host_cover_eur_year"] == cover * 0.5
    assert me["funding"]["funders"]["hrdp_social_economy"] == hrdp  # not municipal: unchanged


@pytest.fixture(scope="module", autouse=True)
def _english():
    with english():
        yield


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    out = tmp_path_factory.mktemp("robust") / "out"
    proc = run_cli("robust", *TWO, *TINY, "--out", str(out), timeout=300)
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    return out, proc


def test_a_tiny_run_writes_the_documented_files(tiny):
    out, proc = tiny
    assert {p.name for p in out.iterdir()} >= {"robustness.csv", "by_future.csv", "futures.csv", "robust.md",
                                               "robust.json"}
    rows = _rows(out / "robustness.csv")
    assert list(rows[0]) == ROBUSTNESS_COLUMNS
    assert [r["design"] for r in rows] == ["plovdiv-association-director", "plovdiv-cooperative"]
    assert all(r["futures"] == "4" for r in rows)
    futures = _rows(out / "futures.csv")
    assert list(futures[0]) == FUTURE_COLUMNS and len(futures) == 4
    by_future = _rows(out / "by_future.csv")
    assert len(by_future) == 2 * 4
    for f in range(4):  # some design is the best of every future
        assert min(float(r["regret_months_operating"]) for r in by_future if r["future"] == str(f)) == 0
    md = (out / "robust.md").read_text(encoding="utf-8")
    assert "Lowest 90th-percentile regret on months operating" in md
    assert "No design meets every threshold in any of the 4 futures." in md  # 2 years: never 96 months
    assert md in proc.stdout


def test_futures_lie_in_the_declared_ranges(tiny):
    from simcenter.robust.futures import default_uncertainties

    futures = _rows(tiny[0] / "futures.csv")
    for u in default_uncertainties():
        values = [float(r[u.name]) for r in futures]
        assert all(u.low <= v <= u.high for v in values), u
        assert len(set(values)) == len(values)  # a Latin hypercube: one value per stratum
    assert {u.name: (u.low, u.high) for u in default_uncertainties()}["salary_monthly_eur"] == (1000, 1800)


def test_same_seed_same_bytes(tiny, tmp_path):
    out = tmp_path / "again"
    proc = run_cli("robust", *TWO, *TINY, "--out", str(out), timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in ("robustness.csv", "by_future.csv", "futures.csv", "robust.md"):
        assert (out / name).read_bytes() == (tiny[0] / name).read_bytes(), name


def test_another_seed_other_futures(tmp_path):
    from simcenter.robust.futures import sample_futures

    assert sample_futures(4, 1).equals(sample_futures(4, 1))
    assert not sample_futures(4, 1).equals(sample_futures(4, 2))


# --------------------------------------------------------------------------- regret and satisficing
def test_regret_is_zero_for_the_best_design_of_each_future():
    means = np.array([[10.0, 5.0, 7.0],
                      [8.0, 9.0, 7.0],
                      [1.0, 2.0, 3.0]])  # designs x futures
    r = regret(means, "max")
    assert r.tolist() == [[0, 4, 0], [2, 0, 0], [9, 7, 4]]
    for f in range(3):
        assert r[means[:, f].argmax(), f] == 0
    assert regret(means, "min").tolist() == [[9, 3, 4], [7, 7, 4], [0, 0, 0]]


def test_satisficing_share_on_a_constructed_table():
    # 2 designs x 3 futures x 4 replicates
    closed = np.zeros((2, 3, 4))
    closed[0, 1, :2] = 1  # design 0 closes in half the replicates of future 1: fails closure <= 0.1
    months = np.full((2, 3, 4), 120.0)
    months[1, 2] = [90, 95, 97, 99]  # median 96: meets "at least 96"
    months[1, 0] = [90, 95, 95, 99]  # median 95: fails
    served = np.full((2, 3, 4), 500.0)
    values = {"closed": closed, "months_operating": months, "served": served}
    ths = (Threshold("closed", "mean", "at_most", 0.1), Threshold("months_operating", "median", "at_least", 96))
    meets = satisficing(values, ths)
    assert meets.tolist() == [[True, False, True], [False, True, True]]
    assert satisficing_share(meets).tolist() == pytest.approx([2 / 3, 2 / 3])
    assert satisficing(values, (*ths, Threshold("served", "median", "at_least", 501))).sum() == 0


def test_the_shipped_thresholds_are_the_defaults():
    assert load_thresholds(REPO / "experiments" / "robust" / "plovdiv-thresholds.yaml") == DEFAULT


# --------------------------------------------------------------------------- bad thresholds
BAD = """\
thresholds:
  closd:
    statistic: mean
    at_most: 0.1
  months_operating:
    statistic: medain
    at_least: 96
  served:
    statistic: median
    at_least: lots
  cash_eur:
    statistic: median
    at_least: 1
    at_most: 2
"""


def test_bad_thresholds_file_exits_2_with_file_and_line(tmp_path):
    path = tmp_path / "thresholds.yaml"
    path.write_text(BAD, encoding="utf-8")
    proc = run_cli("robust", *TWO, *TINY, "--thresholds", str(path), "--out", str(tmp_path / "out"))
    assert_no_traceback(proc)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    parts = [PROBLEM_PARTS_RE.match(line) for line in lines]
    assert all(parts), lines
    got = {(p["line"], p["path"]) for p in parts}
    assert got == {("2", "thresholds.closd"), ("6", "thresholds.months_operating.statistic"),
                   ("10", "thresholds.served.at_least"), ("11", "thresholds.cash_eur")}, lines
    assert all(p["file"] == str(path) for p in parts)
    assert "did you mean 'closed'?" in proc.stderr and "did you mean 'median'?" in proc.stderr
    assert not (tmp_path / "out").exists()  # refused before any run


def test_a_thresholds_file_without_thresholds(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("treshold:\n  closed: {at_most: 0.1}\n", encoding="utf-8")
    with pytest.raises(Exception) as exc:
        load_thresholds(path)
    text = str(exc.value.problems[0]) + str(exc.value.problems[1])
    assert "t.yaml:1: treshold: unknown key 'treshold'" in text and "did you mean 'thresholds'?" in text


def test_the_summary_names_ties_and_says_when_no_design_satisfices():
    import pandas as pd

    from simcenter.robust.measures import summary_markdown

    table = pd.DataFrame({"design": ["a", "b", "c"], "futures": 4, "satisficing_share": [0.0, 0.0, 0.0],
                          "futures_failed": [4, 4, 4], "regret_p90_served": [3.0, 1.0, 1.0],
                          "regret_median_served": [1.0, 0.0, 0.0]})
    md = summary_markdown(table, [None] * 3, DEFAULT, ["served"], reps=2)
    assert "Lowest 90th-percentile regret on people served: b, c (" in md
    assert "No design meets every threshold in any of the 4 futures." in md
    assert "Satisfices in most futures" not in md
    table["satisficing_share"], table["futures_failed"] = [0.5, 0.25, 0.0], [2, 3, 4]
    md = summary_markdown(table, [None] * 3, DEFAULT, ["served"], reps=2)
    assert "Satisfices in most futures: a (2 of 4 futures, 50%)." in md


def test_thresholds_and_shares_are_written_in_the_reports_language():
    from simcenter.i18n import speaking

    with speaking("bg"):
        assert DEFAULT[0].describe() == "„закрит“ в най-много 10% от симулациите"  # a yes/no outcome: a share of runs
        assert "поне 96" in DEFAULT[1].describe()
    with speaking("en"):
        assert DEFAULT[0].describe() == "closed in at most 10% of runs"
        assert DEFAULT[1].describe() == "median months operating at least 96"
    from simcenter.robust.thresholds import Threshold

    with speaking("bg"):
        assert "0,25" in Threshold("online_share", "median", "at_least", 0.25).describe()
