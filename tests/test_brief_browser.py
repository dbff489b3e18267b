"""The report's first page in real Chromium, as a board member opens it: at 1,280 x 720 the recommendation is on
the first screen and nothing scrolls sideways, in English and in Bulgarian; printed to A4, nothing is cut off."""

from __future__ import annotations

import shutil

import pytest

from simcenter.comparison import compare
from simcenter.i18n import speaking
from simcenter.report import brief
from simcenter.report.build import build_report
from simcenter.robust import robust

from conftest import ROOT, SCENARIOS

SMALL = ["region.n_potential=300", "horizon.years=2"]
A4_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)  # the printable width of an A4 page with the report's 12 mm margins


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """Every Plovdiv design compared (small and short, with robustness results across a few futures), and
    the same report in Bulgarian."""
    root = tmp_path_factory.mktemp("brief")
    en = root / "en"
    compare([str(SCENARIOS / "plovdiv")], en, reps=3, seed=2, workers=1, overrides=SMALL)
    robust([str(SCENARIOS / "plovdiv")], out=en / brief.ROBUST_FOLDER, futures=4, reps=2, seed=2, workers=1,
           overrides=SMALL)
    build_report(en)
    bg = root / "bg"
    shutil.copytree(en, bg)
    with speaking("bg"):
        build_report(bg)
    return {"en": en, "bg": bg}


@pytest.mark.parametrize("lang", ["en", "bg"])
def test_first_screen_holds_the_recommendation_without_sideways_scroll(reports, lang):
    from browser import browser

    folder = reports[lang]
    md = (folder / "brief.md").read_text(encoding="utf-8")
    line = next(x for x in md.splitlines() if x.startswith(("**Recommended: ", "**Препоръчва се: ")))
    recommended = line.split("**")[1].split(": ", 1)[1].rstrip(".")  # the recommended design's title
    shots = ROOT / "tests" / "output"
    shots.mkdir(exist_ok=True)
    with browser() as b:
        page = b.new_page(viewport={"width": 1280, "height": 720})
        page.goto((folder / "report.html").as_uri())
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        box = page.locator("#recommendation").bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 720, box
        pick = page.locator("#recommendation .pick").inner_text()
        assert pick.strip()
        assert recommended in pick
        assert page.locator("table.lights tbody tr").count() == 12
        # every table and figure of the appendices fits the page's width too
        widest = page.evaluate("Math.max(...[...document.querySelectorAll('table, figure img')]"
                               ".map(e => e.getBoundingClientRect().right))")
        assert widest <= 1280
        captions = page.eval_on_selector_all("figcaption", "els => els.map(e => e.textContent)")
        assert len(captions) > 10 and all(c.strip() for c in captions)
        assert not [c for c in captions if ".png" in c or "plovdiv-" in c or "_" in c], captions  # words, not files
        page.screenshot(path=str(shots / f"brief_{lang}.png"), full_page=False)

        page.emulate_media(media="print")
        page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1000})
        assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH_PX
        pdf = page.pdf(format="A4")
    assert pdf[:5] == b"%PDF-" and pdf.count(b"/Type /Page") > 3  # the brief, then the appendices on their pages


def test_brief_md_is_the_first_page_of_report_md(reports):
    folder = reports["en"]
    first = (folder / "brief.md").read_text(encoding="utf-8")
    assert (folder / "report.md").read_text(encoding="utf-8").startswith(first)
    assert "Across futures" in first and "meets the board's thresholds" in first  # the robustness results are in
