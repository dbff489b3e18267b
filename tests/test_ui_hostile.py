"""The workshop app against a hostile client: what the page sends to Solara's websocket, rewritten.

What these tests protect (issue 16): a client that puts a path where the scenario picker's id
belongs (``/etc/passwd``, a named pipe) gets one plain line, with no path, no file content and
no hint whether the file exists; a client that sends text, ``null``, a list, NaN or 1e308
where a slider's number belongs gets a message, never a traceback; and afterwards the same
page and a new tab still work (no lock left held, no session stuck on a pipe). The server's
own log shows no traceback either.
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import pytest

from browser import require_chromium
from ui_support import PAGE_VIEWPORT as VIEWPORT, PAGE_WAIT_MS as WAIT_MS
from ui_support import chromium, context  # noqa: F401 - the shared browser fixtures
from ui_support import Tamper, choose, fifo, month, open_app, require_app, running_app, step, wait_month

ROOT = Path(__file__).resolve().parent.parent
ANSWER = ".sc-refused, .sc-problems, :text('Traceback')"
"""Whatever the page shows after a value came in: the refusal (now), a problem list or a traceback (before)."""
SECRETS = ("Traceback", 'File "', "root:", "/etc/", "/dev/", "/bin/bash", "No such file", "not found", "pipe")
"""Nothing of these may reach the page: a traceback, a file's content, a path, a word on whether a file exists."""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`simcenter ui` on 127.0.0.1 in a folder that also holds a named pipe nobody writes to."""
    require_chromium()
    require_app()
    cwd = tmp_path_factory.mktemp("hostile")
    with fifo(cwd / "pipe.yaml") as pipe, running_app(cwd, "--host", "127.0.0.1") as app:
        app.pipe = pipe
        yield app
    assert "Traceback" not in app.output(), app.output()


def hostile_page(context, url):
    """A page whose next widget values can be rewritten on their way to the server."""
    page = context.new_page()
    tamper = Tamper(page)
    page.goto(url + "/")
    page.wait_for_selector(".sc-kpi-reached")
    # Quiet first: the many worlds, once done, redraw the page, and a redraw's widget updates would be
    # the ones rewritten instead of the value the test sends.
    page.wait_for_selector(".sc-worlds-A.sc-worlds-ready", timeout=180_000)
    return page, tamper


def assert_plain(page, served, line: str) -> None:
    """The page answers with ``line`` (a regular expression: the refusal), and nothing it must never show."""
    page.wait_for_selector(ANSWER)
    deadline = time.monotonic() + WAIT_MS / 1000
    shown = ""
    while time.monotonic() < deadline:  # the line of a value refused before may still be there for a moment
        text = page.locator("body").inner_text()
        leaked = [s for s in SECRETS + (str(ROOT), str(served.pipe.parent)) if s in text]
        assert not leaked, f"the page shows {leaked}:\n{text[:3000]}"
        shown = " ".join(page.locator(".sc-refused").all_inner_texts()).strip()
        if re.fullmatch(line, shown):
            return
        time.sleep(0.1)
    raise AssertionError(f"the page shows {shown!r}, not {line!r}")


def pick(page, css: str, label: str) -> None:
    """Pick ``label`` in the Vuetify select ``css`` (what reaches the server may be something else)."""
    page.locator(css).click()
    page.locator(".menuable__content__active .v-list-item").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def selections(page) -> list[str]:
    """What design A's selects show: its scenario, legal form and structure."""
    return page.locator(".sc-design-A .v-select__selection").all_inner_texts()


def slider_text(page, label: str) -> str:
    return page.locator(".sc-design-A .v-input__slider").filter(has_text=label).inner_text()


def slider(page, label: str, where: str = ".sc-design-A"):
    """The keyboard handle of the slider in ``where`` whose label starts with ``label``."""
    return page.locator(f"{where} .v-input__slider").filter(has_text=label).locator("[role=slider]")


def test_a_path_sent_as_the_scenario_is_refused_without_a_word_about_files(context, served):
    page, tamper = hostile_page(context, served.url)
    sent = ["/etc/passwd", str(served.pipe), "../../../../../etc/passwd", "plovdiv/../../../../etc/passwd",
            "/dev/zero", None, ["plovdiv/base.yaml"], {"path": "/etc/passwd"}]
    for i, value in enumerate(sent):
        before = selections(page)
        tamper.next_values(value)
        pick(page, ".sc-scenario-A", "Cooperative with a collegial board")  # what the client sends is rewritten
        assert_plain(page, served, "Not accepted — Scenario: choose one of the options offered")
        assert selections(page) == before  # the design is as it was
        choose(page, ".sc-scenario-A", ("Grant funding only", "Association with an executive director")[i % 2])  # taken
        page.wait_for_selector(".sc-refused", state="detached")
    assert tamper.sent == sent
    step(page)  # the page still works


HOSTILE_NUMBERS = [  # (sent where a number belongs, the reason the page gives)
    ("abc", "expected a number, got text 'abc'"), (None, "expected a number, got nothing"),
    ([3], "expected a number, got a list"), (math.nan, "expected a finite number, got not a number (NaN)"),
    (1e308, "must be between .+, got 1e+308"), (-math.inf, "expected a finite number, got −infinity"),
    ({"v": 1}, "expected a number, got a set of named values"), (True, "expected a number, got true or false"),
    (10**30, "must be between .+, got a huge whole number")]


@pytest.mark.parametrize("label", ["mentors (staff)", "promotion budget", "share of events online"])
def test_hostile_slider_values_get_a_message_never_a_traceback(context, served, label):
    page, tamper = hostile_page(context, served.url)
    hostile = HOSTILE_NUMBERS
    if slider_text(page, label).rstrip().endswith(" 1"):
        # true equals 1 in the browser's bridge: sent where the slider already shows 1, it is no change at all
        hostile = [(v, r) for v, r in HOSTILE_NUMBERS if v is not True]
    for value, reason in hostile:
        tamper.next_values(value)
        slider(page, label).press("ArrowRight")  # rebuilt after each refusal, at the design's own value
        assert_plain(page, served, rf"Not accepted — {re.escape(label)}[^:]*: {re.escape(reason).replace(r'\.\+', '.+')}")
    assert tamper.sent == [v for v, _ in hostile]
    assert label in slider_text(page, label) and not page.locator(".sc-problems").count()
    step(page)
    assert month(page) == 1


def test_every_other_input_refuses_what_it_does_not_offer(context, served):
    page, tamper = hostile_page(context, served.url)
    cases = [  # (what the client sends, how it is sent, the line the page shows)
        ("fr", lambda: page.locator(".sc-lang button", has_text="Български").click(),
         r"Not accepted — Language: choose one of the options offered"),
        ("abc", lambda: page.locator(".sc-compare").click(),
         r"Not accepted — Side by side: design A against design B: expected on or off, got text 'abc'"),
        (["cooperative"], lambda: pick(page, ".sc-legal_form-A", "Cooperative"),
         r"Not accepted — legal form: choose one of the options offered"),
        ("../../etc/passwd", lambda: pick(page, ".sc-management-A", "Network hub (network administrative organisation)"),
         r"Not accepted — management structure: choose one of the options offered"),
        (math.nan, lambda: slider(page, "Months per step", ".sc-controls").press("ArrowRight"),
         r"Not accepted — Months per step: expected a finite number, got not a number \(NaN\)"),
    ]
    for value, send, line in cases:
        tamper.next_values(value)
        send()
        assert_plain(page, served, line)
        step(page)  # the refusal stays until a change is taken; the design still runs
    seed = page.locator(".sc-seed input")
    for typed, line in [("abc", r"Not accepted — Seed \(random world\): expected a number, got text 'abc'"),
                        ("1e308", r"Not accepted — Seed \(random world\): must be between 0 and .+, got 1e\+308"),
                        ("-1", r"Not accepted — Seed \(random world\): must be between 0 and .+, got -1")]:
        seed.fill(typed)  # typed by hand: no tampering needed
        seed.press("Enter")
        assert_plain(page, served, line)
    seed.fill("7")
    seed.press("Enter")
    page.wait_for_selector(".sc-refused", state="detached")
    assert page.locator(".sc-legal_form-A").inner_text().count("Public-benefit association") == 1


def test_a_pipe_sent_as_the_scenario_freezes_neither_this_tab_nor_a_new_one(chromium, context, served):
    page, tamper = hostile_page(context, served.url)
    tamper.next_values(str(served.pipe))
    pick(page, ".sc-scenario-A", "Cooperative with a collegial board")
    assert_plain(page, served, "Not accepted — Scenario: choose one of the options offered")
    step(page)  # this tab goes on
    other = chromium.new_context(viewport=VIEWPORT)
    try:
        other.set_default_timeout(WAIT_MS)
        second = open_app(other, served.url)  # a new tab is served: no lock held, no session stuck
        step(second, 2)
        wait_month(second, 2)
        assert month(page) == 1
    finally:
        other.close()
