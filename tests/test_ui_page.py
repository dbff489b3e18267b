"""What only the page shows, checked in headless Chromium at a laptop's 1,280x720: the charts as
ECharts draws them, the sliders' shown values, the pace of Play.

The session's own numbers are checked without a browser (tests/test_ui_session.py,
tests/test_ui_screen.py); these tests look at what the browser makes of them.
"""

from __future__ import annotations

import pytest

from browser import require_chromium
from ui_support import chromium  # noqa: F401 - the shared browser fixture
from ui_support import choose, month, open_app, require_app, running_app, step

WAIT_MS = 30_000
LAPTOP = {"width": 1280, "height": 720}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    require_chromium()
    require_app()
    with running_app(tmp_path_factory.mktemp("ui-page"), "--host", "127.0.0.1") as app:
        yield app.url
    assert "Traceback" not in app.output(), app.output()


@pytest.fixture
def page(chromium, app_url):
    ctx = chromium.new_context(viewport=LAPTOP, accept_downloads=True)
    ctx.set_default_timeout(WAIT_MS)
    yield open_app(ctx, app_url)
    ctx.close()


DRAWN_MONTHS = """css => new Promise(done => requirejs(
    [window.solara.cdn + '/echarts@5.4.0/dist/echarts.js'],
    echarts => {
        const chart = echarts.getInstanceByDom(document.querySelector(css + ' .solara-echarts'));
        const drawn = {};
        chart.getModel().eachSeries(s => {
            const points = s.getData().getLayout('points') || [];
            let last = 0;
            for (let i = 0; i < points.length; i += 2) {
                last = Math.max(last, chart.convertFromPixel({gridIndex: 0}, [points[i], points[i + 1]])[0]);
            }
            drawn[s.name] = Math.round(last * 1000) / 1000;
        });
        done(drawn);
    }))"""
"""The last month (x, in axis units) each line or area of the chart in ``css`` is drawn to, as ECharts laid it out."""


def drawn_to(page, css: str, month: int) -> dict:
    """Each series' last drawn month once the chart in ``css`` has caught up with ``month`` (charts are
    redrawn after the month in the header)."""
    for _ in range(100):
        drawn = page.evaluate(DRAWN_MONTHS, css)
        if drawn and all(x >= month for x in drawn.values()):
            return drawn
        page.wait_for_timeout(100)
    return drawn


def test_income_by_source_stops_at_the_month_on_screen(page):
    step(page, 5)
    funding = drawn_to(page, ".sc-chart-funding", 5)
    assert len(funding) == 7 and set(funding.values()) == {5}, funding  # every source, none past month 5
    assert set(drawn_to(page, ".sc-chart-cash", 5).values()) == {5}


def test_the_partner_seats_slider_shows_the_seats_of_the_chosen_structure(page):
    seats = page.locator(".sc-lever-partner_seats-A")
    assert seats.inner_text().strip().endswith(": 0")  # the executive director's: no partner seats
    choose(page, ".sc-management-A", "Multi-stakeholder board")
    page.wait_for_function("() => /: 9$/.test(document.querySelector('.sc-lever-partner_seats-A').innerText.trim())")
    assert seats.locator("input").input_value() == "9"  # the slider's own position too


def test_play_shows_one_month_about_every_second(page):
    assert "a month every 1 s" in page.locator(".sc-play-seconds").inner_text()
    page.locator(".sc-play").click()
    page.wait_for_function("() => /Month 1 /.test(document.querySelector('.sc-month').innerText)")
    seen = [1]
    for _ in range(35):  # 3.5 seconds after the first month
        page.wait_for_timeout(100)
        n = month(page)
        if n != seen[-1]:
            seen.append(n)
    page.locator(".sc-play", has_text="Pause").click()
    assert seen == list(range(1, len(seen) + 1)), seen  # one month at a time
    assert 3 <= len(seen) <= 6, seen  # about one a second (it was four a second)


def test_opening_the_page_changes_nothing_in_the_design(page):
    # The municipal support of the Plovdiv base is EUR 12,782, between two of the slider's steps of 2,500:
    # the slider appeared at 12,500 and sent that, as if the group had moved it.
    assert "12,782" in page.locator(".sc-lever-municipal_support_eur-A").inner_text()
    with page.expect_download() as download:
        page.locator(".sc-export-yaml-A").click()
    assert download.value.suggested_filename == "association-executive-director-workshop-a.yaml"
    assert "changed:" not in download.value.path().read_text(encoding="utf-8")
