"""Promotion and awareness (``simcenter/model/services/promotion.py``).

What these tests protect: the month's reach is the budget's, plus two people per promotion hour of
coordinators and of the volunteers events do not need, over the living unaware; word of mouth comes
only from people the centre reached who are satisfied (above 0.6); awareness lapses only after
``forget_after_months`` without contact, never during a programme, and lapses even while the
centre is closed, when nobody new hears of it.
"""

from __future__ import annotations

import numpy as np
import pytest

from simcenter.model.services.promotion import Promotion

from rooms import alive_unaware, behaviour, build, center, edited, frozen_ventures, instant, only, quiet, step_to, tiny


def _promotion(base, budget=0.0, staff_hours=0.0, volunteers=0.0, *edits):
    """Only promotion, open from month 0, with this budget, these coordinator hours and a partner's
    volunteer hours (fully engaged); nobody arrives, progresses or closes."""
    def helpers(data):
        if volunteers:
            data["partners"] = {"helpers": {"type": "volunteer_org", "engagement": 1.0, "alignment": 1.0,
                                            "volunteer_hours_month": volunteers}}

    promotion = {"budget_monthly_eur": budget, "staff_hours_monthly": staff_hours}
    return edited(tiny(base), quiet, instant, frozen_ventures, only("promotion"), helpers,
                  center(services={"promotion": promotion}), *edits)


def _promotion_service(model) -> Promotion:
    return model.services[0]


@pytest.mark.parametrize("budget, staff_hours, volunteers, reach", [
    (500.0, 0.0, 0.0, 75.0),      # 150 people per EUR 1,000
    (0.0, 10.0, 0.0, 20.0),       # 2 people per coordinator hour
    (0.0, 0.0, 5.0, 10.0),        # 2 people per volunteer hour (events are off: all volunteers promote)
    (500.0, 10.0, 5.0, 105.0),
])
def test_reach_comes_from_budget_staff_and_volunteer_hours(base, budget, staff_hours, volunteers, reach):
    model = build(_promotion(base, budget, staff_hours, volunteers, behaviour(p_word_of_mouth=0.0)))
    unaware = alive_unaware(model)
    assert unaware > reach
    model.step()
    assert _promotion_service(model).p_new == pytest.approx(reach / unaware)
    coordinators = 160.0 - model.institution.management_hours_monthly
    assert model.shared.hours.coordinator == coordinators - staff_hours
    assert model.shared.hours.volunteer == 0.0


def test_volunteers_promote_with_the_hours_events_do_not_need(base):
    """100 volunteer hours; two events a month need 32 staff hours, of which volunteers may do half:
    84 hours are left to promote."""
    events = center(services={"events": {"onsite_per_month": 1.0, "online_per_month": 1.0, "hybrid_per_month": 0.0,
                                         "enabled": True}})
    model = build(_promotion(base, 0.0, 0.0, 100.0, behaviour(p_word_of_mouth=0.0), events))
    unaware = alive_unaware(model)
    model.step()
    assert _promotion_service(model).p_new == pytest.approx(84.0 * 2 / unaware)
    assert model.shared.hours.volunteer == 0.0  # the events took the other 16


def test_a_reach_beyond_the_unaware_makes_everyone_aware(base):
    model = build(_promotion(base, 100_000.0))
    model.step()
    assert _promotion_service(model).p_new == 1.0
    assert alive_unaware(model) == 0


def test_word_of_mouth_comes_only_from_satisfied_people_the_centre_reached(base):
    """p_wom = 1 - (1 - 0.02)^(10 contacts x satisfied / living): ten satisfied reached people count;
    the reached at exactly 0.6 and the satisfied never reached do not."""
    model = build(_promotion(base))
    pop = model.pop
    satisfied, lukewarm, strangers = np.arange(0, 10), np.arange(10, 20), np.arange(20, 30)
    pop.reached[satisfied] = pop.reached[lukewarm] = True
    pop.satisfaction[satisfied] = 0.9
    pop.satisfaction[lukewarm] = 0.6
    pop.satisfaction[strangers] = 0.95
    b = model.behaviour
    expected = 1.0 - (1.0 - b.p_word_of_mouth) ** (b.contacts_per_person * 10 / pop.n)
    model.step()
    assert _promotion_service(model).p_new == pytest.approx(expected)


def test_without_promotion_or_satisfied_clients_nobody_hears(base):
    model = build(_promotion(base))
    aware = int(model.pop.aware[:model.pop.n].sum())
    model.step()
    assert _promotion_service(model).p_new == 0.0
    assert int(model.pop.aware[:model.pop.n].sum()) <= aware


def test_awareness_lapses_only_after_months_without_contact(base):
    """Month 10, forgetting for sure after 6 months: the last contact in month 3 is forgotten, in
    month 4 not yet; someone in a programme keeps it; someone never in contact forgets."""
    model = step_to(build(_promotion(base, 0.0, 0.0, 0.0, behaviour(p_forget_monthly=1.0, p_word_of_mouth=0.0))), 10)
    pop = model.pop
    old, recent, in_programme, never = 0, 1, 2, 3
    pop.aware[:4] = True
    pop.last_contact[[old, recent, in_programme, never]] = [3, 4, 3, -1]
    pop.prog_left[in_programme] = 2
    model.step()
    assert pop.aware[[old, recent, in_programme, never]].tolist() == [False, True, True, False]


def test_awareness_lapses_while_the_centre_is_closed_and_nobody_new_hears(base):
    forgetful = edited(tiny(base), quiet, only("promotion"),  # an association: opens in month 2
                       behaviour(p_aware_start=1.0, p_forget_monthly=1.0, forget_after_months=0))
    model = build(forgetful)
    model.step()
    assert not model.center.active and not model.pop.aware[:model.pop.n].any()
    loud = edited(tiny(base), quiet, frozen_ventures, only("promotion"), behaviour(p_forget_monthly=0.0),
                  center(services={"promotion": {"budget_monthly_eur": 100_000.0}}))
    model = build(loud)
    aware = model.pop.aware[:model.pop.n].copy()
    step_to(model, 2)
    np.testing.assert_array_equal(model.pop.aware[:len(aware)], aware)
    model.step()  # open: the budget reaches everyone
    assert alive_unaware(model) == 0
