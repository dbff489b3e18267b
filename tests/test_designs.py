"""The shipped Plovdiv designs differ from the base only in what they say they differ in (issue 17).

What these tests protect: no design hides a price (fees are levers: ``mentoring_fee_eur``,
``event_fee_eur``, ``success_fee_share``, the same for every design unless a planner sets them); no
design starts with other money than the base (starting cash, rent, salaries, running costs, partners'
sponsorship), except the grant-only case, whose funding is what it is about; and every design file
opens with a comment saying what differs from ``base.yaml`` and why.
"""

from __future__ import annotations

import pytest

from simcenter import load_scenario

from conftest import BASE

DESIGNS = sorted(p for p in BASE.parent.glob("*.yaml") if p != BASE and not p.name.startswith("_"))
FEE_FIELDS = ("services.mentorship.fee_per_hour_eur", "services.events.fee_eur",
              "services.funding_support.fee_eur", "services.funding_support.share_success_fee")
FUNDING_CASE = "grant-only.yaml"  # the funding-cliff case: its funding (founders' cash included) is its point


def _get(section, dotted: str):
    for part in dotted.split("."):
        section = getattr(section, part)
    return section


def test_there_are_designs():
    assert len(DESIGNS) >= 8


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_no_design_sets_a_fee(path):
    """Fees are levers: a design charges nothing, from the start or through its plan."""
    scenario = load_scenario(path)
    assert {f: _get(scenario.center, f) for f in FEE_FIELDS} == dict.fromkeys(FEE_FIELDS, 0.0)
    assert not [a for a in scenario.plan if a.action == "set" and str(a.field) in FEE_FIELDS]


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_designs_start_with_the_bases_money(path, base):
    """Starting cash, rent, staff pay, running costs and sponsorship are the base's (a host's space in kind and a
    council's budget line are the form's own resources, and stated in the file)."""
    scenario = load_scenario(path)
    fields = ["rent_monthly_eur", "platform_monthly_eur", "other_costs_monthly_eur", "staff.salary_monthly_eur"]
    if path.name != FUNDING_CASE:
        fields.append("starting_cash_eur")
        assert ({p: s.sponsorship_yearly_eur for p, s in scenario.partners.items()}
                == {p: s.sponsorship_yearly_eur for p, s in base.partners.items()})
    assert {f: _get(scenario.center, f) for f in fields} == {f: _get(base.center, f) for f in fields}


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_each_design_file_says_what_differs_from_the_base(path):
    head = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        head.append(line)
    text = " ".join(head)
    assert "differs from base.yaml" in text and "base's" in text, f"{path.name}: no opening comment on what differs"
