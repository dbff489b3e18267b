"""The results store's file: opening it while another process may hold it.

DuckDB lets one process write a file, and no other process read it meanwhile. A sweep therefore
closes its store every ``HOLD_SECONDS`` after a write (it writes about once a second) and
reopens it at the next write; readers open it read-only in between, each side waiting for the
other (``connect``'s ``patience``); a second sweep of the same folder is refused at once
(``hold``: an flock on the folder, which DuckDB's own locks ignore).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from simcenter.errors import InputError, Problem
from simcenter.extras import require
from simcenter.i18n import t

STORE_FILE = "sweep.duckdb"
HOLD_SECONDS = 5.0
"""A sweep keeps its store open this long (writing every second), then lets readers in until its next write."""
READ_PATIENCE = 30.0
"""Seconds a reader waits for a running sweep's writer to let go of the file (it writes for well under a second)."""
WRITE_PATIENCE = 120.0
"""Seconds a sweep's last write waits for readers to let go of the file (earlier writes do not wait)."""


def connect(path: Path, read_only: bool = False, patience: float = 0.0):
    """A connection to the store; while another process holds the file, retry for ``patience`` seconds."""
    duckdb = require("duckdb")

    deadline = time.monotonic() + patience
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            text = str(exc)
            if "lock" in text.lower() and time.monotonic() < deadline:
                time.sleep(0.02)
                continue
        pid = re.search(r"PID (\d+)", text)
        if "lock" in text.lower():
            raise StoreBusy([Problem(str(path), 1, "", t("sweep.store_busy", path=path,
                                                         pid=pid.group(1) if pid else "?"))]) from None
        message = t("sweep.store_unreadable", path=path, error=text.splitlines()[0])
        raise InputError([Problem(str(path), 1, "", message)]) from None


def hold(folder: Path) -> int | None:
    """Mark the sweep folder as written by this process (an flock on the folder): DuckDB's lock on the
    store lasts one write only, and a second sweep of the folder must be refused, not run twice."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX: DuckDB's locks alone
        return None
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        path = folder / STORE_FILE
        raise StoreBusy([Problem(str(path), 1, "", t("sweep.store_sweeping", path=path))]) from None
    return fd


class StoreBusy(InputError):
    """Another process holds the store's file (a sweep writing it, or a reader while a sweep would write)."""
