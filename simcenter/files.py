"""Files every command writes: tables and text written atomically, numbers in one format, the
resolved scenario as YAML, strict JSON."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from simcenter.errors import InputError, Problem, writing_to
from simcenter.i18n import t

if TYPE_CHECKING:
    from simcenter.config.schema import Scenario

OUTPUT_MARKER = ".simcenter-output"
"""The file every output folder of simcenter holds (written first, naming the command and the
version): what lets a command replace its own earlier results and nothing else
(``simcenter.outputs``), and what makes a search for scenario files pass such a folder by."""

FLOAT_FORMAT = "%.15g"
"""How every table written to a file formats its floats. Fifteen significant digits is what a double
holds for certain (DBL_DIG): any decimal of up to 15 digits is written back exactly, so every amount
in whole cents is written with its cents up to EUR 10 trillion (ten digits, the former format, lost
them above EUR 100 million, and a ledger no longer balanced), while float noise beyond the 15th
digit (0.1 + 0.2) is not shown."""


def write_csv(frame, path: Path) -> None:
    """Write a table atomically (a reader never sees half a file) with stable float formatting."""
    atomic_write(path, frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))


def atomic_write(path: Path, text: str) -> None:
    """Write text to ``path`` through a temporary file and a rename (``AtomicFile``)."""
    fh = AtomicFile(path)
    try:
        fh.write(text)
    except BaseException:
        fh.discard()
        raise
    fh.commit()


class AtomicFile:
    """A text file written (perhaps piece by piece) to a temporary name beside ``path``, renamed
    into place by ``commit`` (a reader never sees half a file), removed by ``discard``. An error
    of the file system names ``shown`` (default ``path``): where the user will look for the file.

    The temporary file is created with mode 0666 less the umask, as ``open`` would create the file
    itself (``tempfile.mkstemp`` makes it 0600: a report readable by its owner only, unlike the
    files beside it).
    """

    def __init__(self, path: Path, shown: Path | None = None):
        self.path = Path(path)
        self.shown = Path(shown) if shown is not None else self.path
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            self.tmp = self.path.parent / f".{self.path.name}.{secrets.token_hex(6)}.tmp"
            try:
                fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
                break
            except FileExistsError:  # pragma: no cover - 48 random bits taken: draw again
                continue
        self.fh = os.fdopen(fd, "w", encoding="utf-8", newline="")

    def write(self, text: str, flush: bool = False) -> None:
        """Append ``text`` (``flush``: hand it to the system now)."""
        with writing_to(self.shown):
            self.fh.write(text)
            if flush:
                self.fh.flush()

    def commit(self) -> None:
        """Close the file and rename it into place."""
        try:
            with writing_to(self.shown):
                self.fh.close()
            os.replace(self.tmp, self.path)
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        """Close and remove the temporary file."""
        try:
            self.fh.close()
        except OSError:
            pass
        self.tmp.unlink(missing_ok=True)


def writable_folder(folder: Path) -> Path:
    """Create ``folder`` if needed and make sure files can be written in it; return it.

    Called before any long work, so that a folder under a file, on a read-only disk or without
    permission is refused at once, naming it, rather than after the runs. A probe file is created
    and removed: permission bits say nothing for root, and nothing of a read-only mount.

    Raises:
        InputError: the folder cannot be made or written (exit 2).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError([Problem(str(folder), 1, "", t("file.not_a_folder"))])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".simcenter-probe-{os.getpid()}-{secrets.token_hex(4)}"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))
        probe.unlink()
    except OSError as exc:
        raise InputError([Problem(str(folder), 1, "", t("file.cannot_write", error=exc.strerror or exc))]) from None
    return folder


def is_output_folder(folder: Path) -> bool:
    """Does ``folder`` hold simcenter's output marker (``OUTPUT_MARKER``)?"""
    return os.path.lexists(os.path.join(folder, OUTPUT_MARKER))


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
