"""A design a group brings back: a scenario file uploaded in the page, checked as every scenario is.

The page hands over what the browser sent (a file name and its bytes); nothing of it is trusted.
The text is read as a scenario by the project's own validator (``simcenter.load_scenario``, with
a reader that knows only the uploaded text), so an uploaded file is refused for exactly what
``simcenter validate`` refuses, each problem as ``line: field: message``. An uploaded file stands
on its own: it cannot ``extends`` a file on the server (the app's exported files never do), and
every problem of such a line reads the same whatever the named file is, so an upload learns
nothing about the server's files.

Accepted texts are kept in a small store (``STORE``) under a random token that only the page
that uploaded it knows (its address holds it): a reload of that page finds its design again.
The store is bounded (``CAPACITY`` files, each under ``MAX_BYTES``) and forgets a file after
``MAX_AGE_HOURS`` or when the app restarts. No Solara here.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from simcenter import InputError, Problem, Scenario, load_scenario
from simcenter.errors import printable
from simcenter.i18n import speaking, t

MAX_BYTES = 1_000_000
"""The largest file taken: the limit of every scenario file (``simcenter validate``)."""
CAPACITY = 64
"""Uploaded files kept for reloads, all groups together (the least recently used goes first)."""
MAX_AGE_HOURS = 12
"""A kept file is forgotten after this long: longer than a workshop day."""
UPLOADED_NAME = "uploaded.yaml"
"""The name the validator sees (messages give line and field, not this name)."""
TOKEN_BYTES = 16
EXTENDS = re.compile(r"""^\s*["']?extends["']?\s*:""")
SEEN_WITH = "Seen in the app with seed {seed}"
"""How an exported design names the page's seed in its description (``simcenter.ui.exports.replay_note``)."""
SEED = re.compile(re.escape(SEEN_WITH).replace(re.escape("{seed}"), r"(\d{1,19})") + r"\b")
"""The seed an exported design carries in its description, read back when it is uploaded."""


def load_text(text: str) -> Scenario:
    """The uploaded ``text`` as a validated scenario; ``InputError`` with every problem otherwise.

    Messages are in the calling thread's language (``simcenter.i18n.speaking``).
    """
    def read(path) -> str:
        if str(path) == UPLOADED_NAME:
            return text
        raise InputError([Problem(str(path), 1, "", t("app.load.no_extends"))])

    try:
        return load_scenario(UPLOADED_NAME, read=read)
    except InputError as exc:
        problems = [Problem(p.file, p.line, p.path, t("app.load.no_extends")) if p.path == "extends" else p
                    for p in exc.problems if p.file == UPLOADED_NAME]
        raise InputError(problems or [Problem(UPLOADED_NAME, extends_line(text), "extends", t("app.load.no_extends"))]) \
            from None


def extends_line(text: str) -> int:
    """The line of ``extends:`` in ``text`` (1 when it cannot be told)."""
    for number, line in enumerate(text.splitlines(), 1):
        if EXTENDS.match(line):
            return number
    return 1


def decode(data: object, size: object = None) -> str:
    """The uploaded bytes as text, or an ``InputError`` (too large, not bytes, not UTF-8)."""
    if not isinstance(data, (bytes, bytearray)):
        raise InputError([Problem(UPLOADED_NAME, 1, "", t("app.load.not_a_file"))])
    length = size if isinstance(size, int) and size > len(data) else len(data)
    if length > MAX_BYTES:
        raise InputError([Problem(UPLOADED_NAME, 1, "", t("file.too_large", size=length, limit=MAX_BYTES))])
    try:
        return bytes(data).decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError([Problem(UPLOADED_NAME, line, "",
                                  t("file.not_utf8", column=col, byte=f"0x{data[exc.start]:02x}"))]) from None


def seed_of(config: Scenario) -> int | None:
    """The seed an exported design names in its description (the last one), if any."""
    found = SEED.findall(config.description or "")
    return int(found[-1]) if found and int(found[-1]) < 2**63 else None


def problem_lines(error: InputError, lang: str = "en") -> list[str]:
    """The problems of an uploaded file, one ``line: field: message`` each (a problem of the whole file is
    at "(root)", in ``lang``)."""
    with speaking(lang):
        whole = t("app.load.whole_file")
    return [f"{p.line}: {printable(p.path) or whole}: {printable(p.message)}" for p in error.problems]


@dataclass(frozen=True)
class Upload:
    """An accepted file: its name as the browser gave it, its text, when it came (``time.monotonic``)."""

    name: str
    text: str
    at: float


class Store:
    """Accepted uploads by random token: bounded, forgetting, safe to share between sessions."""

    def __init__(self, capacity: int = CAPACITY, max_age_s: float = MAX_AGE_HOURS * 3600.0, clock=time.monotonic):
        self.capacity = capacity
        self.max_age_s = max_age_s
        self.clock = clock
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, Upload] = OrderedDict()

    def put(self, name: str, text: str) -> str:
        """Keep ``text``; the new token (only its page will know it)."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self._lock:
            self._forget_old()
            self._kept[token] = Upload(name, text, self.clock())
            while len(self._kept) > self.capacity:
                self._kept.popitem(last=False)
        return token

    def get(self, token: object) -> Upload | None:
        """The upload kept under ``token`` (anything a browser sent), or ``None``."""
        if not isinstance(token, str) or len(token) > 64:
            return None
        with self._lock:
            self._forget_old()
            found = self._kept.get(token)
            if found is not None:
                self._kept.move_to_end(token)
            return found

    def __len__(self) -> int:
        return len(self._kept)

    def _forget_old(self) -> None:
        now = self.clock()
        for token in [k for k, u in self._kept.items() if now - u.at > self.max_age_s]:
            del self._kept[token]


STORE = Store()
"""This server's uploads (every session's; each reachable only by its token)."""
