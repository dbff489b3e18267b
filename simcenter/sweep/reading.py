"""Reading located YAML data: typed values with every problem collected, FILE:LINE: path: message."""

from __future__ import annotations

import math
from pathlib import Path

from simcenter.config.loader import locate
from simcenter.config.yamlsource import Locations
from simcenter.errors import Problem, format_path
from simcenter.i18n import t
from simcenter.sweep.targets import closest


class Reader:
    """Checks values of a parsed file against expectations, recording each problem at its line."""

    def __init__(self, path: Path, name: str, data: dict, locs: Locations):
        self.path, self.name, self.data, self.locs = path, name, data, locs
        self.problems: list[Problem] = []

    def line(self, where: tuple) -> int:
        return locate(where, self.locs)[1]

    def add(self, where: tuple, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.name, line or self.line(where), format_path(where), message))

    def unknown_keys(self, node: dict, where: tuple, allowed: tuple[str, ...]) -> None:
        for key in node:
            if key not in allowed:
                hint = closest(str(key), allowed)
                self.add(where + (key,), t("validation.unknown_key", key=key)
                         + (t("validation.did_you_mean", suggestion=hint) if hint else f" ({', '.join(allowed)})"))

    def mapping(self, where: tuple, node, required: bool = False) -> dict:
        if node is None and not required:
            return {}
        if not isinstance(node, dict):
            self.add(where, t("validation.missing") if node is None else t("sweep.expected", what=t("sweep.a_mapping")))
            return {}
        return node

    def integer(self, where: tuple, value, lo: int, hi: int) -> int | None:
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(where, t("sweep.expected", what=t("sweep.a_whole_number")) + f", got {value!r}")
            return None
        if not lo <= value <= hi:
            self.add(where, t("sweep.between", lo=lo, hi=hi, value=value))
            return None
        return value

    def number(self, where: tuple, value) -> float | None:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            self.add(where, t("sweep.expected", what=t("sweep.a_number")) + f", got {value!r}")
            return None
        return value

    def outcome_names(self, where: tuple, value, allowed: tuple[str, ...], allow_all: bool) -> tuple[str, ...] | None:
        if allow_all and value == "all":
            return allowed
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value:
            self.add(where, t("sweep.expected", what=t("sweep.outcome_list")))
            return None
        out: list[str] = []
        for i, item in enumerate(value):
            if item not in allowed:
                hint = closest(str(item), allowed)
                self.add(where + (i,), t("sweep.unknown_outcome", name=item)
                         + (t("validation.did_you_mean", suggestion=hint) if hint else ""))
            elif item in out:
                self.add(where + (i,), t("sweep.duplicate", value=item))
            else:
                out.append(item)
        return tuple(out)
