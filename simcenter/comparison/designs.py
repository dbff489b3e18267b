"""The designs of a comparison: scenario files loaded and checked together."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from simcenter.config.levers import apply_levers
from simcenter.config.loader import find_scenario_files, load_scenario, load_tree
from simcenter.config.schema import Scenario
from simcenter.errors import InputError, Problem
from simcenter.i18n import format_date, t


@dataclass
class Design:
    """One scenario taking part in a comparison."""

    name: str
    file: str
    scenario: Scenario


def load_designs(paths: Sequence[str | os.PathLike], overrides: Sequence[str] = ()) -> tuple[list[Design], list[str]]:
    """Load every scenario; refuse the lot if any is invalid or two share a name.

    Returns the designs and warnings (e.g. horizons cut to the shortest one).
    """
    files = find_scenario_files(paths)
    if not files:
        raise InputError([Problem(str(p), 1, "", t("cli.no_files", paths=p)) for p in paths])
    problems: list[Problem] = []
    designs: list[Design] = []
    for f in files:
        try:
            designs.append(Design(name="", file=str(f), scenario=load_scenario(f, overrides)))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    seen: dict[str, str] = {}
    for d in designs:
        d.name = d.scenario.name
        if d.name in seen:
            problems.append(Problem(d.file, _name_line(d.file), "name",
                                    t("compare.duplicate_name", name=d.name, other=seen[d.name])))
        seen.setdefault(d.name, d.file)
    if problems:
        raise InputError(problems)
    notes = []
    years = {d.scenario.horizon.years for d in designs}
    if len(years) > 1:
        common = min(years)
        notes.append(t("compare.horizon_cut", years=common, found=", ".join(map(str, sorted(years)))))
        for d in designs:
            d.scenario = apply_levers(d.scenario, {"years": common})
    starts = {d.scenario.horizon.start for d in designs}
    if len(starts) > 1:
        notes.append(t("compare.start_differs", starts=", ".join(format_date(s) for s in sorted(starts))))
    return designs, notes


def _name_line(file: str) -> int:
    try:
        _, locs = load_tree(file)
        return locs.get(("name",), (file, 1))[1]
    except InputError:
        return 1


def default_baseline(designs: Sequence[Design]) -> str:
    """The design the others are compared with when none is named: the one in a file named
    ``base.yaml`` (the file a folder's designs extend), else the first design given."""
    for d in designs:
        if Path(d.file).name == "base.yaml":
            return d.name
    return designs[0].name
