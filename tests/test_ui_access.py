"""The access code: asked whenever the app listens beyond this machine, unless --no-auth says otherwise.

What these tests protect: ``simcenter ui --host 0.0.0.0`` prints a random code and a warning
naming what is exposed, and the page shows nothing but the code form until the printed code is
typed (a wrong one is refused, repeated wrong ones are slowed); each tab types it once;
``--no-auth`` removes the form, with a warning; 127.0.0.1 never asks. The servers listen on
all interfaces but the browser connects through 127.0.0.1, which is what the machine allows.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from simcenter.cli.parser import build_parser
from simcenter.ui import access

import ui_support
from browser import browser, require_chromium
from ui_support import open_app, require_app, running_app, step

WAIT_MS = 30_000
VIEWPORT = {"width": 1500, "height": 2300}
CODE_LINE = re.compile(r"asks for this access code once \(write it on the board\): ([A-Z0-9]+)$", re.M)


# ----------------------------------------------------------------------------- the code and its limits
class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_loopback_hosts_are_not_exposed_and_everything_else_is():
    for host in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"):
        assert access.is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "myhost.local", "", "127.0.0.1.example.org"):
        assert not access.is_loopback(host), host


def test_codes_are_random_short_and_easy_to_type():
    codes = {access.new_code() for _ in range(2000)}
    assert len(codes) == 2000  # 31**6 codes: no repeats in a few thousand
    assert all(len(c) == access.LENGTH and set(c) <= set(access.ALPHABET) for c in codes)
    assert not set("01OIL") & set(access.ALPHABET)
    assert 6 <= access.LENGTH <= 8


def test_a_code_is_taken_as_people_type_it():
    gate = access.Gate("AB3K7Q", clock=Clock())
    assert gate.attempt(access.Tries(), " ab3-k7q ").outcome == "open"
    for typed in (None, ["AB3K7Q"], 123456, "AB3K7", "AB3K7QQ", "x" * 10_000):
        assert gate.attempt(access.Tries(), typed).outcome == "wrong", typed


def test_repeated_wrong_codes_in_a_tab_wait_longer_each_time():
    clock = Clock()
    gate, tries = access.Gate("AB3K7Q", clock=clock), access.Tries()
    assert gate.attempt(tries, "WRONG1") == access.Verdict("wrong", 0)  # a first slip costs nothing
    waits = []
    for _ in range(8):
        verdict = gate.attempt(tries, "WRONG2")
        assert verdict.outcome == "wrong"
        waits.append(verdict.seconds)
        early = gate.attempt(tries, "AB3K7Q")  # even the right code is not looked at while waiting
        assert early.outcome == "wait" and early.seconds >= 1
        clock.now += verdict.seconds
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    assert gate.attempt(tries, "AB3K7Q").outcome == "open"
    assert tries.wrong == 0


def test_many_tabs_together_get_at_most_so_many_wrong_codes_a_minute():
    clock = Clock()
    gate = access.Gate("AB3K7Q", clock=clock)
    for _ in range(access.WRONG_PER_MINUTE):
        assert gate.attempt(access.Tries(), "WRONG1").outcome == "wrong"  # each from a fresh tab
    assert gate.attempt(access.Tries(), "AB3K7Q").outcome == "wait"  # guessing from more tabs gets nowhere
    clock.now += 61
    assert gate.attempt(access.Tries(), "AB3K7Q").outcome == "open"


def test_no_code_means_no_gate():
    gate = access.Gate(None)
    assert not gate.required and gate.attempt(access.Tries(), "anything").outcome == "open"


def test_the_command_line_takes_no_auth_and_passes_the_code_only_when_asked():
    assert build_parser().parse_args(["ui"]).no_auth is False
    assert build_parser().parse_args(["ui", "--host", "0.0.0.0", "--no-auth"]).no_auth is True
    pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")
    from simcenter.ui.server import solara_environment

    assert access.ENV_CODE not in solara_environment(None, None)
    assert solara_environment(None, None, "AB3K7Q")[access.ENV_CODE] == "AB3K7Q"
    assert ui_support.ENV_CODE == access.ENV_CODE


def test_every_message_of_the_gate_exists_in_both_languages():
    from simcenter.i18n import strings

    en, bg = strings("en"), strings("bg")
    for key in ("app.access.title", "app.access.intro", "app.access.code", "app.access.open", "app.access.wrong",
                "app.access.wait", "app.server.exposed", "app.server.access_code", "app.server.no_auth",
                "app.cli.help_no_auth"):
        assert en[key] and bg[key] and en[key] != bg[key], key
        assert re.search("[а-яА-Я]", bg[key]), key


# ----------------------------------------------------------------------------- in a browser
@pytest.fixture(scope="module")
def chromium():
    require_chromium()
    require_app()
    with browser() as b:
        yield b


@pytest.fixture
def context(chromium):
    ctx = chromium.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(WAIT_MS)
    yield ctx
    ctx.close()


def type_code(page, code: str, press_enter: bool = True) -> None:
    field = page.locator(".sc-access-code input")
    field.fill(code)
    if press_enter:
        field.press("Enter")
    else:
        page.locator(".sc-access-open").click()


@pytest.mark.slow
def test_served_on_the_network_the_page_asks_for_the_printed_code(chromium, context, tmp_path):
    with running_app(tmp_path, "--host", "0.0.0.0") as app:
        printed = app.output()
        assert "WARNING: the workshop app is exposed to everyone on the networks this machine is on" in printed
        assert "listening on 0.0.0.0, port" in printed
        code = CODE_LINE.search(printed).group(1)
        assert len(code) == access.LENGTH

        page = context.new_page()
        page.goto(app.url + "/")  # through 127.0.0.1, to a server listening on every interface
        page.wait_for_selector(".sc-access")
        assert page.locator(".sc-kpi, .sc-controls, .sc-design-A, .sc-charts").count() == 0  # nothing else
        assert "Design A" not in page.locator("body").inner_text()

        type_code(page, "WRONG9", press_enter=False)
        page.wait_for_selector(".sc-access-error >> text=That is not the access code")
        type_code(page, "WRONG8")
        page.wait_for_selector(".sc-access-error")
        type_code(page, code)  # at once: a second wrong code asks for a pause first
        page.wait_for_selector(".sc-access-error >> text=/wait \\d+ s/")
        assert page.locator(".sc-kpi").count() == 0

        page.locator(".sc-lang button", has_text="Български").click()  # the form speaks the group's language
        page.wait_for_selector(".sc-access >> text=Код за достъп")
        page.wait_for_timeout(1500)
        type_code(page, code.lower())  # as people type it
        page.wait_for_selector(".sc-kpi-reached")
        page.wait_for_selector("text=Месец 0 от 120")
        step(page)
        page.wait_for_selector("text=Месец 1 от 120")  # typed once: the tab keeps it

        other = chromium.new_context(viewport=VIEWPORT)
        try:  # another tab, another session: it asks again
            other.set_default_timeout(WAIT_MS)
            second = other.new_page()
            second.goto(app.url + "/")
            second.wait_for_selector(".sc-access")
            type_code(second, code)
            second.wait_for_selector(".sc-kpi-reached")
        finally:
            other.close()
    assert "Traceback" not in app.output()


@pytest.mark.slow
def test_no_auth_removes_the_form_with_a_warning(context, tmp_path):
    with running_app(tmp_path, "--host", "0.0.0.0", "--no-auth") as app:
        printed = app.output()
        assert "WARNING: --no-auth: no access code is asked" in printed and not CODE_LINE.search(printed)
        page = open_app(context, app.url)
        assert page.locator(".sc-access").count() == 0
        step(page)


@pytest.mark.slow
def test_this_machine_only_asks_for_nothing(tmp_path):
    """The server's own start-up lines on 127.0.0.1: no code, no warning (the page side: tests/test_ui.py)."""
    require_app()
    with running_app(tmp_path, "--host", "127.0.0.1") as app:
        printed = app.output()
    assert "access code" not in printed and "WARNING" not in printed and "simcenter workshop app at" in printed


def test_the_ui_command_documents_no_auth():
    proc = subprocess.run([sys.executable, "-m", "simcenter", "ui", "--help"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and "--no-auth" in proc.stdout
