"""The files the app may read: the scenario choices it offers, and a reader that opens nothing else.

A browser never names a file. The page offers scenario choices by id (``scenario_choices``:
the shipped designs under ``scenarios/``, a ``scenarios/`` folder in the serving folder, and
the ``--scenario`` file the operator gave); the server maps an id it offered back to the file
it chose itself, and anything else the browser sends is refused without a word about files.

Every file read for the app, the files a scenario ``extends`` included, goes through
``read_allowed``: only a regular file whose real path lies in an allowed folder is opened, as
every input file is (without waiting, and checked again once open), so a named pipe, a device or
a terminal swapped in after the check is found out, never read. A read can therefore never hang
a session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from simcenter import load_scenario
from simcenter import read_input as read_text
from simcenter.errors import InputError, Problem
from simcenter.i18n import t

REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
"""The shipped designs, next to the package in a source checkout."""


@dataclass(frozen=True)
class Choice:
    """One scenario the page offers: the id the browser sends back (its file's name below
    ``scenarios/``, the same in every language), the label it shows (the design's display name in
    the session's language), the file."""

    id: str
    label: str
    path: Path  # stays on the server: never sent to a browser


def allowed_folders(extra: str | os.PathLike | None = None) -> tuple[Path, ...]:
    """The folders the app reads from: shipped ``scenarios/``, ``./scenarios/``, the folder of ``extra``."""
    folders = [REPO_SCENARIOS, Path.cwd() / "scenarios"]
    if extra is not None:
        folders.append(Path(extra).parent)
    return tuple(dict.fromkeys(Path(os.path.realpath(f)) for f in folders))


def inside(path: Path, folders: tuple[Path, ...]) -> bool:
    """Is ``path`` (a real path, symlinks resolved) in one of ``folders`` or below?"""
    return any(path.is_relative_to(folder) for folder in folders)


def scenario_label(path: Path) -> str:
    """A short name for a scenario file: its path below ``scenarios/``, else its file name."""
    parts = path.parts
    if "scenarios" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("scenarios") + 1:])
    return path.name


def is_template(path: Path) -> bool:
    """A file to copy, not a design to run (``template.yaml``, ``myregion-template.yaml``)."""
    return path.stem == "template" or path.stem.endswith(("-template", "_template"))


def scenario_files(extra: str | os.PathLike | None = None) -> list[Path]:
    """Scenario files to offer: the shipped ones (``scenarios/**/*.yaml``), then ``extra``.

    Shipped scenarios are looked for next to the package (a source checkout) and in the
    current folder; partial bases (names starting with ``_``) and templates are left out, and so
    is anything that is not a regular file inside those folders (a pipe named ``x.yaml``, a symlink out).
    ``extra`` is the operator's own choice: it is offered whatever it is, and read (or
    refused) by ``read_allowed`` like the rest.
    """
    folders = allowed_folders()
    found: dict[Path, None] = {}
    for root in folders:
        if root.is_dir():
            for p in sorted(root.rglob("*.yaml")):
                real = Path(os.path.realpath(p))
                if (not p.name.startswith("_") and not is_template(p)
                        and inside(real, folders) and real.is_file()):  # a regular file (stat only)
                    found.setdefault(real)
    if extra is not None:
        found.setdefault(Path(os.path.realpath(extra)))
    return list(found)


def scenario_choices(extra: str | os.PathLike | None = None, lang: str = "en") -> dict[str, Choice]:
    """The scenarios the page offers, by id, each labelled with its design's display name in ``lang``
    (``title`` or ``title_bg``; a file that does not load, by its name).

    The id is the file's name below ``scenarios/``, numbered if two files share one; a label two
    files share is followed by the id.
    """
    folders = allowed_folders(extra)
    found: dict[str, tuple[str, Path]] = {}
    for path in scenario_files(extra):
        ident = scenario_label(path)
        n = 1
        while ident in found:
            n += 1
            ident = f"{scenario_label(path)} ({n})"
        names = display_names(path, folders)
        found[ident] = ((names[1] if lang == "bg" else names[0]) if names else ident, path)
    labels = [label for label, _ in found.values()]
    return {ident: Choice(ident, label if labels.count(label) == 1 or label == ident else f"{label} ({ident})", path)
            for ident, (label, path) in found.items()}


_NAMES: dict[Path, tuple[float, tuple[str, str] | None]] = {}
"""Display names by file, with the time the file last changed: read once per process."""


def display_names(path: Path, folders: tuple[Path, ...]) -> tuple[str, str] | None:
    """The English and Bulgarian display names of the scenario in ``path`` (``None`` if it does not load).

    Read through ``read_allowed`` (regular files in ``folders`` only, never waiting), and cached
    until the file changes.
    """
    try:
        changed = os.stat(path).st_mtime
    except (OSError, ValueError):
        return None
    cached = _NAMES.get(path)
    if cached is None or cached[0] != changed:
        try:
            scenario = load_scenario(path, read=reader(folders))
            title = scenario.title or scenario.name
            cached = (changed, (title, scenario.title_bg or title))
        except InputError:
            cached = (changed, None)
        _NAMES[path] = cached
    return cached[1]


def read_allowed(path: str | os.PathLike, folders: tuple[Path, ...]) -> str:
    """The text of ``path``, if it is a regular file in ``folders``; else a located ``InputError``.

    The real path (links followed) must lie in an allowed folder before anything is looked at,
    so nothing is said of files elsewhere, not even whether they exist; it is then read as every
    input file is (``simcenter.config.yamlsource.read_text``: regular files only, checked before
    and after opening without blocking, so neither a name nor a race makes the server read or
    wait for a pipe, a device or a terminal).
    """
    name = str(path)
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError) as exc:  # e.g. a name too long, or with a NUL byte
        raise _problem(name, t("file.unreadable", error=getattr(exc, "strerror", None) or exc)) from None
    if not inside(real, folders):
        raise _problem(name, t("app.files.outside"))
    try:
        return read_text(real)
    except InputError as exc:  # named as the group chose it, not by its real path on the server
        raise InputError([Problem(name, p.line, p.path, p.message) for p in exc.problems]) from None


def reader(folders: tuple[Path, ...]):
    """``read_allowed`` bound to ``folders``: the ``read`` that ``load_scenario`` takes."""
    return lambda path: read_allowed(path, folders)


def _problem(name: str, message: str) -> InputError:
    return InputError([Problem(name, 1, "", message)])
