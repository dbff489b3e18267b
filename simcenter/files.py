"""Files every command writes: tables and text written atomically, numbers in one format, the
resolved scenario as YAML, strict JSON."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from simcenter.config.schema import Scenario

FLOAT_FORMAT = "%.10g"


def write_csv(frame, path: Path) -> None:
    """Write a table atomically (a reader never sees half a file) with stable float formatting."""
    atomic_write(path, frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))


def atomic_write(path: Path, text: str) -> None:
    """Write text to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def resolved_yaml(scenario: Scenario) -> str:
    """The scenario with every default filled in, as YAML that ``simcenter validate`` accepts."""
    data = scenario.model_dump(mode="json")
    return yaml.dump(data, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=_NO_WRAP)


_NO_WRAP = 2**31 - 1  # libyaml takes an int
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
"""libyaml's emitter where PyYAML has it: 20 times sooner than the pure-Python one, and the same
text when lines are not wrapped (the two wrap long quoted strings differently)."""


def json_safe(obj):
    """Replace NaN and infinities by None, recursively, so the output is strict JSON."""
    if isinstance(obj, float):
        return None if obj != obj or obj in (float("inf"), float("-inf")) else obj
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    return obj
