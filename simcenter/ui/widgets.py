"""Small building blocks of the workshop page: sliders that hand every value to the session (which checks
it), bulleted text, headings."""

from __future__ import annotations

import solara

from simcenter.ui.ticks import force_update  # Mesa's, in one pass


def act_value(change):
    """An ``on_value`` handler that hands the browser's value to the workshop (which checks it), then
    redraws (Mesa's ``force_update``): the change, or the message saying why it was not taken."""
    def handler(value):
        change(value)
        force_update()
    return handler



def Slider(label: str, value, minimum, maximum, step, css: str, on_value, refusals: int) -> None:
    """A slider whose every value, as the browser sent it, goes to ``on_value`` (which checks it).

    Built afresh after each refused value (``refusals``, see ``fresh``).
    """
    solara.v.Slider(v_model=value, on_v_model=on_value, label=label, min=minimum, max=maximum, step=step,
                    thumb_label=True, hide_details=True, class_=css).key(fresh(css, refusals))


def fresh(name: str, refusals: int) -> str:
    """A widget key that changes with every refused value, so the widget is built anew and shows the
    session's value again: a refused value would otherwise stay in the browser's copy of the widget
    (Solara echoes a client's value back), and a slider holding "abc" misbehaves on its next move.
    Text fields are left alone: they keep what the group typed, next to the message saying why not."""
    return f"{name}-{refusals}"


def Bullets(lines: list[str], css: str = "", titles: list[str] | None = None) -> None:
    """A bulleted list of plain text (no Markdown: Solara's Markdown would fetch KaTeX from a CDN); each
    line may have a ``title`` (shown on hover)."""
    titles = titles or [""] * len(lines)
    solara.v.Html(tag="ul", class_=css, children=[
        solara.v.Html(tag="li", children=[line], attributes={"title": title} if title else {})
        for line, title in zip(lines, titles)])


def Heading(text: str) -> None:
    """A bold line of text."""
    solara.v.Html(tag="div", style_="font-weight: 600; margin-top: 6px;", children=[text])
