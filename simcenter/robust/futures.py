"""Futures: values of the uncertain parameters, drawn once and shared by every design.

A future sets the funding success (every grant funder's ``p_success`` scaled by one factor, the
``grant_success_factor`` lever), the size of the calls (every grant funder's ``amount_min_eur`` and
``amount_max_eur`` scaled by one factor), uptake (``behaviour.p_seek_mentoring``,
``behaviour.p_attend_event``), municipal politics (``behaviour.p_budget_cut_election``), salaries
(``center.staff.salary_monthly_eur``), rent (``center.rent_monthly_eur``) and the municipality's money
(its funders' amounts and the deficit a council covers for its own unit, one factor). A field's range is
the plausible range its schema declares (``P(..., span=...)``, as a sweep's ``range: declared``);
the three factors, which no field declares, have theirs here (assumptions, stated in README).
The sample is a Latin hypercube seeded from the command's seed: the same seed, the same futures.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simcenter.config.loader import scenario_from_dict
from simcenter.config.schema import Scenario
from simcenter import phrases
from simcenter.extras import require
from simcenter.rng import stream
from simcenter.sweep.targets import Op, apply_ops, declared_range


@dataclass(frozen=True)
class Uncertainty:
    """One uncertain parameter: its column name, how it is applied ("lever", "path", "scale": every grant
    funder's call sizes times the value, or "municipal": the municipality's money times it) and its range."""

    name: str
    how: str
    target: str
    low: float
    high: float

    def op(self, value: float) -> Op:
        return (self.how, self.target, value)


def _declared(name: str, target: str) -> Uncertainty:
    span = declared_range(target)
    if span is None:  # pragma: no cover - a schema change removed the span
        raise RuntimeError(f"{target} declares no range")
    return Uncertainty(name, "path", target, *span)


GRANT_SUCCESS = (0.6, 1.4)
"""Assumption: each grant funder's success rate 40% lower to 40% higher than the scenario's (the
literature's 12-20% around the base's 16%, and a call twice as contested or half as contested)."""
CALL_SIZE = (0.7, 1.3)
"""Assumption: calls 30% smaller to 30% larger than the scenario's (the ranges the base's labels
state for its calls lie within this around their values)."""
MUNICIPAL_MONEY = (0.25, 1.25)
"""Assumption: the municipality's money a quarter of the scenario's to a quarter more: its programmes,
the budget lines and contributions a design counts on (kind subsidy, type municipal) and the deficit a
council covers for its own unit (the legal form's ``host_cover_eur_year``, municipal units only). None of
these amounts has a source (the council budget line of the municipal enterprise is an assumption), and the
designs that lean on them must be seen when they shrink."""


def default_uncertainties() -> tuple[Uncertainty, ...]:
    """The default set, in the order of the columns of ``futures.csv``."""
    return (
        Uncertainty("grant_success_factor", "lever", "grant_success_factor", *GRANT_SUCCESS),
        Uncertainty("call_size_factor", "scale", "funding.funders.*.amount_eur", *CALL_SIZE),
        Uncertainty("municipal_money_factor", "municipal", "municipal funders and the council's cover",
                    *MUNICIPAL_MONEY),
        _declared("p_seek_mentoring", "behaviour.p_seek_mentoring"),
        _declared("p_attend_event", "behaviour.p_attend_event"),
        _declared("p_budget_cut_election", "behaviour.p_budget_cut_election"),
        _declared("salary_monthly_eur", "center.staff.salary_monthly_eur"),
        _declared("rent_monthly_eur", "center.rent_monthly_eur"),
    )


def sample_futures(n: int, seed: int, uncertainties=None):
    """``n`` futures (a table: ``future``, then one column per uncertainty), a Latin hypercube
    drawn from the stream ``robust.futures`` of ``seed``."""
    import pandas as pd

    uncertainties = uncertainties or default_uncertainties()
    latin = require("SALib.sample.latin")
    problem = {"num_vars": len(uncertainties), "names": [u.name for u in uncertainties],
               "bounds": [[0.0, 1.0]] * len(uncertainties)}
    draw_seed = int(stream(seed, "robust.futures").integers(2**31 - 1))
    unit = np.asarray(latin.sample(problem, int(n), seed=draw_seed)).reshape(int(n), len(uncertainties))
    table = pd.DataFrame({u.name: np.round(u.low + unit[:, i] * (u.high - u.low), 6)
                          for i, u in enumerate(uncertainties)})
    table.insert(0, "future", np.arange(int(n)))
    return table


def _scale_amounts(funder: dict, factor: float) -> None:
    for key in ("amount_min_eur", "amount_max_eur"):
        funder[key] = round(funder[key] * factor, 2)


def scale_calls(data: dict, factor: float) -> None:
    """Every grant funder's call sizes times ``factor``."""
    for funder in data["funding"]["funders"].values():
        if funder.get("kind") == "grant":
            _scale_amounts(funder, factor)


def scale_municipal_money(data: dict, factor: float) -> None:
    """The municipality's money times ``factor``: every municipal funder's amounts, and the deficit the
    council covers for a unit of its own (a form closed by the council's budget)."""
    for funder in data["funding"]["funders"].values():
        if funder.get("type") == "municipal":
            _scale_amounts(funder, factor)
    form = data["catalogue"]["legal_forms"].get(data["center"]["legal_form"], {})
    if form.get("closure_rule") == "council_budget":
        form["host_cover_eur_year"] = round(form["host_cover_eur_year"] * factor, 2)


def future_scenario(scenario: Scenario, values: dict, uncertainties=None) -> Scenario:
    """``scenario`` in the future ``values`` (uncertainty name -> value), validated again.

    Raises:
        InputError: the changed scenario is not valid (its problems, named after the future).
    """
    data = scenario.model_dump()
    ops = []
    for u in uncertainties or default_uncertainties():
        value = float(values[u.name])
        if u.how == "scale":
            scale_calls(data, value)
        elif u.how == "municipal":
            scale_municipal_money(data, value)
        else:
            ops.append(u.op(value))
    return scenario_from_dict(apply_ops(data, ops), name=f"<{scenario.name} in a future>")


def uncertainty_labels() -> dict[str, str]:
    """Each uncertain parameter's name in words, in the language in force (``robust.uncertainty.<name>``):
    the conditions of failure are told with these, not with column names."""
    return phrases.uncertainty_labels(u.name for u in default_uncertainties())

