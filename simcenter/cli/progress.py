"""A progress bar with ETA on standard error, shown only on a terminal and for long jobs."""

from __future__ import annotations

import sys
import time

from simcenter.i18n import t

SHOW_AFTER_SECONDS = 1.0


class Progress:
    """Call ``update(done, total)``; draws ``label [#####     ] 12/40 ETA 0:07`` when useful."""

    def __init__(self, total: int, label: str, stream=None, force: bool = False):
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = force or (hasattr(self.stream, "isatty") and self.stream.isatty())
        self.start = time.perf_counter()
        self.drawn = False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.drawn:
            self.stream.write("\n")
            self.stream.flush()

    def update(self, done: int, total: int | None = None) -> None:
        total = total or self.total
        elapsed = time.perf_counter() - self.start
        if not self.enabled or (elapsed < SHOW_AFTER_SECONDS and done < total):
            return
        width = 30
        filled = int(width * done / max(1, total))
        eta = elapsed / done * (total - done) if done else 0.0
        line = f"\r{self.label} [{'#' * filled}{' ' * (width - filled)}] {done}/{total} {t('cli.eta')} {_clock(eta)}"
        self.stream.write(line)
        self.stream.flush()
        self.drawn = True


def _clock(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
