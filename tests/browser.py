"""Headless Chromium for tests: Debian's /usr/bin/chromium driven by Playwright (no downloads)."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("SIMCENTER_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-quic", "--no-first-run"]


def require_chromium() -> None:
    """Skip where no browser can be had; on CI (CI=true) a missing browser is a failure."""
    if Path(CHROMIUM).exists() or shutil.which("chromium"):
        return
    if os.environ.get("CI"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` should have installed it")
    pytest.skip(f"Chromium not found at {CHROMIUM} (install it: apt-get install chromium)")


@contextmanager
def browser():
    """A headless Chromium browser."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                              headless=True, args=ARGS)
        try:
            yield b
        finally:
            b.close()
