"""Shared helpers for the test-suite: paths, the problem-line format, and running the real CLI."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from simcenter import i18n

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
PLOVDIV = SCENARIOS / "plovdiv"
BASE = PLOVDIV / "base.yaml"

PROBLEM_RE = re.compile(r"^[^:\n]+:\d+: \S+: .+$")
"""Every problem line the CLI prints (the format the requirement fixes)."""
PROBLEM_PARTS_RE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): (?P<path>\S+): (?P<message>.+)$")
SUMMARY_RE = re.compile(r"^\d+ of \d+ file\(s\) invalid$")

CONSOLE_SCRIPT = Path(sys.executable).parent / ("simcenter.exe" if os.name == "nt" else "simcenter")


def clean_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI run: English, no debug tracebacks, no inherited terminal width."""
    env = {k: v for k, v in os.environ.items() if k not in ("SIMCENTER_LANG", "SIMCENTER_DEBUG", "COLUMNS")}
    env.update(extra)
    return env


def run_cli(*args: str, script: bool = False, timeout: float = 60, env: dict | None = None,
            cwd: Path = REPO) -> subprocess.CompletedProcess:
    """Run the real command (``python -m simcenter`` or the console script) in a subprocess."""
    cmd = [str(CONSOLE_SCRIPT)] if script else [sys.executable, "-m", "simcenter"]
    return subprocess.run(
        cmd + list(args), capture_output=True, text=True, encoding="utf-8", timeout=timeout,
        env=env if env is not None else clean_env(), cwd=cwd,
    )


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    for stream in (proc.stdout, proc.stderr):
        assert "Traceback" not in stream, stream
        assert 'File "' not in stream, stream  # a traceback frame, even without its header


def problem_lines(stderr: str) -> list[str]:
    """The problem lines of a ``validate`` run: stderr without its final summary line."""
    lines = stderr.splitlines()
    assert lines, "no output on stderr"
    assert SUMMARY_RE.match(lines[-1]), f"last stderr line is not the summary: {lines[-1]!r}"
    return lines[:-1]


def same_file(a: str | Path, b: str | Path, cwd: Path = REPO) -> bool:
    """Do two names, relative to ``cwd`` or absolute, denote the same file?"""
    pa, pb = Path(a), Path(b)
    pa = pa if pa.is_absolute() else cwd / pa
    pb = pb if pb.is_absolute() else cwd / pb
    return pa.resolve() == pb.resolve()


@contextlib.contextmanager
def english() -> Iterator[None]:
    """Messages in English whatever the caller's SIMCENTER_LANG (tests compare message text)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("SIMCENTER_LANG", raising=False)
        i18n.set_language(None)
        try:
            yield
        finally:
            i18n.set_language(None)
