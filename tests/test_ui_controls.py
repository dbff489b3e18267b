"""Every value a browser sends is checked on the server: type, range, finite; refused in plain words.

What these tests protect: ``controls.check`` takes exactly the values a lever's control
offers (a number within its range, whole where the slider is, one of the catalogue's forms
and structures) and refuses anything else a client can put in a message (text, ``null``,
lists, mappings, NaN, infinities, 1e308, huge integers, true/false); a session that gets such a
value changes nothing and says why, in the group's language, in one line without a path.
"""

from __future__ import annotations

import math

import pytest

pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")

from simcenter.i18n import strings  # noqa: E402
from simcenter.ui import controls  # noqa: E402
from simcenter.ui.controls import Refused  # noqa: E402
from simcenter.ui.session import Workshop  # noqa: E402
from simcenter.ui.text import described, refusal  # noqa: E402

from conftest import BASE  # noqa: E402

HOSTILE = ["abc", "", None, [], [1], {"v": 1}, float("nan"), float("inf"), -float("inf"), 1e308, -1e308,
           10**400, True, False, "nan", "inf", "1e999", "0x10", "5; rm -rf /", "x" * 10_000]
"""What a client can send where a number belongs (JSON, and Python's reading of it: NaN, Infinity)."""


@pytest.fixture(scope="module")
def workshop():
    return Workshop(BASE, lang="en")


@pytest.mark.parametrize("control", controls.CONTROLS, ids=lambda c: c.name)
@pytest.mark.parametrize("raw", HOSTILE, ids=repr)
def test_every_lever_refuses_what_is_not_a_number_in_its_range(control, raw):
    with pytest.raises(Refused) as caught:
        controls.check(control.name, raw)
    refused = caught.value
    assert refused.what == f"app.lever.{control.name}"
    for lang in ("en", "bg"):
        line = refusal(lang, refused)
        assert "\n" not in line and len(line) < 200 and "Traceback" not in line


@pytest.mark.parametrize("control", controls.CONTROLS, ids=lambda c: c.name)
def test_every_lever_takes_its_range_and_nothing_outside_it(control):
    lo, hi = control.minimum, control.maximum
    for value in (lo, hi, (lo + hi) / 2 if not control.integer else (lo + hi) // 2):
        assert controls.check(control.name, value) == value
        assert controls.check(control.name, str(value)) == value  # as typed in a text field
    step = control.step
    for value in (lo - step, hi + step):
        with pytest.raises(Refused) as caught:
            controls.check(control.name, value)
        assert caught.value.reason == "app.input.out_of_range"
    taken = controls.check(control.name, lo)
    if control.integer and control.kind == "slider":
        assert type(taken) is int
        with pytest.raises(Refused) as caught:
            controls.check(control.name, lo + 0.5)
        assert caught.value.reason == "app.input.not_whole"
    else:
        assert type(taken) is float


def test_typed_amounts_read_as_people_type_them():
    assert controls.check("mentoring_fee_eur", " 12,5 ") == 12.5
    assert controls.check("mentoring_fee_eur", "150") == 150.0
    assert controls.check("municipal_support_eur", "25 000") == 25_000
    assert controls.check("n_mentors", "3") == 3 and controls.check("n_mentors", 3.0) == 3


def test_a_legal_form_or_structure_must_be_one_the_catalogue_offers():
    forms = {"association": None, "cooperative": None}
    assert controls.check("legal_form", "cooperative", forms) == "cooperative"
    for raw in ("Cooperative", "../cooperative", None, ["cooperative"], {"cooperative": 1}, 1, "x" * 1000):
        with pytest.raises(Refused) as caught:
            controls.check("legal_form", raw, forms)
        assert caught.value.reason == "app.input.not_offered" and caught.value.got is None  # not echoed


def test_the_run_controls_are_checked_too():
    assert controls.check_number("app.seed", "42", *controls.SEED_RANGE, integer=True) == 42
    assert controls.check_number("app.seed", str(2**63 - 1), *controls.SEED_RANGE, integer=True) == 2**63 - 1
    for raw in (-1, 2**63, "abc", None, 1.5, float("nan"), [], "1e308"):
        with pytest.raises(Refused):
            controls.check_number("app.seed", raw, *controls.SEED_RANGE, integer=True)
    assert controls.check_flag("app.compare", True) is True
    for raw in ("true", 1, None, [], "abc"):
        with pytest.raises(Refused):
            controls.check_flag("app.compare", raw)


def test_refusals_read_as_one_plain_line_in_both_languages():
    cases = [
        ("n_mentors", "abc", "Not accepted — mentors (staff): expected a number, got text 'abc'",
         "Не е прието — ментори (персонал): очаква се число, получено: текст „abc“"),
        ("n_mentors", None, "Not accepted — mentors (staff): expected a number, got nothing",
         "Не е прието — ментори (персонал): очаква се число, получено: нищо"),
        ("n_mentors", [1], "Not accepted — mentors (staff): expected a number, got a list",
         "Не е прието — ментори (персонал): очаква се число, получено: списък"),
        ("n_mentors", float("nan"),
         "Not accepted — mentors (staff): expected a finite number, got not a number (NaN)",
         "Не е прието — ментори (персонал): очаква се крайно число, получено: „не е число“ (NaN)"),
        ("n_mentors", 1e308, "Not accepted — mentors (staff): must be between 0 and 10, got 1e+308",
         "Не е прието — ментори (персонал): трябва да е между 0 и 10, получено: 1e+308"),
    ]
    for name, raw, en, bg in cases:
        with pytest.raises(Refused) as caught:
            controls.check(name, raw)
        assert (refusal("en", caught.value), refusal("bg", caught.value)) == (en, bg)
    long = described("en", "x" * 10_000)
    assert len(long) < 50 and long.endswith("…'")
    assert described("en", "a\nb") == "text 'a\\nb'"  # one line, whatever was sent
    assert described("bg", -math.inf) == "−безкрайност"


def test_every_refusal_reason_has_both_languages():
    en, bg = strings("en"), strings("bg")
    reasons = [k for k in en if k.startswith("app.input.")]
    assert len(reasons) >= 10 and all(bg.get(k) and bg[k] != en[k] for k in reasons)


@pytest.mark.parametrize("raw", HOSTILE, ids=repr)
def test_a_session_refuses_hostile_values_for_every_input_and_changes_nothing(workshop, raw):
    before = (dict(workshop.designs), workshop.seed, workshop.compare, workshop.lang, workshop.months_per_step,
              workshop.month)
    taken = [workshop.set_lever("A", name, raw) for name in controls.ORDER]
    taken += [workshop.set_seed(raw), workshop.set_language(raw), workshop.set_months_per_step(raw),
              workshop.set_scenario("A", raw)]
    if not isinstance(raw, bool):  # the switch's own values
        taken.append(workshop.set_compare(raw))
    assert not any(taken)
    assert (dict(workshop.designs), workshop.seed, workshop.compare, workshop.lang, workshop.months_per_step,
            workshop.month) == before
    assert workshop.refused is not None and workshop.problems == {}
    workshop.step()  # still runs
    assert workshop.set_seed("7") and workshop.refused is None and workshop.seed == 7
    workshop.reset()
