"""A group's session in the page's address, so that a reload or a new connection finds it again.

The page keeps its address's query string up to date (``encode``): the language, the seed, the
months per step, the pace of Play (seconds a month; whether it was playing is not kept: a reopened
page starts paused, so a room's projector never runs on by itself), side-by-side mode, presentation
mode (when on), the month on screen, and each design as its scenario (the id
of an offered file, or the token of an uploaded one) and the levers the group changed. Opening
that address again (a reload, the same tab after a dropped connection, a bookmark) builds a new
session and ``restore`` replays it: the model is deterministic given scenario, levers and seed,
so the designs stepped again to the month are the designs the group left.

An address is whatever a browser sends, so ``restore`` trusts none of it: every value goes
through the very checks a control's value goes through (the ``Workshop.set_*`` methods, with
``simcenter.ui.controls``). A value that is refused, unknown, given twice or stale (a scenario
no longer offered, an upload the server no longer keeps, a month beyond the horizon) is left at
its default and becomes a note the page shows; nothing raises. No Solara here.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from simcenter.i18n import LANGUAGES, format_number
from simcenter.ui import controls, uploads
from simcenter.ui.controls import Refused
from simcenter.ui.session import DESIGNS, UPLOADED, Workshop
from simcenter.ui.text import described, letter, tr

MAX_ADDRESS = 4000
"""The longest query string read: far more than any the page writes (about 600 characters)."""
MAX_FIELDS = 64
"""The most settings read from one address (the page writes at most 2 x 13 + 6)."""
FLAGS = {"1": True, "0": False}
SETTINGS = ("lang", "seed", "step", "pace", "ab", "month", "present")


@dataclass(frozen=True)
class Note:
    """A value of the address that was not used: of which design (``None``: of the session), and why."""

    design: str | None
    refused: Refused


def encode(workshop: Workshop) -> str:
    """The session as a query string (without ``?``): what ``restore`` needs to build it again."""
    with workshop.lock:
        fields = {"lang": workshop.lang, "seed": str(workshop.seed), "step": str(workshop.months_per_step),
                  "pace": repr(float(workshop.play_seconds)), "ab": "1" if workshop.compare else "0",
                  "month": str(workshop.month)}
        if workshop.present:  # presentation mode, written only when on
            fields["present"] = "1"
        for which, design in workshop.designs.items():
            prefix = which.lower()
            if design.scenario.startswith(UPLOADED):
                fields[f"{prefix}.upload"] = design.scenario[len(UPLOADED):]
            else:
                fields[prefix] = workshop.choice(which).id
            for name, value in controls.ordered(design.levers).items():
                fields[f"{prefix}.{name}"] = repr(value) if isinstance(value, float) else str(value)
    return urlencode(fields)


def known_keys() -> set[str]:
    """Every key ``encode`` writes."""
    keys = set(SETTINGS)
    for which in DESIGNS:
        prefix = which.lower()
        keys |= {prefix, f"{prefix}.upload"} | {f"{prefix}.{name}" for name in controls.ORDER}
    return keys


def restore(workshop: Workshop, query: object) -> list[Note]:
    """Set ``workshop`` (a new session) to the address's ``query``; the notes of what was not used.

    Every value is checked as the page's controls are; a refused one keeps its default.
    """
    notes: list[Note] = []
    if not isinstance(query, str) or not query.strip("?"):
        return notes
    try:
        if len(query) > MAX_ADDRESS:
            raise ValueError("too long")
        pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return [Note(None, Refused("app.session.address", "app.session.too_long"))]
    fields: dict[str, str] = {}
    given_twice = set()
    known = known_keys()
    for key, value in pairs:
        if key not in known:
            notes.append(Note(None, Refused("app.session.address", "app.session.unknown", key)))
        elif key in fields or key in given_twice:
            given_twice.add(key)
            fields.pop(key, None)
            notes.append(Note(None, Refused("app.session.address", "app.session.twice", key)))
        else:
            fields[key] = value

    def take(design, change, *args) -> bool:
        if change(*args):
            return True
        if workshop.refused is not None:
            notes.append(Note(design, workshop.refused))
        return False

    if "lang" in fields:
        take(None, workshop.set_language, fields["lang"])
    if "seed" in fields:
        take(None, workshop.set_seed, fields["seed"])
    if "step" in fields:
        take(None, workshop.set_months_per_step, fields["step"])
    if "pace" in fields:
        take(None, workshop.set_play_seconds, fields["pace"])
    if "present" in fields:
        take(None, workshop.set_present, FLAGS.get(fields["present"], fields["present"]))
    designs = [w for w in DESIGNS if any(k == w.lower() or k.startswith(w.lower() + ".") for k in fields)]
    for which in designs:
        if which == "B" and not workshop.compare:
            workshop.set_compare(True)  # B starts as a copy of A
        _restore_design(workshop, which, fields, notes, take)
    if not ("ab" in fields and take(None, workshop.set_compare, FLAGS.get(fields["ab"], fields["ab"]))):
        workshop.set_compare(False)  # the default, also when "ab" was refused
    if "month" in fields:
        horizon = max((r.months for r in workshop.live_runs().values()), default=0)
        try:
            month = controls.check_number("app.session.month", fields["month"], 0, horizon, integer=True)
        except Refused as refused:
            notes.append(Note(None, refused))
        else:
            workshop.step(month - workshop.month)
    workshop.refused = None  # the notes say it: the address is not a control's value
    workshop.notes = notes
    return notes


def _restore_design(workshop: Workshop, which: str, fields: dict[str, str], notes: list[Note], take) -> None:
    """Design ``which``'s scenario, then its levers in the order they apply; a refused scenario keeps
    the design's default and drops its levers (they were set on another scenario)."""
    prefix = which.lower()
    if f"{prefix}.upload" in fields and prefix in fields:
        notes.append(Note(which, Refused("app.scenario", "app.session.two_scenarios")))
        return
    if f"{prefix}.upload" in fields:
        if not workshop.use_upload(which, fields[f"{prefix}.upload"]):
            notes.append(Note(which, Refused("app.scenario", "app.session.upload_gone",
                                              values={"hours": uploads.MAX_AGE_HOURS})))
            return
    elif prefix in fields and not take(which, workshop.set_scenario, which, fields[prefix]):
        return
    for name in controls.ORDER:
        key = f"{prefix}.{name}"
        if key in fields:
            take(which, workshop.set_lever, which, name, fields[key])


def note_text(lang: str, note: Note) -> str:
    """The one line a note becomes, in ``lang``."""
    refused = note.refused
    values = {k: format_number(v, lang) for k, v in refused.values.items()}
    why = tr(lang, refused.reason, got=described(lang, refused.got), **values)
    what = tr(lang, refused.what)
    if note.design is not None:
        what = tr(lang, "app.design", design=letter(lang, note.design)) + ", " + what
    line = tr(lang, "app.session.not_used", what=what, why=why)
    return line[:1].upper() + line[1:]


def address_language(query: object, default: str) -> str:
    """The language the address asks for, if it is one the app speaks (else ``default``)."""
    if isinstance(query, str) and len(query) <= MAX_ADDRESS:
        try:
            asked = dict(parse_qsl(query.lstrip("?"), max_num_fields=MAX_FIELDS)).get("lang")
        except ValueError:
            return default
        if asked in LANGUAGES:
            return asked
    return default
