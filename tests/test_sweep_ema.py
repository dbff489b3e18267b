"""The EMA Workbench adapter: an experiment file becomes an ema_workbench model that runs simcenter."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

from simcenter.rng import replicate_seeds
from simcenter.run.runner import simulate
from simcenter.run.task import Keep
from simcenter.sweep import load_experiment
from simcenter.sweep.ema import ema_model
from simcenter.sweep.targets import build_scenario
from support import clean_env
from sweep_support import write_experiment

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from ema_workbench import CategoricalParameter, IntegerParameter, RealParameter, ReplicatorModel, ScalarOutcome

BODY = """\
levers:
  legal_form: [association, cooperative]
  n_mentors: {range: [1, 3]}
uncertainties:
  funding.funders.hrdp_social_economy.p_success: {range: [0.05, 0.4]}
  grant_success_factor: {distribution: triangular, range: [0.5, 1.5], mode: 1.0}
replicates: 2
seed: 6
outcomes: [closed, ventures_launched, cash_eur]
"""


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("ema"), BODY)


def test_the_model_declares_levers_uncertainties_and_outcomes_with_directions(experiment_file):
    model = ema_model(experiment_file)
    assert isinstance(model, ReplicatorModel) and model.name == "small"
    levers = {p.name: p for p in model.levers}
    assert isinstance(levers["legal_form"], CategoricalParameter)
    assert isinstance(levers["n_mentors"], IntegerParameter)
    uncertainties = {p.name: p for p in model.uncertainties}
    assert isinstance(uncertainties["p_success"], RealParameter)
    assert uncertainties["grant_success_factor"].dist.dist.name == "triang"
    kinds = {o.name: o.kind for o in model.outcomes}
    assert kinds == {"closed": ScalarOutcome.MINIMIZE, "ventures_launched": ScalarOutcome.MAXIMIZE,
                     "cash_eur": ScalarOutcome.INFO}


SCRIPT = """
import json, sys, warnings
warnings.simplefilter("ignore")
from ema_workbench import MultiprocessingEvaluator, perform_experiments
from simcenter.sweep.ema import ema_model

if __name__ == "__main__":
    model = ema_model(sys.argv[1])
    with MultiprocessingEvaluator(model, n_processes=2) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=3, policies=2, evaluator=evaluator)
    rows = experiments[["legal_form", "n_mentors", "p_success", "grant_success_factor"]].astype(object)
    print(json.dumps({"experiments": rows.to_dict(orient="records"),
                      "outcomes": {k: v.tolist() for k, v in outcomes.items()}}, default=str))
"""


def test_perform_experiments_with_the_multiprocessing_evaluator_runs_simcenter(experiment_file, tmp_path):
    # In a fresh process, as a researcher's script would: EMA Workbench's pool forks, and a fork of
    # the (multi-threaded) test process could deadlock.
    script = tmp_path / "run_ema.py"
    script.write_text(SCRIPT, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), str(experiment_file)], capture_output=True, text=True,
                          timeout=300, env=clean_env())
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    experiments, outcomes = result["experiments"], result["outcomes"]
    assert len(experiments) == 6 and set(outcomes) == {"closed", "ventures_launched", "cash_eur"}
    assert all(np.isfinite(v).all() for v in outcomes.values())
    # Each outcome is the mean over the experiment's replicate seeds of exactly what simcenter computes.
    exp = load_experiment(experiment_file)
    row = experiments[0]
    values = {"legal_form": str(row["legal_form"]), "n_mentors": int(row["n_mentors"]),
              "p_success": float(row["p_success"]), "grant_success_factor": float(row["grant_success_factor"])}
    scenario = build_scenario(exp.bases[0].scenario, exp.ops_for(values))
    cash = [simulate(scenario, s, keep=Keep(series=())).kpis["cash_eur"] for s in replicate_seeds(exp.seed, 2)]
    assert outcomes["cash_eur"][0] == pytest.approx(np.mean(cash), rel=1e-9)


def test_one_replicate_gives_a_plain_model_with_the_first_seed(tmp_path):
    from ema_workbench import Model

    model = ema_model(write_experiment(tmp_path, BODY.replace("replicates: 2", "replicates: 1")))
    assert isinstance(model, Model)
    assert [c.value for c in model.constants] == replicate_seeds(6, 1)
