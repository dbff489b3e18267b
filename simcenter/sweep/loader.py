"""Experiment files: YAML -> validated ``Experiment``, every problem as ``FILE:LINE: path: message``.

Validated like scenarios, and reported through the same machinery: the models of ``sweep.schema``
check the file's shape (unknown keys with "did you mean", types, bounds, choices); then every
dotted path is checked against the base scenarios, every value a parameter can take (each
category, both ends of a range) is applied to each base scenario and validated there, the problem
reported at the experiment file's line, and outcome names, failure conditions, column names and
the design's size are checked. Every problem is collected before any is reported. Nothing here
prints or exits.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pydantic import ValidationError

from simcenter import metrics
from simcenter.config.loader import display_path, load_scenario, problem_of_reference, referenced_file, validate_tree
from simcenter.config.problems import did_you_mean
from simcenter.config.yamlsource import Locations, load_mapping_text, read_text
from simcenter.errors import InputError
from simcenter.i18n import t
from simcenter.sweep import design as designs
from simcenter.sweep import schema
from simcenter.sweep.experiment import OPERATORS, Base, Condition, Design, Experiment, Parameter
from simcenter.sweep.parameters import ParameterReader
from simcenter.sweep.reading import Report
from simcenter.sweep.schema import ExperimentFile
from simcenter.errors import parse_path
from simcenter.sweep.targets import apply_ops

MAX_RUNS = 10_000_000
"""More runs than this is a mistake in the design (a factorial over too many levels)."""
DEFAULT_FAILURE = "closed == 1"
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=|<=|>=|<|>)\s*"
                        r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")
_BY_ITEM = ("levers", "uncertainties", "set", "analysis")
"""Sections whose items stand alone: a bad one is left out and the others are still checked (the
design's keys depend on each other: a bad one leaves the whole design out)."""


def load_experiment(path: str | os.PathLike) -> Experiment:
    """Load and validate an experiment file.

    Raises:
        InputError: with every problem found, each located by file, line and dotted path.
    """
    name = str(path)
    data, locs = load_mapping_text(read_text(path), name)
    report = Report(Path(path), name, locs)
    spec = read_shape(data, report)
    bases = read_bases(spec, report) if spec is not None else []
    if not bases:
        raise InputError(report.problems)
    bases = fixed_values(bases, spec.set or {}, report)
    parameters = ParameterReader(report, bases).parameters(spec)
    design = check_design(spec.design or schema.Design(), parameters, report)
    outcomes = outcome_names(report, ("outcomes",), spec.outcomes, metrics.NAMES) or metrics.NAMES
    timeseries = outcome_names(report, ("timeseries",), spec.timeseries, metrics.NAMES) or ()
    focus, failure = analysis(spec.analysis or schema.Analysis(), outcomes, report)
    if report.problems:
        raise InputError(report.problems)
    exp = Experiment(name=(spec.name or report.path.stem).strip(), bases=tuple(bases), parameters=tuple(parameters),
                     design=design, replicates=spec.replicates, seed=spec.seed, outcomes=outcomes,
                     timeseries=timeseries, description=spec.description.strip(), file=name, focus=focus,
                     failure=failure)
    runs = designs.count(exp) * exp.replicates
    if runs > MAX_RUNS:
        report.add(("design",), t("sweep.too_many_runs", runs=runs, limit=MAX_RUNS))
        raise InputError(report.problems)
    return exp


def read_shape(data: dict, report: Report) -> ExperimentFile | None:
    """The file as ``sweep.schema`` models, its problems reported; a section (or one parameter, one
    ``set`` value) with a problem is left out, so the checks that follow see only sound parts.
    None when even that is no experiment (the base scenarios are missing or unusable)."""
    try:
        return ExperimentFile.model_validate(data)
    except ValidationError as exc:
        report.shape(exc, data, ExperimentFile)
        sound = dict(data)
        for err in exc.errors(include_url=False):
            loc = err["loc"]
            if len(loc) > 1 and loc[0] in _BY_ITEM and isinstance(sound.get(loc[0]), dict):
                sound[loc[0]] = {k: v for k, v in sound[loc[0]].items() if k != loc[1]}
            elif loc:
                sound.pop(loc[0], None)
    try:
        return ExperimentFile.model_validate(sound)
    except ValidationError:
        return None


def read_bases(spec: ExperimentFile, report: Report) -> list[Base]:
    """The base scenarios, each loaded and validated (its problems at its own lines)."""
    out: list[Base] = []
    for i, ref in enumerate(spec.scenarios):
        where = report.item(("scenarios",), i)
        resolved, problem = referenced_file(report.path.parent, ref)
        if problem is not None:
            report.add(where, problem_of_reference(problem, ref, t("sweep.no_scenario_file", path=ref)))
            continue
        file = display_path(resolved)
        try:
            scenario = load_scenario(file)
        except InputError as exc:
            report.problems.extend(exc.problems)
            continue
        if any(b.name == scenario.name for b in out):
            report.add(where, t("sweep.duplicate_base", name=scenario.name))
            continue
        out.append(Base(scenario.name, str(file), scenario))
    return out


def fixed_values(bases: list[Base], values: dict, report: Report) -> list[Base]:
    """Apply ``set:`` (values every run shares) to every base and validate the result there."""
    if not values:
        return bases
    reader = ParameterReader(report, bases)
    ops, lines = [], []
    for key, value in values.items():
        op = reader.target_op(("set", key), key, value)
        if op is not None:
            ops.append(op)
            lines.append((op, report.line(("set", key))))
    if report.has(("set",)):
        return bases
    out = []
    for base in bases:
        data = apply_ops(base.scenario.model_dump(), ops)
        locs: Locations = {(): (report.name, report.line(("set",)))}
        for (how, target, _), line in lines:
            if how == "path":
                parts = parse_path(target)
                for depth in range(1, len(parts) + 1):
                    locs.setdefault(parts[:depth], (report.name, line))
                locs[parts] = (report.name, line)
        try:
            scenario = validate_tree(data, locs, report.name)
        except InputError as exc:
            report.in_base(exc.problems, base.name)
            continue
        out.append(Base(base.name, base.file, scenario))
    return out


# --------------------------------------------------------------------------- design, outcomes, analysis
def check_design(spec: schema.Design, params: list[Parameter], report: Report) -> Design:
    """The design, after checking that its method, size and the parameters it samples agree."""
    where = ("design",)
    if spec.method == "full_factorial" and spec.samples is not None:
        report.add(where + ("samples",), t("sweep.samples_unused"))
    elif spec.method != "full_factorial" and spec.samples is None:
        report.add(where, t("sweep.needs_samples", method=spec.method))
    elif spec.method == "sobol" and spec.samples & (spec.samples - 1):
        report.add(where + ("samples",), t("sweep.power_of_two", value=spec.samples))
    if spec.morris_levels % 2:
        report.add(where + ("morris_levels",), t("sweep.even", value=spec.morris_levels))
    d = Design(method=spec.method, samples=spec.samples, levels=spec.levels, levers=spec.levers,
               second_order=spec.second_order, morris_levels=spec.morris_levels)
    sampled = designs.sampled_parameters(d, params)
    if d.method in ("sobol", "morris") and not sampled:
        report.add(where + ("method",), t("sweep.nothing_sampled", method=d.method))
    if d.method == "sobol" and d.second_order and len(sampled) < 2:
        report.add(where + ("second_order",), t("sweep.second_order_needs_two"))
    return d


def outcome_names(report: Report, where: tuple, names, allowed: tuple[str, ...]) -> tuple[str, ...] | None:
    """``names`` (``all`` or a list) checked against ``allowed``: unknown or repeated ones are reported."""
    if names == "all":
        return allowed
    out: list[str] = []
    for i, item in enumerate(names):
        if item not in allowed:
            report.add(report.item(where, i), t("sweep.unknown_outcome", name=item) + did_you_mean(item, allowed))
        elif item in out:
            report.add(report.item(where, i), t("sweep.duplicate", value=item))
        else:
            out.append(item)
    return tuple(out)


def parse_condition(text: str, outcomes: tuple[str, ...]) -> Condition | str:
    """``"closed == 1"`` -> Condition, or why it is not one."""
    m = _CONDITION.match(text) if isinstance(text, str) else None
    if not m:
        return t("sweep.bad_condition", text=text, operators=" ".join(OPERATORS))
    outcome, op, value = m.group(1), m.group(2), float(m.group(3))
    if outcome not in outcomes:
        return t("sweep.unknown_outcome", name=outcome) + did_you_mean(outcome, outcomes)
    return Condition(outcome, op, value)


def analysis(spec: schema.Analysis, outcomes: tuple[str, ...], report: Report):
    """The outcomes the analysis dwells on and its failure conditions, checked against the kept outcomes."""
    where = ("analysis",)
    focus = default_focus(outcomes) if spec.outcomes is None else \
        outcome_names(report, where + ("outcomes",), spec.outcomes, outcomes)
    texts = spec.failure if spec.failure is not None else [DEFAULT_FAILURE] if "closed" in outcomes else []
    failure: list[Condition] = []
    for i, text in enumerate(texts):
        got = parse_condition(text, outcomes)
        if isinstance(got, str):
            report.add(report.item(where + ("failure",), i), got)
        else:
            failure.append(got)
    return focus, tuple(failure)


def default_focus(outcomes: tuple[str, ...]) -> tuple[str, ...]:
    """Outcomes the analysis draws when the file names none: the first eight with a direction."""
    directed = [o for o in outcomes if metrics.BY_NAME[o].direction != "info"]
    return tuple((directed or list(outcomes))[:8])
