"""Reading an experiment's levers and uncertainties: targets, values, ranges, distributions, files.

Every value a parameter can take is applied to each base scenario and validated there (each
category, both ends of a range, a value inside it), and any problem is reported at the line of
the experiment file that gives the value. A field of whole numbers is swept over whole numbers.
"""

from __future__ import annotations

import re
from dataclasses import replace

from simcenter import metrics
from simcenter.config.loader import (display_path, load_tree, problem_of_reference, referenced_file,
                                      validate_tree)
from simcenter.errors import InputError, Problem, format_path
from simcenter.i18n import t
from simcenter.config.levers import lever_problem
from simcenter.sweep.experiment import BASE_PARAMETER, DISTRIBUTIONS, RESERVED, Base, Parameter
from simcenter.sweep.reading import Reader
from simcenter.sweep.targets import apply_ops, check_path, closest, declared_range, is_lever

SPEC_KEYS = ("values", "range", "files", "integer", "distribution", "mode", "mean", "sd", "levels", "name")


class ParameterReader(Reader):
    """Reads the ``levers:`` and ``uncertainties:`` sections (and ``set:`` targets)."""

    def target_op(self, where: tuple, target: str, value, bases: list[Base]):
        """The operation setting ``target``, after checking it names a lever or a field of every base."""
        if is_lever(target):
            return ("lever", target, value)
        for base in bases:
            why = check_path(base.scenario.model_dump(), target)
            if why:
                self.add(where, why)
                return None
        return ("path", target, value)

    # ------------------------------------------------------------------ parameters
    def parameters(self, bases: list[Base]) -> list[Parameter]:
        params: list[Parameter] = []
        if len(bases) > 1:
            params.append(Parameter(name=BASE_PARAMETER, role="lever", how="base", target="",
                                    kind="categorical", values=tuple(b.name for b in bases),
                                    line=self.line(("scenarios",))))
        for role, section in (("lever", "levers"), ("uncertainty", "uncertainties")):
            node = self.mapping((section,), self.data.get(section))
            for key, spec in node.items():
                p = self.parameter(role, (section, key), str(key), spec, bases)
                if p is not None:
                    params.append(p)
        return self.named(params)

    def parameter(self, role, where: tuple, key: str, spec, bases: list[Base]) -> Parameter | None:
        if isinstance(spec, list):
            spec = {"values": spec}
            shorthand = True
        else:
            shorthand = False
        if not isinstance(spec, dict):
            self.add(where, t("sweep.bad_spec"))
            return None
        self.unknown_keys(spec, where, SPEC_KEYS)
        given = [k for k in ("values", "range", "files") if k in spec]
        if len(given) != 1:
            self.add(where, t("sweep.one_of", keys="values, range, files") if given else t("sweep.bad_spec"))
            return None
        explicit_name = spec.get("name")
        if explicit_name is not None and not (isinstance(explicit_name, str) and explicit_name.isidentifier()):
            self.add(where + ("name",), t("sweep.bad_name", name=explicit_name))
        line = self.line(where)
        if "files" in spec:
            return self.files_parameter(role, where, key, spec, bases, explicit_name or key, line)
        op = self.target_op(where, key, None, bases)
        if op is None:
            return None
        how = op[0]
        if "values" in spec:
            vwhere = where if shorthand else where + ("values",)
            values = spec["values"]
            if not isinstance(values, list) or not values:
                self.add(vwhere, t("sweep.expected", what=t("sweep.value_list")))
                return None
            bad = [i for i, v in enumerate(values) if isinstance(v, (dict, list)) or v is None]
            for i in bad:
                self.add(vwhere + (i,), t("sweep.expected", what=t("sweep.a_plain_value")))
            dup = [i for i, v in enumerate(values) if any(v == w and type(v) is type(w) for w in values[:i])]
            for i in dup:
                self.add(vwhere + (i,), t("sweep.duplicate", value=values[i]))
            if bad or dup:
                return None
            p = Parameter(name=explicit_name or "", role=role, how=how, target=key, kind="categorical",
                          values=tuple(values), line=line)
            for i, v in enumerate(values):
                self.check_value(p, v, vwhere + (i,), bases)
            return p
        return self.numeric_parameter(role, where, key, how, spec, bases, explicit_name, line)

    def numeric_parameter(self, role, where, key, how, spec, bases, explicit_name, line) -> Parameter | None:
        rng = spec["range"]
        rwhere = where + ("range",)
        if rng == "declared":
            span = None if how == "lever" else declared_range(key)
            if span is None:
                self.add(rwhere, t("sweep.no_declared_range", target=key))
                return None
            lo, hi = span
        elif isinstance(rng, list) and len(rng) == 2:
            lo, hi = self.number(rwhere + (0,), rng[0]), self.number(rwhere + (1,), rng[1])
            if lo is None or hi is None:
                return None
            if not lo < hi:
                self.add(rwhere, t("sweep.range_order", lo=lo, hi=hi))
                return None
        else:
            self.add(rwhere, t("sweep.expected", what=t("sweep.a_range")))
            return None
        dist = spec.get("distribution", "uniform")
        if dist not in DISTRIBUTIONS:
            hint = closest(str(dist), DISTRIBUTIONS)
            message = t("validation.choice", value=repr(dist), choices=", ".join(DISTRIBUTIONS))
            hint_text = t("validation.did_you_mean", suggestion=hint) if hint else ""
            self.add(where + ("distribution",), message + hint_text)
            return None
        extra: dict = {}
        for k in ("mode", "mean", "sd"):
            if k in spec:
                needed = {"triangular": ("mode",), "normal": ("mean", "sd")}.get(dist, ())
                if k not in needed:
                    self.add(where + (k,), t("sweep.not_for_distribution", key=k, distribution=dist))
                    continue
                extra[k] = self.number(where + (k,), spec[k])
        if dist == "triangular":
            if "mode" not in spec:
                self.add(where, t("sweep.needs", distribution=dist, keys="mode"))
            elif extra.get("mode") is not None and not lo <= extra["mode"] <= hi:
                self.add(where + ("mode",), t("sweep.outside_range", key="mode", lo=lo, hi=hi))
        if dist == "normal":
            missing = [k for k in ("mean", "sd") if k not in spec]
            if missing:
                self.add(where, t("sweep.needs", distribution=dist, keys=", ".join(missing)))
            elif extra.get("sd") is not None and extra["sd"] <= 0:
                self.add(where + ("sd",), t("sweep.positive", key="sd"))
        if dist == "loguniform" and lo <= 0:
            self.add(rwhere, t("sweep.loguniform_positive"))
        levels = None
        if "levels" in spec:
            levels = self.integer(where + ("levels",), spec["levels"], 2, 1000)
        integer = spec.get("integer")
        if integer is not None and not isinstance(integer, bool):
            self.add(where + ("integer",), t("sweep.expected", what=t("sweep.true_or_false")))
            integer = None
        if any(p.path.startswith(format_path(where)) for p in self.problems):
            return None
        whole = float(lo).is_integer() and float(hi).is_integer()
        if integer and not whole:
            self.add(rwhere, t("sweep.integer_bounds"))
            return None
        p = Parameter(name=explicit_name or "", role=role, how=how, target=key, kind="real",
                      low=float(lo), high=float(hi), distribution=dist, levels=levels, line=line,
                      **{k: float(v) for k, v in extra.items() if v is not None})
        # A field that takes whole numbers refuses a fraction but takes the nearest whole number.
        probe = lo + (hi - lo) * 0.5 + (0.25 if whole else 0.0)
        takes_whole = bool(self.invalid(p.op(probe), bases)) and not self.invalid(p.op(int(round(probe))), bases)
        if takes_whole and not whole:
            self.add(rwhere, t("sweep.whole_numbers", target=key))
            return None
        if integer or (integer is None and takes_whole):
            p = replace(p, kind="integer")
        before = len(self.problems)
        for value in (lo, hi):
            self.check_value(p, int(value) if p.kind == "integer" else value, rwhere, bases)
        if p.kind == "real" and len(self.problems) == before:  # a value inside the range too
            self.check_value(p, p.low + (p.high - p.low) * 0.5, rwhere, bases)
        return p

    def files_parameter(self, role, where, key, spec, bases, name, line) -> Parameter | None:
        files = spec["files"]
        fwhere = where + ("files",)
        if not isinstance(files, list) or len(files) < 1 or not all(isinstance(f, str) and f.strip() for f in files):
            self.add(fwhere, t("sweep.expected", what=t("sweep.scenario_files")))
            return None
        overlays = []
        for i, ref in enumerate(files):
            resolved, problem = referenced_file(self.path.parent, ref)
            if problem is not None:
                self.add(fwhere + (i,), problem_of_reference(problem, ref, t("sweep.no_scenario_file", path=ref)))
                continue
            file = display_path(resolved)
            try:
                body, locs = load_tree(file)
            except InputError as exc:
                self.problems.extend(exc.problems)
                continue
            label = file.stem
            if any(label == other for other, _ in overlays):
                self.add(fwhere + (i,), t("sweep.duplicate", value=label))
                continue
            overlays.append((label, body))
            for base in bases:  # a partial file is validated where it is merged: errors at its own lines
                data = apply_ops(base.scenario.model_dump(), [("overlay", key, body)])
                try:
                    validate_tree(data, {(): (str(file), 1), **locs}, str(file))
                except InputError as exc:
                    for p in exc.problems:
                        self.problems.append(Problem(p.file, p.line, p.path,
                                                     t("sweep.in_base", base=base.name, message=p.message)))
        if len(overlays) != len(files):
            return None
        return Parameter(name=name, role=role, how="overlay", target=key, kind="categorical",
                         values=tuple(label for label, _ in overlays), overlays=tuple(overlays), line=line)

    def invalid(self, op, bases: list[Base]) -> list[tuple[Base, Problem]]:
        """The problems ``op`` causes in each base scenario (empty: valid everywhere)."""
        out = []
        for base in bases:
            try:
                data = apply_ops(base.scenario.model_dump(), [op])
                validate_tree(data, {(): ("<value>", 1)}, "<value>")
            except InputError as exc:
                out.extend((base, p) for p in exc.problems)
            except (TypeError, ValueError, KeyError, ZeroDivisionError) as exc:  # a lever refusing the value
                out.append((base, Problem("<value>", 1, "", f"{type(exc).__name__}: {exc}")))
        return out

    def check_value(self, p: Parameter, value, where: tuple, bases: list[Base]) -> None:
        if p.how == "base":
            return
        if p.how == "lever" and (problem := lever_problem(p.target, value)) is not None:
            self.add(where, problem)
            return
        seen = set()
        for base, problem in self.invalid(p.op(value), [b for b in bases]):
            msg = t("sweep.value_invalid", value=repr(value), base=base.name,
                    path=problem.path or "(root)", message=problem.message)
            if msg not in seen:
                seen.add(msg)
                self.add(where, msg)

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
            where = ("levers" if p.role == "lever" else "uncertainties", p.target)
            if p.name in RESERVED or p.name in metrics.NAMES:
                self.add(where, t("sweep.reserved_name", name=p.name), line=p.line)
            elif p.name in seen:
                self.add(where, t("sweep.duplicate_name", name=p.name, line=seen[p.name].line), line=p.line)
            seen.setdefault(p.name, p)
        return out
