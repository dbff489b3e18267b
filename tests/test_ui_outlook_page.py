"""A design's fate in plain sight, in headless Chromium: the banner of a centre that closes in the world
on screen, when and why, in the page's language. Without a browser: tests/test_ui_outlook.py."""

from __future__ import annotations

import pytest

from conftest import ROOT

from browser import browser, require_chromium
from ui_support import month, require_app, running_app, step

WAIT_MS = 30_000
OUTPUT = ROOT / "tests" / "output"
VIEWPORT = {"width": 1500, "height": 2300}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    require_app()
    with running_app(tmp_path_factory.mktemp("ui-outlook"), "--host", "127.0.0.1") as running:
        yield running
    assert "Traceback" not in running.output(), running.output()


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(WAIT_MS)
    yield ctx
    ctx.close()


def test_a_design_that_closes_shows_a_banner_saying_when_and_why(context, app):
    # The cooperative closes insolvent in month 49 of the default world (seed 1): open it at month 48.
    page = context.new_page()
    page.goto(app.url + "/?lang=en&seed=1&step=1&ab=0&month=48&a=plovdiv%2Fcooperative.yaml")
    page.wait_for_selector(".sc-kpi-reached")
    page.wait_for_function("() => /48/.test(document.querySelector('.sc-month')?.innerText || '')")
    assert month(page) == 48
    assert page.locator(".sc-closed").count() == 0
    step(page)
    banner = page.locator(".sc-closed-A")
    banner.wait_for()
    text = banner.inner_text()
    assert "Design A closed in month 49" in text and "ran out of money" in text and "insolvent" in text, text
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui_closed.png"))
    page.locator(".sc-lang button", has_text="Български").click()
    page.wait_for_function("() => (document.querySelector('.sc-closed-A')?.innerText || '').includes('Модел А затвори')")
    text = page.locator(".sc-closed-A").inner_text()
    assert "през месец 49" in text and "остана без пари" in text, text
