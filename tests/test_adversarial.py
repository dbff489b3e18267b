"""The adversarial corpus: what a hostile tester gives the CLI, and the answer each must get.

The promise (README, "Exit codes and bad input"): bad input or environment is exit 2 with one
line per problem, ``FILE:LINE: dotted.path: message``, at once and never a traceback; exit 1 only
for bugs. Each class of case here failed on the code before issue 16 (an internal error, a hang,
exit 0 on nonsense, a silently wrong result); the module docstring of each section says how.

Cases that could block (named pipes) or must show the real process (exit code, no traceback) run
``python -m simcenter`` in a subprocess with a timeout, so that a regression fails instead of
hanging the suite; the many report-folder and store cases run the same ``main()`` in-process.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import stat
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from simcenter.cli.main import main
from simcenter.errors import InputError

from support import BASE, PLOVDIV, PROBLEM_RE, REPO, assert_no_traceback, english, run_cli

CORPUS = REPO / "tests" / "adversarial"
SCENARIOS = CORPUS / "scenarios"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
TIMEOUT = 60  # seconds: a case that blocks fails instead of hanging the suite
SMALL = ["--set", "horizon.years=1", "--set", "region.n_potential=300"]


@pytest.fixture(autouse=True)
def _english():
    with english():
        yield


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """``simcenter ARGS`` in this process: exit code, stdout, stderr."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_problem_lines(err: str, file: str | Path, *fragments: str) -> None:
    """Every stderr line is a problem line; one names ``file`` and contains each fragment."""
    lines = [line for line in err.splitlines() if not line.startswith("Sweep '")]
    assert lines, "nothing on stderr"
    for line in lines:
        assert PROBLEM_RE.match(line), f"not FILE:LINE: path: message: {line!r}"
        assert "internal error" not in line and "Traceback" not in line, line
    named = [line for line in lines if line.startswith(f"{file}:")]
    assert named, f"no line names {file}:\n{err}"
    for fragment in fragments:
        assert any(fragment in line for line in named), f"{fragment!r} not in:\n{err}"


# =========================================================================== shared results
@pytest.fixture(scope="module")
def comparison(tmp_path_factory) -> Path:
    """One small real comparison: two designs, three replicates, one year, 300 people."""
    out = tmp_path_factory.mktemp("adversarial") / "cmp"
    proc = subprocess.run([sys.executable, "-m", "simcenter", "compare", str(BASE), str(PLOVDIV / "cooperative.yaml"),
                           "--reps", "3", *SMALL, "--workers", "1", "--out", str(out)],
                          capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def sweep(tmp_path_factory) -> Path:
    """One small real sweep: two points, two replicates, one year."""
    root = tmp_path_factory.mktemp("adversarial-sweep")
    exp = root / "tiny.yaml"
    exp.write_text(f"""name: tiny
scenarios: {BASE}
set:
  horizon.years: 1
  region.n_potential: 200
levers:
  n_mentors: [1, 2]
replicates: 2
seed: 3
outcomes: [closed, served, cash_eur]
timeseries: [cash_eur]
""", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "simcenter", "sweep", str(exp), "--out", str(root / "sw"),
                           "--workers", "1"], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return root / "sw"


# =========================================================================== special files
# Before: a named pipe as a scenario or as `extends:` blocked forever; a symlink loop as `extends:`
# or as an experiment's scenario was an internal error (RuntimeError, exit 1).
def _special(kind: str, where: Path) -> Path:
    """Make a special file ``kind`` at ``where`` (for /dev/null-like devices: a link to one)."""
    if kind == "fifo":
        os.mkfifo(where)
    elif kind == "folder":
        where.mkdir()
    elif kind == "loop":
        os.symlink(where.name + ".other", where)
        os.symlink(where.name, where.parent / (where.name + ".other"))
    elif kind == "device":
        os.symlink("/dev/null", where)
    return where


KIND_MESSAGE = {"fifo": "is a named pipe, not a regular file", "folder": "is a folder",
                "loop": "symbolic links form a loop here", "device": "is a device, not a regular file"}
SPECIAL = [k for k in KIND_MESSAGE if not (k == "fifo" and not hasattr(os, "mkfifo"))]


@pytest.mark.parametrize("kind", SPECIAL)
@pytest.mark.parametrize("role", ["scenario", "extends"])
def test_special_file_as_scenario_or_base(tmp_path, kind, role):
    """validate: a special file as the scenario named, or as its `extends:`, is one line, at once."""
    special = _special(kind, tmp_path / "special.yaml")
    if role == "scenario":
        target, named, path = special, special, "(root)"
        if kind == "folder":  # validate searches a folder; run takes one file
            args = ("run", str(special), "--reps", "1")
        else:
            args = ("validate", str(special))
    else:
        target = tmp_path / "child.yaml"
        target.write_text("extends: special.yaml\nname: child\n", encoding="utf-8")
        named, path, args = target, "extends", ("validate", str(target))
    start = time.monotonic()
    proc = run_cli(*args, timeout=TIMEOUT)
    assert proc.returncode == 2, proc.stderr
    assert_no_traceback(proc)
    assert time.monotonic() - start < TIMEOUT / 2
    lines = [line for line in proc.stderr.splitlines() if PROBLEM_RE.match(line)]
    assert any(line.startswith(f"{named}:1: {path}: ") and KIND_MESSAGE[kind] in line for line in lines), proc.stderr


@pytest.mark.parametrize("kind", ["fifo", "loop"])
def test_special_file_as_an_experiments_scenario(tmp_path, kind):
    _special(kind, tmp_path / "special.yaml")
    exp = tmp_path / "exp.yaml"
    exp.write_text("name: e\nscenarios: special.yaml\nlevers:\n  n_mentors: [1, 2]\nreplicates: 1\n", encoding="utf-8")
    proc = run_cli("sweep", str(exp), "--check", timeout=TIMEOUT)
    assert proc.returncode == 2, proc.stderr
    assert_no_traceback(proc)
    assert f"{exp}:2: scenarios: 'special.yaml': {KIND_MESSAGE[kind]}" in proc.stderr


def test_compare_with_a_base_that_is_a_fifo(tmp_path):
    _special("fifo", tmp_path / "base.yaml")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nname: child\n", encoding="utf-8")
    proc = run_cli("compare", str(child), str(BASE), "--reps", "1", "--out", str(tmp_path / "out"), timeout=TIMEOUT)
    assert proc.returncode == 2, proc.stderr
    assert f"{child}:1: extends: 'base.yaml': is a named pipe" in proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("name", ["kpis.csv", "comparison.json"])
def test_report_with_a_fifo_in_the_folder(comparison, tmp_path, name):
    """Before: `simcenter report` blocked forever reading a named pipe."""
    folder = tmp_path / "cmp"
    shutil.copytree(comparison, folder)
    (folder / name).unlink()
    _special("fifo", folder / name)
    proc = run_cli("report", str(folder), timeout=TIMEOUT)
    assert proc.returncode == 2, proc.stderr
    assert f"{folder / name}:1: (root): is a named pipe, not a regular file" in proc.stderr


# =========================================================================== the YAML corpus
# Before: `1e5` was text; a child's action after the base's horizon vanished without a word, and
# the message for one in the same file read '0..24-1'; names reached the terminal raw.
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_scenario_corpus(name, capsys, monkeypatch):
    """Each file of tests/adversarial/scenarios: exit code, exact problem lines, values read."""
    want = EXPECTED[name]
    monkeypatch.chdir(SCENARIOS)
    code, out, err = cli(capsys, "validate", name)
    assert code == want["exit"], err
    base = str(BASE.resolve())
    for line in want.get("err", []):
        assert line.replace("{base}", base) in err.splitlines(), err
    for fragment in want.get("out", []):
        assert fragment in out, out
    for text in (out, err):
        assert "\x1b" not in text and "\u202e" not in text, text
    if "values" in want:
        from simcenter import load_scenario

        sc = load_scenario(SCENARIOS / name)
        for dotted, value in want["values"].items():
            got = sc
            for part in dotted.split("."):
                got = getattr(got, part)
            assert got == value and type(got) is type(value), (dotted, got)


@pytest.mark.parametrize("sets, line", [
    (["plan.²=1"], "--set:1: plan.²: 'plan' is a value, not a section"),
    (["plan.0.month=200"], "--set:1: plan[0].month: month 200 is after the horizon (120 months: 0..119); "
                           "the horizon is set at {base}:9"),
    (["horizon.years=2", "plan.0.month=30"], "--set:2: plan[0].month: month 30 is after the horizon (24 months: 0..23)"),
    (["center.starting_cash_eur=.nan"], "--set:1: center.starting_cash_eur: must be a finite number"),
    (["region.new_ideas_per_month=1e400"], "--set:1: region.new_ideas_per_month: must be a finite number"),
    (["center.staff.n_mentors=1e2"], "--set:1: center.staff.n_mentors: expected a whole number, got a number 100.0"),
])
def test_bad_set_values(sets, line, capsys):
    """Before: `plan.²` was an internal error (int('²')), a month past the file's horizon was dropped."""
    args = [a for s in sets for a in ("--set", s)]
    code, _, err = cli(capsys, "validate", str(BASE), *args)
    assert code == 2, err
    assert line.replace("{base}", str(BASE)) in err.splitlines(), err


def test_set_reads_exponents_as_numbers():
    from simcenter import load_scenario

    sc = load_scenario(BASE, ["center.starting_cash_eur=2.5e6", "behaviour.capability_gain_per_hour=1E-3"])
    assert sc.center.starting_cash_eur == 2_500_000.0 and sc.behaviour.capability_gain_per_hour == 0.001


def test_set_shorter_horizon_warns_about_the_actions_it_cuts(capsys):
    code, out, err = cli(capsys, "validate", str(BASE), "--set", "horizon.years=1")
    assert code == 0, err
    assert (f"warning: --set:1: horizon.years: the horizon (12 months) ends before 1 plan action(s) of {BASE}, "
            "at month(s) 12; they are left out") in err.splitlines()


# =========================================================================== levers
# Before: min(1.0, p * nan) is 1.0: a NaN or infinite grant_success_factor made every grant
# succeed; text or None for a staff lever was a TypeError (an internal error).
LEVER_CASES = [
    ("grant_success_factor", float("nan"), "must be a finite number"),
    ("grant_success_factor", float("inf"), "must be a finite number"),
    ("grant_success_factor", float("-inf"), "must be a finite number"),
    ("grant_success_factor", -0.5, "must be >= 0"),
    ("grant_success_factor", "2", "expected a number"),
    ("grant_success_factor", None, "expected a number"),
    ("grant_success_factor", True, "expected a number"),
    ("municipal_support_eur", float("nan"), "must be a finite number"),
    ("municipal_support_eur", float("inf"), "must be a finite number"),
    ("municipal_support_eur", -1, "must be >= 0"),
    ("share_online_events", float("nan"), "must be a finite number"),
    ("share_online_events", 1.5, "must be between 0 and 1"),
    ("share_online_events", True, "expected a number"),
    ("share_online_events", "half", "expected a number"),
    ("n_mentors", "3", "expected a whole number"),
    ("n_mentors", None, "expected a whole number"),
    ("n_mentors", float("nan"), "must be a finite number"),
    ("n_coordinators", 1.5, "expected a whole number"),
    ("years", float("nan"), "must be a finite number"),
    ("starting_cash_eur", float("inf"), "must be a finite number"),
]


@pytest.fixture(scope="module")
def small_base():
    from simcenter import load_scenario

    return load_scenario(BASE, ["horizon.years=1", "region.n_potential=200"])


@pytest.mark.parametrize("lever, value, message", LEVER_CASES, ids=[f"{c[0]}={c[1]!r}" for c in LEVER_CASES])
def test_lever_values_are_checked(small_base, lever, value, message):
    from simcenter.config.levers import apply_levers

    with pytest.raises(InputError) as info:
        apply_levers(small_base, {lever: value})
    (problem,) = info.value.problems
    assert (problem.file, problem.line, problem.path) == ("<levers>", 1, lever)
    assert message in problem.message


def test_center_model_keyword_lever_nan_is_refused(small_base):
    from simcenter.model import CenterModel

    with pytest.raises(InputError, match="grant_success_factor: must be a finite number"):
        CenterModel(small_base, rng=1, grant_success_factor=float("nan"))


def test_sweep_range_of_a_lever_below_its_domain(tmp_path):
    exp = tmp_path / "exp.yaml"
    exp.write_text(f"name: e\nscenarios: {BASE}\nuncertainties:\n  grant_success_factor: {{range: [-1, 1.5]}}\n"
                   "replicates: 1\n", encoding="utf-8")
    proc = run_cli("sweep", str(exp), "--check", timeout=TIMEOUT)
    assert proc.returncode == 2, proc.stderr
    assert f"{exp}:4: uncertainties.grant_success_factor.range: must be >= 0, got -1" in proc.stderr


# =========================================================================== tampered report folders
# Before: 19 of 27 tampered folders were an internal error (exit 1), and a header-only kpis.csv or
# `"replicates": -5` built a report of dashes (exit 0).
def _meta(change):
    def go(d: Path) -> None:
        meta = json.loads((d / "comparison.json").read_text(encoding="utf-8"))
        change(meta)
        (d / "comparison.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return go


def _lines(name: str, change):
    def go(d: Path) -> None:
        lines = (d / name).read_text(encoding="utf-8").split("\n")
        (d / name).write_text("\n".join(change(lines)), encoding="utf-8")
    return go


def _text(name: str, text: str | bytes):
    def go(d: Path) -> None:
        (d / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return go


def _cell(name: str, row: int, column: str, value: str):
    def change(lines):
        i = lines[0].split(",").index(column)
        cells = lines[row].split(",")
        cells[i] = value
        lines[row] = ",".join(cells)
        return lines
    return _lines(name, change)


def _remove(name: str):
    return lambda d: (d / name).unlink()


def _replace_by(name: str, kind: str):
    def go(d: Path) -> None:
        (d / name).unlink()
        _special(kind, d / name)
    return go


TAMPERED = {
    # name: (how, file named, fragment of its line)
    "json_garbage": (_text("comparison.json", "{not json"), "comparison.json:1", "not valid JSON"),
    "json_empty": (_text("comparison.json", ""), "comparison.json:1", "not valid JSON"),
    "json_binary": (_text("comparison.json", b"\xff\xfe\x00"), "comparison.json:1", "not UTF-8"),
    "json_a_list": (_text("comparison.json", "[1, 2]"), "comparison.json:1", "expected a JSON object"),
    "json_truncated": (lambda d: (d / "comparison.json").write_bytes((d / "comparison.json").read_bytes()[:200]),
                       "comparison.json", "not valid JSON"),
    "replicates_negative": (_meta(lambda m: m.update(replicates=-5)), "comparison.json:5",
                            "replicates: expected a whole number of at least 1, got -5"),
    "replicates_zero": (_meta(lambda m: m.update(replicates=0)), "comparison.json:5", "got 0"),
    "replicates_text": (_meta(lambda m: m.update(replicates="3")), "comparison.json:5", "got '3'"),
    "replicates_float": (_meta(lambda m: m.update(replicates=3.0)), "comparison.json:5", "got 3.0"),
    "replicates_too_many": (_meta(lambda m: m.update(replicates=4)), "kpis.csv:1",
                            "has 3 of the 4 replicates comparison.json announces (missing: 3)"),
    "replicates_too_few": (_meta(lambda m: m.update(replicates=2)), "kpis.csv:1", "replicates beyond the 2"),
    "replicates_huge": (_meta(lambda m: m.update(replicates=10**30)), "kpis.csv:1", "has 3 of the 1000000"),
    "months_zero": (_meta(lambda m: m.update(months=0)), "comparison.json", "months: expected a whole number from 1"),
    "months_beyond_horizons": (_meta(lambda m: m.update(months=400)), "comparison.json", "from 1 to 360, got 400"),
    "months_more_than_saved": (_meta(lambda m: m.update(months=24)), "bands.csv:1", "has 12 of the 24 months"),
    "months_missing": (_meta(lambda m: m.pop("months")), "comparison.json", "got null"),
    "designs_empty": (_meta(lambda m: m.update(designs=[])), "comparison.json", "a non-empty list of designs"),
    "designs_missing": (_meta(lambda m: m.pop("designs")), "comparison.json", "a non-empty list of designs"),
    "design_not_an_object": (_meta(lambda m: m["designs"].__setitem__(0, "x")), "comparison.json",
                             "designs[0]: expected a design"),
    "design_without_name": (_meta(lambda m: m["designs"][0].pop("name")), "comparison.json",
                            "designs[0].name: expected a name"),
    "design_listed_twice": (_meta(lambda m: m["designs"].append(dict(m["designs"][0]))), "comparison.json",
                            "is listed twice"),
    "design_renamed": (_meta(lambda m: m["designs"][1].update(name="someone-else")), "kpis.csv",
                       "is not a design of comparison.json"),
    "design_dropped": (_meta(lambda m: m["designs"].pop()), "kpis.csv", "is not a design of comparison.json"),
    "baseline_unknown": (_meta(lambda m: m.update(baseline="nobody")), "comparison.json:3",
                         "the baseline 'nobody' is not one of the designs"),
    "seed_text": (_meta(lambda m: m.update(seed="one")), "comparison.json:4", "seed: expected a whole number"),
    "notes_not_a_list": (_meta(lambda m: m.update(notes="a note")), "comparison.json", "notes: expected a list"),
    "json_a_folder": (_replace_by("comparison.json", "folder"), "comparison.json:1", "is a folder"),
    "kpis_missing": (_remove("kpis.csv"), "kpis.csv:1", "missing: a comparison folder holds"),
    "bands_missing": (_remove("bands.csv"), "bands.csv:1", "missing: a comparison folder holds"),
    "income_missing": (_remove("income.csv"), "income.csv:1", "missing: a comparison folder holds"),
    "kpis_empty": (_text("kpis.csv", ""), "kpis.csv:1", "the file is empty"),
    "kpis_header_only": (_lines("kpis.csv", lambda lines: lines[:1] + [""]), "kpis.csv:2",
                         "the table has a header but no rows"),
    "kpis_text_in_outcome": (_cell("kpis.csv", 2, "served", "lots"), "kpis.csv:3",
                             "served: expected a number, got 'lots'"),
    "kpis_text_in_replicate": (_cell("kpis.csv", 2, "replicate", "two"), "kpis.csv:3",
                               "replicate: expected a whole number, got 'two'"),
    "kpis_fraction_replicate": (_cell("kpis.csv", 2, "replicate", "1.5"), "kpis.csv:3", "got 1.5"),
    "kpis_empty_seed": (_cell("kpis.csv", 3, "seed", ""), "kpis.csv:4", "seed: empty cell"),
    "kpis_row_dropped": (_lines("kpis.csv", lambda lines: lines[:2] + lines[3:]), "kpis.csv:1",
                         "has 2 of the 3 replicates comparison.json announces (missing: 1)"),
    "kpis_row_twice": (_lines("kpis.csv", lambda lines: lines[:3] + lines[2:]), "kpis.csv:4",
                       "replicate 1 of 'plovdiv-association-director' appears twice"),
    "kpis_column_dropped": (_lines("kpis.csv", lambda lines: [",".join(x.split(",")[:-1]) for x in lines]),
                            "kpis.csv:1", "missing column(s): "),
    "kpis_unknown_design": (_cell("kpis.csv", 1, "scenario", "ghost"), "kpis.csv:2",
                            "'ghost' is not a design of comparison.json"),
    "kpis_ragged_row": (_lines("kpis.csv", lambda lines: lines[:3] + [lines[3] + ",1,2,3"] + lines[4:]),
                        "kpis.csv:4", "not a readable CSV table"),
    "kpis_blank_line": (_lines("kpis.csv", lambda lines: lines[:3] + [""] + lines[3:]), "kpis.csv:4", "empty cell"),
    "kpis_binary": (_text("kpis.csv", b"\x00\xff\xfe" * 50), "kpis.csv:1", "not a readable CSV table"),
    "kpis_a_folder": (_replace_by("kpis.csv", "folder"), "kpis.csv:1", "is a folder, not a file"),
    "kpis_a_symlink_loop": (_replace_by("kpis.csv", "loop"), "kpis.csv:1", "symbolic links form a loop"),
    "bands_rows_dropped": (_lines("bands.csv", lambda lines: lines[:10] + lines[20:]), "bands.csv:1",
                           "reached has 9 of the 12 months"),
    "bands_text": (_cell("bands.csv", 5, "median", "abc"), "bands.csv:6", "median: expected a number, got 'abc'"),
    "bands_header_only": (_lines("bands.csv", lambda lines: lines[:1] + [""]), "bands.csv:2", "no rows"),
    "bands_month_outside": (_cell("bands.csv", 5, "month", "99"), "bands.csv:6", "month 99 is outside 0..11"),
    "bands_unknown_outcome": (_cell("bands.csv", 5, "outcome", "happiness"), "bands.csv:6",
                              "'happiness' is not an outcome of simcenter"),
    "income_text": (_cell("income.csv", 3, "eu", "lots"), "income.csv:4", "eu: expected a number, got 'lots'"),
    "income_row_dropped": (_lines("income.csv", lambda lines: lines[:2] + lines[3:]), "income.csv:1",
                           "has 11 of the 12 months"),
}


@pytest.mark.parametrize("case", sorted(TAMPERED))
def test_tampered_report_folder(comparison, tmp_path, capsys, case):
    """`simcenter report` on a corrupted copy: exit 2, one located line per problem, nothing built."""
    how, named, fragment = TAMPERED[case]
    folder = tmp_path / "cmp"
    shutil.copytree(comparison, folder, symlinks=True)
    for name in ("summary.csv", "report.md", "report.html"):
        (folder / name).unlink()
    how(folder)
    code, _, err = cli(capsys, "report", str(folder))
    assert code == 2, err
    file, _, line = named.partition(":")
    assert_problem_lines(err, folder / file, fragment)
    if line:
        assert any(x.startswith(f"{folder / file}:{line}: ") for x in err.splitlines()), err
    assert not (folder / "report.html").exists()


def test_untampered_copy_rebuilds_the_same_report(comparison, tmp_path, capsys):
    folder = tmp_path / "cmp"
    shutil.copytree(comparison, folder)
    code, _, err = cli(capsys, "report", str(folder), "--format", "csv")
    assert code == 0, err
    assert (folder / "summary.csv").read_bytes() == (comparison / "summary.csv").read_bytes()


# =========================================================================== damaged sweep stores
# Before: a sweep.duckdb cut short after its first blocks, or with a block failing its checksum,
# opened fine and failed analyze, export or the resumed sweep half-way (IOException, exit 1).
def _damage(store: Path, how: str) -> None:
    data = store.read_bytes()
    if how.startswith("cut"):
        store.write_bytes(data[: int(len(data) * int(how[3:]) / 100)])
    else:  # overwrite the first 64 bytes (checksum and data) of every 256 KiB block after the headers
        raw = bytearray(data)
        for at in range(3 * 4096, len(raw) - 64, 262_144):
            raw[at:at + 64] = bytes(random.Random(at).randrange(256) for _ in range(64))
        store.write_bytes(bytes(raw))


@pytest.mark.parametrize("how", ["cut25", "cut60", "cut90", "scrambled"])
@pytest.mark.parametrize("command", ["analyze", "export", "sweep"])
def test_damaged_sweep_store(sweep, tmp_path, capsys, how, command):
    folder = tmp_path / "sw"
    shutil.copytree(sweep, folder)
    _damage(folder / "sweep.duckdb", how)
    if command == "sweep":
        args = ("sweep", str(sweep.parent / "tiny.yaml"), "--out", str(folder), "--workers", "1")
    elif command == "export":
        args = ("export", str(folder), "--to", "csv", "--dest", str(tmp_path / "export"))
    else:
        args = ("analyze", str(folder))
    code, _, err = cli(capsys, *args)
    assert code == 2, err
    assert_problem_lines(err, folder / "sweep.duckdb")


# =========================================================================== unwritable output
# Before: `export --dest` at an existing file was an internal error; run, compare and facts found an
# unwritable --out only after all their runs. Permission bits do not stop root (CI runs as root), so
# the folders here lie under a regular file: mkdir fails (ENOTDIR) for everyone.
@pytest.fixture
def blocker(tmp_path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("not a folder\n", encoding="utf-8")
    return path


def _never(*args, **kwargs):
    raise AssertionError("long work started before the output folder was checked")


def test_run_out_under_a_file_is_refused_before_the_runs(blocker, capsys, monkeypatch):
    import simcenter.run.runner

    monkeypatch.setattr(simcenter.run.runner, "run_many", _never)
    code, _, err = cli(capsys, "run", str(BASE), "--reps", "1", "--out", str(blocker / "out"), "--workers", "1")
    assert code == 2, err
    assert_problem_lines(err, blocker / "out", "cannot write here")


def test_compare_out_under_a_file_is_refused_before_the_runs(blocker, capsys, monkeypatch):
    import simcenter.comparison.command

    monkeypatch.setattr(simcenter.comparison.command, "run_comparison", _never)
    code, _, err = cli(capsys, "compare", str(BASE), "--reps", "1", "--workers", "1", "--out", str(blocker / "x" / "out"))
    assert code == 2, err
    assert_problem_lines(err, blocker / "x", "cannot write here")


def test_facts_out_under_a_file_is_refused_before_the_runs(blocker, capsys, monkeypatch):
    import simcenter.facts

    monkeypatch.setattr(simcenter.facts, "all_facts", _never)
    code, _, err = cli(capsys, "facts", "--out", str(blocker / "docs"), "--reps", "1")
    assert code == 2, err
    assert_problem_lines(err, blocker / "docs", "cannot write here")


@pytest.mark.parametrize("dest", ["the file", "under the file"])
def test_export_dest_that_cannot_be_a_folder(sweep, blocker, capsys, dest):
    target = blocker if dest == "the file" else blocker / "export"
    code, _, err = cli(capsys, "export", str(sweep), "--to", "csv", "--dest", str(target))
    assert code == 2, err
    assert_problem_lines(err, target, "is a file, not a folder" if dest == "the file" else "cannot write here")


def test_analyze_where_its_folder_is_a_file(sweep, tmp_path, capsys):
    folder = tmp_path / "sw"
    shutil.copytree(sweep, folder)
    shutil.rmtree(folder / "analysis", ignore_errors=True)
    (folder / "analysis").write_text("in the way\n", encoding="utf-8")
    code, _, err = cli(capsys, "analyze", str(folder))
    assert code == 2, err
    assert_problem_lines(err, folder / "analysis", "is a file, not a folder")


def test_sweep_out_under_a_file(sweep, blocker, capsys):
    code, _, err = cli(capsys, "sweep", str(sweep.parent / "tiny.yaml"), "--out", str(blocker / "sw"), "--workers", "1")
    assert code == 2, err
    assert_problem_lines(err, blocker / "sw", "cannot write here")


def test_report_whose_figures_folder_is_a_file(comparison, tmp_path, capsys):
    folder = tmp_path / "cmp"
    shutil.copytree(comparison, folder)
    shutil.rmtree(folder / "figures")
    (folder / "figures").write_text("in the way\n", encoding="utf-8")
    code, _, err = cli(capsys, "report", str(folder))
    assert code == 2, err
    assert_problem_lines(err, folder / "figures")


# =========================================================================== a full disk
# Before: ENOSPC while writing was an internal error ('This is a bug in simcenter').
def test_report_on_a_full_disk(comparison, tmp_path):
    """Real ENOSPC from the kernel: every figure of the folder is a link to /dev/full."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system to simulate a full disk")
    folder = tmp_path / "cmp"
    shutil.copytree(comparison, folder)
    for png in (folder / "figures").glob("*.png"):
        png.unlink()
        png.symlink_to("/dev/full")
    proc = run_cli("report", str(folder), timeout=TIMEOUT)
    assert proc.returncode == 2, proc.stderr
    assert_no_traceback(proc)
    assert "No space left on device" in proc.stderr
    (line,) = proc.stderr.splitlines()[:1]
    assert line.startswith(f"{folder / 'figures'}/") and PROBLEM_RE.match(line), proc.stderr


def _full_disk_for_temporary_files(monkeypatch):
    """Files written through a temporary name (atomic_write) go to a device that is always full."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system to simulate a full disk")
    real_open = os.open

    def full_open(path, flags, mode=0o777, *, dir_fd=None):
        if str(path).endswith(".tmp"):
            return real_open("/dev/full", os.O_WRONLY)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", full_open)


def test_report_summary_on_a_full_disk(comparison, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "cmp"
    shutil.copytree(comparison, folder)
    _full_disk_for_temporary_files(monkeypatch)
    code, _, err = cli(capsys, "report", str(folder))
    assert code == 2, err
    assert_problem_lines(err, folder / "summary.csv", "No space left on device")


def test_run_out_on_a_full_disk(tmp_path, capsys, monkeypatch):
    _full_disk_for_temporary_files(monkeypatch)
    out = tmp_path / "run"
    code, _, err = cli(capsys, "run", str(BASE), "--reps", "1", "--years", "1", "--workers", "1", "--out", str(out),
                       "--set", "region.n_potential=200")
    assert code == 2, err
    assert_problem_lines(err, out / "timeseries.csv", "No space left on device")


# =========================================================================== terminal escapes
# Before: escape sequences and newlines in names reached the terminal raw.
def test_file_name_with_escapes_and_newline(tmp_path, capsys):
    evil = tmp_path / "bad\x1b[2J\nname.yaml"
    evil.write_text("name: [unclosed\n", encoding="utf-8")
    code, _, err = cli(capsys, "validate", str(evil))
    assert code == 2
    assert "\x1b" not in err and "bad\\x1b[2J\\nname.yaml:" in err
    assert len(err.splitlines()) == 2  # the problem and the summary: the name broke no line


def test_printable_escapes_what_a_terminal_acts_on():
    from simcenter.errors import printable

    assert printable("Пловдив – център") == "Пловдив – център"
    assert printable("a\x1b[31mb\r\n\t\u202ec\x85\x00") == "a\\x1b[31mb\\r\\n\\t\\u202ec\\x85\\x00"


# =========================================================================== money keeps its cents
# Before: FLOAT_FORMAT = "%.10g": above EUR 100 million the ledger and cash columns lost their cents.
def test_run_out_ledger_balances_to_the_cent_above_100_million(tmp_path):
    out = tmp_path / "run"
    proc = run_cli("run", str(BASE), "--reps", "1", "--years", "1", "--workers", "1", "--out", str(out),
                   "--set", "region.n_potential=200", "--set", "center.starting_cash_eur=123456789.87", timeout=300)
    assert proc.returncode == 0, proc.stderr
    with open(out / "ledger.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert any(r["amount_eur"] == "123456789.87" for r in rows)
    balance = sum((Decimal(r["amount_eur"]) if r["destination"] == "center" else -Decimal(r["amount_eur"]))
                  for r in rows if "center" in (r["source"], r["destination"]))
    with open(out / "timeseries.csv", encoding="utf-8") as fh:
        cash = Decimal(list(csv.DictReader(fh))[-1]["cash_eur"])
    assert balance == cash and cash > 100_000_000


def test_float_format_keeps_every_cent():
    from simcenter.files import FLOAT_FORMAT

    rng = random.Random(16)
    for cents in [rng.randrange(-10**15, 10**15) for _ in range(20_000)] + [12345678987, 99999999999999]:
        assert Decimal(FLOAT_FORMAT % (cents / 100)) * 100 == cents


# =========================================================================== file modes
# Before: atomic_write made its files with tempfile.mkstemp: mode 0600 whatever the umask.
@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_written_files_respect_the_umask(tmp_path, umask):
    from simcenter.files import atomic_write

    old = os.umask(umask)
    try:
        atomic_write(tmp_path / "report.md", "# report\n")
        (tmp_path / "plain.md").write_text("# plain\n")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "report.md").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain.md").stat().st_mode) == 0o666 & ~umask


# =========================================================================== labels cut off
# Before: the Morris heatmap's colour bar read "mu* (scaled to the largest per outcome in the", the
# PRIM density axis lost both ends of its Bulgarian label.
@pytest.mark.parametrize("lang", ["en", "bg"])
@pytest.mark.parametrize("figure", ["heatmap", "prim", "convergence"])
def test_sweep_figure_labels_fit_in_the_figure(monkeypatch, tmp_path, lang, figure):
    from types import SimpleNamespace

    import numpy as np
    import pandas as pd

    from simcenter import i18n
    from simcenter.sweep import figures
    from simcenter.sweep.loader import parse_condition

    kept = []

    def keep(fig, path):  # what _save does, without the file
        fig.tight_layout()
        fig.canvas.draw()
        kept.append(fig)
        return path

    monkeypatch.setattr(figures, "_save", keep)
    monkeypatch.setattr(i18n, "_language", lang)
    if figure == "heatmap":
        outcomes = ["closed", "months_operating", "served", "ventures_launched", "cash_eur", "own_revenue_share"]
        rows = [{"parameter": p, "outcome": o, "mu_star": 0.5} for p in ("n_mentors", "fee", "grant") for o in outcomes]
        figures._heatmap(SimpleNamespace(method="morris", indices=pd.DataFrame(rows),
                                         experiment=SimpleNamespace(outcomes=outcomes, name="plans")), tmp_path / "h.png")
    elif figure == "convergence":
        rows = [{"design": "all", "outcome": "months_operating", "parameter": p, "samples": n, "ST": 0.1 * k,
                 "ST_conf": 0.05} for k, p in enumerate(("salary_monthly_eur", "rent_monthly_eur")) for n in (16, 32, 64)]
        figures._convergence(SimpleNamespace(convergence=pd.DataFrame(rows)), "months_operating", tmp_path / "c.png")
    else:
        traj = pd.DataFrame({"coverage": np.linspace(1, 0.2, 8), "density": np.linspace(0.3, 0.9, 8),
                             "res_dim": [0, 1, 1, 2, 2, 2, 3, 3]})
        box = SimpleNamespace(trajectory=traj, coverage=0.5, density=0.8, base_rate=0.3)
        figures._tradeoff(SimpleNamespace(overall=box, condition=parse_condition("closed == 1", ("closed",))),
                          tmp_path / "p.png")
    (fig,) = kept
    renderer = fig.canvas.get_renderer()
    frame = fig.bbox
    labels = [t for ax in fig.axes for t in (ax.xaxis.label, ax.yaxis.label) if t.get_text()]
    assert labels
    for label in labels:
        box = label.get_window_extent(renderer)
        assert box.x0 >= frame.x0 - 1 and box.y0 >= frame.y0 - 1 and box.x1 <= frame.x1 + 1 and box.y1 <= frame.y1 + 1, (
            f"label {label.get_text()!r} is cut off: {box} outside {frame}")
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_corpus_size():
    """The number of cases, as the report counts them (a guard against a case list silently emptied)."""
    assert len(TAMPERED) >= 50 and len(EXPECTED) >= 10 and len(LEVER_CASES) >= 20
