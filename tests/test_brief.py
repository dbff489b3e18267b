"""The brief (the report's first page): traffic lights, dominance, the recommendation and what would change it,
derived from numbers built here so that each rule is seen to act."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from simcenter import metrics
from simcenter.i18n import speaking
from simcenter.report import analysis, brief, pages

REPS = 40


def _results(tmp_path, shifts: dict[str, dict[str, float]], baseline: str = "base") -> analysis.Results:
    """Designs over the same worlds: every outcome drawn once per world (the baseline's), and each design's
    headline outcomes moved by ``shifts`` (design -> outcome -> relative change)."""
    rng = np.random.default_rng(1)
    world = {o.name: rng.uniform(0.5, 1.5, REPS) for o in metrics.OUTCOMES}
    level = {"served": 600, "jobs_added": 40, "months_operating": 80, "cost_per_venture_added_eur": 40000,
             "partner_engagement": 0.6, "regional_reach": 0.38, "decision_latency_months": 2.0, "reached": 2000,
             "reached_towns": 700, "supported_ventures": 200, "registrations": 900}
    rows = []
    designs = [baseline, *[d for d in shifts if d != baseline]]
    for d in designs:
        for r in range(REPS):
            row = {"scenario": d, "replicate": r}
            for o in metrics.OUTCOMES:
                v = world[o.name][r] * level.get(o.name, 10.0)
                if o.unit in ("share", "0..1"):
                    v = min(level.get(o.name, 0.3) * world[o.name][r], 1.0)
                if o.unit == "0/1":
                    v = float(world[o.name][r] > 1.3)
                row[o.name] = v * (1 + shifts.get(d, {}).get(o.name, 0.0))
            rows.append(row)
    meta = {"designs": [{"name": d, "title": d.title(), "title_bg": d.title()} for d in designs],
            "baseline": baseline, "replicates": REPS, "months": 120, "seed": 1}
    return analysis.Results(tmp_path, meta, pd.DataFrame(rows), pd.DataFrame(), pd.DataFrame())


def _brief(res):
    summary = analysis.summary_table(res)
    return brief.build(res, summary, analysis.tradeoffs(res))


BETTER = {"served": 0.2, "jobs_added": 0.2, "months_operating": 0.2, "cost_per_venture_added_eur": -0.2,
          "partner_engagement": 0.2, "regional_reach": 0.2, "decision_latency_months": -0.5}
WORSE = {k: -v for k, v in BETTER.items()}


def test_a_design_better_on_every_headline_is_recommended_and_a_worse_one_dominated(tmp_path):
    res = _results(tmp_path, {"good": BETTER, "bad": WORSE})
    b = _brief(res)
    assert b.recommended == ["good"]
    assert {light.colour for light in b.lights["good"].values()} == {brief.GREEN}
    assert {light.colour for light in b.lights["bad"].values()} == {brief.RED}
    assert {light.colour for light in b.lights["base"].values()} == {brief.REFERENCE}
    beaten = brief.dominated(res)
    assert beaten["good"] == [] and set(beaten["bad"]) == {"base", "good"} and beaten["base"] == ["good"]
    assert "better on 7 of the 7 headline outcomes" in b.why[0]
    assert b.tradeoffs and all("no design does robustly better" in s for s in b.tradeoffs)


def test_the_recommendation_follows_the_numbers_not_the_order_of_the_designs(tmp_path):
    res = _results(tmp_path, {"bad": WORSE, "good": BETTER})
    assert _brief(res).recommended == ["good"]
    swapped = _results(tmp_path, {"bad": BETTER, "good": WORSE})
    assert _brief(swapped).recommended == ["bad"]


def test_equal_weights_and_the_trade_off_each_design_gives_up(tmp_path):
    # "reach" serves more and stays open longer but gives partners less voice; "voice" is the other way
    # round on one headline only: reach nets +1 (2 - 1), voice +1 ... ties break on the share of worlds won.
    reach = {"served": 0.3, "months_operating": 0.2, "partner_engagement": -0.3}
    voice = {"partner_engagement": 0.4}
    res = _results(tmp_path, {"reach": reach, "voice": voice})
    b = _brief(res)
    assert brief.score(b.lights, "reach") == 1 and brief.score(b.lights, "voice") == 1
    # the tie goes to the design that is the best in more worlds: reach leads on two headlines, voice on one
    assert b.recommended == ["reach"]
    assert b.tradeoffs[0] == "Partners' voice (partner engagement): Voice does better, 0.88 against 0.44."
    # where it is worse than the reference, the design a board that weighs that most would take is named
    assert b.change == ["If Partners' voice (partner engagement) matters most: Voice (the recommended design is "
                        "worse there than the reference)."]
    assert b.why[-1] == ("1 of the 3 designs is dominated (another design is better on a headline outcome and worse "
                         "on none): Base.")
    flipped = _results(tmp_path, {"reach": reach, "voice": {"partner_engagement": 0.4, "served": 0.35}})
    assert _brief(flipped).recommended == ["voice"]


def test_a_difference_of_days_in_decision_latency_is_no_light(tmp_path):
    res = _results(tmp_path, {"quick": {"decision_latency_months": -0.1}, "quicker": {"decision_latency_months": -0.4}})
    b = _brief(res)
    assert b.lights["quick"]["decision_latency_months"].colour == brief.AMBER  # 0.2 months: 10% but days
    assert b.lights["quicker"]["decision_latency_months"].colour == brief.GREEN  # 0.8 months


def test_robustness_results_for_the_same_designs_add_a_second_recommendation(tmp_path):
    res = _results(tmp_path, {"good": BETTER, "steady": {"served": 0.05}})
    folder = tmp_path / brief.ROBUST_FOLDER
    folder.mkdir()
    pd.DataFrame({"design": ["base", "good", "steady"], "futures": 30, "satisficing_share": [0.1, 0.2, 0.9],
                  "futures_failed": [27, 24, 3], "regret_p90_served": [100.0, 50.0, 10.0], "fails_where": "",
                  "box_coverage": np.nan, "box_density": np.nan}).to_csv(folder / "robustness.csv", index=False)
    meta = {"futures": 30, "replicates": 10, "outcomes": ["served"],
            "thresholds": [{"outcome": "closed", "statistic": "mean", "bound": "at_most", "value": 0.1}],
            "boxes": [{"design": "good", "limits": [["p_budget_cut_election", "above", 0.3]], "coverage": 0.9,
                       "density": 0.8}]}
    (folder / "robust.json").write_text(json.dumps(meta), encoding="utf-8")
    b = _brief(res)
    assert b.recommended == ["good", "steady"]
    text = " ".join(b.robustness)
    assert "in 6 of 30 futures (20%)" in text and "closed in at most 10% of runs" in text
    assert "Steady meets them in more: 90% of the 30 futures." in text
    assert "rank 2 of 3" in text
    # the conditions of failure in words, not column names
    assert any("the chance that the council cuts the budget after an election is at least 0.3" in s for s in b.change)
    with speaking("bg"):
        bg = _brief(res)
    assert any("шансът общинският съвет да намали бюджета след избори е поне 0,3" in s for s in bg.change)


def test_no_design_is_said_to_hold_up_better_when_none_meets_the_thresholds_in_more_futures(tmp_path):
    res = _results(tmp_path, {"good": BETTER, "steady": {"served": 0.05}})
    folder = tmp_path / brief.ROBUST_FOLDER
    folder.mkdir()
    pd.DataFrame({"design": ["base", "good", "steady"], "futures": 4, "satisficing_share": [0.0, 0.0, 0.0],
                  "futures_failed": [4, 4, 4]}).to_csv(folder / "robustness.csv", index=False)
    (folder / "robust.json").write_text(json.dumps({"futures": 4, "thresholds": []}), encoding="utf-8")
    b = _brief(res)
    assert b.recommended == ["good"]
    assert "None of the 3 designs meets them in more futures." in b.robustness
    assert any("It fails the board's thresholds in 4 of 4 futures" in s for s in b.change)


def test_robustness_results_for_other_designs_are_left_out_with_a_note(tmp_path):
    res = _results(tmp_path, {"good": BETTER})
    folder = tmp_path / brief.ROBUST_FOLDER
    folder.mkdir()
    pd.DataFrame({"design": ["base", "other"], "futures": 30, "satisficing_share": [0.1, 0.9],
                  "futures_failed": [27, 3]}).to_csv(folder / "robustness.csv", index=False)
    b = _brief(res)
    assert b.recommended == ["good"]
    assert any("are for other designs: left out" in s for s in b.robustness)


def test_an_advantage_that_comes_with_resources_is_what_would_change_the_choice(tmp_path):
    res = _results(tmp_path, {"hosted": {"months_operating": 0.3}})
    rows = []
    for part, effect in (("legal_form", 1.0), ("management", 0.0), ("plan", 0.0), ("fees", 0.0), ("resources", 20.0),
                         ("interaction", 3.0), ("total", 24.0)):
        rows.append({"scenario": "hosted", "outcome": "months_operating", "part": part, "effect": effect,
                     "ci_low": effect - 1, "ci_high": effect + 1, "note": ""})
    pd.DataFrame(rows).to_csv(tmp_path / "decomposition.csv", index=False)
    b = _brief(res)
    assert b.recommended == ["hosted"]
    assert any(s.startswith("Most of its advantage in months operating comes with the resources") for s in b.change)
    rows[4]["effect"], rows[0]["effect"] = 1.0, 20.0  # now the legal form carries it: nothing to check
    pd.DataFrame(rows).to_csv(tmp_path / "decomposition.csv", index=False)
    assert not any("resources" in s or "together" in s for s in _brief(res).change)
    # the parts only together: the legal form alone loses, the interaction carries everything
    rows[0]["effect"], rows[4]["effect"], rows[5]["effect"] = -10.0, 2.0, 32.0
    pd.DataFrame(rows).to_csv(tmp_path / "decomposition.csv", index=False)
    assert ("The advantage of Hosted in months operating comes from its parts together, not from any one of them "
            "(its legal form alone: −10 months in months operating): it is a package, to be adopted whole."
            in _brief(res).change)


def test_grouped_outcomes_that_move_with_their_headline_are_measured_not_assumed(tmp_path):
    res = _results(tmp_path, {"a": {"served": 0.1, "reached": 0.1}, "b": {"served": 0.2, "reached": 0.2},
                              "c": {"served": 0.3, "reached": -0.3}})
    group = next(g for g in metrics.GROUPS if g.name == "reach")
    together, apart = brief.moves_with(res, group)
    assert "reached" not in together and "reached" in apart
    res = _results(tmp_path, {"a": {"served": 0.1, "reached": 0.1}, "b": {"served": 0.2, "reached": 0.2},
                              "c": {"served": 0.3, "reached": 0.3}})
    together, _ = brief.moves_with(res, group)
    assert "reached" in together


def test_every_directional_outcome_is_in_exactly_one_group():
    named = [n for g in metrics.GROUPS for n in (g.headline, *g.members)]
    assert len(named) == len(set(named))
    assert set(named) == {o.name for o in metrics.OUTCOMES if o.direction != "info"}
    assert len(metrics.HEADLINES) in range(5, 8)  # "about six" headline outcomes


@pytest.mark.parametrize("lang", ["en", "bg"])
def test_brief_markdown_holds_every_part_in_both_languages(tmp_path, lang):
    res = _results(tmp_path, {"good": BETTER, "bad": WORSE})
    with speaking(lang):
        b = _brief(res)
        text = pages.brief_text(b, res)
    heads = {"en": ["Recommendation", "How robust it is", "Trade-offs", "What would change", "at a glance"],
             "bg": ["Препоръка", "Колко е устойчива", "Компромиси", "Какво би променило", "накратко"]}[lang]
    assert all(h in text for h in heads), text
    assert text.count("| Good |") == 1 and text.index("| Good |") < text.index("| Base |") < text.index("| Bad |")


def test_pros_and_cons_name_one_signal_once_per_group(tmp_path):
    """Outcomes that say the same (people served, reached, mentoring hours) are one line, the headline's."""
    res = _results(tmp_path, {"small": {"served": -0.3, "reached": -0.3, "mentoring_hours": -0.3,
                                        "partner_engagement": -0.3}})
    summary = analysis.summary_table(res)
    cons = analysis.pros_and_cons(res, summary)["small"]
    assert len(cons["cons"]) >= 4  # every outcome's sentence is still there (compare --format json)
    grouped = cons["grouped_cons"]
    assert len(grouped) == 2, grouped
    assert grouped[0].startswith("people served: ") and grouped[0].endswith(
        "; also worse on people reached and mentoring hours")
    assert grouped[1].startswith("partner engagement: ")


def test_moves_with_ranks_as_spearman_does():
    """The brief's rank correlation (``brief._spearman``, without scipy) is pandas' Spearman (through scipy)
    to 12 places, ties included."""
    from simcenter.report.brief import _spearman

    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(3, 13))
        a, b = (pd.Series(rng.integers(0, 5, n).astype(float)) for _ in range(2))
        if a.nunique() > 1 and b.nunique() > 1:
            assert _spearman(a, b) == round(a.corr(b, method="spearman"), 12)
