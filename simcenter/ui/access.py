"""Who may use the app when it listens beyond this machine: an access code, printed at start.

On 127.0.0.1 only the serving laptop reaches the app, and nobody is asked anything. Served on
a room's network (``--host 0.0.0.0``, or any address that is not a loopback one), everyone on
that network could open it; so ``simcenter ui`` makes a short random code (``secrets``), prints
it for the facilitator to write on the board, and every browser tab must type it before the
page shows anything. ``--no-auth`` turns this off, on purpose.

Guessing is slowed twice: a tab that typed a wrong code again waits before its next try (1,
2, 4, ... up to 60 seconds), and the server takes at most ``WRONG_PER_MINUTE`` wrong codes a
minute from all tabs together (a guesser can open many tabs). No Solara here.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

ENV_CODE = "SIMCENTER_UI_ACCESS_CODE"
"""The code the page asks for, passed from ``simcenter ui`` to the app (unset: no code asked)."""
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Capitals and digits that cannot be mistaken for each other (no 0/O, 1/I/L)."""
LENGTH = 6
"""31**6, about 900 million codes: with the limits below, years of guessing."""
LONGEST_TYPED = 64
"""Longer input is not a code; it is not even compared."""
MAX_WAIT_SECONDS = 60.0
WRONG_PER_MINUTE = 30
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def is_loopback(host: str) -> bool:
    """Does ``host`` reach only this machine (127.0.0.0/8, ::1, localhost)? Anything else is exposed."""
    if host.lower().rstrip(".") in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name or an address we cannot vouch for: treat it as open to a network


def new_code() -> str:
    """A fresh access code: ``LENGTH`` characters of ``ALPHABET``, from ``secrets``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalised(typed: object) -> str:
    """A typed code as compared: capitals, without spaces or dashes ("abc 23k" -> "ABC23K")."""
    if not isinstance(typed, str) or len(typed) > LONGEST_TYPED:
        return ""
    return "".join(c for c in typed.upper() if c not in " -\t\u00a0")


@dataclass
class Tries:
    """One browser tab's wrong codes so far, and when it may try again (``time.monotonic``)."""

    wrong: int = 0
    next_try: float = 0.0


@dataclass(frozen=True)
class Verdict:
    """What became of a typed code: ``"open"``, ``"wrong"``, or ``"wait"`` ``seconds`` first."""

    outcome: str
    seconds: int = 0


@dataclass
class Gate:
    """The access code of one server, and the limits on guessing it."""

    code: str | None
    clock: Callable[[], float] = time.monotonic
    _wrong_times: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def required(self) -> bool:
        """Must a tab type a code before it sees the app?"""
        return bool(self.code)

    def attempt(self, tries: Tries, typed: object) -> Verdict:
        """Check ``typed`` for the tab whose ``tries`` these are; count it if wrong."""
        if not self.required:
            return Verdict("open")
        now = self.clock()
        with self._lock:  # held for arithmetic only: nothing here reads or waits
            self._wrong_times[:] = [t for t in self._wrong_times if now - t < 60.0]
            wait = max(tries.next_try - now,
                       (self._wrong_times[0] + 60.0 - now) if len(self._wrong_times) >= WRONG_PER_MINUTE else 0.0)
            if wait > 0:  # not even compared: a guess made while waiting teaches nothing
                return Verdict("wait", max(1, round(wait)))
            if secrets.compare_digest(normalised(typed).encode(), self.code.encode()):
                tries.wrong, tries.next_try = 0, 0.0
                return Verdict("open")
            tries.wrong += 1  # a first slip costs nothing; then 1, 2, 4 ... seconds
            tries.next_try = now + (min(MAX_WAIT_SECONDS, 2.0 ** (tries.wrong - 2)) if tries.wrong > 1 else 0.0)
            self._wrong_times.append(now)
            return Verdict("wrong", round(tries.next_try - now))
