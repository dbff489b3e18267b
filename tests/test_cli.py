"""The real ``simcenter`` command, run in a subprocess: exit codes, output format, languages."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import textwrap

import pytest

import simcenter
from simcenter.cli.main import main
from simcenter.config.catalogue import LegalForm, ManagementStructure, builtin_catalogue
from support import (
    CONSOLE_SCRIPT, PLOVDIV, PROBLEM_RE, REPO, SCENARIOS, assert_no_traceback, clean_env, english, problem_lines,
    run_cli,
)

CYRILLIC = re.compile("[\u0400-\u04ff]")
SHIPPED = sorted(SCENARIOS.rglob("*.yaml"))
ONE = "scenarios/plovdiv/base.yaml"


@pytest.fixture(scope="module", autouse=True)
def _english():
    with english():
        yield


def test_console_script_is_installed():
    assert CONSOLE_SCRIPT.is_file(), f"no console script at {CONSOLE_SCRIPT} (is the package installed in this venv?)"


# --------------------------------------------------------------------------- validate
@pytest.mark.parametrize("script", [False, True], ids=["python-m", "console-script"])
def test_validate_shipped_scenarios(script):
    proc = run_cli("validate", "scenarios", script=script)
    assert_no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    ok = [line for line in lines if line.startswith("ok ")]
    assert len(ok) == len(SHIPPED)
    for path in SHIPPED:
        assert sum(str(path.relative_to(REPO)) + ":" in line for line in ok) == 1, (path, proc.stdout)
    assert lines[-1] == f"{len(SHIPPED)} file(s) valid"
    assert len(lines) == len(SHIPPED) + 1


def test_validate_a_folder_and_a_file():
    proc = run_cli("validate", str(PLOVDIV), ONE)
    assert proc.returncode == 0, proc.stderr
    n = len(list(PLOVDIV.glob("*.yaml"))) + 1
    assert proc.stdout.splitlines()[-1] == f"{n} file(s) valid"


def test_set_overrides_are_applied():
    proc = run_cli("validate", ONE, "--set", "center.staff.n_mentors=3", "--set", "horizon.years=5",
                   "--set", "center.legal_form=foundation")
    assert proc.returncode == 0, proc.stderr
    assert "(5 years, foundation + executive_director)" in proc.stdout


@pytest.mark.parametrize(
    "sets, expected",
    [
        (["nokey"], "--set:1: nokey: expected --set dotted.key=value, got 'nokey'"),
        (["center.staff.n_mentors=abc"], "--set:1: center.staff.n_mentors: expected a whole number, got text 'abc'"),
        (["horizon.years=99"], "--set:1: horizon.years: must be <= 30, got 99"),
        (["horizon.years=3", "horizon.years=0"], "--set:2: horizon.years: must be >= 1, got 0"),
    ],
    ids=["no-equals", "not-a-number", "out-of-range", "second-set"],
)
def test_bad_set_is_reported_as_set_line(sets, expected):
    args = [a for s in sets for a in ("--set", s)]
    proc = run_cli("validate", ONE, *args)
    assert_no_traceback(proc)
    assert proc.returncode == 2, proc.stdout
    lines = problem_lines(proc.stderr)
    assert lines == [line for line in lines if PROBLEM_RE.match(line)], lines
    assert lines == [expected], lines


@pytest.mark.parametrize(
    "item, expected",
    [
        ("center.staf.n_mentors=1", "--set:1: center.staf: unknown field 'staf' (did you mean 'staff'?)"),
        ("name.first=x", "--set:1: name.first: 'name' is a value, not a section"),
        ("center.staff.n_mentors=!!python/object/apply:os.system [echo]",
         "--set:1: center.staff.n_mentors: YAML tag !!python/object/apply:os.system is not allowed"),
        ("center.staff.n_mentors=&a [*a]", "--set:1: center.staff.n_mentors: YAML syntax error"),
    ],
    ids=["misspelled", "into-a-value", "python-tag", "recursive-alias"],
)
def test_more_bad_set_items_in_process(item, expected, capsys):
    """The same path as the subprocess runs above (main() with an argv), faster."""
    assert main(["validate", str(REPO / ONE), "--set", item]) == 2
    err = capsys.readouterr().err
    lines = err.splitlines()[:-1]
    assert any(line.startswith(expected) for line in lines), err
    assert all(PROBLEM_RE.match(line) for line in lines), err


def test_missing_file_and_empty_folder(tmp_path):
    proc = run_cli("validate", str(tmp_path / "nope.yaml"), str(tmp_path))
    assert_no_traceback(proc)
    assert proc.returncode == 2
    # The empty folder gives no files, the missing file one problem: the missing file is reported.
    assert problem_lines(proc.stderr) == [f"{tmp_path / 'nope.yaml'}:1: (root): file not found"]

    proc = run_cli("validate", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"{tmp_path}:1: (root): no scenario files found in: {tmp_path}"


def test_problems_go_to_stderr_and_valid_files_to_stdout(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {PLOVDIV / 'base.yaml'}\nname: bad\nhorizon:\n  years: 0\n", encoding="utf-8")
    proc = run_cli("validate", ONE, str(bad))
    assert proc.returncode == 2
    assert proc.stdout.startswith(f"ok   {ONE}:")
    assert problem_lines(proc.stderr) == [f"{bad}:4: horizon.years: must be >= 1, got 0"]
    assert proc.stderr.splitlines()[-1] == "1 of 2 file(s) invalid"


def test_validate_in_bulgarian_keeps_the_line_format(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {PLOVDIV / 'base.yaml'}\nname: bad\ncenter:\n  staf: {{}}\n", encoding="utf-8")
    proc = run_cli("validate", "--lang", "bg", str(bad))
    assert proc.returncode == 2
    line, summary = proc.stderr.splitlines()
    assert PROBLEM_RE.match(line) and line.startswith(f"{bad}:4: center.staf: ")
    assert CYRILLIC.search(line) and CYRILLIC.search(summary), proc.stderr


# --------------------------------------------------------------------------- catalog
def _ids():
    cat = builtin_catalogue()
    return list(cat.legal_forms), list(cat.management_structures)


def test_catalog_prints_every_id_in_a_wide_terminal():
    forms, structures = _ids()
    proc = run_cli("catalog", env=clean_env(COLUMNS="300"))
    assert proc.returncode == 0, proc.stderr
    words = set(proc.stdout.split())
    for key in forms + structures:
        assert key in words, f"id {key!r} missing from `simcenter catalog`"


def test_catalog_prints_every_id_at_the_default_width():
    forms, structures = _ids()
    proc = run_cli("catalog")
    assert proc.returncode == 0, proc.stderr
    words = set(proc.stdout.split())
    assert [k for k in forms + structures if k not in words] == []


def test_catalog_json_every_number_has_a_source():
    proc = run_cli("catalog", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    forms, structures = _ids()
    assert [r["id"] for r in doc["legal_forms"]] == forms
    assert [r["id"] for r in doc["management_structures"]] == structures
    sourced = {(r["entry"], r["field"]): r for r in doc["sources"]}
    for r in doc["sources"]:
        assert isinstance(r["source"], str) and r["source"].strip(), r
    cat = builtin_catalogue()
    for group, model in ((cat.legal_forms, LegalForm), (cat.management_structures, ManagementStructure)):
        numeric = [n for n, f in model.model_fields.items() if f.annotation in (int, float)]
        assert numeric, model
        for key, entry in group.items():
            for field in numeric:
                assert (key, field) in sourced, f"{key}.{field} has no source in `catalog --format json`"
                assert sourced[(key, field)]["value"] == getattr(entry, field)
    # Every number shown in the tables is one of the entry's sourced fields.
    for row in doc["legal_forms"] + doc["management_structures"]:
        for col, value in row.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert any(e == row["id"] and r["value"] == value for (e, _f), r in sourced.items()), (row["id"], col)


def test_catalog_csv_parses():
    proc = run_cli("catalog", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    forms_csv, structures_csv = proc.stdout.split("\n\n", 1)
    forms, structures = _ids()
    assert [r["id"] for r in csv.DictReader(io.StringIO(forms_csv))] == forms
    assert [r["id"] for r in csv.DictReader(io.StringIO(structures_csv))] == structures


@pytest.mark.parametrize("how", ["flag", "env"])
def test_catalog_in_bulgarian(how):
    if how == "flag":
        proc = run_cli("catalog", "--lang", "bg", env=clean_env(COLUMNS="300"))
    else:
        proc = run_cli("catalog", env=clean_env(SIMCENTER_LANG="bg", COLUMNS="300"))
    assert proc.returncode == 0, proc.stderr
    assert CYRILLIC.search(proc.stdout)
    assert "Сдружение в обществена полза" in proc.stdout  # the association's Bulgarian name
    assert "Legal forms" not in proc.stdout


# --------------------------------------------------------------------------- errors and usage
INTERNAL = textwrap.dedent(
    """
    import sys
    import simcenter.cli.commands as commands
    from simcenter.cli.main import main

    def broken(args):
        raise RuntimeError("boom")

    commands.dispatch = broken
    sys.exit(main(["validate", "scenarios"]))
    """
)


def test_internal_error_exits_1_with_a_report_hint_and_no_traceback():
    proc = subprocess.run([sys.executable, "-c", INTERNAL], capture_output=True, text=True, cwd=REPO,
                          env=clean_env(), timeout=60)
    assert proc.returncode == 1, proc.stderr
    assert_no_traceback(proc)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("internal error: RuntimeError: boom.")
    assert "This is a bug in simcenter; please report it" in lines[0]
    assert "SIMCENTER_DEBUG=1" in lines[0]


def test_internal_error_traceback_on_request():
    proc = subprocess.run([sys.executable, "-c", INTERNAL], capture_output=True, text=True, cwd=REPO,
                          env=clean_env(SIMCENTER_DEBUG="1"), timeout=60)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "RuntimeError: boom" in proc.stderr


def test_unknown_command_exits_2():
    proc = run_cli("frobnicate")
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert proc.stderr.startswith("usage: simcenter")
    assert "invalid choice: 'frobnicate'" in proc.stderr


@pytest.mark.parametrize(
    "args",
    [[], ["validate"], ["catalog", "--format", "xml"], ["--lang", "fr", "catalog"], ["validate", "--bogus", "x"]],
    ids=["no-command", "no-paths", "bad-format", "bad-language", "unknown-option"],
)
def test_other_usage_errors_exit_2(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: simcenter" in err and "error:" in err


@pytest.mark.parametrize("script", [False, True], ids=["python-m", "console-script"])
def test_version(script):
    proc = run_cli("--version", script=script)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"simcenter {simcenter.__version__}"


def test_help_lists_the_commands():
    proc = run_cli("--help")
    assert proc.returncode == 0
    for command in ("validate", "catalog"):
        assert command in proc.stdout
