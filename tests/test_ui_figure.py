"""A chart's option reaches the page whole (simcenter.ui.figure.Option): the page compares it by identity,
so a rebuilt option (a new month) redraws the chart and the same option (memoised) does not."""

from __future__ import annotations

import pytest

pytest.importorskip("solara")

import solara  # noqa: E402

from simcenter.ui.figure import Figure, FigureWidget, Option  # noqa: E402


def test_an_option_equals_only_the_same_object():
    option = {"series": [{"data": [1, 2, 3]}]}
    assert Option(option) == Option(option)
    assert Option(option) != Option({"series": [{"data": [1, 2, 3]}]})  # equal values, another option
    assert Option(option) != option


def test_the_chart_takes_a_new_option_and_keeps_the_same_one():
    first = {"series": [{"type": "line", "data": [1, 2]}]}
    option = solara.reactive(first)
    sent = []

    @solara.component
    def Page():
        Figure(Option(option.value), "en", attributes={})

    box, rc = solara.render(Page(), handle_error=False)
    widget = rc.find(FigureWidget).widget
    widget.observe(lambda change: sent.append(change["new"]), "option")
    assert widget.option == first
    option.value = {"series": [{"type": "line", "data": [1, 2, 3]}]}  # a month further: a new option
    assert widget.option["series"][0]["data"] == [1, 2, 3] and len(sent) == 1
    option.set(option.value)  # the same object again: nothing sent
    assert len(sent) == 1
    rc.close()
