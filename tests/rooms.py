"""Small, precise worlds for the per-room tests (governance, finance, services, levers).

Each helper edits scenario data (``Scenario.model_dump()``) so that only what a test asks for
happens: no funders, no plan, no partners, services switched on one by one, a centre that opens
at once, ventures that neither progress nor close. The edited data is validated again, as a
scenario file would be.
"""

from __future__ import annotations

from collections import defaultdict

from simcenter.config.levers import apply_levers
from simcenter.config.loader import scenario_from_dict
from simcenter.config.schema import SERVICE_NAMES
from simcenter.model import CenterModel
from simcenter.stages import CLOSED, TREATED

SEED = 7


def tiny(base, **levers):
    """The default scenario at its smallest useful size: 200 people, one year (levers on top)."""
    return apply_levers(base, {"n_potential": 200, "years": 1, **levers})


def edited(scenario, *edits):
    """``scenario`` with each ``edit(data)`` applied to its data, validated again."""
    data = scenario.model_dump()
    for edit in edits:
        edit(data)
    return scenario_from_dict(data, name="<test>")


def quiet(data: dict) -> None:
    """No funders, starting grants, plan or partners: nothing happens that a test did not set up."""
    data["funding"]["funders"] = {}
    data["funding"]["starting_grants"] = []
    data["plan"] = []
    data["partners"] = {}


def only(*services: str):
    """An edit that switches on these services and off all the others (and drops the plan's
    actions that would switch them again)."""
    def edit(data: dict) -> None:
        for name in SERVICE_NAMES:
            data["center"]["services"][name]["enabled"] = name in services
        data["plan"] = [a for a in data["plan"] if a["action"] not in ("start_service", "stop_service")]
    return edit


def instant(data: dict) -> None:
    """A legal form like the association that is set up at once: the centre opens in month 0."""
    add_form(data, "instant", setup_months=0)
    data["center"]["legal_form"] = "instant"


def frozen_ventures(data: dict) -> None:
    """Ventures neither move a stage nor close, and no new ideas arrive: stages stay as drawn."""
    b = data["behaviour"]
    for name in ("p_idea_to_pilot", "p_pilot_to_operating", "p_operating_to_scaling", "p_close_monthly_idea",
                 "p_close_monthly_first_year", "p_close_monthly_later"):
        b[name] = 0.0
    data["region"]["new_ideas_per_month"] = 0.0


def behaviour(**values):
    """An edit that sets behavioural assumptions."""
    def edit(data: dict) -> None:
        data["behaviour"].update(values)
    return edit


def center(**values):
    """An edit that sets top-level fields of the centre (``staff`` and ``services`` are merged)."""
    def edit(data: dict) -> None:
        c = data["center"]
        for key, value in values.items():
            if key == "staff":
                c["staff"].update(value)
            elif key == "services":
                for name, fields in value.items():
                    c["services"][name].update(fields)
            else:
                c[key] = value
    return edit


def add_form(data: dict, name: str, like: str = "association", **fields) -> None:
    """Add a legal form to the scenario's catalogue: ``like`` with ``fields`` changed."""
    forms = data["catalogue"]["legal_forms"]
    forms[name] = dict(forms[like], label=name, **fields)


def add_structure(data: dict, name: str, like: str = "executive_director", **fields) -> None:
    """Add a management structure to the scenario's catalogue: ``like`` with ``fields`` changed."""
    structures = data["catalogue"]["management_structures"]
    structures[name] = dict(structures[like], label=name, **fields)


def use(form: str | None = None, structure: str | None = None):
    """An edit that gives the centre this legal form and/or management structure."""
    def edit(data: dict) -> None:
        if form is not None:
            data["center"]["legal_form"] = form
        if structure is not None:
            data["center"]["management"] = structure
    return edit


def build(scenario, seed: int = SEED) -> CenterModel:
    """A model of ``scenario`` without a data collector (the tests read its state directly)."""
    return CenterModel(scenario, rng=seed, collect=False)


def step_to(model: CenterModel, month: int) -> CenterModel:
    """Step ``model`` until month ``month`` is the next to run."""
    while model.steps < month:
        model.step()
    return model


def flows(model: CenterModel, kind: str) -> dict[int, float]:
    """EUR moved per month in ledger movements of ``kind``."""
    rows = model.ledger.rows()
    out: dict[int, float] = defaultdict(float)
    for month, k, amount in zip(rows["month"], rows["kind"], rows["amount_eur"]):
        if k == kind:
            out[month] += amount
    return dict(out)


def alive_unaware(model: CenterModel) -> int:
    """People of the treated world whose venture is alive and who do not know the centre."""
    pop = model.pop
    n = pop.n
    return int(((pop.stage[TREATED, :n] < CLOSED) & ~pop.aware[:n]).sum())
