"""Validation: does the Plovdiv base reproduce what the literature and the data say, and which of it is new?

Two lists, kept apart (pattern-oriented modelling, Grimm et al. 2005):

- **calibration targets**: facts the inputs were set from (``role="calibration"``, ``how`` says which
  inputs and how). That they hold shows the inputs were set right, not that the model is right.
- **held-out facts**: never used to set a number (``role="held-out"``): the validation. Their bands are
  fixed before measuring (``config/data/heldout_facts.yaml`` and the code here), never widened after a
  run; one that fails stays failing in ``docs/validation.md`` with what was learnt, and
  ``simcenter facts`` exits 1.

Each fact is measured over replicates (``measures.py``), compared with its stated tolerance and drawn
as a figure (``report.py``). ``simcenter facts`` writes ``docs/validation.md``;
``tests/test_stylised_facts.py`` asserts the two lists separately with fewer replicates.
"""

from __future__ import annotations

from pathlib import Path

from simcenter.config.loader import load_scenario
from simcenter.rng import replicate_seeds
from simcenter.errors import writing_to
from simcenter.outputs import prepare_output
from simcenter.run.runner import check_replicates
from simcenter.facts.measures import (Fact, _run, funding_cliff, grant_success, inclusive_governance, online_delivery,
                                      scale_check, shared_runs, support_effects, survival)
from simcenter.facts.report import figures, markdown
from simcenter.facts import heldout

__all__ = ["heldout_keys", "CALIBRATION", "HELD_OUT", "INPUTS", "ROLES", "Fact", "all_facts", "failed", "figures", "funding_cliff", "grant_success", "inclusive_governance", "markdown",
           "online_delivery", "scale_check", "support_effects", "survival", "write_report"]

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios" / "plovdiv"

CALIBRATION, HELD_OUT = "calibration", "held-out"
heldout_keys = heldout.keys
ROLES: dict[str, tuple[str, str, str]] = {
    # key: (role, source, how the inputs were set from it / how the model is checked); the inputs by name in INPUTS
    "survival": (CALIBRATION, "Eurostat business demography: about 80% of new firms survive 1 year, 44% 5 years "
                 "(domain.md; Bulgaria 79-83% after 1 year, NSI)",
                 "behaviour.p_close_monthly_first_year = 1 - 0.8^(1/12) and p_close_monthly_later = "
                 "1 - (0.44/0.8)^(1/48): the two numbers are inputs, read back here"),
    "grant_success": (CALIBRATION, "Horizon 2020 12-14%, Horizon Europe about 16%, EaSI about 1 in 5 (domain.md); "
                      "HRDP's 2018 call 59 of 408 (cccinfo.bg)",
                      "each funder's p_success is its published rate (base.yaml); the pooled rate reads them back"),
    "funding_cliff": (HELD_OUT, "stylised fact 1 of domain.md: grant-funded centres face a funding cliff when a "
                      "project grant ends; without diversified income their cash runs out within months",
                      "no input was set from it; the grant-only design's team must go within a year of its last "
                      "grant's end. Close to the accounting (no other income), so a weak test"),
    "support_effects": (CALIBRATION, "no survival premium for incubated firms in 371 matched pairs (Schwartz 2013); "
                        "mentoring profit gains fade once mentoring stops (Kenya RCT, J-PAL) (domain.md)",
                        "behaviour.capability_effect_survival set small from Schwartz 2013, the gains' half-life "
                        "(mentoring_half_life_months) from the fading: both read back"),
    "inclusive_governance": (CALIBRATION, "stylised fact 5 of domain.md: the efficiency-inclusiveness tension",
                             "the catalogue's latency and voice of each structure set from it: read back, now over "
                             "every month of the horizon (closure included) and at its end"),
    "online_delivery": (CALIBRATION, "about 35% no-show online against 50% on site (industry sources); median MOOC "
                        "completion 12.6% (Jordan 2015) (domain.md)",
                        "behaviour.p_dropout_online_monthly and the digital shares are inputs, read back"),
    "scale": (CALIBRATION, "the national register under the Social and Solidarity Economy Enterprises Act (over 200 "
              "enterprises, 1,720 jobs), the 2021 census, NSI business demography (config/data/scale_anchor.yaml)",
              "the base's new ideas a month, stage mix and launch rates were recalibrated to this band (issue 17)"),
}
INPUTS: dict[str, tuple[str, ...]] = {
    # the inputs each calibration target set, as dotted paths of a scenario (tests/test_stylised_facts.py checks they
    # exist); ``catalogue.`` paths are fields of every management structure in the built-in catalogue
    "survival": ("behaviour.p_close_monthly_first_year", "behaviour.p_close_monthly_later"),
    "grant_success": ("funding.funders.*.p_success",),
    "support_effects": ("behaviour.capability_effect_survival", "behaviour.mentoring_half_life_months"),
    "inclusive_governance": ("catalogue.management_structures.*.decision_latency_months",
                             "catalogue.management_structures.*.partner_voice"),
    "online_delivery": ("behaviour.p_dropout_online_monthly", "behaviour.p_dropout_onsite_monthly",
                        "region.share_digital_city", "region.share_digital_towns"),
    "scale": ("region.new_ideas_per_month", "region.share_idea", "behaviour.p_idea_to_pilot",
              "behaviour.p_pilot_to_operating"),
}
"""The inputs set from each calibration target (none for a held-out fact)."""


def all_facts(reps: int = 20, seed: int = 1, folder: Path = SCENARIOS) -> list[Fact]:
    """Measure every stylised fact on the shipped Plovdiv scenarios."""
    seeds = replicate_seeds(seed, reps)
    base = load_scenario(folder / "base.yaml")
    with shared_runs(base):  # the base's worlds are read by six facts: each is run once
        found = [
            survival(base, seeds),
            grant_success([base], seeds),
            funding_cliff(load_scenario(folder / "grant-only.yaml"), seeds),
            support_effects(base, seeds),
            inclusive_governance(base, load_scenario(folder / "association-multistakeholder.yaml"), seeds),
            online_delivery(base, seeds),
            scale_check(base, seeds),
        ]
        models = [_run(base, s) for s in seeds] if heldout.keys() else []
    for fact in found:
        fact.role, fact.source, fact.how = ROLES[fact.key]
    if models:
        for fact in heldout.check_all(models):
            entry = heldout.entries()[fact.key]
            fact.role, fact.title, fact.title_bg = HELD_OUT, entry.get("title", fact.title), entry.get("title_bg", "")
            fact.source = _words(f"{entry['source']} ({entry['url']}): \"{entry['quote']}\" ({entry['status']})")
            fact.how = _words(f"{entry['statement']} Measured: {entry['measure']} ({entry['mapping']}). Band: "
                              f"{entry['band_reason']}" + (f" Note: {entry['note']}" if entry.get("note") else ""))
            fact.learnt = _words(entry.get("learnt", ""))
            fact.history = [_words(h) for h in entry.get("history", [])]
            found.append(fact)
    return sorted(found, key=lambda f: f.role != CALIBRATION)  # calibration targets first, then held-out facts


def _words(text: str) -> str:
    return " ".join(str(text).split()).rstrip(".")


def failed(facts: list[Fact]) -> list[Fact]:
    """The facts that decide ``simcenter facts``'s exit status: every fact that does not hold. A calibration
    target that fails means the inputs no longer reproduce what they were set from; a held-out fact that
    fails, that the model does not reproduce what it never saw."""
    return [f for f in facts if not f.holds]


def write_report(out: Path, reps: int = 20, seed: int = 1, force: bool = False) -> list[Fact]:
    """Measure the facts and write ``out/validation.md`` with figures in ``out/validation/``.

    ``out`` may hold anything else; a ``validation.md`` there must be one this command wrote,
    unless ``force`` (``simcenter.outputs``: never the current or the home folder, nor one holding
    the scenarios the facts are measured on)."""
    check_replicates(reps)
    prepare_output(Path(out), "facts", [SCENARIOS], force)  # now, not after the runs
    facts = all_facts(reps, seed)
    images = figures(facts, out / "validation")
    with writing_to(out / "validation.md"):
        (out / "validation.md").write_text(markdown(facts, images, reps, seed, out), encoding="utf-8")
    return facts
