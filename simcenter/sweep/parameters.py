"""An experiment's levers and uncertainties as ``Parameter``s, checked against the base scenarios.

``sweep.schema`` has checked each parameter's shape; here each target is checked against every
base scenario ("did you mean"), and every value a parameter can take (each category, both ends of
a range, a value inside it) is applied to each base scenario and validated there, any problem
reported at the line of the experiment file that gives the value. A field of whole numbers is swept
over whole numbers. Every problem names the parameter by the file's own dotted path
(``uncertainties.funding.funders.hrdp_social_economy.p_success.range``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from simcenter import metrics
from simcenter.config.levers import lever_problem
from simcenter.config.loader import (display_path, load_tree, problem_of_reference, referenced_file,
                                      validate_tree)
from simcenter.errors import InputError, Problem
from simcenter.i18n import t
from simcenter.sweep.experiment import BASE_PARAMETER, RESERVED, Base, Parameter
from simcenter.sweep.reading import Report
from simcenter.sweep.schema import ExperimentFile, Files, Range, Values
from simcenter.sweep.targets import Op, apply_ops, check_path, declared_range, is_lever

SECTIONS = (("lever", "levers"), ("uncertainty", "uncertainties"))
"""Each role and the section of the file that declares it."""
NEEDS = {"uniform": (), "loguniform": (), "triangular": ("mode",), "normal": ("mean", "sd")}
"""What each distribution needs besides the range."""


class ParameterReader:
    """Turns the ``levers:`` and ``uncertainties:`` of one file into parameters (and ``set:`` into operations)."""

    def __init__(self, report: Report, bases: list[Base]):
        self.report, self.bases = report, bases

    def target_op(self, where: tuple, target: str, value) -> Op | None:
        """The operation setting ``target``, after checking it names a lever or a field of every base."""
        if is_lever(target):
            return ("lever", target, value)
        for base in self.bases:
            why = check_path(base.scenario.model_dump(), target)
            if why:
                self.report.add(where, why)
                return None
        return ("path", target, value)

    # ------------------------------------------------------------------ parameters
    def parameters(self, spec: ExperimentFile) -> list[Parameter]:
        """Every parameter of the file, in its order (``base_scenario`` first when there are several bases)."""
        params: list[Parameter] = []
        if len(self.bases) > 1:
            params.append(Parameter(name=BASE_PARAMETER, role="lever", how="base", target="", kind="categorical",
                                    values=tuple(b.name for b in self.bases), line=self.report.line(("scenarios",))))
        for role, section in SECTIONS:
            for key, item in (getattr(spec, section) or {}).items():
                p = self.parameter(role, (section, key), key, item)
                if p is not None:
                    params.append(p)
        return self.named(params)

    def parameter(self, role, where: tuple, key: str, item: Values | Range | Files) -> Parameter | None:
        line = self.report.line(where)
        if isinstance(item, Files):
            return self.files(role, where, key, item, line)
        op = self.target_op(where, key, None)
        if op is None:
            return None
        if isinstance(item, Values):
            return self.categorical(role, where, key, op[0], item, line)
        return self.numeric(role, where, key, op[0], item, line)

    def categorical(self, role, where: tuple, key: str, how, item: Values, line: int) -> Parameter | None:
        vwhere = where + ("values",) if where + ("values",) in self.report.locs else where  # a plain list
        values = item.values
        dup = [i for i, v in enumerate(values) if any(v == w and type(v) is type(w) for w in values[:i])]
        for i in dup:
            self.report.add(vwhere + (i,), t("sweep.duplicate", value=values[i]))
        if dup:
            return None
        p = Parameter(name=item.name or "", role=role, how=how, target=key, kind="categorical",
                      values=tuple(values), line=line)
        for i, v in enumerate(values):
            self.check_value(p, v, vwhere + (i,))
        return p

    def numeric(self, role, where: tuple, key: str, how, item: Range, line: int) -> Parameter | None:
        rwhere = where + ("range",)
        if item.range == "declared":
            span = None if how == "lever" else declared_range(key)
            if span is None:
                self.report.add(rwhere, t("sweep.no_declared_range", target=key))
                return None
            lo, hi = span
        else:
            lo, hi = item.range
        self.distribution(where, item, lo, hi)
        if item.distribution == "loguniform" and lo <= 0:
            self.report.add(rwhere, t("sweep.loguniform_positive"))
        if self.report.has(where):
            return None
        whole = float(lo).is_integer() and float(hi).is_integer()
        if item.integer and not whole:
            self.report.add(rwhere, t("sweep.integer_bounds"))
            return None
        extra = {k: float(v) for k in ("mode", "mean", "sd") if (v := getattr(item, k)) is not None}
        p = Parameter(name=item.name or "", role=role, how=how, target=key, kind="real", low=float(lo),
                      high=float(hi), distribution=item.distribution, levels=item.levels, line=line, **extra)
        # A field that takes whole numbers refuses a fraction but takes the nearest whole number.
        probe = lo + (hi - lo) * 0.5 + (0.25 if whole else 0.0)
        takes_whole = bool(self.invalid(p.op(probe))) and not self.invalid(p.op(int(round(probe))))
        if takes_whole and not whole:
            self.report.add(rwhere, t("sweep.whole_numbers", target=key))
            return None
        if item.integer or (item.integer is None and takes_whole):
            p = replace(p, kind="integer")
        before = len(self.report.problems)
        for value in (lo, hi):
            self.check_value(p, int(value) if p.kind == "integer" else value, rwhere)
        if p.kind == "real" and len(self.report.problems) == before:  # a value inside the range too
            self.check_value(p, p.low + (p.high - p.low) * 0.5, rwhere)
        return p

    def distribution(self, where: tuple, item: Range, lo: float, hi: float) -> None:
        """Check that the distribution has what it needs (a mode within the range, a mean and sd), no more."""
        needed = NEEDS[item.distribution]
        for key in ("mode", "mean", "sd"):
            if getattr(item, key) is not None and key not in needed:
                self.report.add(where + (key,), t("sweep.not_for_distribution", key=key,
                                                  distribution=item.distribution))
        missing = [key for key in needed if getattr(item, key) is None]
        if missing:
            self.report.add(where, t("sweep.needs", distribution=item.distribution, keys=", ".join(missing)))
        if "mode" in needed and item.mode is not None and not lo <= item.mode <= hi:
            self.report.add(where + ("mode",), t("sweep.outside_range", key="mode", lo=lo, hi=hi))

    def files(self, role, where: tuple, key: str, item: Files, line: int) -> Parameter | None:
        fwhere = where + ("files",)
        overlays = []
        for i, ref in enumerate(item.files):
            resolved, problem = referenced_file(self.report.path.parent, ref)
            if problem is not None:
                self.report.add(fwhere + (i,), problem_of_reference(problem, ref, t("sweep.no_scenario_file", path=ref)))
                continue
            file = display_path(resolved)
            try:
                body, locs = load_tree(file)
            except InputError as exc:
                self.report.problems.extend(exc.problems)
                continue
            label = file.stem
            if any(label == other for other, _ in overlays):
                self.report.add(fwhere + (i,), t("sweep.duplicate", value=label))
                continue
            overlays.append((label, body))
            for base in self.bases:  # a partial file is validated where it is merged: errors at its own lines
                data = apply_ops(base.scenario.model_dump(), [("overlay", key, body)])
                try:
                    validate_tree(data, {(): (str(file), 1), **locs}, str(file))
                except InputError as exc:
                    self.report.in_base(exc.problems, base.name)
        if len(overlays) != len(item.files):
            return None
        return Parameter(name=item.name or key, role=role, how="overlay", target=key, kind="categorical",
                         values=tuple(label for label, _ in overlays), overlays=tuple(overlays), line=line)

    # ------------------------------------------------------------------ values applied to the bases
    def invalid(self, op: Op) -> list[tuple[Base, Problem]]:
        """The problems ``op`` causes in each base scenario (empty: valid everywhere)."""
        out = []
        for base in self.bases:
            try:
                data = apply_ops(base.scenario.model_dump(), [op])
                validate_tree(data, {(): ("<value>", 1)}, "<value>")
            except InputError as exc:
                out.extend((base, p) for p in exc.problems)
            except (TypeError, ValueError, KeyError, ZeroDivisionError) as exc:  # a lever refusing the value
                out.append((base, Problem("<value>", 1, "", f"{type(exc).__name__}: {exc}")))
        return out

    def check_value(self, p: Parameter, value, where: tuple) -> None:
        """Apply one value of ``p`` to every base scenario; report what it makes invalid at ``where``."""
        if p.how == "base":
            return
        if p.how == "lever" and (problem := lever_problem(p.target, value)) is not None:
            self.report.add(where, problem)
            return
        seen = set()
        for base, problem in self.invalid(p.op(value)):
            msg = t("sweep.value_invalid", value=repr(value), base=base.name,
                    path=problem.path or "(root)", message=problem.message)
            if msg not in seen:
                seen.add(msg)
                self.report.add(where, msg)

    # ------------------------------------------------------------------ column names
    def named(self, params: list[Parameter]) -> list[Parameter]:
        """Give every parameter a column name: its own, or the shortest unique tail of its target."""
        targets = [p.target.split(".") for p in params]
        out: list[Parameter] = []
        for p, parts in zip(params, targets):
            if p.name:
                out.append(p)
                continue
            name = "_".join(parts)
            for k in range(1, len(parts) + 1):
                tail = parts[-k:]
                clash = [q for q in targets if q is not parts and q[-k:] == tail]
                if not clash and "_".join(tail).isidentifier():
                    name = "_".join(tail)
                    break
            if not name.isidentifier():
                name = "p_" + re.sub(r"\W", "_", name)
            out.append(replace(p, name=name))
        seen: dict[str, Parameter] = {}
        for p in out:
            where = (dict(SECTIONS)[p.role], p.target)
            if p.name in RESERVED or p.name in metrics.NAMES:
                self.report.add(where, t("sweep.reserved_name", name=p.name), line=p.line)
            elif p.name in seen:
                self.report.add(where, t("sweep.duplicate_name", name=p.name, line=seen[p.name].line), line=p.line)
            seen.setdefault(p.name, p)
        return out
