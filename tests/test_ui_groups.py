"""Five groups at once, in real Chromium: with four tabs playing, a Step in the fifth answers within a
second (median over 10 steps), and every tab shows its own world at its own month (no cross-talk).

The measure is benchmarks/ui_groups.py's (the real `simcenter ui` in a subprocess, five browser contexts
in one headless Chromium, side by side on in each, each with its own seed). The threshold is the
issue's target for a 2-core machine without other work (there the median is about 0.3 s); on a
machine busy with other work the figure grows with its load, so a first median over the threshold
is measured once more (10 more steps) and the better of the two counts; the failure message states
the load.
"""

from __future__ import annotations

import importlib.util
import os
import re
import statistics
import sys

import pytest

from conftest import BASE, ROOT

from browser import require_chromium
from ui_support import chromium  # noqa: F401 - the shared browser fixture
from ui_support import require_app, running_app

pytestmark = pytest.mark.slow

STEP_MEDIAN_SECONDS = 1.0
"""The issue's target: with five tabs playing, a step answers within 1 s (median)."""
SEEDS = (11, 12, 13, 14, 15)


def _benchmark():
    spec = importlib.util.spec_from_file_location("simcenter_ui_groups", ROOT / "benchmarks" / "ui_groups.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    require_app()
    with running_app(tmp_path_factory.mktemp("ui-groups"), "--host", "127.0.0.1") as running:
        yield running
    assert "Traceback" not in running.output(), running.output()


def expected_cash(seed: int, month: int) -> list[str]:
    """Design A's and B's cash at ``month`` in the world of ``seed``, as the key figure shows it."""
    from simcenter.ui.session import Workshop
    from simcenter.ui.text import outcome_value

    ws = Workshop(BASE, seed=seed, lang="en")
    ws.set_compare(True)
    ws.step(month)
    return [f"{w}: {outcome_value('en', 'cash_eur', ws.runs[w].latest('cash_eur'))}" for w in "AB"]


def test_five_tabs_playing_a_step_answers_within_a_second_and_each_tab_keeps_its_own_world(app, chromium):  # noqa: F811
    bench = _benchmark()
    m, pages = bench.measure(chromium, app.url, steps=10, seeds=SEEDS, pid=app.proc.pid)
    print(m.summary(), f"load before: {m.load_before}; after: {m.load_after}")
    try:
        *players, stepper = pages
        assert all(moved >= 2 for moved in m.played), m.summary()  # the others did play meanwhile
        medians = [statistics.median(m.steps)]
        if medians[0] >= STEP_MEDIAN_SECONDS:  # a burst of other work on the machine, or the app: once more
            bench.time_steps(m, pages, 10, app.proc.pid)
            print("again:", m.summary(), f"load before: {m.load_before}; after: {m.load_after}")
            medians.append(statistics.median(m.steps))
        for page in players:
            page.locator(".sc-play").click()  # Pause
        for page in players:
            page.wait_for_function("() => /Play/.test(document.querySelector('.sc-play').textContent)")
        stepper.wait_for_timeout(1500)  # a tick under way is drawn
        months = []
        for page, seed in zip(pages, SEEDS):
            month = bench.month(page)
            months.append(month)
            query = re.search(r"[?&]seed=(\d+)", page.url)
            assert query and int(query.group(1)) == seed, page.url
            cash = page.locator(".sc-kpi-cash_eur").inner_text()
            for line in expected_cash(seed, month):
                assert line in cash, (seed, month, cash)
        assert months[-1] == 10 * len(medians)  # the stepping tab moved by its own steps only
        load = os.getloadavg()
        assert min(medians) < STEP_MEDIAN_SECONDS, (
            f"medians {medians}; {m.summary()}; load before: {m.load_before}; after: {m.load_after}; now "
            f"{load[0]:.1f} on {os.cpu_count()} cores")
    finally:
        for page in pages:
            page.context.close()
