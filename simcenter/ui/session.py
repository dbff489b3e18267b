"""One workshop group's state: its designs, their running models, its problems. No Solara here.

The app builds one ``Workshop`` per browser session, so one group's clicks never reach
another's models. Design A and design B (in side-by-side mode) run with the same seed, so
they live in the same random world and differ only by design; they advance together, month
by month. A change to a design rebuilds its model and replays it to the month on screen, so
the group sees at once what the change would have done. A change that makes the design
invalid is kept on screen with its problems while the charts keep the last valid design.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from simcenter.metrics import INCOME_CATEGORIES, income_categories
from simcenter.config.loader import load_scenario
from simcenter.config.schema import Scenario
from simcenter.errors import InputError, Problem
from simcenter.i18n import language, set_language
from simcenter.config.levers import apply_levers
from simcenter.metrics import NAMES
from simcenter.model import CenterModel
from simcenter.ui import controls

DESIGNS = ("A", "B")
DEFAULT_SEED = 1
REPO_SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def scenario_files(extra: str | os.PathLike | None = None) -> list[Path]:
    """Scenario files to offer: the shipped ones (``scenarios/**/*.yaml``), then ``extra``.

    Shipped scenarios are looked for next to the package (a source checkout) and in the
    current folder; partial bases (names starting with ``_``) are left out.
    """
    found: dict[Path, None] = {}
    for root in (REPO_SCENARIOS, Path.cwd() / "scenarios"):
        if root.is_dir():
            for p in sorted(root.rglob("*.yaml")):
                if not p.name.startswith("_"):
                    found.setdefault(p.resolve())
    if extra is not None:
        found.setdefault(Path(extra).resolve())
    return list(found)


def scenario_label(path: Path) -> str:
    """A short name for a scenario file: its path below ``scenarios/``, else its file name."""
    parts = path.parts
    if "scenarios" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("scenarios") + 1:])
    return path.name


_SPEAKING = threading.Lock()


@contextmanager
def speaking(lang: str):
    """Validate with messages in ``lang``.

    ``simcenter.i18n`` has one language per process; sessions validating in different
    languages take turns, and the process's language is restored after each.
    """
    with _SPEAKING:
        previous = language()
        set_language(lang)
        try:
            yield
        finally:
            set_language(previous)


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


class Run:
    """One design running month by month, with the history the charts need."""

    def __init__(self, config: Scenario, seed: int):
        self.config = config
        self.seed = seed
        self.model = CenterModel(scenario=config, rng=seed, collect=False)
        self.categories = income_categories(config)
        self.income: list[np.ndarray] = []  # per month: income so far by category, EUR
        self.engagement: list[dict[str, float]] = []  # per month: partner id -> engagement

    @property
    def month(self) -> int:
        """Months simulated so far."""
        return min(self.model.steps, self.model.months)

    @property
    def months(self) -> int:
        """The horizon in months."""
        return self.model.months

    @property
    def finished(self) -> bool:
        """True once the horizon is reached."""
        return self.month >= self.months

    def step(self) -> None:
        """Simulate one more month (nothing once the horizon is reached)."""
        if self.finished:
            return
        self.model.step()
        by_source = self.model.ledger.income_by_source("center")
        row = np.zeros(len(INCOME_CATEGORIES))
        for source, cents in by_source.items():
            cat = self.categories.get(source)
            if cat is not None:
                row[INCOME_CATEGORIES.index(cat)] += cents / 100
        self.income.append(row)
        self.engagement.append({pid: p.engagement for pid, p in self.model.partners.items()})

    def advance_to(self, month: int) -> None:
        """Simulate until ``month`` months are done (or the horizon)."""
        while self.month < month and not self.finished:
            self.step()

    def series(self, name: str) -> np.ndarray:
        """Outcome ``name`` for every month simulated so far."""
        return self.model.timeseries[: self.month, NAMES.index(name)]

    def latest(self, name: str) -> float:
        """Outcome ``name`` in the latest month simulated (NaN before the first)."""
        return self.model.outcome(name) if self.month else float("nan")


class Workshop:
    """The designs of one group, their runs, and what is wrong with them.

    Every change takes the session's lock: Play steps from a background thread while the
    group may click.
    """

    def __init__(self, scenario: str | os.PathLike, seed: int = DEFAULT_SEED, lang: str | None = None):
        self.lock = threading.RLock()
        self.lang = lang or language()
        self.seed = seed
        self.compare = False
        self.designs: dict[str, Design] = {"A": Design(str(Path(scenario).resolve()))}
        self.runs: dict[str, Run | None] = {"A": None}
        self.problems: dict[str, list[str]] = {}
        self._bases: dict[str, tuple[float, Scenario | InputError, str]] = {}
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

    def base(self, which: str) -> Scenario | None:
        """The scenario file of design ``which``, validated (``None`` if it is invalid)."""
        try:
            return self._load(self.designs[which].scenario)
        except InputError:
            return None

    def value(self, which: str, name: str):
        """The value of lever ``name`` in design ``which`` as set (or as its scenario has it)."""
        design = self.designs[which]
        if name in design.levers:
            return design.levers[name]
        base = self.base(which)
        return None if base is None else controls.lever_value(base, name)

    # ----------------------------------------------------------------- changing
    def set_lever(self, which: str, name: str, value) -> None:
        """Change one lever of design ``which`` and replay it to the month on screen."""
        with self.lock:
            self.designs[which] = self.designs[which].with_lever(name, value)
            self._build(which, self.month)

    def set_scenario(self, which: str, path: str | os.PathLike) -> None:
        """Start design ``which`` from another scenario file (its levers as the file has them)."""
        with self.lock:
            self.designs[which] = Design(str(Path(path).resolve()))
            self._build(which, self.month)

    def set_seed(self, seed: int) -> None:
        """Move every design to another random world, replayed to the month on screen."""
        with self.lock:
            month = self.month
            self.seed = int(seed)
            for which in self.active:
                self._build(which, month)

    def set_compare(self, on: bool) -> None:
        """Show design B next to A; B starts as a copy of A, in the same random world."""
        with self.lock:
            if on == self.compare:
                return
            month = self.month
            self.compare = on
            if on:
                self.designs["B"] = self.designs.get("B") or self.designs["A"]
                self._build("B", month)

    def set_language(self, lang: str) -> None:
        """Speak ``lang`` in problem messages (the designs with problems are checked again)."""
        with self.lock:
            self.lang = lang
            month = self.month
            for which in [w for w in self.active if w in self.problems]:
                self._build(which, month)

    def step(self, months: int = 1) -> None:
        """Advance every design on screen by ``months`` months (together)."""
        with self.lock:
            target = self.month + months
            for run in self.live_runs().values():
                run.advance_to(target)

    def reset(self) -> None:
        """Back to month 0 with the same designs and seed."""
        with self.lock:
            for which in self.active:
                self._build(which, 0)

    # ----------------------------------------------------------------- internals
    def _load(self, path: str) -> Scenario:
        """The validated scenario file (cached until the file changes; so are its problems)."""
        mtime = Path(path).stat().st_mtime if Path(path).exists() else -1.0
        cached = self._bases.get(path)
        if cached is None or cached[0] != mtime or cached[2] != self.lang:
            try:
                with speaking(self.lang):
                    cached = (mtime, load_scenario(shown_path(path)), self.lang)
            except InputError as exc:
                cached = (mtime, exc, self.lang)
            self._bases[path] = cached
        if isinstance(cached[1], InputError):
            raise cached[1]
        return cached[1]

    def _build(self, which: str, month: int) -> None:
        """Build design ``which`` and replay it to ``month``; on bad input keep the problems."""
        design = self.designs[which]
        try:
            base = self._load(design.scenario)
        except InputError as exc:
            self.runs[which] = None
            self.problems[which] = [str(p) for p in exc.problems]
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


def shown_path(path: str) -> str:
    """``path`` as problem messages show it: relative to the current folder when inside it."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def lever_problem(problem: Problem) -> str:
    """A problem found in a design set in the app: the field and the message (no file:line)."""
    return f"{problem.path}: {problem.message}" if problem.path else problem.message
