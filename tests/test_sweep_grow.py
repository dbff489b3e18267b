"""Growing a sweep in place: more replicates, a larger Sobol sample; refusals that say why, in the file's words.

What these protect: a grown sweep computes only the new runs, and its store ends exactly (same
bytes, same point numbers) as a sweep of the larger experiment run from scratch; a design that does
not nest (a Latin hypercube) or a real change is refused, naming the parameter and the values.
"""

from __future__ import annotations

import pytest

from simcenter.errors import InputError
from simcenter.sweep import analyze, load_experiment, run_sweep
from support import assert_no_traceback, english, run_cli
from sweep_support import assert_same_results, count_runs, write_experiment

SOBOL = """\
levers:
  legal_form: [association, cooperative]
uncertainties:
  funding.funders.hrdp_social_economy.p_success: {range: [0.05, 0.4]}
  center.starting_cash_eur: {range: [5000, 60000]}
design: {method: sobol, samples: 2, levers: full_factorial}
replicates: 1
seed: 5
outcomes: [closed, months_operating, cash_eur]
timeseries: [cash_eur]
"""
# 2 designs x N x (2 + 2) points; N = 2: 16 points.
GROWN = SOBOL.replace("samples: 2", "samples: 4").replace("replicates: 1", "replicates: 2")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    """The larger experiment swept from scratch."""
    folder = tmp_path_factory.mktemp("scratch")
    summary = run_sweep(load_experiment(write_experiment(folder, GROWN)), folder / "out", workers=1)
    assert summary.complete and summary.ok == 2 * 4 * 4 * 2
    return folder / "out"


def test_growing_replicates_and_sobol_samples_computes_only_the_new_runs(scratch, tmp_path):
    small = run_sweep(load_experiment(write_experiment(tmp_path, SOBOL)), tmp_path / "out", workers=1)
    assert small.ok == 16
    more_reps = write_experiment(tmp_path, SOBOL.replace("replicates: 1", "replicates: 2"))
    grown = run_sweep(load_experiment(more_reps), tmp_path / "out", workers=1, extend=True)
    assert grown.stored_before == 16 and grown.computed == 16 and grown.complete
    assert grown.grown == "growing the stored sweep (replicates changed from 1 to 2): 16 new runs"
    bigger = run_sweep(load_experiment(write_experiment(tmp_path, GROWN)), tmp_path / "out", workers=1, extend=True)
    assert bigger.stored_before == 32 and bigger.computed == 32 and bigger.complete
    assert count_runs(tmp_path / "out") == 64
    assert_same_results(scratch, tmp_path / "out")  # same point numbers, same bytes
    again = run_sweep(load_experiment(write_experiment(tmp_path, GROWN)), tmp_path / "out", workers=1)
    assert again.computed == 0 and not again.grown, "once grown, it is the same experiment"


def test_the_analysis_after_growth_uses_every_point(scratch, tmp_path):
    run_sweep(load_experiment(write_experiment(tmp_path, SOBOL)), tmp_path / "out", workers=1)
    run_sweep(load_experiment(write_experiment(tmp_path, GROWN)), tmp_path / "out", workers=1, extend=True)
    grown, fresh = analyze(tmp_path / "out"), analyze(scratch)
    assert grown.experiment.design.samples == 4 and grown.experiment.replicates == 2
    assert grown.indices.equals(fresh.indices) and not grown.indices.empty


def test_growth_without_extend_is_refused_saying_how_to_accept_it(tmp_path):
    run_sweep(load_experiment(write_experiment(tmp_path, SOBOL)), tmp_path / "out", workers=1)
    grown = write_experiment(tmp_path, GROWN)
    with english(), pytest.raises(InputError) as caught:
        run_sweep(load_experiment(grown), tmp_path / "out", workers=1)
    message = str(caught.value)
    assert "holds a smaller run of this experiment" in message and "--extend" in message
    assert "design.samples changed from 2 to 4" in message and "replicates changed from 1 to 2" in message
    assert "48 new runs" in message
    assert count_runs(tmp_path / "out") == 16
    proc = run_cli("sweep", str(grown), "--out", str(tmp_path / "out"), "--extend", "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    assert "growing the stored sweep" in proc.stderr and count_runs(tmp_path / "out") == 64


def test_a_sweep_never_shrinks(tmp_path):
    run_sweep(load_experiment(write_experiment(tmp_path, GROWN)), tmp_path / "out", workers=1, limit=3)
    with english(), pytest.raises(InputError, match="different experiment.*design.samples changed from 4 to 2"):
        run_sweep(load_experiment(write_experiment(tmp_path, SOBOL.replace("replicates: 1", "replicates: 2"))),
                  tmp_path / "out", workers=1, extend=True)


LHS = SOBOL.replace("method: sobol, samples: 2", "method: latin_hypercube, samples: 3")


def test_growing_a_latin_hypercube_is_refused_saying_why(tmp_path):
    run_sweep(load_experiment(write_experiment(tmp_path, LHS)), tmp_path / "out", workers=1, limit=2)
    bigger = write_experiment(tmp_path, LHS.replace("samples: 3", "samples: 5"))
    with english(), pytest.raises(InputError) as caught:
        run_sweep(load_experiment(bigger), tmp_path / "out", workers=1, extend=True)
    message = str(caught.value)
    assert "cannot grow into this experiment (design.samples changed from 3 to 5)" in message
    assert "a Latin hypercube does not nest" in message and "another --out folder" in message
    proc = run_cli("sweep", str(bigger), "--out", str(tmp_path / "out"), "--extend")
    assert proc.returncode == 2 and "does not nest" in proc.stderr
    assert_no_traceback(proc)
    assert count_runs(tmp_path / "out") == 2


def test_more_replicates_of_a_latin_hypercube_do_nest(tmp_path):
    run_sweep(load_experiment(write_experiment(tmp_path, LHS)), tmp_path / "out", workers=1)
    more = write_experiment(tmp_path, LHS.replace("replicates: 1", "replicates: 2"))
    summary = run_sweep(load_experiment(more), tmp_path / "out", workers=1, extend=True)
    assert summary.computed == 6 and summary.complete
    run_sweep(load_experiment(more), tmp_path / "scratch", workers=1)
    assert_same_results(tmp_path / "scratch", tmp_path / "out")


def test_a_refusal_names_the_parameter_and_its_old_and_new_values(tmp_path):
    run_sweep(load_experiment(write_experiment(tmp_path, LHS)), tmp_path / "out", workers=1, limit=1)
    changed = write_experiment(tmp_path, LHS.replace("range: [0.05, 0.4]", "range: [0.06, 0.4]")
                               .replace("samples: 3", "samples: 4"))
    with english(), pytest.raises(InputError) as caught:
        run_sweep(load_experiment(changed), tmp_path / "out", workers=1, extend=True)
    message = str(caught.value)
    assert "holds the results of a different experiment" in message
    assert "changed since: uncertainties.funding.funders.hrdp_social_economy.p_success: range changed from " \
           "[0.05, 0.4] to [0.06, 0.4])" in message, message
    assert "samples" not in message, "growth is not a reason to refuse: only the real change is named"
    assert "parameters[" not in message and ".low" not in message


FACTORIAL = """\
levers:
  legal_form: [association, cooperative]
  n_mentors: [1, 2]
outcomes: [closed, months_operating]
"""


def test_a_full_factorial_grows_only_where_every_point_keeps_its_number(tmp_path):
    run_sweep(load_experiment(write_experiment(tmp_path, FACTORIAL)), tmp_path / "out", workers=1)
    inner = write_experiment(tmp_path, FACTORIAL.replace("[1, 2]", "[1, 2, 3]"))
    with english(), pytest.raises(InputError) as caught:
        run_sweep(load_experiment(inner), tmp_path / "out", workers=1, extend=True)
    message = str(caught.value)
    assert "levers.n_mentors: values changed from [1, 2] to [1, 2, 3]" in message
    assert "stored point 2 would change (legal_form cooperative -> association, n_mentors 1 -> 3)" in message and "first crossed parameter" in message
    outer = write_experiment(tmp_path, FACTORIAL.replace("[association, cooperative]",
                                                         "[association, cooperative, foundation]"))
    summary = run_sweep(load_experiment(outer), tmp_path / "out", workers=1, extend=True)
    assert summary.stored_before == 4 and summary.computed == 2
    run_sweep(load_experiment(outer), tmp_path / "scratch", workers=1)
    assert_same_results(tmp_path / "scratch", tmp_path / "out")


def test_a_store_numbered_otherwise_is_not_resumed(tmp_path):
    """Earlier versions numbered a crossed Sobol design combination by combination: never mixed."""
    import duckdb

    path = write_experiment(tmp_path, SOBOL)
    run_sweep(load_experiment(path), tmp_path / "out", workers=1, limit=2)
    con = duckdb.connect(str(tmp_path / "out" / "sweep.duckdb"))
    con.execute("UPDATE points SET legal_form = 'cooperative' WHERE point = 0")
    con.close()
    with english(), pytest.raises(InputError, match=r"numbered this design's points otherwise \(stored point 0 "
                                                    r"would change \(legal_form cooperative -> association\)\)"):
        run_sweep(load_experiment(path), tmp_path / "out", workers=1)


def test_a_change_that_adds_no_run_needs_no_extend(tmp_path):
    """More levels, which a sampler does not use: the same runs, so the folder is simply reused."""
    run_sweep(load_experiment(write_experiment(tmp_path, LHS)), tmp_path / "out", workers=1)
    same_runs = write_experiment(tmp_path, LHS.replace("samples: 3", "samples: 3, levels: 4"))
    summary = run_sweep(load_experiment(same_runs), tmp_path / "out", workers=1)
    assert summary.computed == 0 and summary.complete
    assert summary.grown == "growing the stored sweep (design.levels changed from 3 to 4): 0 new runs"


@pytest.mark.parametrize("method, nests", [("sobol", True), ("morris", True), ("latin_hypercube", False)])
def test_which_designs_nest_in_this_salib(method, nests, tmp_path):
    """The facts growth rests on, checked against the installed SALib: a larger Sobol (Saltelli) or
    Morris sample, same seed, begins with the smaller one, point for point and number for number
    (crossed levers included); a Latin hypercube does not. (If a SALib release changed this, growth
    would be refused point by point, never mixed.)"""
    from simcenter.sweep import design

    body = SOBOL.replace("method: sobol, samples: 2", f"method: {method}, samples: 4")
    small = design.points(load_experiment(write_experiment(tmp_path, body, name="a")))
    large = design.points(load_experiment(write_experiment(tmp_path, body.replace("samples: 4", "samples: 8"),
                                                           name="b")))
    assert len(large) == 2 * len(small)
    assert (large[:len(small)] == small) is nests
    assert [p.combo for p in large[:4]] == ([0, 1, 0, 1] if nests else [0, 0, 0, 0])
