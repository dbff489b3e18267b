"""A design's fate in plain sight, in headless Chromium: the banner of a centre that closes in the world
on screen, when and why, in the page's language; the headline of each design over many worlds, and
its change after a lever's. Without a browser: tests/test_ui_outlook.py, tests/test_ui_ensemble.py."""

from __future__ import annotations

import pytest

from conftest import ROOT

from browser import require_chromium
from ui_support import chromium, context  # noqa: F401 - the shared browser fixtures
from ui_support import choose, month, require_app, running_app, step


OUTPUT = ROOT / "tests" / "output"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    require_app()
    with running_app(tmp_path_factory.mktemp("ui-outlook"), "--host", "127.0.0.1") as running:
        yield running
    assert "Traceback" not in running.output(), running.output()


def test_a_design_that_closes_shows_a_banner_saying_when_and_why(context, app):
    # The cooperative closes insolvent in month 37 of the default world (seed 1): open it at month 36.
    page = context.new_page()
    page.goto(app.url + "/?lang=en&seed=1&step=1&ab=0&month=36&a=plovdiv%2Fcooperative.yaml")
    page.wait_for_selector(".sc-kpi-reached")
    page.wait_for_function("() => /36/.test(document.querySelector('.sc-month')?.innerText || '')")
    assert month(page) == 36
    assert page.locator(".sc-closed").count() == 0
    step(page)
    banner = page.locator(".sc-closed-A")
    banner.wait_for()
    text = banner.inner_text()
    assert "Design A closed in month 37" in text and "ran out of money" in text and "insolvent" in text, text
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui_closed.png"))
    page.locator(".sc-lang button", has_text="Български").click()
    page.wait_for_function("() => (document.querySelector('.sc-closed-A')?.innerText || '').includes('Модел А затвори')")
    text = page.locator(".sc-closed-A").inner_text()
    assert "през месец 37" in text and "остана без пари" in text, text


WORLDS_MS = 180_000
"""20 worlds per design in worker processes, the pool starting with the first: generous on a loaded machine."""


def worlds_line(page, which: str, expected: str) -> str:
    """Wait until design ``which``'s headline over many worlds reads ``expected``; return it."""
    page.wait_for_function("([css, t]) => (document.querySelector(css)?.innerText || '').includes(t)",
                           arg=[f".sc-worlds-{which}.sc-worlds-ready", expected], timeout=WORLDS_MS)
    return page.locator(f".sc-worlds-{which}").inner_text()


def test_the_headline_over_many_worlds_appears_and_follows_a_lever_change(context, app):
    # The Plovdiv base operates after 10 years in all 20 worlds of seed 1; as a cooperative, in 17.
    page = context.new_page()
    page.goto(app.url + "/?lang=en&seed=1&step=1&ab=1&month=12")
    page.wait_for_selector(".sc-kpi-reached")
    assert worlds_line(page, "A", "open after 10 years in 20 of 20 worlds").startswith("Design A: ")
    worlds_line(page, "B", "open after 10 years in 20 of 20 worlds")
    # The charts draw the worlds behind the world on screen, named so.
    page.wait_for_function("() => document.querySelector('.sc-chart-cash')?.innerText !== undefined")
    choose(page, ".sc-legal_form-A", "Cooperative")
    assert "in 17 of 20 worlds" in worlds_line(page, "A", "open after 10 years in 17 of 20 worlds, with a paid team in 6")
    assert "in 20 of 20 worlds" in page.locator(".sc-worlds-B").inner_text()  # B did not change
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui_worlds.png"))
    page.locator(".sc-lang button", has_text="Български").click()
    page.wait_for_function("() => (document.querySelector('.sc-worlds-A')?.innerText || '').includes('в 17 от 20 свята')")
