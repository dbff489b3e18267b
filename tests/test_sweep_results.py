"""Sweep results that describe themselves and open with one call, even while the sweep runs.

What these protect: the store and the Parquet export say what each outcome means (labels in both
languages, unit, direction, kind) from the one source, ``metrics`` and the locale files; 0/1 outcomes
are booleans everywhere; ``load_sweep``/``load_results`` give EMA Workbench's shapes (time series as
2-D arrays); a reader can open the store while ``simcenter sweep`` writes it; the kept time series
reach EMA models and the analysis's figures; the worked example in docs/examples runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import warnings

import duckdb
import numpy as np
import pandas as pd
import pytest

import simcenter
from simcenter import metrics
from simcenter.errors import InputError
from simcenter.i18n import strings
from simcenter.sweep import bands, export, info, load_experiment, run_sweep
from simcenter.sweep.ema import SimcenterFunction, ema_model, mean_series
from support import REPO, clean_env
from sweep_support import write_experiment

BODY = """\
levers:
  legal_form: [association, cooperative]
replicates: 2
seed: 5
outcomes: [closed, survived_grant_cliff, cash_eur, served]
timeseries: [cash_eur, closed]
"""
OUTCOMES = ["closed", "survived_grant_cliff", "cash_eur", "served"]


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """Two legal forms, two replicates: 4 runs over one year, cash and closure kept month by month."""
    folder = tmp_path_factory.mktemp("results")
    path = write_experiment(folder, BODY)
    summary = run_sweep(load_experiment(path), folder / "out", workers=1)
    assert summary.complete and summary.ok == 4
    return path, folder / "out"


def _query(out, sql):
    con = duckdb.connect(str(out / "sweep.duckdb"), read_only=True)
    try:
        return con.execute(sql).df()
    finally:
        con.close()


def test_outcome_info_describes_each_kept_outcome_from_metrics_and_the_locales(swept):
    _, out = swept
    table = _query(out, "SELECT * FROM outcome_info")
    assert list(table["name"]) == OUTCOMES and list(table.columns) == list(info.COLUMNS)
    for _, row in table.iterrows():
        o = metrics.BY_NAME[row["name"]]
        assert row["unit"] == o.unit and row["direction"] == o.direction and row["description"] == o.definition
        assert row["label_en"] == strings("en")[f"outcomes.{o.name}"]
        assert row["label_bg"] == strings("bg")[f"outcomes.{o.name}"] != row["label_en"]
        assert row["unit_bg"] == strings("bg")[f"units.{o.unit}"]
    kinds = dict(zip(table["name"], table["kind"]))
    assert kinds == {"closed": "boolean", "survived_grant_cliff": "boolean", "cash_eur": "eur", "served": "count"}
    assert dict(zip(table["name"], table["timeseries"])) == {"closed": True, "survived_grant_cliff": False,
                                                              "cash_eur": True, "served": False}


def test_zero_one_outcomes_are_booleans_in_the_store_and_the_experiments_view_joins_runs(swept):
    _, out = swept
    types = {t: dict(_query(out, f"DESCRIBE {t}")[["column_name", "column_type"]].values)
             for t in ("outcomes", "timeseries", "experiments")}
    for table in types.values():
        assert table["closed"] == "BOOLEAN"
    assert types["outcomes"]["survived_grant_cliff"] == "BOOLEAN" and types["outcomes"]["cash_eur"] == "DOUBLE"
    view = _query(out, "SELECT * FROM experiments")
    joined = _query(out, "SELECT r.*, p.combo, o.* EXCLUDE (point, replicate) FROM runs r JOIN points p USING (point) "
                         "LEFT JOIN outcomes o USING (point, replicate) ORDER BY point, replicate")
    pd.testing.assert_frame_equal(view, joined)
    assert view["survived_grant_cliff"].isna().all()  # one year: the first grant's cliff is not reached yet


def test_load_sweep_gives_typed_frames_and_load_results_ema_arrays_with_time_series(swept):
    _, out = swept
    experiments, outcomes = simcenter.load_sweep(out)
    assert list(outcomes.columns) == OUTCOMES and len(experiments) == 4
    assert str(outcomes["closed"].dtype) == "boolean" and str(outcomes["survived_grant_cliff"].dtype) == "boolean"
    assert {"point", "replicate", "seed", "legal_form", "combo"} <= set(experiments.columns)
    assert list(experiments["legal_form"].cat.categories) == ["association", "cooperative"]  # as EMA's frames
    assert not set(OUTCOMES) & set(experiments.columns)

    experiments2, arrays = simcenter.load_results(out)
    pd.testing.assert_frame_equal(experiments, experiments2)
    assert set(arrays) == {*OUTCOMES, "cash_eur_series", "closed_series", "TIME"}
    assert arrays["cash_eur"].shape == (4,) and arrays["cash_eur_series"].shape == (4, 12)
    series = _query(out, "SELECT point, replicate, month, cash_eur FROM timeseries ORDER BY ALL")
    for i, (p, r) in enumerate(zip(experiments["point"], experiments["replicate"])):
        rows = series[(series["point"] == p) & (series["replicate"] == r)]
        np.testing.assert_array_equal(arrays["cash_eur_series"][i], rows["cash_eur"].to_numpy())
    np.testing.assert_array_equal(arrays["cash_eur_series"][:, -1], arrays["cash_eur"])  # the last month is final
    np.testing.assert_array_equal(arrays["TIME"][0], np.arange(12))
    assert np.isnan(arrays["survived_grant_cliff"]).all() and arrays["closed"].dtype == float


def test_ema_workbench_plots_the_loaded_time_series_grouped_by_a_lever(swept):
    """An EMA user's next line after load_results: ``plotting.lines`` by lever value."""
    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import plotting
    experiments, outcomes = simcenter.load_results(swept[1])
    fig, axes = plotting.lines(experiments, outcomes, outcomes_to_show=["cash_eur_series"], group_by="legal_form")
    drawn = [line for ax in fig.axes for line in ax.get_lines()]
    assert len(drawn) >= 4  # one line a run
    import matplotlib.pyplot as plt

    plt.close(fig)
    with warnings.catch_warnings():  # PRIM as docs/sweeps.md shows it, on the loaded frame as it is
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim
        x = experiments.drop(columns=["point", "replicate", "seed", "status", "error", "seconds", "combo"])
        box = prim.Prim(x, outcomes["cash_eur"] < np.median(outcomes["cash_eur"]), mass_min=0.05).find_box()
    assert list(box.box_lims[-1].columns) == ["legal_form"]


def test_the_parquet_export_describes_outcome_columns_and_keeps_booleans(swept, tmp_path):
    _, out = swept
    export(out, "parquet", dest=tmp_path / "pq")
    files = {p.name for p in (tmp_path / "pq").iterdir()}
    assert {"experiments.parquet", "outcomes.parquet", "timeseries.parquet", "outcome_info.parquet"} <= files
    con = duckdb.connect()
    kv = {k.decode(): json.loads(v.decode()) for k, v in con.execute(
        f"SELECT key, value FROM parquet_kv_metadata('{tmp_path / 'pq' / 'experiments.parquet'}')").fetchall()
        if k.decode() in OUTCOMES}
    assert set(kv) == set(OUTCOMES)
    assert kv["closed"] == {k: v for k, v in info.describe("closed").items()
                            if k in ("label_en", "label_bg", "unit", "direction", "kind", "description")}
    assert kv["cash_eur"]["unit"] == "EUR" and kv["cash_eur"]["label_bg"] == strings("bg")["outcomes.cash_eur"]
    schema = dict(con.execute(f"SELECT name, type FROM parquet_schema('{tmp_path / 'pq' / 'outcomes.parquet'}')").fetchall())
    assert schema["closed"] == "BOOLEAN" and schema["cash_eur"] == "DOUBLE"
    ts_keys = {k.decode() for k, _ in con.execute(
        f"SELECT key, value FROM parquet_kv_metadata('{tmp_path / 'pq' / 'timeseries.parquet'}')").fetchall()}
    assert {"cash_eur", "closed"} <= ts_keys and "served" not in ts_keys
    info_rows = con.execute(f"SELECT name FROM '{tmp_path / 'pq' / 'outcome_info.parquet'}'").fetchall()
    assert [r[0] for r in info_rows] == OUTCOMES


def test_a_store_written_before_outcome_info_loads_and_gains_it_when_resumed(swept, tmp_path):
    import shutil

    path, out = swept
    shutil.copytree(out, tmp_path / "old")
    con = duckdb.connect(str(tmp_path / "old" / "sweep.duckdb"))
    con.execute("DROP VIEW experiments")
    con.execute("DROP TABLE outcome_info")
    con.close()
    experiments, outcomes = simcenter.load_sweep(tmp_path / "old")
    assert len(experiments) == 4 and list(outcomes.columns) == OUTCOMES
    summary = run_sweep(load_experiment(path), tmp_path / "old", workers=1)
    assert summary.computed == 0 and summary.complete
    assert list(_query(tmp_path / "old", "SELECT name FROM outcome_info")["name"]) == OUTCOMES
    assert len(_query(tmp_path / "old", "SELECT * FROM experiments")) == 4


SWEEP_SCRIPT = """
import sys
import simcenter.sweep.engine as engine
import simcenter.sweep.store as store
from simcenter.sweep import run_sweep

if __name__ == "__main__":
    store.HOLD_SECONDS = 0.0  # let readers in after every write (a sweep of seconds, not minutes, in a test)
    engine.FLUSH_RUNS = 1  # write every run as it comes: on a fast machine the 24 runs take about a second
    summary = run_sweep(sys.argv[1], sys.argv[2], workers=1)
    sys.exit(0 if summary.complete else 1)
"""


def test_the_store_is_readable_while_a_sweep_writes_it(tmp_path):
    body = BODY.replace("replicates: 2", "replicates: 12")  # 24 runs, one worker: seconds of writing
    path = write_experiment(tmp_path, body)
    out = tmp_path / "out"
    script = tmp_path / "sweep.py"
    script.write_text(SWEEP_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), str(path), str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=REPO)
    seen = []  # runs read while the sweep was still running
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                experiments, _ = simcenter.load_sweep(out)
            except InputError as exc:  # only before the sweep has created its store
                assert "not a sweep" in str(exc) or "no sweep" in str(exc).lower(), exc
                time.sleep(0.05)
                continue
            if proc.poll() is None:
                seen.append(len(experiments))
            time.sleep(0.05)
        stdout, stderr = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert any(0 < n < 24 for n in seen), seen  # read part of the results while the rest were computed
    assert seen == sorted(seen)  # a reader sees whole transactions, never fewer runs than before
    experiments, outcomes = simcenter.load_sweep(out)
    assert len(experiments) == 24 and outcomes["cash_eur"].notna().all()
    assert not (out / "sweep.duckdb.wal").exists()  # the last write folded the log into the file


def test_a_reader_holding_the_file_delays_the_sweep_and_a_second_sweep_is_refused(swept, tmp_path):
    """A sweep waits for a reader that holds the file (it does not fail); a second sweep of a folder
    being swept is refused at once (it would compute the same runs twice)."""
    import shutil

    path, out = swept
    shutil.copytree(out, tmp_path / "copy")
    store = tmp_path / "copy" / "sweep.duckdb"
    con = duckdb.connect(str(store))
    for table in ("timeseries", "outcomes", "runs"):
        con.execute(f"DELETE FROM {table} WHERE replicate = 1")
    con.close()
    reader = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True);"
                               " print('open', flush=True); time.sleep(3); c.close()", str(store)],
                              stdout=subprocess.PIPE, text=True, env=clean_env())
    try:
        assert reader.stdout.readline().strip() == "open"
        start = time.monotonic()
        summary = run_sweep(load_experiment(path), tmp_path / "copy", workers=1)
        waited = time.monotonic() - start
    finally:
        reader.wait(timeout=30)
    assert summary.computed == 2 and summary.complete and waited >= 1.5
    assert len(simcenter.load_sweep(tmp_path / "copy")[0]) == 4

    from simcenter.sweep.store import Store as Writer
    from simcenter.sweep import design

    exp = load_experiment(path)
    first = Writer.for_sweep(tmp_path / "copy", exp, design.points(exp))
    try:
        with pytest.raises(InputError, match="being written by another sweep"):
            run_sweep(exp, tmp_path / "copy", workers=1)
    finally:
        first.close()
    assert run_sweep(exp, tmp_path / "copy", workers=1).complete  # the folder is free again


def test_bands_hold_the_median_and_the_10_90_range_per_lever_value(swept):
    _, out = swept
    exp, table = bands.bands(out)
    series = _query(out, "SELECT r.legal_form, s.month, s.cash_eur FROM timeseries s JOIN runs r USING (point, replicate)")
    rows = table[(table["outcome"] == "cash_eur") & (table["parameter"] == "legal_form")]
    assert set(rows["value"]) == {"association", "cooperative"} and set(rows["month"]) == set(range(12))
    for _, r in rows.iterrows():
        x = series[(series["legal_form"] == r["value"]) & (series["month"] == r["month"])]["cash_eur"]
        assert r["runs"] == len(x) == 2
        assert r["median"] == pytest.approx(x.median()) and r["p10"] == pytest.approx(x.quantile(0.1))
        assert r["p90"] == pytest.approx(x.quantile(0.9))
    closed = table[table["outcome"] == "closed"]
    assert closed[["p10", "median", "p90"]].stack().between(0, 1).all()


def test_a_lever_with_many_values_is_drawn_in_three_groups():
    from simcenter.sweep.experiment import Parameter

    p = Parameter("starting_cash_eur", "lever", "lever", "starting_cash_eur", "real", low=0.0, high=90.0)
    frame = pd.DataFrame({"starting_cash_eur": np.arange(90, dtype=float)})
    groups = bands._groups(frame, p)
    assert list(groups.cat.categories) == ["0 to 29.6667", "29.6667 to 59.3333", "59.3333 to 89"]
    assert groups.value_counts().sort_index().tolist() == [30, 30, 30]


def test_analyze_draws_a_band_figure_per_kept_time_series(swept):
    from simcenter.sweep import analyze

    _, out = swept
    result = analyze(out)
    names = {p.name for p in result.figures}
    assert {"bands_cash_eur.png", "bands_closed.png"} <= names
    for name in ("bands_cash_eur.png", "bands_closed.png"):
        assert (out / "analysis" / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = pd.read_csv(out / "analysis" / "bands.csv")
    assert list(table.columns) == bands.COLUMNS and set(table["outcome"]) == {"cash_eur", "closed"}
    assert "bands_cash_eur.png" in (out / "analysis" / "analysis.md").read_text(encoding="utf-8")


def test_the_ema_model_returns_kept_time_series_as_array_outcomes(swept):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import ArrayOutcome, ScalarOutcome, SequentialEvaluator, perform_experiments
    path, out = swept
    exp = load_experiment(path)
    model = ema_model(exp)
    kinds = {o.name: type(o) for o in model.outcomes}
    assert kinds["cash_eur_series"] is ArrayOutcome and kinds["closed_series"] is ArrayOutcome
    assert kinds["cash_eur"] is ScalarOutcome
    # One replicate's run gives the store's series for the same lever value and seed.
    stored = _query(out, "SELECT s.month, s.cash_eur, r.seed FROM timeseries s JOIN runs r USING (point, replicate) "
                         "WHERE r.legal_form = 'cooperative' AND r.replicate = 0 ORDER BY s.month")
    got = SimcenterFunction(exp)(seed=int(stored["seed"][0]), legal_form="cooperative")
    np.testing.assert_array_equal(got["cash_eur_series"], stored["cash_eur"].to_numpy())
    with SequentialEvaluator(model) as evaluator:
        _, outcomes = perform_experiments(model, policies=1, scenarios=1, evaluator=evaluator)
    assert outcomes["cash_eur_series"].shape == (1, 12)
    assert outcomes["cash_eur_series"][0, -1] == pytest.approx(outcomes["cash_eur"][0])  # mean of the last months


def test_mean_series_averages_month_by_month_and_pads_shorter_runs():
    got = mean_series([np.array([1.0, 2.0, 3.0]), np.array([3.0, np.nan]), np.array([5.0, 6.0])])
    np.testing.assert_allclose(got, [3.0, 4.0, 3.0])


def test_the_worked_example_goes_from_an_experiment_to_a_figure(tmp_path):
    script = REPO / "docs" / "examples" / "sweep_to_figure.py"
    proc = subprocess.run([sys.executable, str(script), str(tmp_path / "ex")], capture_output=True, text=True,
                          timeout=600, env=clean_env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    figure = tmp_path / "ex" / "cash_by_legal_form.png"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f"figure: {figure}" in proc.stdout
    assert "association" in proc.stdout and "cooperative" in proc.stdout
    experiments, outcomes = simcenter.load_results(tmp_path / "ex")
    assert len(experiments) == 4 and outcomes["cash_eur_series"].shape == (4, 24)
