"""Many worlds, not one, without a browser: each design on screen runs over an ensemble of 20 worlds in
worker processes (``simcenter.ui.ensemble``): the worlds of ``simcenter run FILE --seed S --reps 20``,
the world on screen the first of them; a changed design cancels its stale ensemble. In the browser:
tests/test_ui_outlook_page.py."""

from __future__ import annotations

import csv

import numpy as np
import pytest

pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")

from simcenter.ui import bands, charts, exports  # noqa: E402
from simcenter.ui.ensemble import SIZE  # noqa: E402
from simcenter.ui.session import Workshop  # noqa: E402

from conftest import ROOT  # noqa: E402
from support import run_cli  # noqa: E402

COOPERATIVE = ROOT / "scenarios" / "plovdiv" / "cooperative.yaml"
DEADLINE = 300  # seconds: 20 runs on a shared, loaded machine, the worker pool starting


def operating_in_simcenter_run(path, seed: int, out) -> int:
    proc = run_cli("run", str(path), "--seed", str(seed), "--reps", str(SIZE), "--out", str(out), timeout=600)
    assert proc.returncode == 0, proc.stderr
    with (out / "kpis.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == SIZE
    return (sum(1 for row in rows if float(row["closed"]) == 0),
            sum(1 for row in rows if float(row["closed"]) == 0 and float(row["staff"]) > 0))


@pytest.mark.slow
def test_the_ensembles_closure_share_is_what_simcenter_run_gives_for_the_exported_design(tmp_path):
    ws = Workshop(COOPERATIVE, seed=5, lang="en")
    ws.set_lever("A", "share_online_events", 0.6)
    ensemble = ws.ensembles.follow(ws.live_runs())["A"]
    assert ensemble.size == SIZE == 20
    assert ensemble.wait(DEADLINE), ensemble.error
    name, text = exports.scenario_yaml(ws, "A")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    operating = ensemble.operating()
    assert 0 < operating < SIZE  # a design whose worlds differ: the check means something
    assert (operating, ensemble.staffed()) == operating_in_simcenter_run(path, 5, tmp_path / "run")
    assert ensemble.staffed() <= operating
    # The world on screen is world 1 of the ensemble.
    ws.step(ws.runs["A"].months)
    first = ensemble.results[0]
    np.testing.assert_array_equal(first.series[:, 0], ws.runs["A"].series("cash_eur"))
    # The headline and the band: operating worlds, and a median inside its 5-95% band.
    low, median, high = ensemble.band("cash_eur", 24)
    assert low.shape == (24,) and np.all(low <= median) and np.all(median <= high)


@pytest.mark.slow
def test_a_lever_change_cancels_the_stale_ensemble_and_leaves_the_other_design_alone():
    ws = Workshop(COOPERATIVE, seed=1, lang="en")
    ws.set_compare(True)
    before = ws.ensembles.follow(ws.live_runs())
    assert ws.ensembles.follow(ws.live_runs()) == before  # the same designs: the same ensembles
    ws.set_lever("A", "share_online_events", 0.9)
    after = ws.ensembles.follow(ws.live_runs())
    assert after["A"] is not before["A"] and before["A"].cancelled
    assert after["B"] is before["B"] and not before["B"].cancelled
    ws.reset()  # the same design in the same world: nothing to run again
    assert ws.ensembles.follow(ws.live_runs()) == after
    ws.set_seed(2)  # other worlds: every ensemble anew
    again = ws.ensembles.follow(ws.live_runs())
    assert all(again[w] is not after[w] and after[w].cancelled for w in "AB")
    assert all(e.wait(DEADLINE) for e in again.values())
    assert not before["A"].ready  # a cancelled ensemble never shows
    ws.set_compare(False)
    assert list(ws.ensembles.follow(ws.live_runs())) == ["A"] and again["B"].cancelled


@pytest.mark.slow
def test_the_charts_draw_the_worlds_median_and_band_behind_the_world_on_screen():
    ws = Workshop(COOPERATIVE, seed=1, lang="en")
    ensembles = ws.ensembles.follow(ws.live_runs())
    assert ensembles["A"].wait(DEADLINE)
    ws.step(12)
    option = bands.panel_option("en", "cash", ws.live_runs(), ensembles)
    names = [s["name"] for s in option["series"]]
    assert names == ["money in the bank, the world on screen", "money in the bank, 5% of 20 worlds",
                     "money in the bank, 5–95% of 20 worlds", "money in the bank, median of 20 worlds"], names
    assert all(len(s["data"]) == 12 for s in option["series"])  # nothing past the month on screen
    assert "5–95% of 20 worlds" in option["title"]["subtext"]
    # Every outcome of a panel has its band and median, in the line style of its own line.
    reach = bands.panel_option("en", "reach", ws.live_runs(), ensembles)
    medians = {s["name"]: s["lineStyle"]["type"] for s in reach["series"] if "median of" in s["name"]}
    assert medians == {"people reached, median of 20 worlds": "solid",
                       "people mentored or helped to funding, median of 20 worlds": "dashed"}, medians
    low, median, high = ensembles["A"].band("served", 12)
    served = next(s for s in reach["series"] if s["name"] == "people mentored or helped to funding, median of 20 worlds")
    assert [v for _, v in served["data"]] == [round(float(v), 4) for v in median]
    bg = bands.panel_option("bg", "reach", ws.live_runs(), ensembles)
    assert any("светът на екрана" in s["name"] for s in bg["series"])
    assert bands.panel_option("en", "funding", ws.live_runs(), ensembles) == charts.panel_option(
        "en", "funding", ws.live_runs())
