"""What a browser tab sees until it has typed the access code (``simcenter.ui.access``).

Only this form is built for a tab that has not typed the code: no session, no model, no
scenario read, nothing of the app sent to the browser. The code is kept in the tab's session
once typed, so a group types it once per tab (a reload asks again).
"""

from __future__ import annotations

from typing import Callable

import solara

from simcenter.ui.access import Gate, Tries, Verdict
from simcenter.ui.text import tr


@solara.component
def AccessForm(gate: Gate, lang: str, on_open: Callable[[], None]):
    """The access-code form: a field, a button (or Enter), and why a code was not taken."""
    tries = solara.use_memo(Tries, [])
    typed = solara.use_reactive("")
    verdict = solara.use_reactive(None)

    def keep(text):
        typed.set(text if isinstance(text, str) else "")  # whatever a client sends, it is only ever text here

    def submit(*_):
        result = gate.attempt(tries, typed.value)
        if result.outcome == "open":
            on_open()
            return
        verdict.set(result)
        typed.set("")

    with solara.Card(tr(lang, "app.access.title"), classes=["sc-access"],
                     style={"max-width": "520px", "margin": "48px auto"}):
        solara.Text(tr(lang, "app.access.intro"), classes=["sc-note"])
        field = solara.v.TextField(v_model=typed.value, on_v_model=keep, label=tr(lang, "app.access.code"),
                                   class_="sc-access-code", autofocus=True,
                                   attributes={"autocomplete": "off", "spellcheck": "false", "maxlength": "32"})
        solara.v.use_event(field, "keyup.enter", submit)
        solara.Button(tr(lang, "app.access.open"), color="primary", classes=["sc-access-open"], on_click=submit)
        if verdict.value is not None:
            solara.Error(message(lang, verdict.value), classes=["sc-access-error"])


def message(lang: str, verdict: Verdict) -> str:
    """Why a typed code did not open the app."""
    if verdict.outcome == "wait":
        return tr(lang, "app.access.wait", seconds=verdict.seconds)
    return tr(lang, "app.access.wrong")
