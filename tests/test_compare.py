"""Planner comparisons: paired differences, pros and cons, the report and its rebuild."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from simcenter.comparison import compare, default_baseline, load_designs
from simcenter.errors import InputError
from simcenter.report import build, compare_figures

from conftest import BASE, ROOT

SMALL = ["region.n_potential=300", "horizon.years=2"]
CMD = [sys.executable, "-m", "simcenter"]


def _variant(folder: Path, name: str, body: str = "") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"extends: {BASE}\nname: {name}\n{body}", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def twin_comparison(tmp_path_factory):
    """The base scenario compared with an identical copy of itself."""
    folder = tmp_path_factory.mktemp("twins")
    a = _variant(folder, "original")
    b = _variant(folder, "copy")
    out = folder / "out"
    result = compare([a, b], out, reps=6, seed=3, workers=1, overrides=SMALL)
    return out, result


def test_a_design_against_itself_differs_by_exactly_zero(twin_comparison):
    _, result = twin_comparison
    summary = result["summary"]
    directional = summary[summary["direction"] != "info"]
    assert (directional["diff_median"].dropna() == 0).all()
    assert (directional["diff_ci_low"].dropna() == 0).all() and (directional["diff_ci_high"].dropna() == 0).all()
    assert not summary["robust"].any()
    assert all(not pc["pros"] and not pc["cons"] for pc in result["pros_cons"].values())


def test_summary_csv_is_long_format_with_the_promised_columns(twin_comparison):
    out, _ = twin_comparison
    summary = pd.read_csv(out / "summary.csv")
    assert list(summary.columns) == ["scenario", "outcome", "unit", "direction", "median", "mean", "p05", "p95",
                                     "diff_median", "diff_ci_low", "diff_ci_high", "robust"]
    assert set(summary["scenario"]) == {"original", "copy"}


def test_twice_the_mentors_with_the_same_money_wins_on_mentoring_hours(tmp_path):
    # Long programmes of many hours: the mentors' time, not demand, limits the hours delivered.
    rich = "center:\n  starting_cash_eur: 900000\n  services:\n    mentorship: {hours_per_client_month: 16}\n"
    base = _variant(tmp_path, "two-mentors", rich + "  staff:\n    n_mentors: 2\n")
    double = _variant(tmp_path, "four-mentors", rich + "  staff:\n    n_mentors: 4\n")
    result = compare([base, double], tmp_path / "out", reps=8, seed=5, workers=1, overrides=SMALL)
    s = result["summary"].set_index(["scenario", "outcome"])
    row = s.loc[("four-mentors", "mentoring_hours")]
    assert row["robust"] and row["diff_median"] > 0 and row["diff_ci_low"] > 0
    assert any(p.startswith("mentoring hours") for p in result["pros_cons"]["four-mentors"]["pros"])
    assert any(c.startswith("mentoring hours") for c in result["pros_cons"]["two-mentors"]["cons"])


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self.images: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"class": attrs.get("class", ""), "rows": 0, "heads": 0})
        elif tag == "th" and not self._in_body:
            self.tables[-1]["heads"] += 1
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body:
            self.tables[-1]["rows"] += 1
        elif tag == "img":
            self.images.append(attrs.get("src", ""))

    def handle_endtag(self, tag):
        if tag == "tbody":
            self._in_body = False


def test_html_report_parses_with_a_row_per_design_and_every_figure(twin_comparison):
    out, _ = twin_comparison
    parser = _Tables()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    by_class = {tb["class"]: tb for tb in parser.tables}
    assert by_class["lights"]["rows"] == 2  # the brief's traffic lights: a row per design
    assert by_class["designs pros-cons"]["rows"] == 2
    # the appendix tables have a column per design (at most MAX_COLUMNS side by side) and a row per outcome
    assert by_class["designs overview"]["heads"] == 1 + 2
    assert by_class["designs overview"]["rows"] == 2 + len(build.OVERVIEW)
    assert by_class["designs differences"]["heads"] == 1 + 1  # the designs other than the baseline
    expected = len(compare_figures.TIME_OUTCOMES) + 4
    assert len(parser.images) == expected
    assert all(src.startswith("data:image/png;base64,") for src in parser.images)  # self-contained
    names = sorted(p.name for p in (out / "figures").glob("*.png"))
    assert {"forest.png", "funding_mix.png", "pros_cons.png", "regional_reach.png"} <= set(names)
    assert len(names) == expected
    md = (out / "report.md").read_text(encoding="utf-8")
    assert md.count("![") == expected


def test_bands_are_the_replicates_percentiles_of_each_outcome_by_month(twin_comparison):
    """bands.csv, row by (design, outcome, month): its last month holds the 5th, 50th and 95th
    percentiles over replicates of what kpis.csv holds for each replicate (its last month)."""
    import numpy as np

    out, _ = twin_comparison
    bands, kpis = pd.read_csv(out / "bands.csv"), pd.read_csv(out / "kpis.csv")
    last = bands["month"].max()
    checked = 0
    for (design, outcome), rows in bands.groupby(["scenario", "outcome"], sort=False):
        assert list(rows["month"]) == list(range(last + 1)), (design, outcome)
        values = kpis.loc[kpis["scenario"] == design, outcome].to_numpy(dtype=float)
        if np.isnan(values).any():
            continue
        end = rows[rows["month"] == last].iloc[0]
        expected = np.percentile(values, [5, 50, 95])
        assert np.allclose([end["p05"], end["median"], end["p95"]], expected, rtol=1e-9, atol=1e-9), (design, outcome)
        checked += 1
    assert checked >= 20


def test_figures_of_two_designs_lay_out_without_giving_up(twin_comparison, tmp_path):
    """Every figure of a two-design comparison gets its layout (tight_layout warns, and leaves labels
    clipped, when a figure is too small for them: the pros-and-cons map was, with one or two rows)."""
    import warnings

    from simcenter.report import analysis

    out, result = twin_comparison
    res = analysis.load_results(out)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compare_figures.all_figures(res, result["summary"], tmp_path)


def test_report_command_rebuilds_the_same_report(twin_comparison, tmp_path):
    out, _ = twin_comparison
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    for name in ("summary.csv", "report.md", "report.html"):
        (copy / name).unlink()
    shutil.rmtree(copy / "figures")
    proc = subprocess.run([*CMD, "report", str(copy), "--format", "csv"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    for name in ("summary.csv", "report.md", "report.html"):
        assert (copy / name).read_bytes() == (out / name).read_bytes(), name


def test_one_invalid_scenario_stops_everything_before_any_run(tmp_path):
    good = _variant(tmp_path, "good")
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {BASE}\nname: bad\ncenter:\n  legal_form: nonsense\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([*CMD, "compare", str(good), str(bad), "--reps", "2", "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert f"{bad}:4: center.legal_form: unknown legal form 'nonsense'" in proc.stderr
    assert not out.exists()


def test_bad_input_ends_the_command_without_waiting_for_its_workers(tmp_path):
    """With worker processes, a bad scenario ends the command as soon as it is read: sooner than its
    fork server can load the model (the pool used to be asked for workers first, and a pool that
    is starting a worker cannot be shut down until the server has given it one)."""
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {BASE}\nname: bad\ncenter:\n  staff:\n    n_mentors: -3\n", encoding="utf-8")

    def seconds(cmd):
        # Output to a file, as at a terminal: a pipe stays open while the fork server (which shares
        # the command's output, for its workers' messages) finishes loading, whatever the command does.
        with open(tmp_path / "err.txt", "w") as err:
            start = time.perf_counter()
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
            return time.perf_counter() - start, proc

    loading = [seconds([sys.executable, "-c", "import simcenter.run.preload"])[0]]  # what the server does first
    elapsed, proc = seconds([*CMD, "compare", str(BASE), str(bad), "--workers", "2", "--out", str(tmp_path / "out")])
    message = (tmp_path / "err.txt").read_text()
    loading.append(seconds([sys.executable, "-c", "import simcenter.run.preload"])[0])
    assert proc.returncode == 2 and f"{bad}:5: center.staff.n_mentors: must be >= 0" in message
    assert elapsed < 0.6 * max(loading), f"{elapsed:.2f} s; loading the model alone: {loading}"


def test_duplicate_names_are_refused(tmp_path):
    a = _variant(tmp_path / "a" if (tmp_path / "a").mkdir() is None else tmp_path, "same")
    (tmp_path / "b").mkdir()
    b = _variant(tmp_path / "b", "same")
    with pytest.raises(InputError, match="two scenarios are named 'same'"):
        load_designs([a, b])


def test_different_horizons_are_compared_over_the_common_one(tmp_path):
    short = _variant(tmp_path, "short", "horizon:\n  years: 1\n")
    long = _variant(tmp_path, "long")
    designs, notes = load_designs([short, long])
    assert {d.scenario.horizon.years for d in designs} == {1}
    assert notes and "common 1 years" in notes[0]


def test_unknown_baseline_is_an_input_error(tmp_path):
    a = _variant(tmp_path, "alpha")
    with pytest.raises(InputError, match="did you mean 'alpha'"):
        compare([a], tmp_path / "out", reps=1, baseline="alpah", workers=1, overrides=SMALL)


def test_ctrl_c_leaves_no_half_written_report(tmp_path):
    a = _variant(tmp_path, "one")
    b = _variant(tmp_path, "two")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([*CMD, "compare", str(a), str(b), "--reps", "400", "--workers", "2", "--out", str(out)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    deadline = time.time() + 90
    while time.time() < deadline and not _children(proc.pid):  # wait until the workers run
        time.sleep(0.2)
    assert _children(proc.pid), "the comparison never started its workers"
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)  # like Ctrl-C in a terminal: the whole process group
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def _children(pid: int) -> list[int]:
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            out.append(int(status.parent.name))
    return out


def test_comparison_json_records_seeds_and_designs(twin_comparison):
    out, _ = twin_comparison
    meta = json.loads((out / "comparison.json").read_text())
    assert meta["baseline"] == "original" and len(meta["seeds"]) == 6
    assert [d["name"] for d in meta["designs"]] == ["original", "copy"]


def test_html_report_renders_in_headless_chromium(twin_comparison, tmp_path):
    """Open the report in a real browser: it loads with no request leaving the file, and is not blank."""
    import numpy as np
    from PIL import Image

    from browser import browser

    out, _ = twin_comparison
    shots = ROOT / "tests" / "output"
    shots.mkdir(exist_ok=True)
    failed, external = [], []
    with browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("request", lambda r: external.append(r.url) if r.url.startswith("http") else None)
        page.goto((out / "report.html").as_uri())
        page.wait_for_load_state("load")
        assert page.locator("table.designs").count() == 3
        assert page.locator("figure img").count() == len(compare_figures.TIME_OUTCOMES) + 4
        widths = page.eval_on_selector_all("figure img", "imgs => imgs.map(i => i.naturalWidth)")
        assert all(w > 100 for w in widths)  # every embedded figure decoded
        shot = shots / "report.png"
        page.screenshot(path=str(shot), full_page=False)
    assert not failed and not external
    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.std() > 10  # not a blank page


def test_a_folder_is_compared_with_its_base_design():
    """Without --baseline, the design in base.yaml (which the others extend) is the baseline."""
    designs, _ = load_designs([str(ROOT / "scenarios" / "plovdiv")], SMALL)
    assert designs[0].name != "plovdiv-association-director"  # not simply the first file
    assert default_baseline(designs) == "plovdiv-association-director"
    others = [d for d in designs if not d.file.endswith("base.yaml")]
    assert default_baseline(others) == others[0].name


def test_worker_processes_give_the_same_files_as_one_process(tmp_path):
    """The command with 2 workers (started first; they run the models, compute the statistics and
    draw the figures while this process writes the tables) writes exactly the files of a
    comparison run in one process; its own process never loads Mesa, the compiled loops or the
    plotting library."""
    a = _variant(tmp_path, "one")
    b = _variant(tmp_path, "two", "center: {legal_form: foundation, management: collegial_board}\n")
    serial = tmp_path / "serial"
    compare([a, b], serial, reps=4, seed=2, workers=1, overrides=SMALL)
    parallel = tmp_path / "parallel"
    sets = [arg for s in SMALL for arg in ("--set", s)]
    loaded = tmp_path / "modules.json"
    argv = ["compare", str(a), str(b), "--reps", "4", "--seed", "2", "--workers", "2", "--out", str(parallel), *sets]
    code = ("import json, sys\nfrom simcenter.cli.main import main\nrc = main(json.loads(sys.argv[1]))\n"
            "heavy = [m for m in ('mesa', 'numba', 'matplotlib', 'simcenter.model') if m in sys.modules]\n"
            "open(sys.argv[2], 'w').write(json.dumps(heavy))\nsys.exit(rc)\n")
    proc = subprocess.run([sys.executable, "-c", code, json.dumps(argv), str(loaded)], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(loaded.read_text()) == []
    names = sorted(p.relative_to(serial).as_posix() for p in serial.rglob("*") if p.is_file())
    assert "figures/forest.png" in names and "report.html" in names
    assert names == sorted(p.relative_to(parallel).as_posix() for p in parallel.rglob("*") if p.is_file())
    differ = [n for n in names if n != "comparison.json" and (serial / n).read_bytes() != (parallel / n).read_bytes()]
    assert differ == []


@pytest.mark.parametrize("n_designs,reps", [(6, 100), (6, 1), (1, 1)])
def test_every_design_runs_every_replicate_once_with_the_replicates_seed(n_designs, reps):
    from simcenter.comparison import Design
    from simcenter.comparison.running import comparison_runs

    designs = [Design(f"d{i}", f"d{i}.yaml", f"scenario {i}") for i in range(n_designs)]
    seeds = [1000 + r for r in range(reps)]
    runs = comparison_runs(designs, seeds)
    assert sorted(r.key for r in runs) == [(i, r) for i in range(n_designs) for r in range(reps)]
    assert all(run.seed == seeds[run.key[1]] and run.scenario == f"scenario {run.key[0]}" for run in runs)
    assert [r.key[1] for r in runs] == sorted(r.key[1] for r in runs)  # first replicates first


def test_resolved_yaml_is_the_text_safe_dump_writes():
    """The saved scenarios are written by libyaml's emitter where PyYAML has it: the same text as the
    pure-Python emitter (so the same bytes with or without libyaml), Cyrillic, long and multi-line
    descriptions included, and it reads back as the same data."""
    import yaml

    from simcenter.config.loader import load_scenario
    from simcenter.files import resolved_yaml

    sc = load_scenario(BASE)
    sc = sc.model_copy(update={"name": "център-пловдив",
                               "description": "Център за социални иновации в Пловдив: " * 12 + "\nend: 'quoted' \"x\""})
    text = resolved_yaml(sc)
    data = sc.model_dump(mode="json")
    assert text == yaml.dump(data, Dumper=yaml.SafeDumper, sort_keys=False, allow_unicode=True, width=2**31 - 1)
    assert yaml.safe_load(text) == data
    assert "Център за социални" in text


def test_report_work_is_handed_out_one_task_a_worker_longest_first(monkeypatch):
    """With ``workers``, the report never queues work behind a busy worker: at most that many tasks
    run at once, the figures that need the summary get it, and of the figures ready when a worker
    comes free the longest goes first (the forest plot before the funding mix)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from simcenter.report import build

    events, running, peak, lock = [], [0], [0], threading.Lock()

    def task(name, seconds, result):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            events.append(name)
        time.sleep(seconds)
        with lock:
            running[0] -= 1
        return result

    monkeypatch.setattr(build, "_summary", lambda folder: task("summary", 0.05, ("the summary", "the verdicts")))
    seen = {}

    def draw(folder, figs, lang, which, summary=None):
        seen[which] = summary
        return task(which, {"timeseries": 0.3}.get(which, 0.02), [f"{which}.png"])

    monkeypatch.setattr(build, "_draw", draw)
    with ThreadPoolExecutor(max_workers=4) as pool:  # more threads than workers: the limit is _hand_out's
        (summary, verdicts), drawn = build._hand_out(pool, 2, "folder", "figures", "en")
        assert summary == "the summary" and verdicts == "the verdicts"
        assert sorted(drawn) == sorted(build.FIGURES)
        assert all(fut.result() == [f"{w}.png"] for w, fut in drawn.items())
    assert peak[0] == 2
    assert events[:2] == ["summary", "timeseries"] and events[2] == "forest"
    assert events.index("forest") < events.index("funding_mix")
    assert all(seen[w] == "the summary" for w in build.LATE_FIGURES)
    assert all(seen[w] is None for w in build.EARLY_FIGURES)
