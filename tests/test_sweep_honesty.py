"""An analysis honest about randomness and uncertainty: the seed's share of each outcome's variance,
intervals on means, rates and indices, nested Sobol subsets for convergence, PRIM boxes tested
against the base rate."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from simcenter.sweep import analyze, load_experiment, run_sweep
from simcenter.sweep import design as designs
from simcenter.sweep import discovery, randomness, sensitivity
from simcenter.sweep.analysis import _box_warnings
from simcenter.sweep.experiment import Condition
from support import english, run_cli
from sweep_support import write_experiment


# --------------------------------------------------------------------------- the seed's share
def _runs(k: int, r: int, params: float, common: float, point: float, seed: int = 1) -> pd.DataFrame:
    """Runs of k points x r replicates: a point effect (variance ``params``), a replicate effect shared by
    every point (``common``) and a point-by-seed effect (``point``)."""
    rng = np.random.default_rng(seed)
    y = (rng.normal(0, math.sqrt(params), (k, 1)) + rng.normal(0, math.sqrt(common), (1, r))
         + rng.normal(0, math.sqrt(point), (k, r)))
    return pd.DataFrame({"point": np.repeat(np.arange(k), r), "replicate": np.tile(np.arange(r), k),
                         "y": y.ravel()})


def test_the_variance_is_split_between_parameters_shared_seed_and_seed_by_point():
    split = randomness.variance_split(_runs(4000, 4, params=1.0, common=0.5, point=2.0), ["y"], 4).iloc[0]
    assert split["var_parameters"] == pytest.approx(1.0, rel=0.1)
    assert split["var_seed_point"] == pytest.approx(2.0, rel=0.05)
    # The seed's share of the point means (r = 4): (2 / 4) / (1 + 2 / 4) = 1/3; 9 x 2 / 1 = 18 replicates.
    assert split["seed_share_of_means"] == pytest.approx(1 / 3, abs=0.04)
    assert 15 <= split["replicates_needed"] <= 21
    assert split["seed_share"] == pytest.approx(2.5 / 3.5, abs=0.15)  # four replicates: the shared part is rough
    assert split["p_value"] < 1e-6


def test_the_rule_holds_at_the_replicates_it_names():
    """With the replicates the rule asks for, the seed's share of the point means is at most 10%."""
    first = randomness.variance_split(_runs(3000, 3, params=1.0, common=0.0, point=4.0, seed=2), ["y"], 3).iloc[0]
    needed = int(first["replicates_needed"])
    assert 30 <= needed <= 42  # 9 x 4 / 1 = 36
    again = randomness.variance_split(_runs(3000, needed, params=1.0, common=0.0, point=4.0, seed=3), ["y"],
                                      needed).iloc[0]
    assert again["seed_share_of_means"] <= 0.11
    assert not randomness.too_few(pd.DataFrame([again]).assign(seed_share_of_means=0.1)).shape[0]


def test_an_outcome_the_parameters_do_not_move_needs_no_finite_number_of_replicates():
    split = randomness.variance_split(_runs(200, 3, params=0.0, common=1.0, point=1.0, seed=4), ["y"], 3).iloc[0]
    assert split["p_value"] > 0.01
    if split["var_parameters"] == 0:
        assert math.isinf(split["replicates_needed"]) and split["seed_share_of_means"] == 1


def test_point_means_carry_t_intervals_over_replicates():
    runs = pd.DataFrame({"point": [0, 0, 0, 1, 1, 1], "replicate": [0, 1, 2] * 2, "y": [1.0, 2.0, 4.0, 5, 5, 5]})
    means = randomness.point_means(runs, ["y"]).set_index("point")
    low, high = stats.t.interval(0.95, 2, loc=7 / 3, scale=stats.sem([1.0, 2.0, 4.0]))
    assert means.loc[0, "mean"] == pytest.approx(7 / 3)
    assert (means.loc[0, "low"], means.loc[0, "high"]) == pytest.approx((low, high))
    assert means.loc[1, "low"] == means.loc[1, "high"] == 5


def test_wilson_intervals_match_the_textbook():
    assert randomness.wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    low, high = randomness.wilson(0, 10)
    assert low == 0 and high == pytest.approx(0.2775, abs=1e-4)
    lows, highs = randomness.wilson(np.array([0, 10]), np.array([10, 10]))
    assert list(lows.round(4)) == [0.0, 0.7225] and list(highs.round(4)) == [0.2775, 1.0]


# --------------------------------------------------------------------------- honest indices
def test_sobol_samples_nest_so_halves_are_smaller_sobol_samples(tmp_path):
    body = "uncertainties:\n  center.starting_cash_eur: {range: [20000, 200000]}\n  behaviour.jobs_operating: {range: declared}\n"
    for second in (False, True):
        design = f"design: {{method: sobol, samples: 16, second_order: {str(second).lower()}}}\n"
        big = load_experiment(write_experiment(tmp_path, body + design, name="big"))
        small = load_experiment(write_experiment(tmp_path, body + design.replace("16", "4"), name="small"))
        width = 2 * 2 + 2 if second else 2 + 2
        unit_big = np.array([p.unit for p in designs.points(big)])
        unit_small = np.array([p.unit for p in designs.points(small)])
        assert len(unit_small) == 4 * width
        assert np.array_equal(unit_big[: 4 * width], unit_small)


def test_an_index_below_zero_or_wider_than_its_interval_is_flagged():
    table = pd.DataFrame({"design": "d", "outcome": "o", "parameter": ["a", "b", "c", "d"],
                          "S1": [0.5, -0.13, 0.2, 0.0], "S1_conf": [0.1, 0.35, 0.3, 0.0],
                          "ST": [0.6, 0.41, 0.2, 0.0], "ST_conf": [0.1, 0.30, 0.3, 0.0]})
    flagged = sensitivity.with_clarity(table, "sobol").set_index("parameter")
    assert list(flagged["S1_clear"]) == [True, False, False, False]
    assert list(flagged["ST_clear"]) == [True, True, False, False]
    assert sensitivity.unclear(flagged.reset_index(), "sobol", "o", "d") == ["c (ST 0.20 ± 0.30)"]


# --------------------------------------------------------------------------- PRIM with significance
def test_a_box_at_a_base_rate_of_99_percent_is_not_told_as_a_finding():
    rng = np.random.default_rng(7)
    x = pd.DataFrame({"a": rng.random(400), "b": rng.random(400)})
    y = rng.random(400) < 0.99
    box = discovery.find_box(x, y, "all")
    assert box is not None and box.limits and box.density > box.base_rate  # PRIM finds a box...
    assert not box.significant and box.p_value > 0.05  # ...that chance explains
    with english():
        text = discovery.sentence(box, "closed == 1", "closed", int(y.sum()), len(y))
        assert discovery.avoided_sentence(box) == ""
    assert "It happens most where" not in text
    assert f"not significantly more than the {box.base_rate:.0%} of all runs (one-sided binomial test, p = " in text


def test_a_real_region_is_told_with_intervals_and_quasi_p_values():
    rng = np.random.default_rng(6)
    x = pd.DataFrame({"a": rng.random(500), "b": rng.random(500)})
    y = (x["a"] < 0.3).to_numpy() & (rng.random(500) < 0.9)
    box = discovery.find_box(x, y, "all")
    assert box.significant and box.p_value < 1e-6 and box.qp["a"] < 0.001
    low, high = box.density_interval()
    assert low < box.density < high
    with english():
        text = discovery.sentence(box, "closed == 1", "closed", int(y.sum()), len(y))
    assert "95% interval" in text and "binomial test p < 0.001" in text and "a < 0.001" in text


def test_a_box_that_restricts_the_seed_or_a_parameter_of_zero_index_says_so(tmp_path):
    rng = np.random.default_rng(7)
    rep = rng.integers(0, 3, 600)
    x = pd.DataFrame({"a": rng.random(600), "replicate": rep.astype(str)})
    y = (rep == 1) & (rng.random(600) < 0.9)
    box = discovery.find_box(x, y, "all")
    assert [name for name, _, _ in box.limits] == ["replicate"]
    exp = load_experiment(write_experiment(tmp_path, "uncertainties:\n  center.starting_cash_eur: {range: [1, 2]}\n"
                                                     "design: {method: sobol, samples: 4}\n"))
    indices = pd.DataFrame({"design": "all", "outcome": "closed", "parameter": ["a"], "ST": [0.001],
                            "ST_conf": [0.01], "ST_clear": [False]})
    box.limits.append(("a", "below", 0.5))
    with english():
        said = _box_warnings(box, Condition("closed", "==", 1), indices, exp)
    assert said[0].startswith("The box restricts the replicate, i.e. the random seed")
    assert "for a is not distinguishable from 0" in said[1]


# --------------------------------------------------------------------------- a real small sweep
@pytest.fixture(scope="module")
def noisy(tmp_path_factory):
    """A Sobol sweep of 8 base samples over 3 inputs (40 points), 3 replicates: 120 short runs."""
    folder = tmp_path_factory.mktemp("noisy")
    body = """\
  funding.starting_grants: []
uncertainties:
  center.starting_cash_eur: {range: [20000, 200000]}
  behaviour.jobs_operating: {range: declared}
  behaviour.p_seek_mentoring: {range: declared}
design: {method: sobol, samples: 8}
replicates: 3
outcomes: [months_operating, cash_eur, served]
seed: 8
analysis:
  failure: months_operating < 12
"""
    path = write_experiment(folder, body, name="noisy", years=2)
    summary = run_sweep(load_experiment(path), folder / "out", workers=2)
    assert summary.complete and summary.failed == 0
    with english():
        return analyze(folder / "out")


def test_the_analysis_measures_the_seed_and_warns_with_the_replicates_needed(noisy):
    split = noisy.randomness.set_index("outcome")
    assert set(split.index) == {"months_operating", "cash_eur", "served"}
    assert (split["points"] == 40).all() and (split["replicates"] == 3).all()
    for outcome, r in split.iterrows():
        if r["seed_share_of_means"] > randomness.ENOUGH and math.isfinite(r["replicates_needed"]):
            assert any(f"about {int(r['replicates_needed'])} replicates would bring it to 10% or less" in n
                       for n in noisy.notes), outcome
        assert r["replicates_needed"] == math.inf or r["replicates_needed"] == max(
            1, math.ceil(9 * r["var_seed_point"] / r["var_parameters"] - 1e-9))
    warned = randomness.too_few(noisy.randomness[noisy.randomness["outcome"].isin(noisy.experiment.focus)])
    assert len([n for n in noisy.notes if "replicates" in n]) == len(warned)
    # Two years without a grant: whether the team lasts is largely the seed's doing, and three
    # replicates are far from enough (the seed makes about half the variance of the point means).
    assert "months_operating" in set(warned["outcome"])
    assert any(n.startswith("months operating: with 3 replicates the seed still makes") for n in noisy.notes)
    means = noisy.point_means
    assert len(means) == 40 * 3 and (means["low"] <= means["mean"]).all() and (means["mean"] <= means["high"]).all()
    text = (noisy.folder / "analysis" / "analysis.md").read_text(encoding="utf-8")
    assert "## Randomness: the seed against the parameters" in text and "replicates >= 9" not in text
    assert (noisy.folder / "analysis" / "point_means.csv").is_file()


def test_the_seed_is_a_column_of_the_feature_scores(noisy):
    scores = noisy.scores
    assert set(scores["target"]) == {"months_operating < 12", *noisy.experiment.focus}
    for _, rows in scores.groupby("target"):
        assert "replicate" in set(rows["parameter"]) and rows["score"].sum() == pytest.approx(1.0)
    # The seed explains more of how long the team lasts than jobs per venture, which cannot touch it.
    months = scores[scores["target"] == "months_operating"].set_index("parameter")["score"]
    assert months["replicate"] > months["jobs_operating"]
    text = (noisy.folder / "analysis" / "analysis.md").read_text(encoding="utf-8")
    assert "The seed (`replicate`, " in text


def test_indices_are_printed_with_intervals_and_converge_over_nested_subsets(noisy):
    text = (noisy.folder / "analysis" / "analysis.md").read_text(encoding="utf-8")
    assert "| parameter | S1 ± 95% | ST ± 95% |" in text
    conv = noisy.convergence
    assert sorted(conv["samples"].unique()) == [4, 8]
    full = conv[conv["samples"] == 8].set_index(["outcome", "parameter"])[["S1", "ST", "ST_conf"]]
    main = noisy.indices.set_index(["outcome", "parameter"]).loc[full.index, ["S1", "ST", "ST_conf"]]
    pd.testing.assert_frame_equal(full, main)  # the whole sample is the last step of the convergence
    drawn = {p.name for p in noisy.figures}
    assert {"convergence_months_operating.png", "convergence_served.png"} <= drawn
    for outcome in noisy.experiment.focus:
        rows = noisy.indices[noisy.indices["outcome"] == outcome]
        listed = sensitivity.unclear(noisy.indices, "sobol", outcome, rows["design"].iloc[0])
        for item in listed:
            assert item in text


def test_failure_rates_and_boxes_carry_intervals(noisy):
    (finding,) = noisy.findings
    low, high = finding.interval
    assert low <= finding.failing / finding.runs <= high
    assert f"({finding.failing / finding.runs:.0%}; 95% interval {low:.0%}–{high:.0%})" in finding.sentence
    boxes = pd.read_csv(noisy.folder / "analysis" / "boxes.csv")
    assert {"density_low", "density_high", "coverage_low", "coverage_high", "p_value", "quasi_p"} <= set(boxes)
    if finding.overall is not None and finding.overall.significant:
        assert "Quasi-p-value of each restriction" in finding.sentence


def test_feature_scores_leave_out_runs_without_the_outcome():
    rng = np.random.default_rng(8)
    x = pd.DataFrame({"a": rng.random(60), "replicate": ["0", "1", "2"] * 20})
    y = 10 * x["a"].to_numpy()
    y[::7] = np.nan
    scores = randomness.feature_scores(x, y, classify=False, seed=1)
    assert list(scores.index) == ["a", "replicate"] and scores["a"] > 0.8


def test_a_design_whose_best_box_chance_explains_is_named_not_described(tmp_path):
    from simcenter.sweep.analysis import _discover

    exp = load_experiment(write_experiment(
        tmp_path, "levers:\n  n_mentors: [1, 4]\nuncertainties:\n  center.starting_cash_eur: {range: [20000, 200000]}\n"
        "  behaviour.p_seek_mentoring: {range: declared}\n"
        "design: {method: latin_hypercube, samples: 100, levers: full_factorial}\nreplicates: 2\n"))
    rng = np.random.default_rng(3)
    n = 400
    ok = pd.DataFrame({"n_mentors": np.repeat([1, 4], n // 2), "starting_cash_eur": rng.uniform(2e4, 2e5, n),
                       "p_seek_mentoring": rng.uniform(0.03, 0.15, n), "replicate": np.tile([0, 1], n // 2),
                       "combo": np.repeat([0, 1], n // 2)})
    # One mentor: the centre closes where cash is short. Four: it closes in 90% of runs, anywhere.
    short = (ok["starting_cash_eur"] < 7e4) & (rng.random(n) < 0.95)
    ok["closed"] = np.where(ok["combo"] == 0, short, rng.random(n) < 0.9).astype(float)
    with english():
        f = _discover(exp, ok, {0: "n_mentors=1", 1: "n_mentors=4"}, Condition("closed", "==", 1), pd.DataFrame())
    assert [b.scope for b in f.design_boxes] == ["n_mentors=1"]
    assert "starting_cash_eur is at most" in f.design_sentences[0]
    assert f.design_sentences[-1] == (
        "For 1 of the designs PRIM's best box was not significantly denser than the design's own rate (one-sided "
        "binomial test, p >= 0.05), so none is reported: n_mentors=4.")
    assert list(f.by_design["low"] < f.by_design["share"]) == [True, True]


def test_the_terminal_shows_the_seed_against_the_parameters(noisy):
    """``simcenter analyze`` prints the randomness table (not only the warnings) before the indices:
    one row per kept outcome, the seed's share of the point means and the replicates that would be
    enough as analysis.md has them."""
    proc = run_cli("analyze", str(noisy.folder))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Randomness: the seed against the parameters" in out
    assert out.index("Randomness: the seed against the parameters") < out.index("Sensitivity")
    split = noisy.randomness.set_index("outcome")
    needed = split.loc["months_operating", "replicates_needed"]
    row = next(line for line in out.splitlines() if line.startswith("months operating "))
    assert f"{split.loc['months_operating', 'seed_share_of_means']:.0%}" in row
    assert str(int(needed)) in row.split()
