"""Page components for what a design's outcome looks like: the banner of a centre that closed in the
world on screen (``simcenter.ui.outlook``)."""

from __future__ import annotations

import solara
from mesa.visualization.utils import update_counter

from simcenter.ui.outlook import closure_line, closures


@solara.component
def ClosureBanner(workshop, lang: str):
    """One red line for each design on screen whose centre has closed: when, and why, in plain words."""
    update_counter.get()
    for closure in closures(workshop):
        solara.Error(closure_line(lang, closure), classes=["sc-closed", f"sc-closed-{closure.which}"])
