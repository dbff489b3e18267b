"""Output folders (issue 16): a command writes only into a folder it made or one holding its own
earlier results; never into the root, the home folder, the current folder or one holding its
inputs; design names that make the same file name stay apart; a comparison written inside its
scenario folder is not read back as designs.

Each test here failed on the code before: ``compare --out DIR`` replaced DIR whatever it held
(exit 0), ``--out ..`` from a scenario folder deleted the scenarios, an existing file given as
``--out`` was replaced, ``team/a`` and ``team_a`` wrote one file, and a comparison's resolved
scenarios were picked up as designs by the next comparison of the folder. The real command runs
in a subprocess (``python -m simcenter``) with a timeout; the runs are small (one year, 300 people).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from simcenter.config.loader import find_scenario_files

from support import BASE, PLOVDIV, PROBLEM_RE, assert_no_traceback, clean_env, run_cli

SMALL = ["--set", "horizon.years=1", "--set", "region.n_potential=300"]
TIMEOUT = 120
OUTPUT_MARKER = ".simcenter-output"
"""The marker every output folder holds (``simcenter.files.OUTPUT_MARKER``)."""


def _variant(folder: Path, name: str, body: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name.replace('/', '-')}.yaml"
    path.write_text(f"extends: {BASE}\nname: {json.dumps(name)}\n{body}", encoding="utf-8")
    return path


def _run(*args: str, cwd: Path | None = None, env: dict | None = None):
    kw = {"cwd": cwd} if cwd is not None else {}
    proc = run_cli(*args, timeout=TIMEOUT, env=env, **kw)
    assert_no_traceback(proc)
    return proc


def _refused(proc, path: str | Path, *fragments: str) -> None:
    """Exit 2 with one problem line, naming ``path``, holding every fragment."""
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if not ln.startswith(("warning:", "Sweep '"))]
    assert len(lines) == 1, proc.stderr
    assert PROBLEM_RE.match(lines[0]) and lines[0].startswith(f"{path}:1: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run_cmd(out: Path, *extra: str, scenario: Path = BASE) -> list[str]:
    return ["run", str(scenario), "--reps", "2", "--workers", "1", *SMALL, "--out", str(out), *extra]


# =========================================================================== a user's folder
def test_a_thesis_folder_is_not_deleted_by_compare_or_run(tmp_path):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "thesis.docx").write_bytes(b"three years of work")
    before = _snapshot(thesis)
    proc = _run("compare", str(BASE), "--reps", "1", "--workers", "1", *SMALL, "--out", str(thesis))
    _refused(proc, thesis, "thesis.docx", "--force")
    _refused(_run(*_run_cmd(thesis)), thesis, "thesis.docx")
    assert _snapshot(thesis) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["thesis"]  # no partial folder either


def test_an_existing_file_is_refused_and_replaced_with_force(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("my notes\n", encoding="utf-8")
    _refused(_run(*_run_cmd(target)), target, "is a file, not a folder")
    assert target.read_text(encoding="utf-8") == "my notes\n"
    proc = _run(*_run_cmd(target, "--force"))
    assert proc.returncode == 0, proc.stderr
    assert target.is_dir() and (target / "run.json").is_file() and (target / OUTPUT_MARKER).is_file()


def test_force_replaces_a_folder_without_the_marker(tmp_path):
    out = tmp_path / "old-stuff"
    out.mkdir()
    (out / "junk.txt").write_text("junk\n", encoding="utf-8")
    proc = _run(*_run_cmd(out, "--force"))
    assert proc.returncode == 0, proc.stderr
    assert not (out / "junk.txt").exists()
    assert (out / OUTPUT_MARKER).read_text(encoding="utf-8").startswith("simcenter run ")


def test_an_earlier_result_is_replaced_and_files_beside_it_are_kept(tmp_path):
    out = tmp_path / "run"
    assert _run(*_run_cmd(out)).returncode == 0
    proc = _run("run", str(BASE), "--reps", "3", "--workers", "1", *SMALL, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert json.loads((out / "run.json").read_text())["replicates"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]
    # A file the user put beside the results would be deleted by the replacement: refused.
    (out / "my-notes.md").write_text("notes\n", encoding="utf-8")
    _refused(_run(*_run_cmd(out)), out, "my-notes.md", "move them")
    assert (out / "my-notes.md").exists()


def test_a_comparison_with_its_split_brief_and_robustness_results_is_replaced_by_the_next(tmp_path):
    """Everything compare writes (the decomposition, the brief) and the robustness results run into its
    robust/ sub-folder for its report are its own: the next comparison replaces them without --force."""
    designs = [str(PLOVDIV / "base.yaml"), str(PLOVDIV / "cooperative.yaml")]
    out = tmp_path / "cmp"
    assert _run("compare", *designs, "--reps", "2", "--workers", "1", *SMALL, "--out", str(out)).returncode == 0
    assert (out / "decomposition.csv").is_file() and (out / "brief.md").is_file()
    proc = _run("robust", *designs, "--futures", "2", "--reps", "1", "--workers", "1", *SMALL,
                "--out", str(out / "robust"))
    assert proc.returncode == 0, proc.stderr
    proc = _run("compare", *designs, "--reps", "3", "--workers", "1", *SMALL, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert json.loads((out / "comparison.json").read_text())["replicates"] == 3
    assert not (out / "robust").exists()  # they were the earlier comparison's: run robust again


def test_results_from_before_the_marker_are_replaced(tmp_path):
    out = tmp_path / "run"
    assert _run(*_run_cmd(out)).returncode == 0
    (out / OUTPUT_MARKER).unlink()  # as written by simcenter before issue 16
    assert _run(*_run_cmd(out)).returncode == 0


def test_another_commands_results_are_not_replaced(tmp_path):
    out = tmp_path / "run"
    assert _run(*_run_cmd(out)).returncode == 0
    proc = _run("compare", str(BASE), "--reps", "1", "--workers", "1", *SMALL, "--out", str(out))
    _refused(proc, out, "simcenter run", "not of simcenter compare")


# =========================================================================== never, even with --force
@pytest.mark.parametrize("where", ["root", "home", "cwd", "parent"])
def test_root_home_and_current_folder_are_refused_even_with_force(tmp_path, where):
    home = tmp_path / "home"
    work = home / "projects" / "work"
    work.mkdir(parents=True)
    out = {"root": "/", "home": str(home), "cwd": ".", "parent": ".."}[where]
    proc = _run(*_run_cmd(Path(out), "--force"), cwd=work, env=clean_env(HOME=str(home)))
    message = {"root": "root of the file system", "home": "home folder", "cwd": "current folder",
               "parent": "current folder"}[where]
    _refused(proc, out, message, "--force does not change this")
    assert [p.name for p in home.rglob("*")] == ["projects", "work"]


def test_out_dotdot_from_a_scenario_folder_keeps_the_scenarios(tmp_path):
    project = tmp_path / "project"
    designs = project / "designs"
    _variant(designs, "alpha")
    _variant(designs, "beta")
    before = _snapshot(project)
    for force in ([], ["--force"]):
        proc = _run("compare", ".", "--reps", "1", "--workers", "1", *SMALL, "--out", "..", *force, cwd=designs)
        _refused(proc, "..", "--force does not change this")
    assert _snapshot(project) == before


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_folder_holding_an_input_is_refused_even_with_force(tmp_path, force):
    shared = tmp_path / "shared"
    shared.mkdir()
    base = shared / "base.yaml"
    base.write_text(f"extends: {BASE}\nname: shared-base\n", encoding="utf-8")
    child = tmp_path / "mine" / "child.yaml"
    child.parent.mkdir()
    child.write_text("extends: ../shared/base.yaml\nname: child\n", encoding="utf-8")
    # The scenario's own folder, the file itself, and the folder of the file it extends.
    for out in (child.parent, child, shared):
        _refused(_run(*_run_cmd(out, *force, scenario=child)), out, "which this command reads",
                 "--force does not change this")
    _refused(_run("compare", str(child.parent), "--reps", "1", "--workers", "1", *SMALL, "--out", str(child.parent),
                  *force), child.parent, "which this command reads")
    assert base.is_file() and child.is_file()


# =========================================================================== names and folders
def test_names_that_make_the_same_file_name_stay_apart(tmp_path):
    a = _variant(tmp_path / "designs", "team/a")
    b = _variant(tmp_path / "designs", "team_a")
    out = tmp_path / "out"
    proc = _run("compare", str(a), str(b), "--reps", "1", "--workers", "1", *SMALL, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (out / "scenarios").iterdir()) == ["team_a-2.resolved.yaml", "team_a.resolved.yaml"]
    meta = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
    files = {d["name"]: d["resolved"] for d in meta["designs"]}
    assert files == {"team/a": "scenarios/team_a.resolved.yaml", "team_a": "scenarios/team_a-2.resolved.yaml"}
    for name, file in files.items():
        assert f"name: {name}\n" in (out / file).read_text(encoding="utf-8")


def test_resolved_names_are_distinct_also_where_case_does_not_count():
    from simcenter.comparison.saving import resolved_names

    assert resolved_names(["A b", "a_b", "a/b", ".hidden", "x"]) == [
        "A_b.resolved.yaml", "a_b-2.resolved.yaml", "a_b-3.resolved.yaml", "hidden.resolved.yaml", "x.resolved.yaml"]


def test_a_comparison_inside_its_scenario_folder_is_not_read_as_designs(tmp_path):
    folder = tmp_path / "designs"
    _variant(folder, "alpha")
    _variant(folder, "beta")
    out = folder / "results"
    for _ in range(2):  # the second comparison of the folder meets the first one's resolved scenarios
        proc = _run("compare", str(folder), "--reps", "1", "--workers", "1", *SMALL, "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        meta = json.loads((out / "comparison.json").read_text(encoding="utf-8"))
        assert [d["name"] for d in meta["designs"]] == ["alpha", "beta"]
    assert [p.name for p in find_scenario_files([folder])] == ["alpha.yaml", "beta.yaml"]
    assert _run("validate", str(folder)).stdout.count("ok ") == 2


def test_a_stale_partial_folder_of_a_dead_process_is_removed(tmp_path):
    out = tmp_path / "run"
    stale = tmp_path / f".run.partial-{2**22 + 12345}"  # above Linux's pid_max default: no such process
    stale.mkdir()
    (stale / OUTPUT_MARKER).write_text("simcenter run 0.1.0\n", encoding="utf-8")
    (stale / "timeseries.csv").write_text("half\n", encoding="utf-8")
    assert _run(*_run_cmd(out)).returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run"]


def test_a_link_to_a_results_folder_is_replaced_where_it_points(tmp_path):
    real = tmp_path / "disk" / "run"
    assert _run(*_run_cmd(real)).returncode == 0
    link = tmp_path / "run"
    link.symlink_to(real, target_is_directory=True)
    assert _run("run", str(BASE), "--reps", "3", "--workers", "1", *SMALL, "--out", str(link)).returncode == 0
    assert link.is_symlink() and json.loads((real / "run.json").read_text())["replicates"] == 3
    assert sorted(p.name for p in real.parent.iterdir()) == ["run"]


# =========================================================================== the other commands
def test_facts_keeps_a_validation_file_it_did_not_write(tmp_path):
    (tmp_path / "validation.md").write_text("# My own validation\n", encoding="utf-8")
    proc = _run("facts", "--reps", "1", "--out", str(tmp_path))
    _refused(proc, tmp_path / "validation.md", "was not written by simcenter facts")
    assert (tmp_path / "validation.md").read_text(encoding="utf-8") == "# My own validation\n"


def test_facts_writes_beside_other_files(tmp_path, monkeypatch):
    """facts writes two entries into a folder it shares (docs/): other files there are no reason to refuse."""
    from simcenter.errors import InputError
    from simcenter.outputs import prepare_output

    (tmp_path / "schema.md").write_text("other docs\n", encoding="utf-8")
    assert prepare_output(tmp_path, "facts") == tmp_path
    (tmp_path / "validation.md").write_text("# Validation\n\nGenerated by `simcenter facts --reps 2`\n", encoding="utf-8")
    assert prepare_output(tmp_path, "facts") == tmp_path
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="current folder"):
        prepare_output(".", "facts", force=True)


def test_export_into_a_folder_of_other_files(tmp_path):
    from sweep_support import write_experiment

    exp = write_experiment(tmp_path, "levers:\n  legal_form: [association, cooperative]\n"
                                     "design: {levers: full_factorial}\nreplicates: 1\noutcomes: [closed]\n")
    sweep = tmp_path / "sweep"
    proc = _run("sweep", str(exp), "--out", str(sweep), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    dest = tmp_path / "mine"
    dest.mkdir()
    (dest / "paper.tex").write_text("\\section{}\n", encoding="utf-8")
    _refused(_run("export", str(sweep), "--to", "csv", "--dest", str(dest)), dest, "paper.tex", "--force")
    assert _run("export", str(sweep), "--to", "csv", "--dest", str(dest), "--force").returncode == 0
    assert (dest / "paper.tex").exists() and (dest / "runs.csv").exists()
    assert _run("export", str(sweep), "--to", "csv").returncode == 0  # its own folder, twice
    assert _run("export", str(sweep), "--to", "csv").returncode == 0
    _refused(_run("export", str(sweep), "--to", "csv", "--dest", str(sweep), "--force"), sweep,
             "which this command reads")
    other = tmp_path / "other"
    other.mkdir()
    (other / "data.csv").write_text("a\n1\n", encoding="utf-8")
    _refused(_run("sweep", str(exp), "--out", str(other), "--workers", "1"), other, "data.csv")
    _refused(_run("sweep", str(exp), "--out", str(tmp_path), "--workers", "1", "--force"), tmp_path,
             "which this command reads")
    assert os.listdir(other) == ["data.csv"]
