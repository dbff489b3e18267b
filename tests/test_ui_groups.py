"""Five groups at once, in real Chromium: with four tabs playing, a Step in the fifth answers within a
second (median over 10 steps), and every tab shows its own world at its own month (no cross-talk).

The measure is benchmarks/ui_groups.py's (the real `simcenter ui` in a subprocess, five browser contexts
in one headless Chromium, side by side on in each, each with its own seed). The threshold is the
issue's target for the 2-core machine it was set on, without other work (there the median is
0.25-0.9 s, by the load). Two things this test cannot control make the figure larger elsewhere:

- other work on the machine (a burst of it, or the tests before this one): a median over the threshold
  is measured again (10 more steps, at most twice) and the best of the rounds counts;
- slower cores (a CI machine's): the threshold grows with them. ``machine_seconds`` times a fixed piece
  of Python work before the tabs open; where it takes longer than on the reference machine
  (``REFERENCE_WORK_MS``), the second grows in proportion (never shrinks). Every figure is in the
  failure message.
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
REFERENCE_WORK_MS = 43.0
"""``benchmarks/ui_groups.machine_seconds()`` on the machine the target was set on (2 cores; 41-45 ms,
2026-12-07)."""
ROUNDS = 3
"""At most this many rounds of 10 steps (the best median counts)."""
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
    work_ms = 1000 * bench.machine_seconds()
    limit = STEP_MEDIAN_SECONDS * max(1.0, work_ms / REFERENCE_WORK_MS)
    m, pages = bench.measure(chromium, app.url, steps=10, seeds=SEEDS, pid=app.proc.pid)
    print(f"a fixed piece of work {work_ms:.1f} ms (reference {REFERENCE_WORK_MS} ms): limit {limit:.2f} s;",
          m.summary(), f"load before: {m.load_before}; after: {m.load_after}")
    try:
        *players, stepper = pages
        assert all(moved >= 2 for moved in m.played), m.summary()  # the others did play meanwhile
        medians = [statistics.median(m.steps)]
        while min(medians) >= limit and len(medians) < ROUNDS:  # a burst of other work, or the app: again
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
        assert min(medians) < limit, (
            f"medians {medians} against {limit:.2f} s (a fixed piece of work took {work_ms:.1f} ms here, "
            f"{REFERENCE_WORK_MS} ms on the reference machine); {m.summary()}; load before: {m.load_before}; "
            f"after: {m.load_after}; now {load[0]:.1f} on {os.cpu_count()} cores")
    finally:
        for page in pages:
            page.context.close()
