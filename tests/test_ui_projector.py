"""The page for a projector, in headless Chromium at 1,280x720 and 1,920x1,080, normal and presentation
mode: the A-against-B result in plain words on the first screen, the catalogue folded below, nothing cut
or drawn over, chart text large enough, the glossary on hover, presentation mode surviving a reload.
Without a browser: tests/test_ui_words.py."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT

from browser import require_chromium
from ui_support import chromium  # noqa: F401,F811 - the shared browser fixture
from ui_support import PAGE_WAIT_MS, require_app, running_app

OUTPUT = ROOT / "tests" / "output"
WORLDS_MS = 240_000
"""Two designs over 20 worlds in worker processes, the pool starting with the first: generous on a loaded machine."""
SCREENS = {"laptop": {"width": 1280, "height": 720}, "projector": {"width": 1920, "height": 1080}}
ADDRESS = "/?lang=en&seed=1&step=1&ab=1&month=24&b=plovdiv%2Fbase.yaml&b.legal_form=cooperative"
"""The Plovdiv base against itself as a cooperative, at month 24 of seed 1."""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    require_app()
    with running_app(tmp_path_factory.mktemp("ui-projector"), "--host", "127.0.0.1") as running:
        yield running
    assert "Traceback" not in running.output(), running.output()


def open_page(chromium, url: str, screen: str):  # noqa: F811 - the fixture's value
    ctx = chromium.new_context(viewport=SCREENS[screen])
    ctx.set_default_timeout(PAGE_WAIT_MS)
    page = ctx.new_page()
    page.goto(url)
    page.wait_for_selector(".sc-kpi-reached")
    try:
        page.wait_for_selector(".sc-ab-ready .sc-ab-line", timeout=WORLDS_MS)
    except Exception:
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / "ui_projector_no_result.png"))
        raise AssertionError("no result over many worlds: " + page.locator(".sc-main").inner_text()[:600]) from None
    page.wait_for_selector(".sc-chart-cash canvas")
    page.wait_for_selector(".sc-network-A canvas")
    page.wait_for_timeout(1000)  # the charts drawn with the worlds
    return ctx, page


CUT = """() => {
    const cut = [];
    for (const el of document.querySelectorAll('.v-application *')) {
        const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
        if (!own || el.offsetParent === null) continue;
        const style = getComputedStyle(el);
        if (el.scrollWidth > el.clientWidth + 1 && style.overflowX !== 'visible') cut.push('overflows: ' + own);
        if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth) cut.push('ellipsis: ' + own);
        if (/(\\.\\.\\.|…)$/.test(own)) cut.push('ends in an ellipsis: ' + own);
    }
    return cut;
}"""
"""Every text on the page that is cut: wider than its box where the box hides the rest, or ending in "..."."""

CANVAS = """css => new Promise(done => requirejs(
    [window.solara.cdn + '/echarts@5.4.0/dist/echarts.js'],
    echarts => {
        const chart = echarts.getInstanceByDom(document.querySelector(css + ' .solara-echarts'));
        const texts = [];
        for (const el of chart.getZr().storage.getDisplayList(true)) {
            if (el.type !== 'tspan' || el.ignore || el.invisible || !el.style.text) continue;
            const rect = el.getBoundingRect();
            const m = el.transform || [1, 0, 0, 1, 0, 0];
            const size = parseFloat(/(\\d+(\\.\\d+)?)px/.exec(el.style.font || '12px')[1]);
            texts.push({text: String(el.style.text), size, x: m[4] + rect.x * m[0], w: rect.width * m[0],
                        y: m[5] + (rect.y + rect.height / 2) * m[3] - size / 2, h: size});
        }
        done({texts, width: chart.getWidth(), height: chart.getHeight()});
    }))"""
"""The lines of text ECharts drew on the canvas of the chart in ``css`` (zrender's ``tspan``s): what, at
which font size in px, and the box each takes (its width as measured, the font's size high)."""


def overlapping(texts: list[dict]) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes overlap (by more than a pixel each way)."""
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > 1 and \
                    min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > 1:
                pairs.append((a["text"], b["text"]))
    return pairs


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presentation"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_page_reads_from_the_back_of_the_room(chromium, app, screen, present):  # noqa: F811
    ctx, page = open_page(chromium, app.url + ADDRESS + ("&present=1" if present else ""), screen)
    try:
        height = SCREENS[screen]["height"]
        # The result of A against B, in plain words, over many worlds, on the first screen.
        lines = page.locator(".sc-ab-line").all_inner_texts()
        assert re.match(r"^Over 20 worlds, A stays open to the end \(10 years\) in 20, B in 17\.$", lines[0]), lines
        assert any(re.match(r"^A serves about [\d,]+ more people a year than B\.$", s) for s in lines), lines
        for line in page.locator(".sc-ab-line").all():
            box = line.bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (screen, box)
        # The figures of the world on screen are said to be one world only; the catalogue is folded.
        assert "In the world on screen only (one world of 20), month 24:" in page.locator(".sc-proscons").inner_text()
        assert page.locator(".sc-catalogue-list").count() == 0
        # Nothing cut, nothing ending in "..." (the partners' names in the network wrap, see below).
        assert page.evaluate(CUT) == [], (screen, present)
        # The glossary on hover: a plain name, and the technical name, unit and meaning in its title.
        title = page.locator(".sc-kpi-own_revenue_share .sc-kpi-title")
        assert title.inner_text() == "share of income the centre earns itself"
        assert title.get_attribute("title").startswith("own-revenue share (share). Fees paid by clients")
        assert page.locator(".sc-better-A li[title], .sc-better-B li[title]").count() >= 1
        # Presentation mode: the headline charts only, text of 16 px and more.
        panels = page.locator(".sc-chart").count()
        assert panels == (3 if present else 7)
        smallest = 16 if present else 12
        shown = ("cash", "reach", "added") if present else ("cash", "funding", "reach", "ventures", "jobs", "added",
                                                            "partners")
        for css in shown:
            drawn = page.evaluate(CANVAS, f".sc-chart-{css}")
            assert drawn["texts"] and min(t["size"] for t in drawn["texts"]) >= smallest, (css, drawn["texts"][:3])
            assert overlapping(drawn["texts"]) == [], (css, screen, present)
            outside = [t["text"] for t in drawn["texts"] if t["x"] < -1 or t["x"] + t["w"] > drawn["width"] + 1
                       or t["y"] < -1 or t["y"] + t["h"] > drawn["height"] + 1]
            assert outside == [], (css, screen, present)  # cut by the canvas's edge
            sizes = page.locator(f".sc-chart-{css} :is(.sc-chart-title, .sc-chart-note, .sc-key-item)").evaluate_all(
                "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
            assert len(sizes) >= 2 and min(sizes) >= smallest, (css, sizes)  # the title and its notes or key
        # The network scales with the window; its names are whole (wrapped), its text large enough.
        net = page.locator(".sc-network-A .solara-echarts")
        column = page.locator(".sc-network-A").bounding_box()["width"]
        assert net.bounding_box()["width"] >= min(column, 0.8 * height) - 2, (net.bounding_box(), column)
        drawn = page.evaluate(CANVAS, ".sc-network-A")
        names = " ".join(t["text"] for t in drawn["texts"])
        assert "…" not in names and min(t["size"] for t in drawn["texts"]) >= smallest
        OUTPUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUTPUT / f"ui_projector_{screen}_{'present' if present else 'normal'}.png"))
    finally:
        ctx.close()


def test_the_catalogue_unfolds_as_bullet_lines(chromium, app):  # noqa: F811
    ctx, page = open_page(chromium, app.url + ADDRESS, "laptop")
    try:
        page.locator(".sc-catalogue .v-expansion-panel-header").click()
        page.wait_for_selector(".sc-catalogue-list li")
        items = page.locator(".sc-catalogue-list li").all_inner_texts()
        assert len(items) >= 4 and all(i.startswith(("+ ", "− ")) for i in items), items
    finally:
        ctx.close()


def test_presentation_mode_survives_a_reload(chromium, app):  # noqa: F811
    ctx, page = open_page(chromium, app.url + ADDRESS, "laptop")
    try:
        assert page.locator(".sc-present").count() == 0 and page.locator(".sc-chart").count() == 7
        page.locator(".sc-present-toggle input").click(force=True)
        page.wait_for_selector(".sc-present")
        page.wait_for_function("() => window.location.search.includes('present=1')")
        page.reload()
        page.wait_for_selector(".sc-present .sc-kpi-reached")
        assert page.locator(".sc-chart").count() == 3
        assert page.locator(".sc-present-toggle input").is_checked()
    finally:
        ctx.close()
