"""The workshop app in a real browser: `simcenter ui` in a subprocess, headless Chromium via Playwright.

What these tests protect: the page renders offline with every asset from 127.0.0.1; the
design controls change the model (cards and plots); browser sessions never share a model;
the A/B panel names differences; what a group exports is a valid scenario; bad input shows
a readable message in the page. Screenshots land in tests/output/ for a person to look at.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from browser import require_chromium
from ui_support import chromium  # noqa: F401 - the shared browser fixture
from ui_support import choose, month, open_app, require_app, running_app, step, wait_month

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "output"
WAIT_MS = 30_000
VIEWPORT = {"width": 1500, "height": 2300}
"""Tall enough that a screenshot shows the controls, the cards, the charts and the network."""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """`simcenter ui` on a free 127.0.0.1 port, stopped (its whole process group) at the end.

    It runs in a folder whose scenarios/ holds one broken file next to the shipped ones, so
    a test can pick a bad scenario from the page's own list.
    """
    require_chromium()
    require_app()
    cwd = tmp_path_factory.mktemp("ui")
    (cwd / "scenarios").mkdir()
    (cwd / "scenarios" / "broken.yaml").write_text("name: broken\nhorizon: {years: 100}\n", encoding="utf-8")
    with running_app(cwd, "--host", "127.0.0.1") as app:
        yield app.url
    assert "Traceback" not in app.output(), app.output()


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    ctx.set_default_timeout(WAIT_MS)
    yield ctx
    ctx.close()


# ---------------------------------------------------------------------------- helpers
def canvas(page, css: str) -> str:
    """The pixels of the chart in ``css``, as a data URL."""
    return page.evaluate("css => document.querySelector(css + ' canvas').toDataURL()", css)


def wait_redrawn(page, css: str, before: str) -> str:
    """Wait until the chart in ``css`` differs from ``before``; return its new pixels."""
    page.wait_for_function("([css, before]) => { const c = document.querySelector(css + ' canvas');"
                           " return c !== null && c.toDataURL() !== before; }",  # none while the chart is rebuilt
                           arg=[css, before])
    return canvas(page, css)


def kpis(page) -> str:
    return page.locator(".sc-kpis").inner_text()


ECHARTS_TITLE = """([css, text]) => new Promise(done => requirejs(
    [window.solara.cdn + '/echarts@5.4.0/dist/echarts.js'],
    echarts => {
        const chart = echarts.getInstanceByDom(document.querySelector(css + ' .solara-echarts'));
        done(!!chart && chart.getOption().title[0].text.includes(text));
    }))"""
"""Does the ECharts chart in ``css`` have ``text`` in its title? (Its title is drawn, not in the DOM.)"""


def settle(page) -> None:
    """Wait until everything on screen shows the month in the header (components update one by one)."""
    n = month(page)
    if page.locator(".sc-proscons").count():
        page.wait_for_selector(f".sc-proscons >> text=/(month|месец) {n}:/")
    for which in ("A", "B"):
        if page.locator(f".sc-network-{which}").count():
            page.wait_for_function(ECHARTS_TITLE, arg=[f".sc-network-{which}", f" {n}:"])


def shot(page, name: str) -> None:
    """A screenshot for a person to look at, once the page has caught up with itself."""
    if page.locator(".sc-month").count():
        settle(page)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"ui_{name}.png"))


# ---------------------------------------------------------------------------- tests
def test_page_loads_offline_every_request_local_and_answered(context, app_url):
    requests, failed = [], []
    context.on("request", lambda r: requests.append(r.url))
    context.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    context.on("response", lambda r: failed.append(f"{r.url}: HTTP {r.status}") if r.status >= 400 else None)
    page = open_app(context, app_url)
    step(page, 2)
    page.wait_for_function("document.querySelector('.sc-kpi-reached').innerText.match(/\\d/)")
    shot(page, "loaded")

    assert failed == []
    hosts = {urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {"127.0.0.1"}, hosts
    assert len(requests) > 5
    # Rendered, not a blank page or a spinner: every card, six charts, the network, the controls.
    assert page.locator(".sc-kpi").count() == 10
    assert page.locator(".sc-charts canvas").count() >= 6
    assert page.locator(".sc-step").is_enabled()
    assert "Month 2 of 120" in page.locator(".sc-month").inner_text()


def test_play_runs_until_paused_and_reset_goes_back(context, app_url):
    page = open_app(context, app_url)
    page.locator(".sc-play").click()
    page.wait_for_selector(".sc-step[disabled]")  # no stepping by hand while playing
    page.wait_for_function("() => parseInt(/(\\d+)/.exec(document.querySelector('.sc-month').innerText)[1]) >= 4")
    page.locator(".sc-play", has_text="Pause").click()
    page.wait_for_selector(".sc-play >> text=Play")
    page.wait_for_selector(".sc-step:not([disabled])")
    paused = month(page)
    step(page)  # exactly one month further: the play loop has stopped
    assert month(page) == paused + 1
    page.locator(".sc-reset").click()
    wait_month(page, 0)


def test_changing_the_legal_form_and_stepping_changes_plots_and_cards(context, app_url):
    page = open_app(context, app_url)
    step(page, 6)
    cash_before, net_before, cards_before = canvas(page, ".sc-chart-cash"), canvas(page, ".sc-network-A"), kpis(page)
    assert "Non-Profit Legal Entities Act" in page.locator(".sc-legal_form-note-A").inner_text()

    choose(page, ".sc-legal_form-A", "Cooperative")
    # The new design is replayed to the month on screen, in the same random world.
    page.wait_for_selector(".sc-legal_form-note-A >> text=Cooperatives Act")
    cash_after = wait_redrawn(page, ".sc-chart-cash", cash_before)
    page.wait_for_function("before => document.querySelector('.sc-kpis').innerText !== before", arg=cards_before)
    assert month(page) == 6
    cards_after = kpis(page)

    step(page)
    wait_redrawn(page, ".sc-chart-cash", cash_after)
    wait_redrawn(page, ".sc-network-A", net_before)
    page.wait_for_function("before => document.querySelector('.sc-kpis').innerText !== before", arg=cards_after)
    shot(page, "cooperative_month7")


def test_two_browser_sessions_keep_independent_models(chromium, app_url):
    one = chromium.new_context(viewport=VIEWPORT)
    two = chromium.new_context(viewport=VIEWPORT)
    try:
        for ctx in (one, two):
            ctx.set_default_timeout(WAIT_MS)
        p1, p2 = open_app(one, app_url), open_app(two, app_url)
        step(p1, 3)
        choose(p1, ".sc-legal_form-A", "Public-benefit foundation")
        p2.locator(".sc-step").click()  # the other group, at the same time
        wait_month(p2, 1)

        assert month(p1) == 3 and month(p2) == 1
        assert "Public-benefit association" in p2.locator(".sc-legal_form-A").inner_text()
        assert "Public-benefit foundation" in p1.locator(".sc-legal_form-A").inner_text()
        step(p2)
        p1.locator(".sc-reset").click()
        wait_month(p1, 0)
        assert month(p2) == 2
        shot(p2, "second_session")
    finally:
        one.close()
        two.close()


def test_side_by_side_panel_names_the_differences(context, app_url):
    page = open_app(context, app_url)
    page.locator(".sc-compare").click()
    page.wait_for_selector(".sc-proscons .sc-same")  # B starts as a copy of A
    choose(page, ".sc-legal_form-B", "Cooperative")
    page.wait_for_selector(".sc-differs")
    differs = page.locator(".sc-differs").inner_text()
    assert "legal form: A Public-benefit association, B Cooperative" in differs
    step(page, 12)
    page.wait_for_selector(".sc-better-A li, .sc-better-B li")
    better = page.locator(".sc-better-A li").all_inner_texts() + page.locator(".sc-better-B li").all_inner_texts()
    assert better and all(re.search(r"^(A|B) does better on .+: .+ against .+ for (A|B)$", s) for s in better), better
    assert page.locator(".sc-kpi-B").count() == 10  # every card shows both designs
    assert page.locator(".sc-network-B canvas").count() >= 1
    shot(page, "side_by_side")


def test_exported_designs_validate_and_results_export_as_csv(context, app_url, tmp_path):
    page = open_app(context, app_url)
    choose(page, ".sc-legal_form-A", "Cooperative")
    page.locator(".sc-compare").click()
    choose(page, ".sc-management-B", "Network hub (network administrative organisation)")
    step(page, 3)
    files = []
    for css in (".sc-export-yaml-A", ".sc-export-yaml-B", ".sc-export-csv"):
        with page.expect_download() as download:
            page.locator(css).click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        files.append(target)
    a, b, csv = files
    assert a.name == "cooperative-executive-director-workshop-a.yaml"  # after the design it holds
    assert b.name == "cooperative-network-hub-workshop-b.yaml"

    proc = subprocess.run([sys.executable, "-m", "simcenter", "validate", str(a), str(b)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "cooperative + executive_director" in proc.stdout
    assert "cooperative + network_hub" in proc.stdout

    lines = csv.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("design,scenario,seed,month,calendar_month,reached,served,")
    assert len(lines) == 1 + 2 * 3  # both designs, three months each
    assert {ln.split(",")[0] for ln in lines[1:]} == {"A", "B"}


def test_bad_input_shows_a_readable_message_not_a_crash(context, app_url):
    page = open_app(context, app_url)
    fee = page.locator(".sc-mentoring_fee_eur-A input")
    fee.fill("-5")
    fee.press("Enter")
    page.wait_for_selector(".sc-refused")
    text = page.locator(".sc-refused").inner_text()
    assert "Not accepted — mentoring fee, EUR per hour: must be between 0 and 200, got -5" in text, text
    step(page)  # the design as it was still runs

    page.locator(".sc-lang button", has_text="Български").click()
    page.wait_for_selector("text=Месец 1 от 120")
    page.wait_for_selector(".sc-refused >> text=трябва да е между 0 и 200, получено: -5")
    shot(page, "bulgarian")
    page.locator(".sc-lang button", has_text="English").click()
    page.wait_for_selector("text=Month 1 of 120")

    fee.fill("0")
    fee.press("Enter")
    page.wait_for_selector(".sc-refused", state="detached")

    choose(page, ".sc-scenario-A", "broken.yaml")
    page.wait_for_selector(".sc-problems >> text=cannot be used")
    problems = page.locator(".sc-problems").inner_text()
    assert re.search(r"broken\.yaml:\d+: horizon\.years: must be <= 30, got 100", problems), problems
    assert page.get_by_text("Traceback").count() == 0
    page.wait_for_selector(".sc-kpis", state="detached")  # nothing valid to show, and the page says so
    page.wait_for_selector("text=No valid design to show yet")
    shot(page, "bad_scenario")
    choose(page, ".sc-scenario-A", "Cooperative with a collegial board")
    page.wait_for_selector(".sc-problems", state="detached")
    page.wait_for_selector(".sc-kpi-reached")
