"""Sessions that survive, in a real browser: the page's address holds the group's work (a reload, a
closed and reopened page, a bookmark find it again), a tampered address shows a message and the
defaults, and a scenario file taken home comes back in through the page's file input.

`simcenter ui` runs in a subprocess (tests/ui_support.py), driven by headless Chromium
(tests/browser.py). The session logic without a browser: tests/test_ui_state.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from browser import require_chromium
from ui_support import chromium  # noqa: F401 - the shared browser fixture
from ui_support import choose, month, open_app, require_app, running_app, step, wait_month

WAIT_MS = 30_000
VIEWPORT = {"width": 1500, "height": 2300}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    require_chromium()
    require_app()
    cwd = tmp_path_factory.mktemp("ui-sessions")
    with running_app(cwd, "--host", "127.0.0.1") as running:
        yield running
    assert "Traceback" not in running.output(), running.output()


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    ctx.set_default_timeout(WAIT_MS)
    yield ctx
    ctx.close()


def query(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def wait_address(page, key: str, value: str) -> None:
    """Wait until the page's address holds ``key=value`` (it is rewritten after each change)."""
    page.wait_for_function("([k, v]) => new URLSearchParams(location.search).get(k) === v", arg=[key, value])


def settled_kpis(page) -> str:
    """The key figures once they have caught up with the month (components update one by one)."""
    text = page.locator(".sc-kpis").inner_text()
    while True:
        page.wait_for_timeout(400)
        again = page.locator(".sc-kpis").inner_text()
        if again == text:
            return text
        text = again


def wait_kpis(page, expected: str) -> None:
    """Wait until the key figures read ``expected`` (a failure shows the difference)."""
    try:
        page.wait_for_function("t => document.querySelector('.sc-kpis').innerText === t", arg=expected, timeout=10_000)
    except Exception:
        pass
    assert page.locator(".sc-kpis").inner_text() == expected


def shown(page) -> dict[str, str]:
    """What a group reads: the month, the form and structure, the typed fee, the key figures."""
    kpis = settled_kpis(page)
    return {"month": page.locator(".sc-month").inner_text(),
            "form": page.locator(".sc-legal_form-A").inner_text(),
            "structure": page.locator(".sc-management-A").inner_text(),
            "fee": page.locator(".sc-mentoring_fee_eur-A input").input_value(),
            "seed": page.locator(".sc-seed input").input_value(),
            "kpis": kpis}


def pick(page, css: str, label: str, note: str) -> None:
    """``choose`` once any menu has closed, then wait for the server's answer (``note`` shows). On a
    loaded machine a click on a select being redrawn can open nothing: the menu is closed and the
    select clicked again (the last try waits as long as ``choose`` does)."""
    for attempt in range(3):
        page.wait_for_selector(".menuable__content__active", state="detached")
        try:
            page.locator(css).click()
            page.locator(".menuable__content__active .v-list-item").filter(
                has_text=re.compile(f"^{re.escape(label)}$")).click(timeout=None if attempt == 2 else 10_000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    page.wait_for_function("([css, label]) => document.querySelector(css).innerText.includes(label)", arg=[css, label])
    page.wait_for_selector(note)


def set_up_a_design(page) -> dict[str, str]:
    """A foundation with a collegial board, a mentoring fee of 35, seed 7, stepped to month 10."""
    pick(page, ".sc-legal_form-A", "Public-benefit foundation", ".sc-legal_form-note-A >> text=property its founder dedicates")
    wait_address(page, "a.legal_form", "foundation")
    pick(page, ".sc-management-A", "Collegial management board", ".sc-management-note-A")
    wait_address(page, "a.management", "collegial_board")
    fee = page.locator(".sc-mentoring_fee_eur-A input")
    fee.fill("35")
    fee.press("Enter")
    wait_address(page, "a.mentoring_fee_eur", "35.0")
    seed = page.locator(".sc-seed input")
    seed.fill("7")
    seed.press("Enter")
    wait_address(page, "seed", "7")
    step(page, 10)
    wait_address(page, "month", "10")
    return shown(page)


def test_a_reload_finds_the_same_month_form_structure_levers_and_figures(context, app):
    page = open_app(context, app.url)
    before = set_up_a_design(page)
    assert "Month 10 of 120" in before["month"]
    fields = query(page)
    assert fields["a.legal_form"] == ["foundation"] and fields["a.management"] == ["collegial_board"]

    page.reload()
    page.wait_for_selector(".sc-kpi-reached")
    wait_month(page, 10)
    wait_kpis(page, before["kpis"])
    assert shown(page) == before
    assert page.locator(".sc-restore-notes").count() == 0
    step(page)  # and it goes on from there
    assert month(page) == 11


def test_a_closed_page_reopened_at_its_address_finds_its_session(chromium, app):
    first = chromium.new_context(viewport=VIEWPORT)
    first.set_default_timeout(WAIT_MS)
    page = open_app(first, app.url)
    page.locator(".sc-compare").click()
    choose(page, ".sc-legal_form-B", "Cooperative")
    step(page, 4)
    page.locator(".sc-lang button", has_text="Български").click()
    page.wait_for_selector("text=Месец 4 от 120")
    wait_address(page, "lang", "bg")
    address, kpis = page.url, settled_kpis(page)
    first.close()  # the connection is gone with the page

    second = chromium.new_context(viewport=VIEWPORT)
    second.set_default_timeout(WAIT_MS)
    try:
        again = second.new_page()
        again.goto(address)
        again.wait_for_selector("text=Месец 4 от 120")
        wait_kpis(again, kpis)
        assert "Кооперация" in again.locator(".sc-legal_form-B").inner_text()
        assert again.locator(".sc-proscons").count() == 1  # side by side
    finally:
        second.close()


def test_a_tampered_address_shows_what_was_not_used_and_the_defaults(context, app):
    page = context.new_page()
    page.goto(app.url + "/?seed=abc&month=9999&a=/etc/passwd&a.n_mentors=4&ab=maybe&zzz=1&lang=en")
    page.wait_for_selector(".sc-restore-notes")
    notes = page.locator(".sc-restore-note").all_inner_texts()
    assert "Seed (random world): expected a number, got text 'abc'" in notes, notes
    assert any(n.startswith("Month on screen: must be between 0 and 120, got 9") for n in notes), notes
    assert "Design A, Scenario: choose one of the options offered" in notes, notes
    assert any("not a setting of this app: text 'zzz'" in n for n in notes), notes
    assert month(page) == 0
    assert page.locator(".sc-seed input").input_value() == "1"  # the default seed
    assert "Public-benefit association" in page.locator(".sc-legal_form-A").inner_text()
    assert page.get_by_text("Traceback").count() == 0
    assert "passwd" not in page.content()
    # The address now holds the defaults: a reload shows no message.
    wait_address(page, "seed", "1")
    page.locator(".sc-restore-dismiss").click()
    page.wait_for_selector(".sc-restore-notes", state="detached")
    page.reload()
    page.wait_for_selector(".sc-kpi-reached")
    assert page.locator(".sc-restore-notes").count() == 0


def test_the_exported_file_uploaded_back_restores_the_design(context, app, tmp_path):
    page = open_app(context, app.url)
    before = set_up_a_design(page)
    with page.expect_download() as download:
        page.locator(".sc-export-yaml-A").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)

    fresh = open_app(context, app.url)  # another page, at the defaults
    assert shown(fresh)["form"] != before["form"]
    fresh.locator(".sc-load-file input[type=file]").set_input_files(str(exported))
    fresh.wait_for_selector(".sc-load-done")
    assert "is now design A, at month 0 with seed 7" in fresh.locator(".sc-load-done").inner_text()
    wait_month(fresh, 0)
    step(fresh, 10)
    wait_kpis(fresh, before["kpis"])  # the same design in the same world
    after = shown(fresh)
    assert after["seed"] == "7"
    assert after["fee"] == before["fee"]
    assert "Public-benefit foundation" in after["form"] and "Collegial management board" in after["structure"]
    assert query(fresh).get("a.upload")
    # A reload finds the uploaded design (kept on the server under the page's token).
    fresh.reload()
    fresh.wait_for_selector(".sc-kpi-reached")
    wait_month(fresh, 10)
    wait_kpis(fresh, before["kpis"])


def test_a_broken_file_uploaded_shows_line_field_message_and_changes_nothing(context, app, tmp_path):
    page = open_app(context, app.url)
    step(page, 2)
    before = shown(page)
    address = page.url
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\nhorizon: {years: 100}\nregion: {}\n", encoding="utf-8")
    page.locator(".sc-load-file input[type=file]").set_input_files(str(broken))
    page.wait_for_selector(".sc-load-problems")
    lines = page.locator(".sc-load-problem").all_inner_texts()
    assert "2: horizon.years: must be <= 30, got 100" in lines, lines
    assert all(re.match(r"^\d+: [\w.\[\]()]+: .+", line) for line in lines), lines
    assert shown(page) == before
    assert page.url == address
    assert page.get_by_text("Traceback").count() == 0
