"""Helpers for the app's tests: a deadline for calls a regression could make hang, a named pipe,
and the real ``simcenter ui`` in a subprocess."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ENV_CODE = "SIMCENTER_UI_ACCESS_CODE"
"""``simcenter.ui.access.ENV_CODE`` (test_ui_access checks they agree), never inherited by a test server."""

DEADLINE_SECONDS = 10.0
"""Far more than any guarded read takes; a call still running by then is stuck."""


def within(seconds: float, call, *args, **kwargs):
    """``call(*args, **kwargs)`` in a daemon thread: its result, its exception, or a failed test after ``seconds``.

    A daemon thread stuck in a read cannot keep the test run from ending; ``fifo`` below also
    wakes such a reader when its test ends.
    """
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = call(*args, **kwargs)
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True, name=f"within-{getattr(call, '__name__', 'call')}")
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise AssertionError(f"{getattr(call, '__name__', call)} still running after {seconds:g} s: it hangs")
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


@contextmanager
def fifo(path):
    """A named pipe at ``path`` that nobody writes to; at the end, any reader stuck on it is woken."""
    os.mkfifo(path)
    try:
        yield path
    finally:
        try:  # a reader blocked in open() or read() returns once a writer comes and goes
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
        except OSError:
            pass  # no reader: nothing to wake


# ----------------------------------------------------------------------------- the real server
STARTUP_SECONDS = 90


def free_port() -> int:
    """A TCP port free on every interface of this machine (so ``--host 0.0.0.0`` can take it too)."""
    with socket.socket() as s:
        s.bind(("", 0))
        return s.getsockname()[1]


@dataclass
class App:
    """A running ``simcenter ui``: where to connect (always through 127.0.0.1) and its output."""

    url: str
    log: Path
    proc: subprocess.Popen

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")


@contextmanager
def running_app(cwd: Path, *args: str) -> Iterator[App]:
    """``simcenter ui ARGS --port P`` run in ``cwd`` in its own process group, answered on 127.0.0.1,
    stopped (the whole group) at the end. English output: the tests read it."""
    port = free_port()
    log = cwd / f"server-{port}.log"
    env = {k: v for k, v in os.environ.items() if k not in ("SIMCENTER_LANG", "SIMCENTER_DEBUG", ENV_CODE)}
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "simcenter", "ui", *args, "--port", str(port)],
                                cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    app = App(f"http://127.0.0.1:{port}", log, proc)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if proc.poll() is not None:
                pytest.fail(f"`simcenter ui` exited with {proc.returncode}:\n{app.output()}")
            try:
                with urllib.request.urlopen(app.url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"`simcenter ui` did not answer within {STARTUP_SECONDS}s")
            time.sleep(0.2)
        yield app
    finally:
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Stop the server and everything it started (its process group)."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def require_app() -> None:
    """Skip where the app's packages are missing; on CI (CI=true) that is a failure."""
    try:
        import solara  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("the app's packages are missing: `make test` installs the [dev] extra, which includes [app]")
        pytest.skip("the app's packages are not installed (pip install -e '.[app]')")


# ----------------------------------------------------------------------------- the page (Playwright)
def open_app(ctx, url):
    """A new page with the app loaded and drawn (cards and charts present)."""
    page = ctx.new_page()
    page.goto(url + "/")
    page.wait_for_selector(".sc-kpi-reached")
    page.wait_for_selector(".sc-chart-cash canvas")
    page.wait_for_selector(".sc-network-A canvas")
    return page


def month(page) -> int:
    return int(re.search(r"(\d+)", page.locator(".sc-month").inner_text()).group(1))


def wait_month(page, n: int) -> None:
    page.wait_for_function(
        "n => { const m = /(\\d+)/.exec(document.querySelector('.sc-month')?.innerText || '');"
        " return m && m[1] === n; }",
        arg=str(n))


def step(page, times: int = 1) -> None:
    """Click Step ``times`` times, each time waiting for the month on screen to move on."""
    for _ in range(times):
        before = month(page)
        page.locator(".sc-step").click()
        wait_month(page, before + 1)


def choose(page, css: str, label: str) -> None:
    """Pick ``label`` in the Vuetify select ``css`` and wait until it shows."""
    page.locator(css).click()
    page.locator(".menuable__content__active .v-list-item").filter(has_text=re.compile(f"^{re.escape(label)}$")).click()
    page.wait_for_function("([css, label]) => document.querySelector(css).innerText.includes(label)", arg=[css, label])


class Tamper:
    """A hostile client: rewrites the next widget values the page sends to Solara's websocket.

    Solara's browser side sends Jupyter comm messages as JSON text; a widget's new value is
    ``content.data.state.v_model`` of a ``comm_msg`` whose method is ``update``. A client can
    put anything there, and so can this (NaN too: Python's ``json`` reads it). Routing needs
    Playwright >= 1.48 (``page.route_web_socket``); everything else passes through untouched.
    """

    def __init__(self, page):
        self.pending: list = []
        self.sent: list = []
        page.route_web_socket(re.compile(r".*/jupyter/api/kernels/.*"), self._route)

    def next_values(self, *values) -> None:
        """The next ``len(values)`` widget updates the page sends carry these values instead."""
        self.pending.extend(values)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()

        def from_page(message):
            server.send(self._rewrite(message) if self.pending and isinstance(message, str) else message)

        ws.on_message(from_page)  # server -> page is forwarded as it comes

    def _rewrite(self, message: str) -> str:
        msg = json.loads(message)
        data = (msg.get("content") or {}).get("data") or {}
        state = data.get("state")
        if (msg.get("header") or {}).get("msg_type") != "comm_msg" or data.get("method") != "update" \
                or not isinstance(state, dict) or "v_model" not in state:
            return message
        state["v_model"] = self.pending.pop(0)
        self.sent.append(state["v_model"])
        return json.dumps(msg)  # allow_nan: NaN and Infinity go as such


# --------------------------------------------------------------------------- browser fixtures
PAGE_WAIT_MS = 30_000
"""How long a browser test waits for the page (the app answers in well under a second; CI may be slow)."""
PAGE_VIEWPORT = {"width": 1500, "height": 2300}
"""A window tall enough for the whole page, so no test has to scroll."""


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for a test module (tests/browser.py)."""
    from browser import browser

    with browser() as b:
        yield b


@pytest.fixture
def context(chromium):
    """A fresh browser context (no cookies, no storage) for each test, at ``PAGE_VIEWPORT``."""
    ctx = chromium.new_context(viewport=PAGE_VIEWPORT)
    ctx.set_default_timeout(PAGE_WAIT_MS)
    yield ctx
    ctx.close()

