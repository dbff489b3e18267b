"""Scenario loading: YAML -> validated ``Scenario``, with ``extends``, ``--set`` and located errors.

Every problem found is reported at once as ``FILE:LINE: dotted.path: message`` through
``InputError``; nothing here prints or exits.
"""

from __future__ import annotations

import os
import typing
import warnings
from pathlib import Path

from pydantic import ValidationError

from simcenter.config.catalogue import Catalogue, builtin_catalogue
from simcenter.config.problems import did_you_mean, error_message, field_names, locate, validation_problems
from simcenter.config.schema import Center, Scenario
from simcenter.config.yamlsource import (Locations, load_mapping_text, os_problem, parse_value, read_text,
                                         regular_file_problem)
from simcenter.errors import InputError, InputWarning, Problem, format_path, parse_path
from simcenter.files import is_output_folder
from simcenter.i18n import t

SET_SOURCE = "--set"
MAX_EXTENDS_DEPTH = 20
Reader = typing.Callable[[typing.Union[str, os.PathLike]], str]
"""Reads one file's text, raising ``InputError`` with a located problem when it cannot."""


# --------------------------------------------------------------------------- public API
def load_scenario(path: str | os.PathLike, overrides: typing.Sequence[str] = (), *,
                  read: Reader = read_text) -> Scenario:
    """Load, merge (``extends``), override (``--set``) and validate one scenario file.

    ``read`` reads each file of the ``extends`` chain; the workshop app passes one that opens
    only the files it allows (``simcenter.ui.files``).

    Raises:
        InputError: with every problem found, each located by file, line and dotted path.
    """
    data, locs = load_tree(path, read=read)
    data, locs = apply_overrides(data, locs, overrides)
    return validate_tree(data, locs, str(path))


def scenario_from_dict(data: dict, name: str = "<dict>") -> Scenario:
    """Validate a scenario given as Python data (used by the app and by tests)."""
    return validate_tree(data, {(): (name, 1)}, name)


def find_scenario_files(paths: typing.Iterable[str | os.PathLike]) -> list[Path]:
    """Expand folders into the scenario files below them (``*.yaml``, ``*.yml``), sorted.

    A folder below holding simcenter's output marker (``files.OUTPUT_MARKER``: the results of a
    command, e.g. a comparison written inside the scenario folder, with its resolved scenarios) is
    passed by, with everything under it: results are not designs. A folder named itself is searched.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = []
            for top, folders, files in os.walk(p):
                folders[:] = [f for f in folders if not is_output_folder(os.path.join(top, f))]
                found += [Path(top) / f for f in files if Path(f).suffix in (".yaml", ".yml")]
            out.extend(sorted(q for q in found if q.is_file()))
        else:
            out.append(p)
    return out


def source_files(path: str | os.PathLike) -> list[Path]:
    """A scenario file and the files it ``extends``, one after the other, resolved: what a command
    reads (and so must never write over), as far as they can be read."""
    files: list[Path] = []
    current: Path | None = Path(path)
    while current is not None and len(files) <= MAX_EXTENDS_DEPTH:
        try:
            resolved = current.resolve()
            data, _ = load_mapping_text(read_text(current), str(current))
        except (InputError, OSError, ValueError, RuntimeError):
            break
        if resolved in files:
            break
        files.append(resolved)
        ref = data.get("extends") if isinstance(data, dict) else None
        if not isinstance(ref, str) or not ref.strip():
            break
        current, _ = referenced_file(current.parent, ref)
    return files


# --------------------------------------------------------------------------- extends
TITLES = ("title", "title_bg")
"""A design's display names: a file that extends another and names a design of its own does not inherit them."""


def load_tree(path: str | os.PathLike, _chain: tuple[Path, ...] = (), *,
              read: Reader = read_text) -> tuple[dict, Locations]:
    """Read a scenario file and the files it ``extends``, deep-merged (the extending file wins)."""
    name = str(path)
    data, locs = load_mapping_text(read(path), name)
    if "extends" not in data:
        return data, locs
    base_ref = data.pop("extends")
    ext_loc = locs.pop(("extends",))
    if not isinstance(base_ref, str) or not base_ref.strip():
        raise InputError([Problem(name, ext_loc[1], "extends", t("extends.not_a_path"))])
    base_path, problem = referenced_file(Path(path).parent, base_ref)
    if problem is not None:
        message = t("extends.is_dir", path=base_ref) if problem[0] == "folder" else \
            problem_of_reference(problem, base_ref, t("extends.missing", path=base_ref))
        raise InputError([Problem(name, ext_loc[1], "extends", message)])
    try:
        here = Path(path).resolve()
    except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: a loop of links made meanwhile
        raise InputError([Problem(name, ext_loc[1], "extends", os_problem(exc))]) from None
    chain = _chain + (here,)
    if base_path in chain:
        cycle = " -> ".join(p.name for p in chain[chain.index(base_path):] + (base_path,))
        raise InputError([Problem(name, ext_loc[1], "extends", t("extends.circular", cycle=cycle))])
    if len(chain) > MAX_EXTENDS_DEPTH:
        raise InputError([Problem(name, ext_loc[1], "extends", t("extends.too_deep", limit=MAX_EXTENDS_DEPTH))])
    base_data, base_locs = load_tree(display_path(base_path), chain, read=read)
    if "name" in data:  # another design: the base's display names are not its own
        for key in TITLES:
            if key not in data and base_data.pop(key, None) is not None:
                base_locs = {q: v for q, v in base_locs.items() if q[:1] != (key,)}
    data, locs = _merge(base_data, base_locs, data, locs)
    return leave_out_after_horizon(data, locs, name)


def referenced_file(folder: Path, ref: str) -> tuple[Path, None] | tuple[None, tuple[str, str]]:
    """The file ``ref`` names relative to ``folder`` (``extends:``, an experiment's scenarios), resolved;
    or, when it is no regular file, why (``yamlsource.regular_file_problem``).

    Checked before anything follows the name: a named pipe or a device would block the command or
    never end, and a loop of symbolic links cannot be resolved.
    """
    candidate = folder / ref
    problem = regular_file_problem(candidate)
    if problem is not None:
        return None, problem
    try:
        return candidate.resolve(), None
    except (OSError, ValueError, RuntimeError) as exc:  # RuntimeError: a loop of links made meanwhile
        return None, ("other", os_problem(exc))


def problem_of_reference(problem: tuple[str, str], ref: str, missing: str) -> str:
    """The message for a file named by another that cannot be read; ``missing``: the message when
    it does not exist (each kind of reference says where names are relative to)."""
    reason, what = problem
    return missing if reason == "missing" else t("file.named", path=ref, problem=what)


def display_path(path: Path) -> Path:
    """A path as users should read it: relative to the working folder when below it."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


def _merge(base: dict, base_locs: Locations, over: dict, over_locs: Locations) -> tuple[dict, Locations]:
    """Deep-merge ``over`` onto ``base``: mappings merge key by key, anything else is replaced.

    ``key: null`` over an inherited mapping removes it (e.g. a funder the base file lists).
    """
    locs = dict(base_locs)

    def merge(b: dict, o: dict, path: tuple) -> dict:
        out = dict(b)
        for key, value in o.items():
            p = path + (key,)
            if value is None and isinstance(out.get(key), dict):
                del out[key]
                for stale in [q for q in locs if q[: len(p)] == p]:
                    del locs[stale]
                locs[p] = over_locs[p]  # "required field is missing" then points at the `key: null` line
                continue
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = merge(out[key], value, p)
                locs[p] = over_locs[p]
            else:
                for stale in [q for q in locs if q[: len(p)] == p]:
                    del locs[stale]
                locs.update({q: v for q, v in over_locs.items() if q[: len(p)] == p})
                out[key] = value
        return out

    return merge(base, over, ()), locs


# --------------------------------------------------------------------------- --set
def apply_overrides(data: dict, locs: Locations, overrides: typing.Sequence[str]) -> tuple[dict, Locations]:
    """Apply ``dotted.key=value`` overrides; values are read as YAML (``3``, ``true``, ``[1, 2]``)."""
    problems: list[Problem] = []
    data = deep_copy(data)
    locs = dict(locs)
    for i, item in enumerate(overrides, start=1):
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key or any(not part for part in key.split(".")):
            problems.append(Problem(SET_SOURCE, i, key, t("set.malformed", item=item)))
            continue
        parts = parse_path(key)
        try:
            value = parse_value(raw, SET_SOURCE, key)
        except InputError as exc:
            problems.extend(Problem(SET_SOURCE, i, key, p.message) for p in exc.problems)
            continue
        blocked = set_path(data, parts, value)
        if blocked is not None:
            problems.append(Problem(SET_SOURCE, i, key, t("set.not_a_section", section=format_path(blocked))))
            continue
        for stale in [q for q in locs if q[: len(parts)] == parts]:
            del locs[stale]
        for depth in range(1, len(parts) + 1):
            locs.setdefault(parts[:depth], (SET_SOURCE, i))
        locs[parts] = (SET_SOURCE, i)
    if problems:
        raise InputError(problems)
    return leave_out_after_horizon(data, locs, SET_SOURCE)


def set_path(data, parts: tuple, value) -> tuple | None:
    """Set ``value`` at ``parts`` (keys and list indices) of the data tree ``data``, making missing
    mappings on the way; return None, or the path that is no section to go through (then nothing
    is set). The one way every dotted path is applied: ``--set``, levers, plan actions, sweeps."""
    node = data
    for depth, part in enumerate(parts[:-1]):
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(node, dict):
            node = node.setdefault(part, {})
        else:
            return parts[: depth + 1]
    last = parts[-1]
    if isinstance(node, dict) or (isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node)):
        node[last] = value
        return None
    return parts[:-1]


def deep_copy(node):
    if isinstance(node, dict):
        return {k: deep_copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [deep_copy(v) for v in node]
    return node


# --------------------------------------------------------------------------- validation
def validate_tree(data: dict, locs: Locations, name: str) -> Scenario:
    """Validate merged scenario data, reporting schema and reference problems together."""
    problems: list[Problem] = []
    scenario = None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, data, locs, Scenario))
    catalogue = builtin_catalogue()
    extra = data.get("catalogue") if isinstance(data.get("catalogue"), dict) else {}
    references = _reference_problems(data, locs, catalogue, extra)
    # A plan `set` value checked against its target field ("expected a whole number") replaces the
    # schema's generic complaint about the same value ("expected a number").
    specific = {(p.file, p.line, p.path) for p in references if p.path.endswith(".value")}
    problems = [p for p in problems if (p.file, p.line, p.path) not in specific] + references
    if problems:
        raise InputError(problems)
    assert scenario is not None
    return scenario.model_copy(update={"catalogue": catalogue.merged(scenario.catalogue)})


def leave_out_after_horizon(data: dict, locs: Locations, layer: str) -> tuple[dict, Locations]:
    """Where ``layer`` (a file that extends others, or ``--set``) sets the horizon, leave out the plan
    actions that earlier layers dated after it, with a warning (``InputWarning``).

    A shorter horizon only cuts the run short: the months simulated are the same with or without
    those actions. An action written in ``layer`` itself, or later, is kept, and validation refuses
    it: whoever wrote it knew the horizon, so a month after it is a mistake, not a cut.
    """
    horizon = data.get("horizon")
    plan = data.get("plan")
    if not isinstance(horizon, dict) or not isinstance(plan, list):
        return data, locs
    years = horizon.get("years")
    where = locate(("horizon", "years"), locs)
    if where[0] != layer or not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 30:
        return data, locs
    keep, cut = [], []
    for i, action in enumerate(plan):
        month = action.get("month") if isinstance(action, dict) else None
        late = isinstance(month, int) and not isinstance(month, bool) and month >= years * 12
        if late and locate(("plan", i, "month"), locs)[0] != layer:
            cut.append((locate(("plan", i, "month"), locs), month))
        else:
            keep.append(i)
    if not cut:
        return data, locs
    for file in dict.fromkeys(f for (f, _), _ in cut):
        months = [str(m) for (f, _), m in cut if f == file]
        warnings.warn(InputWarning(Problem(where[0], where[1], "horizon.years", t(
            "reference.plan_cut", months=years * 12, n=len(months), file=file, list=", ".join(months)))),
            stacklevel=2)
    data = {**data, "plan": [plan[i] for i in keep]}
    moved: Locations = {k: v for k, v in locs.items() if not (len(k) >= 2 and k[0] == "plan" and isinstance(k[1], int))}
    for new, old in enumerate(keep):
        for k, v in locs.items():
            if len(k) >= 2 and k[0] == "plan" and k[1] == old:
                moved[("plan", new) + k[2:]] = v
    return data, moved


def _reference_problems(data: dict, locs: Locations, catalogue: Catalogue, extra: dict) -> list[Problem]:
    """Check names that refer to other things: legal forms, structures, funders, partners, months."""
    problems: list[Problem] = []

    def add(path: tuple, message: str) -> None:
        file, line = locate(path, locs)
        problems.append(Problem(file, line, format_path(path), message))

    forms = set(catalogue.legal_forms) | set(_keys(extra.get("legal_forms")))
    structures = set(catalogue.management_structures) | set(_keys(extra.get("management_structures")))
    center = data.get("center") if isinstance(data.get("center"), dict) else {}
    for field, known in (("legal_form", forms), ("management", structures)):
        value = center.get(field)
        if isinstance(value, str) and value and value not in known:
            add(("center", field), t(f"reference.unknown.{field}", value=value) + did_you_mean(value, known))

    funding = data.get("funding") if isinstance(data.get("funding"), dict) else {}
    funders = funding.get("funders") if isinstance(funding.get("funders"), dict) else {}
    starting = funding.get("starting_grants") if isinstance(funding.get("starting_grants"), list) else []
    for i, grant in enumerate(starting):
        fid = grant.get("funder") if isinstance(grant, dict) else None
        if isinstance(fid, str) and fid and fid not in funders:
            add(("funding", "starting_grants", i, "funder"),
                t("reference.unknown.funder", value=fid) + did_you_mean(fid, funders))
    partners = data.get("partners") if isinstance(data.get("partners"), dict) else {}
    # A section of the wrong type is reported once by the schema; do not also call every reference to it unknown.
    checked = {"funder": isinstance(funding.get("funders", {}), dict) and isinstance(data.get("funding", {}), dict),
               "partner": isinstance(data.get("partners", {}), dict)}
    horizon = data.get("horizon") if isinstance(data.get("horizon"), dict) else {}
    years = horizon.get("years")
    months = years * 12 if isinstance(years, int) and not isinstance(years, bool) and 1 <= years <= 30 else None
    plan = data.get("plan") if isinstance(data.get("plan"), list) else []
    running_center = deep_copy(center)  # the centre as the plan's sets leave it, in the order they take effect
    for i in sorted(range(len(plan)), key=lambda i: _plan_month(plan[i])):
        action = plan[i]
        if isinstance(action, dict) and action.get("action") == "set" and isinstance(action.get("field"), str):
            found, running_center = _check_set_action(i, action, running_center, locs)
            problems.extend(found)
    for i, action in enumerate(plan):
        if not isinstance(action, dict):
            continue
        for key, known in (("funder", funders), ("partner", partners)):
            value = action.get(key)
            if checked[key] and isinstance(value, str) and value and value not in known:
                add(("plan", i, key), t(f"reference.unknown.{key}", value=value) + did_you_mean(value, known))
        month = action.get("month")
        if months is not None and isinstance(month, int) and not isinstance(month, bool) and month >= months:
            message = t("reference.after_horizon", month=month, months=months, last=months - 1)
            horizon_at = locate(("horizon", "years"), locs)
            if horizon_at[0] != locate(("plan", i, "month"), locs)[0]:  # say where the horizon comes from
                message += t("reference.horizon_at", where=f"{horizon_at[0]}:{horizon_at[1]}")
            add(("plan", i, "month"), message)
    return problems


def _plan_month(action) -> int:
    month = action.get("month") if isinstance(action, dict) else None
    return month if isinstance(month, int) and not isinstance(month, bool) else 0


def _check_set_action(i: int, action: dict, center: dict, locs: Locations) -> tuple[list[Problem], dict]:
    """A plan's ``set`` must name an existing field of ``center`` and give it a value valid with
    the centre as the earlier sets leave it (``center``): the problems, and the centre after it
    (unchanged if it is refused). An error on the field or on a section holding it counts (the
    staff cap is a rule of ``staff``); errors elsewhere are the starting centre's, reported once."""
    parts = tuple(action["field"].split("."))
    names = field_names(Center, parts[:-1])
    if parts[-1] not in names or any(not p for p in parts):
        file, line = locate(("plan", i, "field"), locs)
        prefix = ".".join(parts[:-1]) + "." if len(parts) > 1 else ""
        msg = t("reference.unknown.center_field", value=action["field"]) + did_you_mean(
            action["field"], [prefix + n for n in names]
        )
        return [Problem(file, line, format_path(("plan", i, "field")), msg)], center
    trial = deep_copy(center)
    node = trial
    for part in parts[:-1]:
        node = node.setdefault(part, {}) if isinstance(node, dict) else {}
    if isinstance(node, dict):
        node[parts[-1]] = action.get("value")
    try:
        Center.model_validate(trial)
    except ValidationError as exc:
        out = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            if loc[: len(parts)] == parts or (loc and parts[: len(loc)] == loc):
                file, line = locate(("plan", i, "value"), locs)
                out.append(Problem(file, line, format_path(("plan", i, "value")), error_message(err, ("center",) + loc, Scenario)))
        return out, (center if out else trial)
    return [], trial


def _keys(node) -> list[str]:
    return list(node) if isinstance(node, dict) else []
