"""Property tests: a mutated valid scenario is either valid or refused with located problems, never a crash.

Each shipped scenario is loaded (``extends`` merged) with ``load_tree``, mutated (a key deleted, a value
retyped, a key renamed with a typo, a number pushed out of range, garbage bytes put into the text),
written back, and loaded again through the public loader. Anything but success or ``InputError``
fails; so does a problem without a file, a line inside that file, a path or a message.
"""

from __future__ import annotations

import functools
import math
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import simcenter
from simcenter.config.loader import load_tree
from simcenter.config.problems import field_names
from simcenter.config.schema import Scenario
from simcenter.errors import InputError, format_path
from support import SCENARIOS, assert_no_traceback, clean_env, english, problem_lines, run_cli

SHIPPED = sorted(p for p in SCENARIOS.rglob("*.yaml") if not p.name.startswith("_"))  # "_x.yaml": a partial base
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: the same YAML, faster
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")  # what PyYAML counts as a new line
FREE_ID_SECTIONS = {("partners",), ("funding", "funders"), ("catalogue", "legal_forms"),
                    ("catalogue", "management_structures")}


@pytest.fixture(scope="module", autouse=True)
def _english():
    with english():
        yield


def test_there_are_shipped_scenarios_to_mutate():
    assert len(SHIPPED) >= 3
    assert any("extends" in p.read_text(encoding="utf-8") for p in SHIPPED)


@functools.cache
def trees() -> dict[str, dict]:
    """Every shipped scenario, merged: {file name: data}. (Not a fixture: hypothesis would print it.)"""
    return {str(p.relative_to(SCENARIOS)): load_tree(p)[0] for p in SHIPPED}


def test_shipped_scenarios_are_valid_before_mutation():
    for p in SHIPPED:
        simcenter.load_scenario(p)
    assert len(trees()) == len(SHIPPED)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A copy of the shipped scenarios, so that raw-text mutants keep a working ``extends``."""
    root = tmp_path_factory.mktemp("mutants")
    shutil.copytree(SCENARIOS, root / "scenarios")
    return root / "scenarios"


# --------------------------------------------------------------------------- helpers
def _walk(node, path=()):
    """Every (path, value) below ``node``: dict keys and list items."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield path + (k,), v
            yield from _walk(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield path + (i,), v
            yield from _walk(v, path + (i,))


def _copy(node):
    if isinstance(node, dict):
        return {k: _copy(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_copy(v) for v in node]
    return node


def _parent(data, path):
    node = data
    for part in path[:-1]:
        node = node[part]
    return node


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _yaml_lines(raw: bytes) -> int:
    return len(YAML_LINE_BREAK.split(raw.decode("utf-8", errors="replace")))


def check_outcome(path: Path) -> InputError | None:
    """Load ``path``: success, or InputError whose every problem is located inside an existing file."""
    try:
        simcenter.load_scenario(path)
    except InputError as exc:
        assert exc.problems, "InputError without problems"
        for p in exc.problems:
            note(str(p))
            assert isinstance(p.file, str) and p.file, p
            assert isinstance(p.line, int) and p.line >= 1, p
            assert isinstance(p.path, str), p
            assert p.message.strip(), p
            assert len(str(p).splitlines()) == 1, p
            where = Path(p.file)
            if where.is_file() and where.stat().st_size <= 1_000_000:
                assert p.line <= _yaml_lines(where.read_bytes()) + 1, f"line {p.line} is past the end of {where}"
        return exc
    return None


def key_line(text: str, path: tuple) -> int:
    """The line of the key (or list item) at ``path``, found by libyaml: an oracle independent of the loader."""
    node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    line = 1
    for part in path:
        if isinstance(node, yaml.MappingNode):
            key, node = next((k, v) for k, v in node.value if k.value == str(part))
            line = key.start_mark.line + 1
        else:
            node = node.value[part]
            line = node.start_mark.line + 1
    return line


def write_yaml(workdir: Path, data) -> Path:
    out = workdir / "mutant.yaml"
    out.write_text(yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


# --------------------------------------------------------------------------- strategies
OTHER_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.lists(st.integers(-5, 5), max_size=3),
    st.dictionaries(st.text("abc_", min_size=1, max_size=5), st.integers(), max_size=3),
)
BAD_NUMBERS = st.one_of(
    st.sampled_from([-1, -0.5, -1e9, 1.5, 2, 31, 99, 361, 1e12, 10**20, -10**20, 0, 1e308, -0.0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-10**30, max_value=10**30),
)


YAML_PUNCTUATION = list(":-[]{}&*!|>'\"#%@`,?~\t\n\r ") + ["\r\n", "\ufeff", "\u2028", "\x85", "\x00"]
JUNK = st.one_of(
    st.binary(min_size=1, max_size=12),  # mostly not UTF-8
    st.lists(st.sampled_from(YAML_PUNCTUATION) | st.characters(codec="utf-8"), min_size=1, max_size=12)
    .map(lambda parts: "".join(parts).encode()),
)


def typo(word: str, data: st.DataObject) -> str:
    """A realistic misspelling: a letter dropped, doubled, swapped, replaced, or the case changed."""
    kind = data.draw(st.sampled_from(["drop", "double", "swap", "replace", "upper", "plural"]), label="typo")
    i = data.draw(st.integers(0, max(len(word) - 1, 0)), label="at")
    if kind == "drop" and len(word) > 1:
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i:i + 1] * 2 + word[i + 1:]
    if kind == "swap" and len(word) > 1:
        i = min(i, len(word) - 2)
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "replace":
        return word[:i] + data.draw(st.sampled_from("aeiouxz_"), label="letter") + word[i + 1:]
    if kind == "upper":
        return word[:i] + word[i:].upper()
    return word + "s"


# --------------------------------------------------------------------------- data mutations
@FAST
@given(data=st.data())
def test_delete_a_key_or_item(workdir, data):
    name = data.draw(st.sampled_from(sorted(trees())), label="scenario")
    tree = _copy(trees()[name])
    path = data.draw(st.sampled_from([p for p, _ in _walk(tree)]), label="delete")
    parent = _parent(tree, path)
    del parent[path[-1]]
    check_outcome(write_yaml(workdir, tree))


@FAST
@given(data=st.data())
def test_retype_a_value(workdir, data):
    name = data.draw(st.sampled_from(sorted(trees())), label="scenario")
    tree = _copy(trees()[name])
    path = data.draw(st.sampled_from([p for p, _ in _walk(tree)]), label="retype")
    old = _parent(tree, path)[path[-1]]
    new = data.draw(OTHER_VALUES.filter(lambda v: type(v) is not type(old)), label="value")
    _parent(tree, path)[path[-1]] = new
    check_outcome(write_yaml(workdir, tree))


@FAST
@given(data=st.data())
def test_rename_a_key_with_a_typo(workdir, data):
    name = data.draw(st.sampled_from(sorted(trees())), label="scenario")
    tree = _copy(trees()[name])
    path = data.draw(st.sampled_from([p for p, _ in _walk(tree) if isinstance(p[-1], str)]), label="rename")
    parent = _parent(tree, path)
    new_key = typo(path[-1], data)
    assume(new_key and new_key != path[-1] and new_key not in parent)
    parent_items = list(parent.items())
    parent.clear()
    parent.update({(new_key if k == path[-1] else k): v for k, v in parent_items})
    mutant = write_yaml(workdir, tree)
    error = check_outcome(mutant)

    is_field = tuple(p for p in path[:-1] if isinstance(p, str))[-2:] not in FREE_ID_SECTIONS \
        and path[:-1] not in FREE_ID_SECTIONS
    if is_field and new_key not in field_names(Scenario, path[:-1]):
        # A misspelled field is always reported, on the very line of the misspelled key.
        assert error is not None, f"renaming {format_path(path)} to {new_key!r} was accepted"
        renamed = path[:-1] + (new_key,)
        hits = [p for p in error.problems if p.path == format_path(renamed)]
        assert hits, f"no problem at {format_path(renamed)}: {[str(p) for p in error.problems]}"
        line = key_line(mutant.read_text(encoding="utf-8"), renamed)
        assert all(p.line == line and Path(p.file) == mutant for p in hits), (line, hits)
        assert any(f"unknown field '{new_key}'" in p.message for p in hits), hits


@FAST
@given(data=st.data())
def test_numbers_out_of_range(workdir, data):
    name = data.draw(st.sampled_from(sorted(trees())), label="scenario")
    tree = _copy(trees()[name])
    numbers = [p for p, v in _walk(tree) if _is_number(v)]
    path = data.draw(st.sampled_from(numbers), label="number")
    value = data.draw(BAD_NUMBERS, label="value")
    _parent(tree, path)[path[-1]] = value
    mutant = write_yaml(workdir, tree)
    error = check_outcome(mutant)

    # Fields whose range the naming convention fixes must refuse a value outside it, at its own line.
    key = path[-1] if isinstance(path[-1], str) else ""
    out_of_range = (
        (key.startswith(("p_", "share_")) and not key.endswith("_months") and not 0 <= value <= 1)
        or (key.endswith("_eur") and value < 0)
        or (path == ("horizon", "years") and not 1 <= value <= 30)
        or (isinstance(value, float) and not math.isfinite(value))
    )
    if out_of_range:
        assert error is not None, f"{format_path(path)} = {value!r} was accepted"
        hits = [p for p in error.problems if p.path == format_path(path)]
        assert hits, f"no problem at {format_path(path)}: {[str(p) for p in error.problems]}"
        line = key_line(mutant.read_text(encoding="utf-8"), path)
        assert all(p.line == line for p in hits), (line, hits)


# --------------------------------------------------------------------------- raw-text mutations
@FAST
@given(data=st.data())
def test_garbage_bytes_in_the_text(workdir, data):
    original = data.draw(st.sampled_from(SHIPPED), label="scenario")
    raw = bytearray(original.read_bytes())
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        at = data.draw(st.integers(0, len(raw)), label="at")
        kind = data.draw(st.sampled_from(["insert", "overwrite", "truncate"]), label="kind")
        junk = data.draw(JUNK, label="bytes")
        if kind == "insert":
            raw[at:at] = junk
        elif kind == "overwrite":
            raw[at:at + len(junk)] = junk
        else:
            del raw[at:]
    # Next to the originals, so that `extends: base.yaml` still finds its base.
    mutant = workdir / original.relative_to(SCENARIOS).parent / "mutant-raw.yaml"
    mutant.write_bytes(bytes(raw))
    check_outcome(mutant)


# --------------------------------------------------------------------------- the real command
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_cli_on_mutants_exits_0_or_2_without_traceback(workdir, data):
    name = data.draw(st.sampled_from(sorted(trees())), label="scenario")
    tree = _copy(trees()[name])
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        paths = [p for p, _ in _walk(tree)]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        parent = _parent(tree, path)
        if data.draw(st.booleans(), label="delete"):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(st.one_of(OTHER_VALUES, BAD_NUMBERS), label="value")
    text = yaml.dump(tree, Dumper=DUMPER, sort_keys=False, allow_unicode=True).encode()
    if data.draw(st.booleans(), label="garbage"):
        at = data.draw(st.integers(0, len(text)), label="at")
        text = text[:at] + data.draw(JUNK, label="bytes") + text[at:]
    mutant = workdir / "cli-mutant.yaml"
    mutant.write_bytes(text)

    proc = run_cli("validate", str(mutant), env=clean_env())
    assert_no_traceback(proc)
    assert proc.returncode in (0, 2), (proc.returncode, proc.stderr)
    if proc.returncode == 2:
        lines = problem_lines(proc.stderr)
        assert lines
        for line in lines:
            assert re.match(r"^[^:\n]+:\d+: ", line), line
    else:
        assert proc.stdout.startswith("ok "), proc.stdout
