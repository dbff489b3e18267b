"""Experiment files: YAML -> validated ``Experiment``, every problem as ``FILE:LINE: path: message``.

Validated like scenarios: unknown keys and misspelled names get a "did you mean", every dotted
path is checked against the base scenarios, and every value a parameter can take (each
category, both ends of a range) is applied to each base scenario and validated there, the
problem reported at the experiment file's line. Nothing here prints or exits.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from simcenter import metrics
from simcenter.config.loader import (display_path, load_scenario, problem_of_reference, referenced_file,
                                      validate_tree)
from simcenter.config.yamlsource import Locations, load_mapping_text, read_text
from simcenter.errors import InputError, Problem, parse_path
from simcenter.i18n import t
from simcenter.sweep import design as designs
from simcenter.sweep.experiment import METHODS, OPERATORS, Base, Condition, Design, Experiment, Parameter
from simcenter.sweep.parameters import ParameterReader
from simcenter.sweep.targets import apply_ops, closest

TOP_KEYS = ("name", "description", "scenarios", "set", "levers", "uncertainties", "design", "replicates", "seed",
            "outcomes", "timeseries", "analysis")
DESIGN_KEYS = ("method", "samples", "levels", "levers", "second_order", "morris_levels")
ANALYSIS_KEYS = ("outcomes", "failure")
MAX_RUNS = 10_000_000
"""More runs than this is a mistake in the design (a factorial over too many levels)."""
DEFAULT_FAILURE = "insolvent == 1"
_CONDITION = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=|<=|>=|<|>)\s*"
                        r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


def load_experiment(path: str | os.PathLike) -> Experiment:
    """Load and validate an experiment file.

    Raises:
        InputError: with every problem found, each located by file, line and dotted path.
    """
    name = str(path)
    data, locs = load_mapping_text(read_text(path), name)
    return _Reader(Path(path), name, data, locs).experiment()


def parse_condition(text: str, outcomes: tuple[str, ...]) -> Condition | str:
    """``"insolvent == 1"`` -> Condition, or why it is not one."""
    m = _CONDITION.match(text) if isinstance(text, str) else None
    if not m:
        return t("sweep.bad_condition", text=text, operators=" ".join(OPERATORS))
    outcome, op, value = m.group(1), m.group(2), float(m.group(3))
    if outcome not in outcomes:
        hint = closest(outcome, outcomes)
        return t("sweep.unknown_outcome", name=outcome) + (
            t("validation.did_you_mean", suggestion=hint) if hint else "")
    return Condition(outcome, op, value)


class _Reader(ParameterReader):
    """Reads one experiment file, collecting every problem before giving up."""

    # ------------------------------------------------------------------ the file
    def experiment(self) -> Experiment:
        data = self.data
        self.unknown_keys(data, (), TOP_KEYS)
        name = data.get("name", self.path.stem)
        if not isinstance(name, str) or not name.strip():
            self.add(("name",), t("sweep.expected", what=t("sweep.a_name")))
            name = self.path.stem
        description = data.get("description", "")
        if not isinstance(description, str):
            self.add(("description",), t("sweep.expected", what=t("sweep.text")))
            description = ""
        bases = self.bases(data.get("scenarios"))
        if not bases:
            raise InputError(self.problems)
        bases = self.fixed_values(bases, self.mapping(("set",), data.get("set")))
        parameters = self.parameters(bases)
        design = self.design(self.mapping(("design",), data.get("design")), parameters)
        replicates = self.integer(("replicates",), data.get("replicates", 1), 1, 100_000) or 1
        seed = self.integer(("seed",), data.get("seed", 1), 0, 2**63 - 1)
        outcomes = self.outcome_names(("outcomes",), data.get("outcomes", "all"), metrics.NAMES, True) or metrics.NAMES
        timeseries = self.timeseries(data.get("timeseries", False))
        focus, failure = self.analysis(self.mapping(("analysis",), data.get("analysis")), outcomes)
        if self.problems:
            raise InputError(self.problems)
        exp = Experiment(name=name.strip(), bases=tuple(bases), parameters=tuple(parameters), design=design,
                         replicates=replicates, seed=seed if seed is not None else 1, outcomes=outcomes,
                         timeseries=timeseries, description=description.strip(), file=self.name, focus=focus,
                         failure=failure)
        runs = designs.count(exp) * exp.replicates
        if runs > MAX_RUNS:
            self.add(("design",), t("sweep.too_many_runs", runs=runs, limit=MAX_RUNS))
            raise InputError(self.problems)
        return exp

    def bases(self, node) -> list[Base]:
        where = ("scenarios",)
        if node is None:
            self.add(where, t("validation.missing"))
            return []
        refs = [node] if isinstance(node, str) else node
        if not isinstance(refs, list) or not refs or not all(isinstance(r, str) and r.strip() for r in refs):
            self.add(where, t("sweep.expected", what=t("sweep.scenario_files")))
            return []
        out: list[Base] = []
        for i, ref in enumerate(refs):
            item = where + (i,) if isinstance(node, list) else where
            resolved, problem = referenced_file(self.path.parent, ref)
            if problem is not None:
                self.add(item, problem_of_reference(problem, ref, t("sweep.no_scenario_file", path=ref)))
                continue
            file = display_path(resolved)
            try:
                scenario = load_scenario(file)
            except InputError as exc:
                self.problems.extend(exc.problems)
                continue
            if any(b.name == scenario.name for b in out):
                self.add(item, t("sweep.duplicate_base", name=scenario.name))
                continue
            out.append(Base(scenario.name, str(file), scenario))
        return out

    def fixed_values(self, bases: list[Base], node: dict) -> list[Base]:
        """Apply ``set:`` (values every run shares) to every base and validate the result."""
        if not node:
            return bases
        ops, lines = [], []
        for key, value in node.items():
            where = ("set", key)
            op = self.target_op(where, str(key), value, bases)
            if op is not None:
                ops.append(op)
                lines.append((op, self.line(where)))
        if self.problems:
            return bases
        out = []
        for base in bases:
            data = apply_ops(base.scenario.model_dump(), ops)
            locs: Locations = {(): (self.name, self.line(("set",)))}
            for (how, target, _), line in lines:
                if how == "path":
                    parts = parse_path(target)
                    for depth in range(1, len(parts) + 1):
                        locs.setdefault(parts[:depth], (self.name, line))
                    locs[parts] = (self.name, line)
            try:
                scenario = validate_tree(data, locs, self.name)
            except InputError as exc:
                for p in exc.problems:
                    self.problems.append(Problem(p.file, p.line, p.path,
                                                 t("sweep.in_base", base=base.name, message=p.message)))
                continue
            out.append(Base(base.name, base.file, scenario))
        return out

    # ------------------------------------------------------------------ design, outcomes, analysis
    def design(self, node: dict, params: list[Parameter]) -> Design:
        where = ("design",)
        self.unknown_keys(node, where, DESIGN_KEYS)
        method = node.get("method", "full_factorial")
        if method not in METHODS:
            hint = closest(str(method), METHODS)
            self.add(where + ("method",), t("validation.choice", value=repr(method), choices=", ".join(METHODS))
                     + (t("validation.did_you_mean", suggestion=hint) if hint else ""))
            return Design(method="full_factorial")
        levers = node.get("levers", "sample")
        if levers not in ("sample", "full_factorial"):
            self.add(where + ("levers",), t("validation.choice", value=repr(levers), choices="sample, full_factorial"))
            levers = "sample"
        samples = None
        if method != "full_factorial":
            if "samples" not in node:
                self.add(where, t("sweep.needs_samples", method=method))
            else:
                samples = self.integer(where + ("samples",), node["samples"], 1, 1_000_000)
                if method == "sobol" and samples and samples & (samples - 1):
                    self.add(where + ("samples",), t("sweep.power_of_two", value=samples))
        elif "samples" in node:
            self.add(where + ("samples",), t("sweep.samples_unused"))
        levels = self.integer(where + ("levels",), node.get("levels", 3), 2, 1000) or 3
        second = node.get("second_order", False)
        if not isinstance(second, bool):
            self.add(where + ("second_order",), t("sweep.expected", what=t("sweep.true_or_false")))
            second = False
        morris_levels = self.integer(where + ("morris_levels",), node.get("morris_levels", 4), 2, 100) or 4
        if morris_levels % 2:
            self.add(where + ("morris_levels",), t("sweep.even", value=morris_levels))
        d = Design(method=method, samples=samples, levels=levels, levers=levers, second_order=second,
                   morris_levels=morris_levels)
        sampled = designs.sampled_parameters(d, params)
        if method in ("sobol", "morris") and not sampled:
            self.add(where + ("method",), t("sweep.nothing_sampled", method=method))
        if method == "sobol" and second and len(sampled) < 2:
            self.add(where + ("second_order",), t("sweep.second_order_needs_two"))
        return d

    def timeseries(self, node) -> tuple[str, ...]:
        if node is False or node is None:
            return ()
        if node is True:
            return metrics.NAMES
        return self.outcome_names(("timeseries",), node, metrics.NAMES, True) or ()

    def analysis(self, node: dict, outcomes: tuple[str, ...]):
        where = ("analysis",)
        self.unknown_keys(node, where, ANALYSIS_KEYS)
        focus = self.outcome_names(where + ("outcomes",), node["outcomes"], outcomes, False) if "outcomes" in node \
            else default_focus(outcomes)
        failure: list[Condition] = []
        raw = node.get("failure", DEFAULT_FAILURE if "insolvent" in outcomes else [])
        items = [raw] if isinstance(raw, str) else raw
        if not isinstance(items, list):
            self.add(where + ("failure",), t("sweep.bad_condition", text=raw, operators=" ".join(OPERATORS)))
            items = []
        for i, text in enumerate(items):
            got = parse_condition(text, outcomes)
            if isinstance(got, str):
                self.add(where + ("failure",) + ((i,) if isinstance(raw, list) else ()), got)
            else:
                failure.append(got)
        return focus or (), tuple(failure)


def default_focus(outcomes: tuple[str, ...]) -> tuple[str, ...]:
    """Outcomes the analysis draws when the file names none: the first eight with a direction."""
    directed = [o for o in outcomes if metrics.BY_NAME[o].direction != "info"]
    return tuple((directed or list(outcomes))[:8])
