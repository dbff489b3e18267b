"""Where each difference comes from: a design's paired difference from the baseline split one part at a
time (legal form, management, plan, fees, resources) with the interaction as the rest."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simcenter import metrics
from simcenter.comparison import compare, load_designs
from simcenter.comparison import decomposition as split
from simcenter.comparison.running import run_comparison
from simcenter.config.loader import scenario_from_dict
from simcenter.errors import Problem
from simcenter.i18n import speaking, t
from simcenter.report import decomposition as section

from conftest import BASE

SMALL = ["region.n_potential=300", "horizon.years=2"]
BASELINE = "plovdiv-association-director"
FORM = "center:\n  legal_form: foundation\n"
FEES = "  services:\n    mentorship:\n      fee_per_hour_eur: 12\n"
# A plan that applies to a funder only this design has: alone on the baseline, it names an unknown funder.
NEW_FUNDER = """funding:
  funders:
    extra_fund:
      type: municipal
      label: A fund only this design has
      kind: subsidy
      eligible_applicants: [association, foundation]
      call_months: [3]
      amount_min_eur: 20000
      amount_max_eur: 30000
      duration_months: 12
      decision_months: 2
      p_success: 0.5
      application_hours: 40
plan:
  - {month: 0, action: start_service, service: mentorship}
  - {month: 2, action: apply, funder: extra_fund}
"""


def _design(folder: Path, name: str, body: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"extends: {BASE}\nname: {name}\n{body}", encoding="utf-8")
    return path


def _split(files, reps: int = 3, seed: int = 2) -> pd.DataFrame:
    """The decomposition table of ``files`` (the baseline first), its runs in this process."""
    designs, _ = load_designs(files, SMALL)
    variants = split.plan_variants(designs, BASELINE)
    collected = split.Collected(variants, reps)
    kpis = np.full((len(designs), reps, len(metrics.NAMES)), np.nan)
    for r in run_comparison(designs, reps, seed, extra_runs=split.variant_runs(variants, seed, reps)):
        if len(r.key) == 2:
            kpis[r.key] = [r.kpis[n] for n in metrics.NAMES]
        else:
            collected.add(r)
    return split.table(designs, BASELINE, kpis, variants, collected, seed)


def _effects(frame: pd.DataFrame, design: str, outcome: str) -> dict[str, float]:
    rows = frame[(frame["scenario"] == design) & (frame["outcome"] == outcome)]
    return dict(zip(rows["part"], rows["effect"]))


def test_the_parts_of_the_fields_a_design_changes():
    assert split.part_of(("center", "legal_form")) == "legal_form"
    assert split.part_of(("center", "management")) == "management"
    assert split.part_of(("partners", "municipality", "board_seat")) == "management"
    assert split.part_of(("plan",)) == "plan"
    assert split.part_of(("center", "services", "mentorship", "fee_per_hour_eur")) == "fees"
    assert split.part_of(("center", "services", "funding_support", "share_success_fee")) == "fees"
    assert split.part_of(("center", "services", "events", "online_per_month")) == "resources"
    assert split.part_of(("partners", "municipality", "space_m2")) == "resources"
    assert split.part_of(("funding", "funders", "extra_fund")) == "resources"
    assert split.part_of(("center", "starting_cash_eur")) == "resources"


def test_a_design_changing_only_its_legal_form_owes_everything_to_it(tmp_path):
    form = _design(tmp_path, "form-only", FORM)
    designs, _ = load_designs([BASE, form], SMALL)
    variants = split.plan_variants(designs, BASELINE)
    assert [(v.part, v.same_as_design) for v in variants] == [("legal_form", True)]
    # The baseline with the design's legal form is the design itself.
    base, data = designs[0].scenario.model_dump(), designs[1].scenario.model_dump()
    paths = [p for p in split.changes(base, data) if split.part_of(p) == "legal_form"]
    assert paths == [("center", "legal_form")]
    variant = scenario_from_dict(split._apply(base, data, paths))
    names = {"name": "", "description": "", "title": None, "title_bg": None}
    assert variant.model_dump() | names == data | names
    frame = _split([BASE, form])
    for outcome in split.HEADLINE:
        e = _effects(frame, "form-only", outcome)
        if math.isnan(e["total"]):
            continue
        assert e["legal_form"] == pytest.approx(e["total"])
        assert e["management"] == e["plan"] == e["fees"] == e["resources"] == 0
        assert e["interaction"] == pytest.approx(0, abs=1e-9)
    assert any(_effects(frame, "form-only", o)["total"] != 0 for o in split.HEADLINE)  # the form matters
    notes = frame[(frame["scenario"] == "form-only") & (frame["part"] == "plan")]["note"]
    assert (notes == "not changed by the design").all()


def test_the_parts_and_the_interaction_add_up_to_the_total(tmp_path):
    both = _design(tmp_path, "form-and-fees", FORM + FEES)
    designs, _ = load_designs([BASE, both], SMALL)
    assert sorted(v.part for v in split.plan_variants(designs, BASELINE)) == ["fees", "legal_form"]
    frame = _split([BASE, both], reps=4)
    ran = 0
    for outcome in split.HEADLINE:
        e = _effects(frame, "form-and-fees", outcome)
        if math.isnan(e["total"]):
            continue
        parts = e["legal_form"] + e["management"] + e["plan"] + e["fees"] + e["resources"]
        assert e["total"] == parts + e["interaction"]  # exactly: the interaction is the rest
        assert e["management"] == e["plan"] == e["resources"] == 0
        ran += 1
    assert ran >= 5
    # The fee is a part of its own: a variant with only the fee differs from the one with only the form.
    fees = [_effects(frame, "form-and-fees", o)["fees"] for o in split.HEADLINE]
    forms = [_effects(frame, "form-and-fees", o)["legal_form"] for o in split.HEADLINE]
    assert fees != forms


def test_a_part_invalid_alone_carries_what_it_needs_and_says_so(tmp_path):
    funded = _design(tmp_path, "own-funder", NEW_FUNDER + FORM)
    designs, _ = load_designs([BASE, funded], SMALL)
    variants = {v.part: v for v in split.plan_variants(designs, BASELINE)}
    assert set(variants) == {"legal_form", "plan", "resources"}
    assert variants["plan"].carried == ["funding.funders.extra_fund"]
    assert variants["plan"].scenario is not None and "extra_fund" in variants["plan"].scenario.funding.funders
    frame = _split([BASE, funded], reps=2)
    plan = frame[(frame["scenario"] == "own-funder") & (frame["part"] == "plan")]
    assert plan["note"].str.contains("carried along: funding.funders.extra_fund").all()


def test_a_part_that_cannot_be_made_valid_is_not_run_and_nothing_crashes(tmp_path, monkeypatch):
    both = _design(tmp_path, "form-and-fees", FORM + FEES)
    designs, _ = load_designs([BASE, both], SMALL)
    monkeypatch.setattr(split, "_problems", lambda data, name: (None, [Problem(name, 1, "plan", "refused")]))
    variants = split.plan_variants(designs, BASELINE)
    assert all(v.scenario is None and "refused" in v.problem for v in variants)
    frame = _split([BASE, both], reps=2)
    rows = frame[(frame["scenario"] == "form-and-fees") & frame["part"].isin(["legal_form", "fees"])]
    assert rows["effect"].isna().all() and rows["note"].str.startswith("not run").all()
    for outcome in split.HEADLINE:
        e = _effects(frame, "form-and-fees", outcome)
        assert e["interaction"] == e["total"] or math.isnan(e["total"])


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    folder = tmp_path_factory.mktemp("decomp")
    both = _design(folder, "form-and-fees", FORM + FEES)
    out = folder / "out"
    compare([BASE, both], out, reps=3, seed=4, workers=1, overrides=SMALL)
    return out


def test_compare_writes_the_table_its_figure_and_a_section(compared):
    frame = pd.read_csv(compared / "decomposition.csv")
    assert list(frame.columns) == ["scenario", "outcome", "part", "effect", "ci_low", "ci_high", "note"]
    assert set(frame["scenario"]) == {"form-and-fees"}
    assert set(frame["part"]) == {*split.PARTS, "interaction", "total"}
    assert set(frame["outcome"]) == set(split.HEADLINE)
    assert (compared / "figures" / section.figure_name("form-and-fees")).is_file()
    report = (compared / "report.md").read_text(encoding="utf-8")
    assert t("report.decomp_title") in report and "- form-and-fees: " in report
    assert f"figures/{section.figure_name('form-and-fees')}" in report
    assert t("report.decomp_title") in (compared / "report.html").read_text(encoding="utf-8")


def test_no_decomposition_writes_none(tmp_path):
    both = _design(tmp_path, "form-and-fees", FORM + FEES)
    compare([BASE, both], tmp_path / "out", reps=2, seed=4, workers=1, overrides=SMALL, decomposition=False)
    assert not (tmp_path / "out" / "decomposition.csv").exists()
    assert t("report.decomp_title") not in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    from simcenter.cli.parser import build_parser

    assert build_parser().parse_args(["compare", "x", "--no-decomposition"]).decomposition is False
    assert build_parser().parse_args(["compare", "x"]).decomposition is True


def _frame(rows):
    return pd.DataFrame(rows, columns=["scenario", "outcome", "part", "effect", "ci_low", "ci_high"]).assign(note="")


def test_the_sentence_names_the_biggest_part_and_whether_it_is_sure():
    rows = [("coop", "months_operating", "legal_form", -40, -45, -35), ("coop", "months_operating", "management", 0, 0, 0),
            ("coop", "months_operating", "plan", 2, -1, 5), ("coop", "months_operating", "fees", 0, 0, 0),
            ("coop", "months_operating", "resources", 0, 0, 0), ("coop", "months_operating", "interaction", 0, -1, 1),
            ("coop", "months_operating", "total", -38, -42, -34),
            ("coop", "served", "legal_form", 5, -20, 30), ("coop", "served", "plan", -1, -2, 0),
            ("coop", "served", "interaction", 0, 0, 0), ("coop", "served", "total", 4, -30, 40)]
    text = section.sentence(_frame(rows), "coop")
    assert text.startswith("coop: ")
    assert t("outcomes.months_operating") in text  # the clearest total, not people served
    assert t("report.decomp_part.legal_form") in text and t("report.decomp_sure") in text
    assert t("report.decomp_not_from", part=t("report.decomp_part.plan"), effect="+2 months") in text
    assert text.index(t("report.decomp_part.legal_form")) < text.index(t("report.decomp_part.plan"))
    # A plan that outweighs the form is named first; an interval around zero is said so.
    rows[2] = ("coop", "months_operating", "plan", -60, -90, 10)
    text = section.sentence(_frame(rows), "coop")
    assert text.index(t("report.decomp_part.plan")) < text.index(t("report.decomp_part.legal_form"))
    assert t("report.decomp_unsure") in text
    with speaking("bg"):
        assert t("report.decomp_part.plan") in section.sentence(_frame(rows), "coop")
    nothing = [(d, o, p, 0, 0, 0) for d, o, p, *_ in rows]
    assert section.sentence(_frame(nothing), "coop") == t("report.decomp_no_difference", design="coop")


def test_a_signed_difference_puts_its_sign_before_the_unit():
    with speaking("en"):
        assert section.signed(-6531.0, "cost_per_venture_added_eur") == "−EUR 6,531"
        assert section.signed(4597.0, "cost_per_venture_added_eur") == "+EUR 4,597"
        assert section.signed(0.0, "served") == "0"
