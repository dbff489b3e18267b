"""The experiment file schema: one frozen, strictly typed model per section, as for scenarios.

These models check an experiment file's shape: unknown keys (with "did you mean"), types, bounds,
choices, the three kinds of parameter (values, a range, files). Their problems are reported by the
scenario loader's machinery (``config.problems.validation_problems``), as ``FILE:LINE: dotted.path:
message``. What needs the base scenarios or the file as a whole (targets, every value applied to
each base, distributions within their range, outcome names, column names, the design against its
parameters) is checked next, by ``sweep.loader`` and ``sweep.parameters``, and reported the same
way. ``docs/experiment-schema.md`` is generated from these declarations (``simcenter schema
--experiment``).

Where a key takes one of several shapes (one file or a list, ``all`` or a list of outcomes, a list
of values or a mapping), a before-validator says in one message what it expects: pydantic's errors
for a union would list every member's complaint.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import (AfterValidator, BeforeValidator, Discriminator, Field, Tag, ValidationError,
                      model_validator)
from pydantic_core import InitErrorDetails, PydanticCustomError

from simcenter.config import reference
from simcenter.config.problems import closest
from simcenter.config.schema import Section
from simcenter.i18n import t
from simcenter.sweep.experiment import DISTRIBUTIONS, METHODS, OPERATORS

RANGE_ONLY = ("integer", "distribution", "mode", "mean", "sd", "levels")
"""Keys that only a range takes."""
KINDS = ("values", "range", "files")
"""The keys that say which kind a parameter is; a parameter gives exactly one."""
TAGS = {"values": "<values>", "range": "<range>", "files": "<files>"}
"""Which model reads each kind. No plausible keys: a tag that is also a key of the mapping would
misplace an error's path (``config.loader`` resolves pydantic's locations against the data)."""


def _details(problems: list[tuple[tuple, str]]) -> list[InitErrorDetails]:
    return [InitErrorDetails(type=PydanticCustomError("value_error", "{error}", {"error": message}), loc=loc,
                             input=None) for loc, message in problems]


def refuse(model: str, problems: list[tuple[tuple, str]]) -> None:
    """Raise every problem a model validator found, each at its own field (``()``: the model itself)."""
    if problems:
        raise ValidationError.from_exception_data(model, _details(problems))


# --------------------------------------------------------------------------- shapes with one message
def _expected(what: str) -> ValueError:
    return ValueError(t("sweep.expected", what=t(what)))


def _text_list(value, what: str) -> list[str]:
    """``value`` as a non-empty list of non-blank texts (one text stands for a list of it), or ``what``
    was expected."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise _expected(what)
    return items


def _files(value) -> list[str]:
    """Base scenarios and overlay files: one path or a list of them."""
    return _text_list(value, "sweep.scenario_files")


def _outcome_list(value) -> list[str]:
    """Outcome names: one or a list (checked against the outcomes by ``sweep.loader``)."""
    return _text_list(value, "sweep.outcome_list")


def _outcomes(value):
    """The outcomes kept: ``all``, one name or a list."""
    return value if value == "all" else _outcome_list(value)


def _timeseries(value):
    """Outcomes kept month by month: ``true``/``all`` every one, ``false``/nothing none, or names."""
    if value is True or value == "all":
        return "all"
    if value is False or value is None:
        return []
    return _outcome_list(value)


def _conditions(value) -> list:
    """Failure conditions: one or a list (parsed by ``sweep.loader``, which knows the outcomes kept)."""
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ValueError(t("sweep.bad_condition", text=value, operators=" ".join(OPERATORS)))
    return value


def _plain(value):
    """A category is a plain value: a mapping or a list cannot be one column of the results."""
    if isinstance(value, (dict, list)) or value is None:
        raise _expected("sweep.a_plain_value")
    return value


def _values(value) -> list:
    if not isinstance(value, list) or not value:
        raise _expected("sweep.value_list")
    return value


def _bounds_or_declared(value):
    if value == "declared" or isinstance(value, list) and len(value) == 2:
        return value
    raise _expected("sweep.a_range")


def _ordered(bounds: list) -> list:
    if not bounds[0] < bounds[1]:
        raise ValueError(t("sweep.range_order", lo=bounds[0], hi=bounds[1]))
    return bounds


def _identifier(name: str) -> str:
    """A column name of the results store: a plain identifier, so SQL and pandas take it as written."""
    if not name.isidentifier():
        raise ValueError(t("sweep.bad_name", name=name))
    return name


def _not_blank(text: str) -> str:
    if not text.strip():
        raise _expected("sweep.a_name")
    return text


ColumnName = Annotated[str, AfterValidator(_identifier)]
PlainValue = Annotated[Union[str, int, float, bool], BeforeValidator(_plain)]
# Whole numbers stay whole: they are applied to the base scenarios as written ("value 20000", not 20000.0).
Bounds = Annotated[list[Union[float, int]], AfterValidator(_ordered)]
RangeField = Annotated[
    Union[Annotated[Literal["declared"], Tag("declared")], Annotated[Bounds, Tag("bounds")]],
    Discriminator(lambda v: "declared" if isinstance(v, str) else "bounds"), BeforeValidator(_bounds_or_declared)]
NAME_HELP = ("column name in the results (default: the shortest unique tail of the target, "
             "`hrdp_social_economy_p_success`)")


# --------------------------------------------------------------------------- levers and uncertainties
class Kind(Section):
    """Base of the three kinds of parameter: a key that belongs to another kind is named as such
    ("'levels' applies to a range only"), not as unknown, and the kind's other problems still come too."""

    @model_validator(mode="wrap")
    @classmethod
    def _keys_of_another_kind(cls, data, handler):
        foreign = [k for k in data if k in RANGE_ONLY and k not in cls.model_fields] \
            if isinstance(data, dict) else []
        if not foreign:
            return handler(data)
        errors = [((k,), t("sweep.range_only", key=k)) for k in foreign]
        try:
            handler({k: v for k, v in data.items() if k not in foreign})
        except ValidationError as exc:
            raise ValidationError.from_exception_data(cls.__name__, _details(errors) + [
                InitErrorDetails(type=e["type"], loc=e["loc"], input=e["input"], ctx=e.get("ctx", {}))
                for e in exc.errors()]) from None
        refuse(cls.__name__, errors)


class Values(Kind):
    """A parameter that takes each value listed: categories or numbers (a plain list is short for this)."""

    values: Annotated[list[PlainValue], BeforeValidator(_values)] = Field(
        description="text, numbers or true/false; each is applied to every base scenario and validated there")
    name: ColumnName | None = Field(None, description=NAME_HELP)


class Range(Kind):
    """A numeric parameter: a range, and the distribution a sampler draws from it."""

    range: RangeField = Field(description="`[low, high]`, or `declared`: the plausible range the schema "
                                          "declares for the field (docs/calibration.md)")
    distribution: Literal[DISTRIBUTIONS] = Field(
        "uniform", description="how a sampler draws from the range; `normal` is truncated to it")
    mode: float | None = Field(None, description="the peak of a `triangular` distribution, within the range")
    mean: float | None = Field(None, description="the mean of a `normal` distribution")
    sd: float | None = Field(None, gt=0, description="the standard deviation of a `normal` distribution")
    integer: bool | None = Field(None, description="whole numbers only (default: when the field takes whole numbers)")
    levels: int | None = Field(None, ge=2, le=1000,
                               description="evenly spread values a full factorial takes (default `design.levels`)")
    name: ColumnName | None = Field(None, description=NAME_HELP)


class Files(Kind):
    """A lever that chooses among partial scenario files (a plan, a partner set) merged over the base."""

    files: Annotated[list[str], BeforeValidator(_files)] = Field(
        description="partial scenario files, relative to the experiment file, each merged over the base like a "
                    "file that extends it; a file's name without .yaml is its value")
    name: ColumnName | None = Field(None, description=NAME_HELP)


def _kind(spec) -> str:
    """Which model reads a parameter: the kind key it gives, or the one a misspelled key stands for."""
    if isinstance(spec, Section):  # already read (when a model is dumped)
        return TAGS[next(k for k in KINDS if k in type(spec).model_fields)]
    given = [k for k in KINDS if k in spec]
    if given:
        return TAGS[given[0]]
    return TAGS[next(filter(None, (closest(str(key), KINDS) for key in spec)))]


def _spec(value):
    """A plain list is a list of values; otherwise a mapping naming its kind once (a misspelled
    kind is left to the model: "unknown field 'rnage' (did you mean 'range'?)")."""
    if isinstance(value, list):
        return {"values": value}
    if not isinstance(value, dict):
        raise ValueError(t("sweep.bad_spec"))
    given = [k for k in KINDS if k in value]
    if len(given) > 1:
        raise ValueError(t("sweep.one_of", keys=", ".join(KINDS)))
    if not given and not any(closest(str(key), KINDS) for key in value):
        raise ValueError(t("sweep.bad_spec"))
    return value


Spec = Annotated[
    Union[Annotated[Values, Tag(TAGS["values"])], Annotated[Range, Tag(TAGS["range"])],
          Annotated[Files, Tag(TAGS["files"])]],
    Discriminator(_kind), BeforeValidator(_spec)]


# --------------------------------------------------------------------------- design and analysis
class Design(Section):
    """How points are drawn from the levers and uncertainties."""

    method: Literal[METHODS] = Field(
        "full_factorial", description="`full_factorial` crosses every value and level; the others sample the unit "
                                      "cube (SALib)")
    samples: int | None = Field(None, ge=1, le=1_000_000, description="latin_hypercube: points; sobol: N, a power of "
                                                                      "2 (Saltelli); morris: trajectories")
    levels: int = Field(3, ge=2, le=1000, description="full factorial: evenly spread values taken from each range")
    levers: Literal["sample", "full_factorial"] = Field(
        "sample", description="`full_factorial`: every combination of the levers meets the same sample of "
                              "uncertainties")
    second_order: bool = Field(False, description="sobol: second-order indices too")
    morris_levels: int = Field(4, ge=2, le=100, description="morris: grid levels, an even number")


class Analysis(Section):
    """What `simcenter analyze` dwells on; changing it never changes the runs."""

    outcomes: Annotated[list[str], BeforeValidator(_outcome_list)] | None = Field(
        None, description="kept outcomes drawn and ranked (default: the first eight with a direction)")
    failure: Annotated[list[str], BeforeValidator(_conditions)] | None = Field(
        None, description="scenario discovery: conditions OUTCOME OPERATOR NUMBER on final values that mark a "
                          "run as failing (default `closed == 1` when `closed` is kept)")


# --------------------------------------------------------------------------- the file
class ExperimentFile(Section):
    """An experiment: base scenarios, levers, uncertainties, a design, replicates, outcomes, analysis."""

    name: Annotated[str, AfterValidator(_not_blank)] | None = Field(
        None, description="the experiment's name (default: the file name)")
    description: str = Field("", description="what the experiment asks, for reports")
    scenarios: Annotated[list[str], BeforeValidator(_files)] = Field(
        description="the base scenario file, or a list of them (relative to this file); several become the lever "
                    "`base_scenario`")
    set: dict[str, Any] | None = Field(
        None, description="values every run shares, by lever name or dotted path, applied to each base scenario")
    levers: dict[str, Spec] | None = Field(None, description="what a planner chooses, by lever name or dotted path")
    uncertainties: dict[str, Spec] | None = Field(None, description="what the world does, by lever name or dotted path")
    design: Design | None = Field(None, description="how points are drawn (default: a full factorial)")
    replicates: int = Field(1, ge=1, le=100_000,
                            description="seeds per point: replicate i uses the same seed at every point")
    seed: int = Field(1, ge=0, le=2**63 - 1, description="master seed: the design's draws and the replicate seeds")
    outcomes: Annotated[Union[Literal["all"], list[str]], BeforeValidator(_outcomes)] = Field(
        "all", description="outcomes kept (final values): a name, a list of them, or `all`")
    timeseries: Annotated[Union[Literal["all"], list[str]], BeforeValidator(_timeseries)] = Field(
        default_factory=list, description="outcomes also kept month by month: a name, a list, `all` or `true` "
                                          "(every outcome), or `false` (none)")
    analysis: Analysis | None = Field(None, description="what the analysis dwells on")


# --------------------------------------------------------------------------- the reference
HEADER = """# Experiment file reference

Generated from `simcenter/sweep/schema.py` by `simcenter schema --experiment`; do not edit by hand.
How to write, run and analyse an experiment: [sweeps.md](sweeps.md).

An experiment file is a YAML mapping, `ExperimentFile` below. `levers:` and `uncertainties:` map
each target, a lever name (`legal_form`, `n_mentors`, ...) or a dotted path to any scenario field
(`funding.funders.hrdp_social_economy.p_success`; list items by index, `plan.0.month`), to one of
three kinds of parameter: `Values` (a plain list is short for `{values: [...]}`), a `Range`, or
`Files`. `scenarios`, `outcomes`, `timeseries`, `analysis.outcomes` and `analysis.failure` take one
item or a list of them.

Beyond these shapes, every target is checked against each base scenario; every value a parameter
can take (each category, both ends of a range and a value inside it) is applied to each base
scenario and validated there; a `triangular` distribution needs a `mode` within its range, a
`normal` one `mean` and `sd`, a `loguniform` range lies above 0; outcome names and failure
conditions must name kept outcomes; column names must be distinct and not taken by the results
store; and the design must agree with itself and its parameters (`sobol`: `samples` a power of 2;
`morris`: even `morris_levels`; a sampler: something to sample; `full_factorial`: no `samples`).
Every problem is reported at once, as `FILE:LINE: dotted.path: message`, with exit code 2.
"""


def markdown() -> str:
    """The experiment file reference (``docs/experiment-schema.md``)."""
    return reference.markdown(ExperimentFile, HEADER)
