"""An experiment: base scenarios, levers and uncertainties, a design, replicates, outcomes.

EMA Workbench's vocabulary: *levers* are what a planner chooses (legal form, structure,
staff, fees, a plan), *uncertainties* what the world does (success rates, behaviour);
*outcomes* carry a direction. The experiment is plain data: it is stored with the results
(as JSON), hashed to refuse mixing the results of two experiments in one folder, and
rebuilt from the store for analysis.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field, replace
from typing import Literal

import numpy as np

from simcenter.config.schema import Scenario
from simcenter.i18n import t
from simcenter.sweep.targets import Op

Role = Literal["lever", "uncertainty"]
Kind = Literal["categorical", "real", "integer"]
How = Literal["base", "lever", "path", "overlay"]

METHODS = ("full_factorial", "latin_hypercube", "sobol", "morris")
DISTRIBUTIONS = ("uniform", "loguniform", "triangular", "normal")
OPERATORS = ("==", "!=", "<=", ">=", "<", ">")
BASE_PARAMETER = "base_scenario"
"""The categorical lever that chooses among several base scenarios."""
RESERVED = {"point", "replicate", "seed", "status", "error", "seconds", "combo", "unit", "month"}
"""Column names of the results store that a parameter may not take."""
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Parameter:
    """One lever or uncertainty: its target, its values or distribution, and its column name."""

    name: str
    role: Role
    how: How
    target: str
    kind: Kind
    values: tuple = ()
    low: float | None = None
    high: float | None = None
    distribution: str = "uniform"
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    levels: int | None = None
    overlays: tuple = ()  # ((label, data), ...) for a files lever
    line: int = field(default=0, compare=False)

    # ------------------------------------------------------------------ unit cube -> value
    def value_at(self, u: float):
        """The value at quantile ``u`` in [0, 1] of this parameter's distribution."""
        u = min(max(float(u), 0.0), 1.0)
        if self.kind == "categorical":
            return self.values[min(int(u * len(self.values)), len(self.values) - 1)]
        lo, hi = float(self.low), float(self.high)  # type: ignore[arg-type]
        if self.kind == "integer" and self.distribution == "uniform":
            n = int(hi) - int(lo) + 1
            return int(lo) + min(int(u * n), n - 1)
        if self.distribution == "uniform":
            x = lo + u * (hi - lo)
        elif self.distribution == "loguniform":
            x = math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo)))
        elif self.distribution == "triangular":
            from scipy import stats

            x = float(stats.triang.ppf(u, c=(self.mode - lo) / (hi - lo), loc=lo, scale=hi - lo))
        else:  # normal, truncated to [low, high]
            from scipy import stats

            a, b = (lo - self.mean) / self.sd, (hi - self.mean) / self.sd
            x = float(stats.truncnorm.ppf(u, a, b, loc=self.mean, scale=self.sd))
        x = min(max(x, lo), hi)
        return int(round(x)) if self.kind == "integer" else float(x)

    def grid(self, default_levels: int) -> list:
        """The values a full-factorial design crosses: every category, or evenly spread levels."""
        if self.kind == "categorical":
            return list(self.values)
        k = self.levels or default_levels
        if self.kind == "integer" and self.distribution == "uniform" and int(self.high) - int(self.low) + 1 <= k:
            return list(range(int(self.low), int(self.high) + 1))
        if self.distribution == "uniform":
            if self.kind == "integer":  # evenly spread whole numbers, both ends included
                span = self.high - self.low
                return sorted({int(math.floor(self.low + span * i / (k - 1) + 0.5)) for i in range(k)})
            us = [i / (k - 1) for i in range(k)]
        else:  # a distribution: its quantiles at the middle of k equal-probability bins
            us = [(i + 0.5) / k for i in range(k)]
        out = []
        for u in us:
            v = self.value_at(u)
            if v not in out:
                out.append(v)
        return out

    def op(self, value) -> Op | None:
        """The scenario change that sets this parameter to ``value`` (None: chooses the base)."""
        if self.how == "base":
            return None
        if self.how == "overlay":
            return ("overlay", self.target, dict(self.overlays)[value])
        return (self.how, self.target, value)

    @property
    def sql_type(self) -> str:
        """Column type in the results store."""
        if self.kind == "integer":
            return "BIGINT"
        if self.kind == "real":
            return "DOUBLE"
        vals = self.values
        if all(isinstance(v, bool) for v in vals):
            return "BOOLEAN"
        if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
            return "BIGINT"
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            return "DOUBLE"
        return "VARCHAR"

    def stored(self, value):
        """``value`` as the store keeps it (text for mixed categories)."""
        return str(value) if self.sql_type == "VARCHAR" else value

    def describe(self) -> str:
        """One line for humans: ``legal_form in {association, foundation}``, ``x ~ uniform(0.1, 0.3)``."""
        if self.kind == "categorical":
            return f"{self.name} in {{{', '.join(map(str, self.values))}}}"
        if self.distribution == "uniform":
            whole = t("sweep.whole_numbers_note") if self.kind == "integer" else ""
            return f"{self.name} in [{self.low:g}, {self.high:g}]{whole}"
        if self.distribution == "triangular":
            extra = f", mode {self.mode:g}"
        elif self.distribution == "normal":
            extra = f", mean {self.mean:g}, sd {self.sd:g}"
        else:
            extra = ""
        return f"{self.name} ~ {self.distribution}({self.low:g}, {self.high:g}{extra})"

    def to_json(self) -> dict:
        out = asdict(self)
        out.pop("line")
        out["values"] = list(self.values)
        out["overlays"] = [[label, data] for label, data in self.overlays]
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Parameter":
        data = dict(data)
        data["values"] = tuple(data.get("values", ()))
        data["overlays"] = tuple((label, body) for label, body in data.get("overlays", ()))
        return cls(**data)


@dataclass(frozen=True)
class Design:
    """How points are drawn: a method, its size, and how levers enter."""

    method: str = "latin_hypercube"
    samples: int | None = None  # LHS: points; Sobol: base samples N; Morris: trajectories
    levels: int = 3  # full factorial: levels of a numeric range
    levers: Literal["sample", "full_factorial"] = "sample"
    second_order: bool = False  # Sobol: second-order indices too
    morris_levels: int = 4


@dataclass(frozen=True)
class Condition:
    """A failure condition on one outcome's final value, e.g. ``closed == 1``."""

    outcome: str
    op: str
    value: float

    def holds(self, values: np.ndarray) -> np.ndarray:
        """Where the condition holds (an empty value, NaN, never fails)."""
        v = np.asarray(values, dtype=float)
        with np.errstate(invalid="ignore"):
            out = {"==": v == self.value, "!=": v != self.value, "<=": v <= self.value,
                   ">=": v >= self.value, "<": v < self.value, ">": v > self.value}[self.op]
        return out & ~np.isnan(v)

    def __str__(self) -> str:
        return f"{self.outcome} {self.op} {self.value:g}"


@dataclass(frozen=True)
class Base:
    """A base scenario of the experiment (after the experiment's fixed ``set`` values)."""

    name: str
    file: str
    scenario: Scenario


@dataclass(frozen=True)
class Experiment:
    """Everything that decides a sweep's runs, plus how to analyse them."""

    name: str
    bases: tuple[Base, ...]
    parameters: tuple[Parameter, ...]
    design: Design
    replicates: int = 1
    seed: int = 1
    outcomes: tuple[str, ...] = ()
    timeseries: tuple[str, ...] = ()
    description: str = ""
    file: str = ""
    focus: tuple[str, ...] = ()  # outcomes the analysis dwells on (figures)
    failure: tuple[Condition, ...] = ()

    @property
    def levers(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.role == "lever")

    @property
    def uncertainties(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.role == "uncertainty")

    def base_for(self, values: dict) -> Base:
        """The base scenario a point uses."""
        if len(self.bases) == 1:
            return self.bases[0]
        name = values[BASE_PARAMETER]
        return next(b for b in self.bases if b.name == name)

    def ops_for(self, values: dict) -> tuple[Op, ...]:
        """The scenario changes of a point, in the order the parameters are declared."""
        return tuple(op for p in self.parameters if (op := p.op(values[p.name])) is not None)

    # ------------------------------------------------------------------ identity
    def resolved(self) -> dict:
        """What decides the runs' results, as plain data: the hash covers exactly this."""
        return {
            "format": FORMAT_VERSION,
            "bases": [{"name": b.name, "scenario": b.scenario.model_dump(mode="json")} for b in self.bases],
            "parameters": [p.to_json() for p in self.parameters],
            "design": asdict(self.design),
            "replicates": self.replicates,
            "seed": self.seed,
            "outcomes": list(self.outcomes),
            "timeseries": list(self.timeseries),
        }

    def hash(self) -> str:
        """A short fingerprint of ``resolved()``."""
        text = json.dumps(self.resolved(), sort_keys=True, ensure_ascii=True, allow_nan=False, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def to_json(self) -> dict:
        """Everything, for the store (the analysis settings included)."""
        out = self.resolved()
        out["bases"] = [{"name": b.name, "file": b.file, "scenario": b.scenario.model_dump(mode="json")}
                        for b in self.bases]
        out.update(name=self.name, description=self.description, file=self.file, focus=list(self.focus),
                   failure=[asdict(c) for c in self.failure])
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Experiment":
        from simcenter.config.loader import scenario_from_dict

        bases = tuple(Base(b["name"], b.get("file", ""), scenario_from_dict(b["scenario"], name=b["name"]))
                      for b in data["bases"])
        return cls(
            name=data["name"], bases=bases,
            parameters=tuple(Parameter.from_json(p) for p in data["parameters"]),
            design=Design(**data["design"]), replicates=data["replicates"], seed=data["seed"],
            outcomes=tuple(data["outcomes"]), timeseries=tuple(data["timeseries"]),
            description=data.get("description", ""), file=data.get("file", ""),
            focus=tuple(data.get("focus", ())), failure=tuple(Condition(**c) for c in data.get("failure", ())),
        )

    def with_analysis(self, focus: tuple[str, ...] | None = None,
                      failure: tuple[Condition, ...] | None = None) -> "Experiment":
        """The same experiment analysed differently (results unchanged)."""
        return replace(self, focus=self.focus if focus is None else focus,
                       failure=self.failure if failure is None else failure)
