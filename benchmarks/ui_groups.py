"""Five groups at once: how fast the workshop app answers one group while four others play.

    PYTHONPATH=. .venv/bin/python benchmarks/ui_groups.py --steps 10

Starts the real ``simcenter ui`` (a subprocess on 127.0.0.1, a free port), opens five tabs in one
headless Chromium (Debian's /usr/bin/chromium, one browser context a tab, as five laptops would),
each with side by side on and its own seed, sets four of them playing (one month a second, the
default pace) and, in the fifth, clicks Step and times each click until the page shows the next
month. The tabs start playing once every tab's many worlds are done (each tab has its own seed, so
its own 20 worlds; A and B are the same design and share them). Prints the machine's load
(``uptime``) before and after (other work on the machine slows everything: say which figures were
taken under load), the seconds from start to the server answering, from opening the first tab to
its charts drawn, to open the other four (one after the other) and until their worlds are done,
the step times (median, max), and the CPU time the server process used meanwhile per month shown
(a figure that depends less on the load). ``--tree`` serves another checkout's app (to compare).
tests/test_ui_groups.py runs the same measure.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("SIMCENTER_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]
VIEWPORT = {"width": 1500, "height": 2300}
TABS = 5
WAIT_MS = 120_000
WORLDS_MS = 600_000
"""Five tabs' many worlds, on a machine shared with other work: generous."""


def uptime() -> str:
    """The machine's load, as ``uptime`` says it (others may be using it)."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(cwd: Path, *args: str, tree: Path = ROOT):
    """``simcenter ui`` (of the source tree ``tree``) on a free port of 127.0.0.1: (url, seconds from start
    to /readyz answering, its process id)."""
    port = free_port()
    log = cwd / f"server-{port}.log"
    env = {k: v for k, v in os.environ.items() if k not in ("SIMCENTER_LANG", "SIMCENTER_UI_ACCESS_CODE")}
    env["PYTHONPATH"] = str(tree) + os.pathsep + env.get("PYTHONPATH", "")
    start = time.perf_counter()
    with log.open("w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "simcenter", "ui", "--host", "127.0.0.1", "--port", str(port),
                                 *args], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"simcenter ui exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url + "/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - start > 120:
                raise RuntimeError("simcenter ui did not answer within 120 s")
            time.sleep(0.05)
        yield url, time.perf_counter() - start, proc.pid
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@contextmanager
def chromium():
    """One headless Chromium (Debian's; never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def machine_work() -> int:
    """A fixed piece of work of the kind the server does a month (building, serialising and reading back
    nested lists and dicts, sorting): its time tells how fast this machine's cores are right now."""
    data = [{"month": i, "series": [j * 0.5 for j in range(40)], "name": f"design {i % 7}"} for i in range(3000)]
    back = json.loads(json.dumps(data))
    return sum(len(d["series"]) for d in back) + len(sorted(back, key=lambda d: (d["name"], -d["month"])))


def machine_seconds(repeat: int = 7) -> float:
    """Seconds ``machine_work`` takes here, the best of ``repeat`` (the least disturbed by other work)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        machine_work()
        best = min(best, time.perf_counter() - start)
    return best


def month(page) -> int:
    return int(re.search(r"(\d+)", page.locator(".sc-month").inner_text()).group(1))


def wait_month(page, n: int, timeout: float = WAIT_MS) -> None:
    """Wait until the page shows month ``n`` or a later one."""
    page.wait_for_function(
        "n => { const m = /(\\d+)/.exec(document.querySelector('.sc-month')?.innerText || '');"
        " return m && Number(m[1]) >= n; }", arg=n, timeout=timeout)


def cpu_seconds(pid: int | None) -> float:
    """CPU time a process has used so far (user and system, every thread), from /proc; 0 without a pid."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_tab(browser, url: str, seed: int):
    """A tab (its own browser context) on the app with side by side on and ``seed``, drawn."""
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(WAIT_MS)
    page = ctx.new_page()
    page.goto(f"{url}/?lang=en&seed={seed}&ab=1")
    page.wait_for_selector(".sc-kpi-reached")
    page.wait_for_selector(".sc-chart-cash canvas")
    page.wait_for_selector(".sc-network-B canvas")
    return page


@dataclass
class Measure:
    """What one run of the benchmark saw."""

    ready_seconds: float = 0.0
    first_page_seconds: float = 0.0
    other_pages_seconds: float = 0.0
    worlds_seconds: float = 0.0  # from the last tab opened to every tab's many worlds done
    steps: list[float] = field(default_factory=list)
    played: list[int] = field(default_factory=list)  # months each playing tab moved during the steps
    server_cpu: float = 0.0  # CPU seconds the server process used during the steps
    load_before: str = ""
    load_after: str = ""

    def summary(self) -> str:
        return (f"server ready {self.ready_seconds:.1f} s after start; first page drawn {self.first_page_seconds:.1f} s;"
                f" {TABS - 1} more tabs {self.other_pages_seconds:.1f} s; their worlds done {self.worlds_seconds:.1f} s later;"
                f" a step while {TABS - 1} tabs play: median "
                f"{statistics.median(self.steps):.2f} s, max {max(self.steps):.2f} s over {len(self.steps)} steps "
                f"(the playing tabs moved {self.played} months meanwhile); server CPU meanwhile "
                f"{self.server_cpu:.1f} s, {1000 * self.server_cpu / max(1, sum(self.played) + len(self.steps)):.0f} ms"
                f" a month shown")


def measure(browser, url: str, steps: int = 10, seeds=(11, 12, 13, 14, 15), pid: int | None = None
            ) -> tuple[Measure, list]:
    """Open the tabs, play four, time ``steps`` Steps in the last; the measure and the pages (still playing)."""
    m = Measure(load_before=uptime())
    start = time.perf_counter()
    pages = [open_tab(browser, url, seeds[0])]
    m.first_page_seconds = time.perf_counter() - start
    start = time.perf_counter()
    pages += [open_tab(browser, url, seed) for seed in seeds[1:]]
    m.other_pages_seconds = time.perf_counter() - start
    for page in pages:  # each tab's many worlds (20 per design) done: the steps are timed without them
        for which in "AB":
            page.wait_for_selector(f".sc-worlds-{which}.sc-worlds-ready", timeout=WORLDS_MS)
    m.worlds_seconds = time.perf_counter() - start
    *players, stepper = pages
    for page in players:
        page.locator(".sc-play").click()
    for page in players:
        wait_month(page, 1)
    time_steps(m, pages, steps, pid)
    return m, pages


def time_steps(m: Measure, pages: list, steps: int, pid: int | None = None) -> Measure:
    """Click Step ``steps`` times in the last of ``pages`` while the others play; the times go to ``m``
    (anew: a second round replaces the first's figures)."""
    *players, stepper = pages
    if m.steps:  # a second round: its own load
        m.load_before = uptime()
    m.steps = []
    started = [month(page) for page in players]
    cpu = cpu_seconds(pid)
    for _ in range(steps):
        before = month(stepper)
        t0 = time.perf_counter()
        stepper.locator(".sc-step").click()
        wait_month(stepper, before + 1)
        m.steps.append(time.perf_counter() - t0)
        stepper.wait_for_timeout(300)  # as a group would: read, then click again
    m.played = [month(page) - s for page, s in zip(players, started)]
    m.server_cpu = cpu_seconds(pid) - cpu
    m.load_after = uptime()
    return m


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--url", help="measure a server already running there (e.g. under a profiler)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the source tree whose app to serve (default: this one)")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; load before: {uptime()}; a fixed piece of work: "
          f"{1000 * machine_seconds():.1f} ms (machine_seconds)", flush=True)
    if args.url:
        with chromium() as browser:
            m, pages = measure(browser, args.url, args.steps)
            print("steps (s): " + " ".join(f"{s:.2f}" for s in m.steps))
            print(m.summary())
            print(f"load after: {m.load_after}")
        return
    with tempfile.TemporaryDirectory() as tmp, server(Path(tmp), tree=args.tree) as (url, ready, pid), \
            chromium() as browser:
        m, pages = measure(browser, url, args.steps, pid=pid)
        m.ready_seconds = ready
        print("steps (s): " + " ".join(f"{s:.2f}" for s in m.steps))
        print(m.summary())
        print(f"load after: {m.load_after}")


if __name__ == "__main__":
    main()
