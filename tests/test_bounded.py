"""Interruptions and memory (issue 16): SIGTERM ends a command as Ctrl-C does, leaving the earlier
folder as it was and no partial folder; ``run --out`` is written whole or not at all; replicates
are streamed to disk (memory bounded whatever ``--reps``), and more than the stated limit is
refused at once.

Before: SIGTERM during a comparison's report left ``.DIR.partial-PID`` for good; an interrupted
``run --out`` left new tables beside the earlier figures; ``--reps 1000000`` grew the command by
about 0.4 GB a minute until it died with "internal error: MemoryError".
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from support import BASE, REPO, clean_env, run_cli

SMALL = ["--set", "horizon.years=1", "--set", "region.n_potential=300"]
CMD = [sys.executable, "-m", "simcenter"]


def _variant(folder: Path, name: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(f"extends: {BASE}\nname: {name}\n", encoding="utf-8")
    return path


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _terminate_when(proc: subprocess.Popen, ready, what: str) -> str:
    """Send SIGTERM to ``proc`` (the command's own process, as ``kill PID`` does) once ``ready()``;
    return its standard error."""
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not ready():
        time.sleep(0.005)
    assert proc.poll() is None, f"the command ended before {what}: {proc.communicate()[1]}"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    return err


# =========================================================================== SIGTERM
def test_sigterm_during_the_report_leaves_the_earlier_report_and_no_partial_folder(tmp_path):
    designs = [_variant(tmp_path, name) for name in ("one", "two", "three")]
    out = tmp_path / "out"
    first = run_cli("compare", *map(str, designs), "--reps", "2", "--workers", "2", *SMALL, "--out", str(out),
                    timeout=120)
    assert first.returncode == 0, first.stderr
    before = _snapshot(out)
    proc = subprocess.Popen([*CMD, "compare", *map(str, designs), "--reps", "4", "--workers", "2", *SMALL,
                             "--out", str(out)], cwd=REPO, env=clean_env(), text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # The results are saved (comparison.json is their last file): the report is being built.
    err = _terminate_when(proc, lambda: any((p / "comparison.json").exists() for p in tmp_path.glob(".out.partial-*")),
                          "its report phase")
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "terminated (SIGTERM)", err
    assert "Traceback" not in err
    time.sleep(1.5)  # a figure a worker was drawing must not bring the partial folder back
    assert sorted(p.name for p in tmp_path.iterdir()) == ["one.yaml", "out", "three.yaml", "two.yaml"]
    assert _snapshot(out) == before
