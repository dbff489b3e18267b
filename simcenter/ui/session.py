"""One workshop group's state: its designs, their running models, its problems. No Solara here.

The app builds one ``Workshop`` per browser session, so one group's clicks never reach
another's models. Design A and design B (in side-by-side mode) run with the same seed, so
they live in the same random world and differ only by design; they advance together, month
by month. A change to a design rebuilds its model and replays it to the month on screen, so
the group sees at once what the change would have done. A change that makes the design
invalid is kept on screen with its problems while the charts keep the last valid design.

Everything a page hands a session is what a browser sent, and a browser can send anything:
every ``set_*`` method checks its value first (``simcenter.ui.controls``), and a value it
refuses changes nothing and is kept in ``refused`` for the page to say why. A scenario is
chosen by the id of one the session offers (``simcenter.ui.files``), never by a path, and
its files are read without any lock held, through a reader that opens only regular files
in the allowed folders: no group can make another wait.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from simcenter import Scenario, apply_levers, load_scenario
from simcenter.errors import InputError, Problem
from simcenter.i18n import LANGUAGES, language, speaking
from simcenter.ui import controls, files, uploads
from simcenter.ui.controls import Refused
from simcenter.ui.ensemble import Ensembles
from simcenter.ui.world import Run

DESIGNS = ("A", "B")
DEFAULT_SEED = 1
DEFAULT_MONTHS_PER_STEP = 1
UPLOADED = "upload:"
"""How a design started from an uploaded file names its scenario: ``upload:TOKEN`` (``uploads.STORE``)."""
CHOICES_SECONDS = 2.0
"""How long the scenarios offered are taken as found (``Workshop.choices``)."""
DEFAULT_PLAY_SECONDS = 1.0
"""Play shows one month a second unless a group asks for another pace: a room can follow that."""


@dataclass(frozen=True)
class Design:
    """A design as a group sets it: a scenario file and the levers changed on top of it."""

    scenario: str
    levers: dict = field(default_factory=dict)

    def with_lever(self, name: str, value) -> "Design":
        """This design with one lever changed (a new structure brings its own partner seats)."""
        levers = dict(self.levers)
        levers[name] = value
        if name == "management":
            levers.pop("partner_seats", None)
        return replace(self, levers=controls.ordered(levers))


class Workshop:
    """The designs of one group, their runs, and what is wrong with them.

    Every change takes the session's lock: Play steps from a background thread while the
    group may click. Scenario files are read before the lock is taken (``_read``), so under
    it the cache answers and the lock is never held while a file is read.
    """

    def __init__(self, scenario: str | os.PathLike, seed: int = DEFAULT_SEED, lang: str | None = None):
        """Start from ``scenario``, a file the server chose (``--scenario`` or a shipped design).

        That file, and the folder it is in, are offered and read besides the shipped scenarios.
        """
        self.lock = threading.RLock()
        self.lang = lang or language()
        self.seed = seed
        self.months_per_step = DEFAULT_MONTHS_PER_STEP
        self.play_seconds = DEFAULT_PLAY_SECONDS
        self.compare = False
        self.present = False  # presentation mode: larger text, the headline charts (a view, not the design)
        self.given = Path(os.path.realpath(scenario))
        self.folders = files.allowed_folders(self.given)
        self.designs: dict[str, Design] = {"A": Design(str(self.given))}
        self.runs: dict[str, Run | None] = {"A": None}
        self.problems: dict[str, list[str]] = {}
        self.refused: Refused | None = None
        """The last value the page sent that was not taken (cleared by the next change taken;
        a language switch only says it in the other language)."""
        self.refusals = 0
        """How many values were refused so far (the page rebuilds its inputs after each one)."""
        self.uploaded: dict[str, uploads.Upload] = {}
        """The uploaded files the designs start from, by ``upload:TOKEN``."""
        self.notes: list = []
        self.ensembles = Ensembles()
        """Each design on screen over many worlds, run in worker processes (``simcenter.ui.ensemble``)."""
        """What the page's address held that was not used (``simcenter.ui.state.restore``)."""
        self._bases: dict[str, tuple[float, Scenario | InputError, str]] = {}
        self._values: dict[str, tuple[Design, Scenario, dict]] = {}  # the levers' values of the last design asked
        self._choices: tuple[float, str, dict[str, files.Choice]] | None = None  # when, in which language, what
        self._read(self.designs["A"].scenario)
        self._build("A", 0)

    # ----------------------------------------------------------------- reading
    @property
    def active(self) -> tuple[str, ...]:
        """The designs on screen: A, or A and B."""
        return DESIGNS if self.compare else ("A",)

    @property
    def month(self) -> int:
        """The month on screen: months simulated by the designs on screen (they move together)."""
        return max((r.month for r in self.live_runs().values()), default=0)

    @property
    def finished(self) -> bool:
        """True when no design on screen can advance."""
        return all(r.finished for r in self.live_runs().values())

    def live_runs(self) -> dict[str, Run]:
        """The runs of the designs on screen that have a valid model."""
        return {d: r for d in self.active if (r := self.runs.get(d)) is not None}

    def choices(self) -> dict[str, files.Choice]:
        """The scenarios this session offers, by id: the shipped ones and the one it started from.

        Looked for again at most every ``CHOICES_SECONDS`` (a redraw asks several times; a file added to
        ``scenarios/`` shows within that) and at once in another language.
        """
        now = time.monotonic()
        cached = self._choices
        if cached is None or cached[1] != self.lang or now - cached[0] > CHOICES_SECONDS:
            cached = (now, self.lang, files.scenario_choices(self.given, self.lang))
            self._choices = cached
        return cached[2]

    def choice(self, which: str) -> files.Choice:
        """The offered scenario design ``which`` starts from."""
        key = self.designs[which].scenario
        if key in self.uploaded:
            return files.Choice(key, self.uploaded[key].name, Path(key))
        path = Path(key)
        chosen = next((c for c in self.choices().values() if c.path == path), None)
        return chosen or files.Choice(files.scenario_label(path), files.scenario_label(path), path)

    def base(self, which: str) -> Scenario | None:
        """The scenario file of design ``which``, validated (``None`` if it is invalid)."""
        loaded = self._read(self.designs[which].scenario)
        return None if isinstance(loaded, InputError) else loaded

    def value(self, which: str, name: str):
        """The value of lever ``name`` in design ``which`` (see ``values``)."""
        return self.values(which).get(name)

    def values(self, which: str) -> dict:
        """Every lever's value in design ``which`` as the model runs it: as set, else as the design has it
        (its scenario with the levers set applied: a structure chosen brings its own partner seats).

        Empty if the scenario file is invalid; ``None`` for a lever the scenario has nothing to act on.
        """
        design = self.designs[which]
        base = self.base(which)
        if base is None:
            return {}
        known = self._values.get(which)
        if known is not None and known[0] is design and known[1] is base:  # a page asks at every redraw
            return known[2]
        try:
            with speaking(self.lang):
                config = apply_levers(base, design.levers)
        except InputError:  # a design the scenario refuses: its problems are on screen
            config = base
        values = {name: design.levers.get(name, controls.lever_value(config, name)) for name in controls.ORDER}
        self._values[which] = (design, base, values)
        return values

    # ----------------------------------------------------------------- changing (values from the page)
    def set_lever(self, which: str, name: str, value) -> bool:
        """Change one lever of design ``which`` and replay it to the month on screen.

        ``value`` is checked against the lever's type and range first (``controls.check``);
        returns whether it was taken.
        """
        base = self.base(which)
        choices = () if base is None else (base.catalogue.legal_forms if name == "legal_form"
                                           else base.catalogue.management_structures)
        try:
            value = controls.check(name, value, choices)
        except Refused as refused:
            return self._refuse(refused)
        with self.lock:
            self.refused = None
            self.designs[which] = self.designs[which].with_lever(name, value)
            self._build(which, self.month)
        return True

    def set_scenario(self, which: str, choice) -> bool:
        """Start design ``which`` from the offered scenario ``choice`` (an id of ``choices``).

        Anything else is refused without a word about files; returns whether it was taken.
        """
        offered = self.choices()
        try:
            chosen = offered[controls.check_choice("app.scenario", choice, offered)]
        except Refused as refused:
            return self._refuse(refused)
        self._read(str(chosen.path))  # before the lock: no lock is held while a file is read
        with self.lock:
            self.refused = None
            self.designs[which] = Design(str(chosen.path))
            self._build(which, self.month)
        return True

    def set_seed(self, seed) -> bool:
        """Move every design to another random world, replayed to the month on screen."""
        try:
            seed = controls.check_number("app.seed", seed, *controls.SEED_RANGE, integer=True)
        except Refused as refused:
            return self._refuse(refused)
        self._read_designs()
        with self.lock:
            self.refused = None
            month = self.month
            self.seed = seed
            for which in self.active:
                self._build(which, month)
        return True

    def set_months_per_step(self, months) -> bool:
        """How many months Step advances (Play goes one month at a time)."""
        try:
            self.months_per_step = controls.check_number("app.months_per_step", months,
                                                         *controls.MONTHS_PER_STEP, integer=True)
        except Refused as refused:
            return self._refuse(refused)
        self.refused = None
        return True

    def set_play_seconds(self, seconds) -> bool:
        """How many seconds Play waits between two months (each tick of Play is one month)."""
        low, high, _ = controls.PLAY_SECONDS
        try:
            self.play_seconds = controls.check_number("app.play_seconds", seconds, low, high)
        except Refused as refused:
            return self._refuse(refused)
        self.refused = None
        return True

    def play_tick(self) -> bool:
        """One tick of Play: one month further, whatever a Step advances; whether there is more to play."""
        with self.lock:
            self.step(1)
            return not self.finished

    def set_compare(self, on) -> bool:
        """Show design B next to A; B starts as a copy of A, in the same random world."""
        try:
            on = controls.check_flag("app.compare", on)
        except Refused as refused:
            return self._refuse(refused)
        self._read_designs()
        with self.lock:
            self.refused = None
            if on == self.compare:
                return True
            month = self.month
            self.compare = on
            if on:
                self.designs["B"] = self.designs.get("B") or self.designs["A"]
                self._build("B", month)
        return True

    def set_present(self, on) -> bool:
        """Presentation mode on or off (how the page shows the designs; nothing in them changes)."""
        try:
            self.present = controls.check_flag("app.present.toggle", on)
        except Refused as refused:
            return self._refuse(refused)
        self.refused = None
        return True

    def set_language(self, lang) -> bool:
        """Speak ``lang`` in problem messages (the designs with problems are checked again)."""
        try:
            lang = controls.check_choice("app.language", lang, LANGUAGES)
        except Refused as refused:
            return self._refuse(refused)
        self.lang = lang
        self._read_designs()
        with self.lock:
            month = self.month
            for which in [w for w in self.active if w in self.problems]:
                self._build(which, month)
        return True

    def load_design(self, which, name, data, size=None) -> list[str]:
        """Design ``which`` from an uploaded scenario file (``data``: its bytes as the browser sent them).

        Checked as ``simcenter validate`` checks a file; returns its problems, one ``line: field:
        message`` each, and changes nothing then. A valid file becomes design ``which`` (B turns
        side-by-side on), at month 0 with the seed it names, and is kept for reloads (``uploads.STORE``).
        """
        try:
            which = controls.check_choice("app.load.into", which, DESIGNS)
            with speaking(self.lang):
                text = uploads.decode(data, size)
                config = uploads.load_text(text)
        except Refused as refused:
            self._refuse(refused)
            return []
        except InputError as exc:
            return uploads.problem_lines(exc, self.lang)
        token = uploads.STORE.put(name if isinstance(name, str) else uploads.UPLOADED_NAME, text)
        self.use_upload(which, token, month=0, seed=uploads.seed_of(config))
        return []

    def use_upload(self, which: str, token, month: int | None = None, seed: int | None = None) -> bool:
        """Design ``which`` from the upload kept under ``token``, replayed to ``month`` (default: on screen).

        Returns ``False``, changing nothing, when no valid upload is kept under ``token``.
        """
        kept = uploads.STORE.get(token)
        if kept is None:
            return False
        key = UPLOADED + token
        self.uploaded[key] = kept
        if isinstance(self._read(key), InputError):
            del self.uploaded[key]
            return False
        with self.lock:
            self.refused = None
            month = self.month if month is None else month
            self.seed = self.seed if seed is None else seed
            self.designs[which] = Design(key)
            if which == "B":
                self.compare = True
            for w in self.active:
                self._build(w, month)
            in_use = {d.scenario for d in self.designs.values()}
            for old in [k for k in self.uploaded if k not in in_use]:
                del self.uploaded[old]
                self._bases.pop(old, None)
        return True

    def step(self, months: int | None = None) -> None:
        """Advance every design on screen by ``months`` months (together; default: ``months_per_step``)."""
        with self.lock:
            target = self.month + (self.months_per_step if months is None else months)
            for run in self.live_runs().values():
                run.advance_to(target)

    def reset(self) -> None:
        """Back to month 0 with the same designs and seed."""
        self._read_designs()
        with self.lock:
            for which in self.active:
                self._build(which, 0)

    # ----------------------------------------------------------------- internals
    def _refuse(self, refused: Refused) -> bool:
        """Keep ``refused`` for the page to show; nothing else changes."""
        self.refused = refused
        self.refusals += 1
        return False

    def _read(self, path: str) -> Scenario | InputError:
        """The validated scenario file, or its problems (cached until the file changes).

        Reads only through ``files.read_allowed``, and never under a lock: the language of
        the messages is this thread's (``speaking``), not the process's.
        """
        mtime = _mtime(path)
        cached = self._bases.get(path)
        if cached is None or cached[0] != mtime or cached[2] != self.lang:
            lang = self.lang
            try:
                with speaking(lang):
                    loaded: Scenario | InputError = (
                        uploads.load_text(self.uploaded[path].text) if path in self.uploaded
                        else load_scenario(shown_path(path), read=files.reader(self.folders)))
            except InputError as exc:
                loaded = exc
            cached = (mtime, loaded, lang)
            self._bases[path] = cached
        return cached[1]

    def _read_designs(self) -> None:
        """Read (or find cached) the scenario file of every design, before a change takes the lock."""
        for design in list(self.designs.values()):
            self._read(design.scenario)

    def _build(self, which: str, month: int) -> None:
        """Build design ``which`` and replay it to ``month``; on bad input keep the problems."""
        design = self.designs[which]
        cached = self._bases.get(design.scenario)
        base = cached[1] if cached is not None and cached[2] == self.lang else self._read(design.scenario)
        if isinstance(base, InputError):
            self.runs[which] = None
            self.problems[which] = [str(p) for p in base.problems]
            return
        try:
            with speaking(self.lang):
                config = apply_levers(base, design.levers)
        except InputError as exc:
            self.problems[which] = [lever_problem(p) for p in exc.problems]
            return  # the last valid run stays on screen
        run = Run(config, self.seed)
        run.advance_to(month)
        self.runs[which] = run
        self.problems.pop(which, None)


def _mtime(path: str) -> float:
    """When ``path`` last changed (-1 if it cannot be seen): the cache's key, from ``os.stat`` alone."""
    try:
        return os.stat(path).st_mtime
    except (OSError, ValueError):
        return -1.0


def shown_path(path: str) -> str:
    """``path`` as problem messages show it: relative to the current folder when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def lever_problem(problem: Problem) -> str:
    """A problem found in a design set in the app: the field and the message (no file:line)."""
    return f"{problem.path}: {problem.message}" if problem.path else problem.message
