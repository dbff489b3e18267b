"""The architecture holds: the import contracts in pyproject.toml (layers, no cycle in any package,
the command line and the app on the public API only) and rooms of a readable size."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

MAX_MODULE_LINES = 450
"""A module longer than this is probably two (the design guide's habit 11)."""


def test_the_import_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert lint, "import-linter is missing: `make test` installs it with the [dev] extra"
    proc = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "3 kept, 0 broken" in proc.stdout


def test_no_module_is_longer_than_the_limit():
    long = {str(p.relative_to(ROOT)): n for p in (ROOT / "simcenter").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}
