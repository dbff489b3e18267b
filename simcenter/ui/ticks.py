"""What a month further redraws: only what shows the month, not the whole page.

Play and Step change nothing but the month on screen, so they bump ``month_counter`` instead of Mesa's
``update_counter`` (which every component reads, and which a change of the design bumps): the
components that show the month (the month, the key figures, the A-against-B panel, the charts, the
network, the closure banner and the page's address) read both through ``watch``; the others (the run
controls, each design's controls, the exports, the file input, the problems, the many-worlds headline)
are left as they are, until the horizon is reached (reacton re-renders a component only when its arguments or a value it reads
changed). And whatever changed, the page is drawn in one pass (``one_pass``), not once per component.
"""

from __future__ import annotations

from contextlib import nullcontext

import solara
from mesa.visualization import utils as mesa_utils
from mesa.visualization.utils import update_counter

month_counter = solara.reactive(0)
"""Bumped by Play and Step (one per session, as ``update_counter`` is)."""


def watch() -> tuple[int, int]:
    """Redraw the calling component after every change and after every month further; both counters
    (a memo's dependency)."""
    return update_counter.get(), month_counter.get()


def one_pass():
    """A batch of the session's page (its render context): the components a change wakes are drawn
    again in one pass when it ends. Without it, Solara draws the page once for every component that
    reads the counter changed (about twenty for ``update_counter``), each pass going over every widget
    of the page. Outside a session (no page): nothing to batch."""
    try:
        from solara.server import kernel_context

        page = kernel_context.get_current_context().app_object
    except Exception:  # noqa: BLE001 - no session in this thread: no page to draw
        page = None
    return page if page is not None else nullcontext()


def force_update() -> None:
    """Mesa's ``force_update`` (every component redrawn), in one pass."""
    with one_pass():
        mesa_utils.force_update()


def force_month(workshop) -> None:
    """Redraw what shows the month (the month moved on, nothing else changed); the whole page once the
    horizon is reached (Step and Play can go no further)."""
    if workshop.finished:
        force_update()
    else:
        with one_pass():
            month_counter.value += 1


def stepped(workshop):
    """The Step button's click handler: ``workshop.step()``, then redraw what shows the month."""
    def handler(*_):
        workshop.step()
        force_month(workshop)
    return handler
