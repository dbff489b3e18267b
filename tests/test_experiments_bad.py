"""Bad experiment files: every problem reported as FILE:LINE: path: message, nothing else, exit 2.

``bad_experiments/cases/`` holds small bad experiment files; ``bad_experiments/expected.yaml`` says,
for each, every problem it must report (the same format as the bad-scenario corpus). Dotted paths are
checked against the base scenario ("did you mean"), and every value a parameter can take is applied to
the base scenario and validated there, reported at the experiment file's line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simcenter.errors import InputError, Problem
from simcenter.sweep.loader import load_experiment
from support import PROBLEM_PARTS_RE, assert_no_traceback, english, run_cli

CORPUS = Path(__file__).parent / "bad_experiments"
CASES = CORPUS / "cases"
EXPECTED: dict[str, list[dict]] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))


def _matches(problem: Problem, want: dict, case: str) -> bool:
    return (problem.file == want.get("file", case) and problem.line == want["line"] and problem.path == want["path"]
            and (problem.message == want["message"] if "message" in want else want["contains"] in problem.message))


def test_every_case_file_is_in_the_expectations():
    cases = {p.name for p in CASES.glob("*.yaml")}
    assert cases == set(EXPECTED), "cases/ and expected.yaml disagree"


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_experiment_reports_exactly_the_expected_problems(case, monkeypatch):
    monkeypatch.chdir(CASES)
    with english(), pytest.raises(InputError) as caught:
        load_experiment(case)
    problems = [Problem(p.file, p.line, p.path if p.path else "(root)", p.message) for p in caught.value.problems]
    wanted = EXPECTED[case]
    missing = [w for w in wanted if not any(_matches(p, w, case) for p in problems)]
    extra = [str(p) for p in problems if not any(_matches(p, w, case) for w in wanted)]
    assert not missing and not extra, f"missing: {missing}\nunexpected: {extra}"


@pytest.mark.parametrize("case", ["unknown_dotted_path.yaml", "files_problems.yaml", "spec_problems.yaml",
                                  "unknown_keys.yaml"])
def test_sweep_command_prints_located_problems_and_exits_2(case):
    proc = run_cli("sweep", case, "--check", cwd=CASES)
    assert proc.returncode == 2, proc.stderr
    assert_no_traceback(proc)
    lines = proc.stderr.strip().splitlines()
    assert lines and all(PROBLEM_PARTS_RE.match(line) for line in lines), proc.stderr
    assert len(lines) == len(EXPECTED[case])


def test_problems_come_in_bulgarian_too():
    proc = run_cli("sweep", "unknown_dotted_path.yaml", "--check", "--lang", "bg", cwd=CASES)
    assert proc.returncode == 2
    assert "непознато поле или лост 'p_succes'" in proc.stderr
    assert "(може би 'p_success'?)" in proc.stderr


def test_shape_problems_come_in_bulgarian_too():
    """The scenarios' machinery words them, type names included (it once said "a whole number" in every language)."""
    proc = run_cli("sweep", "wrong_types.yaml", "--check", "--lang", "bg", cwd=CASES)
    assert proc.returncode == 2
    assert "wrong_types.yaml:3: replicates: очаква се цяло число, получено true" in proc.stderr
    assert "wrong_types.yaml:9: levers.management.name: очаква се текст, получено цяло число 123" in proc.stderr
    assert not any(word in proc.stderr for word in ("expected", "got", "whole number", "a number"))


def test_a_missing_experiment_file_is_bad_input(tmp_path):
    proc = run_cli("sweep", str(tmp_path / "nope.yaml"), "--check")
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("file not found")
