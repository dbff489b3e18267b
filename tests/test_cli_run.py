"""`simcenter run` through the real command, in a subprocess."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

from conftest import BASE, ROOT

CMD = [sys.executable, "-m", "simcenter"]


def _run(*args, **kw):
    return subprocess.run([*CMD, *args], capture_output=True, text=True, cwd=ROOT, timeout=300, **kw)


def test_run_json_has_every_outcome_with_median_and_range():
    proc = _run("run", str(BASE), "--reps", "3", "--years", "2", "--format", "json", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["scenario"] == "plovdiv-association-director"
    assert len(out["seeds"]) == 3
    kpi = out["kpis"]["mentoring_hours"]
    assert set(kpi) == {"unit", "direction", "median", "mean", "p05", "p95"}
    assert kpi["p05"] <= kpi["median"] <= kpi["p95"]
    assert "Traceback" not in proc.stderr


def test_run_table_and_csv():
    proc = _run("run", str(BASE), "--reps", "2", "--years", "1", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "median" in proc.stdout and "mentoring hours" in proc.stdout
    proc = _run("run", str(BASE), "--reps", "2", "--years", "1", "--format", "csv", "--workers", "1")
    rows = list(csv.DictReader(proc.stdout.splitlines()))
    assert {r["outcome"] for r in rows} >= {"cash_eur", "served", "closed"}


def test_run_out_writes_every_file_and_is_reproducible(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        proc = _run("run", str(BASE), "--reps", "2", "--years", "2", "--seed", "5", "--out", str(out), "--workers", "2")
        assert proc.returncode == 0, proc.stderr
    for name in ("timeseries.csv", "kpis.csv", "ledger.csv", "plan.csv", "closure.csv", "scenario.resolved.yaml",
                 "run.json"):
        assert (a / name).exists(), name
    assert sorted(p.name for p in (a / "figures").glob("*.png")) == sorted(
        ["cash.png", "reach.png", "ventures.png", "jobs.png", "partners.png", "network.png"])
    for name in ("timeseries.csv", "kpis.csv", "ledger.csv", "plan.csv", "closure.csv", "scenario.resolved.yaml"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    plan = (a / "plan.csv").read_text().splitlines()
    assert plan[0] == "replicate,planned_month,action,done_month,status"
    # The base plan's five actions, for each replicate; starting mentoring at month 0 is carried out then.
    assert len(plan) == 1 + 2 * 5 and plan[1] == "0,0,start_service service=mentorship,0,done"
    assert (a / "closure.csv").read_text().splitlines()[0] == "replicate,seed,closed,closure_month,closure_reason"
    meta = json.loads((a / "run.json").read_text())
    assert len(meta["seeds"]) == 2 and "timings" in meta
    header = (a / "ledger.csv").read_text().splitlines()[0]
    assert header == "replicate,month,source,destination,kind,amount_eur"
    # The resolved scenario is itself a valid scenario.
    check = _run("validate", str(a / "scenario.resolved.yaml"))
    assert check.returncode == 0, check.stderr


def test_run_bad_input_exits_2_with_a_located_message(tmp_path):
    proc = _run("run", str(BASE), "--reps", "0")
    assert proc.returncode == 2 and "N must be between 1" in proc.stderr
    proc = _run("run", str(BASE), "--years", "31")
    assert proc.returncode == 2
    proc = _run("run", str(BASE), "--set", "center.staff.n_mentors=-1", "--reps", "1")
    assert proc.returncode == 2
    assert proc.stderr.startswith("--set:1: center.staff.n_mentors: must be >= 0")
    proc = _run("run", str(tmp_path / "missing.yaml"))
    assert proc.returncode == 2 and "missing.yaml:1:" in proc.stderr and "Traceback" not in proc.stderr
