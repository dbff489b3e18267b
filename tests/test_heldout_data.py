"""The held-out validation facts (simcenter/config/data/heldout_facts.yaml): their shape, not the model.

The file lists figures about Bulgarian and EU reality that no model input was set from, each with its
source, the band fixed before measuring, and the model measure it is checked against (issue 22). These
tests check that every entry is complete and consistent, that each measure names a real outcome, and
that no held-out source is cited where the inputs are set (which would make it calibration, not
validation). They do not run the model.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from simcenter.metrics import OUTCOMES

ROOT = Path(__file__).resolve().parents[1]
FILE = ROOT / "simcenter" / "config" / "data" / "heldout_facts.yaml"
FIELDS = ("statement", "statement_bg", "source", "url", "quote", "value", "band", "band_reason", "measure",
          "mapping", "status")
TEXT_FIELDS = ("statement", "statement_bg", "source", "quote", "band_reason", "measure")
LEDGER_KINDS = ("refund", "prefinancing", "reimbursement", "donation", "sponsorship", "subsidy", "fees")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


class _UniqueKeyLoader(yaml.SafeLoader):
    """A loader that refuses a key given twice in one mapping (PyYAML keeps the last one silently)."""


def _no_duplicates(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _load(text: str) -> dict:
    return yaml.load(text, Loader=_UniqueKeyLoader)


@pytest.fixture(scope="module")
def data() -> dict:
    return _load(FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def facts(data) -> dict:
    return data["facts"]


def entry_problems(key: str, fact: dict) -> list[str]:
    """What is wrong with one entry (empty when it is complete and consistent)."""
    problems = [f"{key}: no {f}" for f in FIELDS if f not in fact]
    if problems:
        return problems
    for f in TEXT_FIELDS:
        if not isinstance(fact[f], str) or not fact[f].strip():
            problems.append(f"{key}: {f} is empty")
    if isinstance(fact["statement_bg"], str) and not CYRILLIC.search(fact["statement_bg"]):
        problems.append(f"{key}: statement_bg is not in Bulgarian")
    if not (isinstance(fact["url"], str) and fact["url"].startswith("https://") and len(fact["url"]) > 12):
        problems.append(f"{key}: url must start with https://")
    if fact["mapping"] not in ("direct", "proxy"):
        problems.append(f"{key}: mapping must be direct or proxy")
    if fact["status"] not in ("verified", "unverified"):
        problems.append(f"{key}: status must be verified or unverified")
    band, value = fact["band"], fact["value"]
    numbers = isinstance(band, list) and len(band) == 2 and all(
        isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in [*band, value])
    if not numbers:
        problems.append(f"{key}: band must be [lo, hi] and value a number")
    elif band[0] > band[1]:
        problems.append(f"{key}: band lo > hi")
    elif not band[0] <= value <= band[1] and not str(fact.get("value_outside_band_reason", "")).strip():
        problems.append(f"{key}: value outside its band without value_outside_band_reason")
    return problems


def measure_names(measure: str) -> set[str]:
    """The outcomes and ledger kinds a measure names."""
    words = set(re.findall(r"[a-z_]+", measure))
    return (words & {o.name for o in OUTCOMES}) | (words & set(LEDGER_KINDS))


def test_the_file_has_at_least_six_facts_with_a_status(facts):
    assert isinstance(facts, dict) and len(facts) >= 6
    assert sum(f.get("status") in ("verified", "unverified") for f in facts.values()) >= 5


def test_every_entry_is_complete_and_consistent(facts):
    problems = [p for key, fact in facts.items() for p in entry_problems(key, fact)]
    assert not problems, "\n".join(problems)


def test_every_measure_names_a_model_outcome_or_ledger_kind(facts):
    missing = [key for key, fact in facts.items() if not measure_names(fact["measure"])]
    assert not missing, f"measures naming no outcome or ledger kind: {missing}"


def test_a_held_out_source_is_cited_nowhere_an_input_is_set(facts):
    """A fact whose source also sets an input would be calibration: its address may not appear in the
    scenarios, the catalogue and behaviour defaults, or the calibration table."""
    places = [*(ROOT / "scenarios").rglob("*.yaml"), ROOT / "simcenter" / "config" / "data" / "catalogue.yaml",
              ROOT / "simcenter" / "config" / "data" / "scale_anchor.yaml", *(ROOT / "simcenter" / "config").glob("*.py"),
              ROOT / "docs" / "calibration.md"]
    texts = {p: p.read_text(encoding="utf-8") for p in places if p.exists()}
    cited = [(key, str(p.relative_to(ROOT))) for key, fact in facts.items()
             for p, text in texts.items() if fact["url"].split("://", 1)[1].rstrip("/") in text]
    assert not cited, f"held-out sources cited where inputs are set: {cited}"


def test_the_rejected_findings_are_not_also_facts(data, facts):
    rejected = data.get("considered_not_used", {})
    assert not set(rejected) & set(facts)
    assert all(str(r.get("reason", "")).strip() for r in rejected.values())


def test_the_checks_catch_a_broken_entry(facts):
    """The checks above can fail: a duplicated key, a missing field, a band the wrong way round, a value
    outside its band, an http address and a measure naming nothing are each reported."""
    key, good = next(iter(facts.items()))
    assert entry_problems(key, good) == []
    assert entry_problems(key, {k: v for k, v in good.items() if k != "quote"}) == [f"{key}: no quote"]
    assert f"{key}: band lo > hi" in entry_problems(key, {**good, "band": [1.0, 0.0]})
    assert any("outside its band" in p for p in entry_problems(key, {**good, "value": good["band"][1] + 1}))
    assert any("https" in p for p in entry_problems(key, {**good, "url": "http://example.org/x"}))
    assert any("Bulgarian" in p for p in entry_problems(key, {**good, "statement_bg": "in English"}))
    assert not measure_names("the median of something over worlds")
    with pytest.raises(yaml.constructor.ConstructorError):
        _load("facts:\n  a: {value: 1}\n  a: {value: 2}\n")
