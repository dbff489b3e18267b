"""The comparison report's figures as a municipal board reads them (issue 19): a panel per design for
the outcomes over time, no legend over the data, nothing drawn over anything else, numbers written
as the report's language writes them (no "1e6"), titles and captions in words."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import pytest

from simcenter.comparison import compare
from simcenter.i18n import speaking
from simcenter.report import analysis, captions, compare_figures, decomposition, figure_layout

from support import PLOVDIV, REPO

DESIGNS = [PLOVDIV / f for f in ("base.yaml", "cooperative.yaml", "grant-only.yaml", "municipal-enterprise.yaml",
                                 "network-hub.yaml")]
SMALL = ["region.n_potential=300", "horizon.years=2"]
LATIN_ALLOWED = {"Plovdiv", "HRDP", "ESF", "EaSI", "PRIM", "CSV", "PNG", "HHI", "EU"}
"""Latin-letter words Bulgarian text may keep (as ``tests/test_cli_lang.py`` allows them)."""
LANGS = ("en", "bg")


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """Five Plovdiv designs (the first row of panels full, the second not), over two years; their
    results, summary table and the folder (with the decomposition's figures)."""
    out = tmp_path_factory.mktemp("figures") / "out"
    result = compare(DESIGNS, out, reps=4, seed=3, workers=1, overrides=SMALL)
    return analysis.load_results(out), result["summary"], out


@pytest.fixture(scope="module")
def large(compared):
    """The same comparison with every amount a hundred thousand times larger (tens of billions of
    euros, differences in the millions): where a plotting library's own axes write "1e6" or "+1e10"."""
    res, summary, _ = compared
    bands, summary = res.bands.copy(), summary.copy()
    for frame, columns in ((bands, ["median", "p05", "p95"]),
                           (summary, ["median", "mean", "p05", "p95", "diff_median", "diff_ci_low", "diff_ci_high"])):
        money = frame["outcome"].str.endswith("_eur")
        frame.loc[money, columns] = frame.loc[money, columns] * 100_000
    income = res.income.copy()
    numeric = [c for c in income.columns if c not in ("scenario", "month")]
    income[numeric] = income[numeric] * 100_000
    return replace(res, bands=bands, income=income), summary


def _figures(res, summary):
    """Every figure of the comparison report (the time series' one figure, copied per outcome as its
    texts), by name."""
    out = {}
    for outcome, fig in compare_figures.timeseries_figures(res):
        fig.canvas.draw()
        out[f"timeseries_{outcome}"] = _snapshot(fig)
    for name, fig in (("funding_mix", compare_figures.funding_mix_figure(res)),
                      ("forest", compare_figures.forest_figure(res, summary)),
                      ("pros_cons", compare_figures.pros_cons_figure(res, summary)),
                      ("regional_reach", compare_figures.regional_reach_figure(res, summary))):
        fig.canvas.draw()
        out[name] = _snapshot(fig)
        import matplotlib.pyplot as plt

        plt.close(fig)
    return out


def _snapshot(fig) -> dict:
    """What the tests look at in a drawn figure (the time series' figure is redrawn for the next
    outcome, so its state is copied now)."""
    from matplotlib.ticker import FixedLocator

    renderer = fig.canvas.get_renderer()
    whole = fig.bbox
    axes = []
    for ax in fig.axes:
        axes.append({
            "position": tuple(round(v, 6) for v in ax.get_position().bounds),
            "box": ax.get_tightbbox(renderer),
            "legend": ax.get_legend(),
            "title": ax.get_title(),
            "lines": len(ax.lines),
            "collections": len(ax.collections),
            "offsets": [a.get_offset_text().get_text() for a in (ax.xaxis, ax.yaxis)],
            # the numbers on its axes (not the names on the pros-and-cons map's or beside the forest plot's)
            "ticks": [t.get_text() for a in (ax.xaxis, ax.yaxis) if not isinstance(a.get_major_locator(), FixedLocator)
                      for t in a.get_ticklabels() if t.get_visible()],
            "xlabel": ax.get_xlabel(),
        })
    texts = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.texts if t.get_text()]
    title = max((t for t in fig.texts if t.get_text()), key=lambda t: t.get_fontsize()).get_text()
    legends = [lg.get_window_extent(renderer) for lg in fig.legends]
    return {"axes": axes, "texts": texts, "title": title, "legends": legends, "bbox": whole,
            "width": fig.get_figwidth()}


def _overlap(a, b, tolerance: float = 1.0) -> bool:
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance) and (min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance)


def _inside(box, whole, tolerance: float = 1.0) -> bool:
    return (box.x0 >= whole.x0 - tolerance and box.y0 >= whole.y0 - tolerance and box.x1 <= whole.x1 + tolerance
            and box.y1 <= whole.y1 + tolerance)


@pytest.mark.parametrize("lang", LANGS)
def test_outcomes_over_time_are_a_panel_per_design_with_the_baseline_in_grey(compared, lang):
    res, _, _ = compared
    with speaking(lang):
        for outcome, fig in compare_figures.timeseries_figures(res):
            assert len(fig.axes) == len(res.designs), outcome
            assert fig.get_figwidth() <= figure_layout.WIDTH + 1e-9
            for design, ax in zip(res.designs, fig.axes):
                assert ax.get_legend() is None
                assert " ".join(ax.get_title().split()).startswith(res.title(design)), (outcome, design)
                # its median, and the baseline's in grey in every other panel; its band
                assert len(ax.lines) == (1 if design == res.baseline else 2), (outcome, design)
                assert len(ax.collections) == 1
            assert len(fig.axes[0].get_shared_y_axes().get_siblings(fig.axes[0])) == len(res.designs)
            assert len(fig.axes[0].get_shared_x_axes().get_siblings(fig.axes[0])) == len(res.designs)
            assert not fig.legends


@pytest.mark.parametrize("lang", LANGS)
def test_no_legend_over_data_and_nothing_drawn_over_anything_else(compared, lang):
    """No legend inside a panel; the figure's title, its note, its axis words and its legend overlap
    no panel (with its tick labels and title) nor each other, and stay inside the figure; no two
    panels overlap."""
    res, summary, _ = compared
    with speaking(lang):
        figures = _figures(res, summary)
    for name, fig in figures.items():
        assert fig["width"] <= figure_layout.WIDTH + 1e-9, name
        assert all(ax["legend"] is None for ax in fig["axes"]), name
        panels: dict = {}
        for ax in fig["axes"]:  # a panel and its twin (the cash axis) are one panel
            box = panels.get(ax["position"])
            panels[ax["position"]] = ax["box"] if box is None else type(box).union([box, ax["box"]])
        panels = list(panels.values())
        words = [box for _, box in fig["texts"]] + fig["legends"]
        for box in panels + words:
            assert _inside(box, fig["bbox"]), (name, box)
        for i, a in enumerate(panels):
            for b in panels[i + 1:]:
                assert not _overlap(a, b), (name, a, b)
        for i, a in enumerate(words):
            for b in panels + words[i + 1:]:
                assert not _overlap(a, b), (name, fig["texts"], a, b)
    assert figures["funding_mix"]["legends"] and figures["forest"]["legends"] and figures["regional_reach"]["legends"]


NUMBER = {"en": re.compile(r"^-?\d{1,3}(,\d{3})*(\.\d+)?%?$"),
          "bg": re.compile(r"^-?\d{1,3}([\u00a0\u202f ]\d{3})*(,\d+)?%?$")}


@pytest.mark.parametrize("lang", LANGS)
def test_axes_write_numbers_per_locale_with_no_offset_nor_exponent(large, lang):
    res, summary = large
    with speaking(lang):
        figures = _figures(res, summary)
        thousands = figure_layout.unit_words("EUR", scale=1000)
    checked = 0
    for name, fig in figures.items():
        for ax in fig["axes"]:
            assert ax["offsets"] == ["", ""], (name, ax["title"], ax["offsets"])
            for text in ax["ticks"]:
                if re.search(r"\d", text):
                    assert NUMBER[lang].match(text.replace("\u2212", "-")), (name, ax["title"], text)
                    checked += 1
    assert checked > 200
    forest = {" ".join(ax["title"].split()): ax for ax in figures["forest"]["axes"]}
    with speaking(lang):
        from simcenter import metrics

        money = forest[metrics.BY_NAME["client_funding_added_eur"].label]
        reach = forest[metrics.BY_NAME["regional_reach"].label]
        points = figure_layout.unit_words("share", difference=True)
    assert money["xlabel"] == thousands  # "thousand EUR": the numbers say thousands, the words say so
    assert reach["xlabel"] == points
    shares = [t for ax in figures["regional_reach"]["axes"] for t in ax["ticks"] if re.search(r"\d", t)]
    assert shares and all(t.endswith("%") for t in shares)  # a share is a percentage
    cash = figures["timeseries_cash_eur"]["axes"][0]["ticks"]
    assert any(len(re.sub(r"\D", "", t)) >= 10 for t in cash), cash  # tens of billions, written whole


@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_has_a_title_in_words(compared, lang):
    res, summary, _ = compared
    with speaking(lang):
        figures = _figures(res, summary)
    for name, fig in figures.items():
        title = fig["title"]
        assert title[:1].isupper(), (name, title)
        assert len(title.split()) >= 4 and not re.search(r"\.png|_|\bplovdiv-", title), (name, title)
        for design in res.designs:
            assert design not in " ".join(t for t, _ in fig["texts"]), (name, design)
        if lang == "bg":
            words = set(re.findall(r"[A-Za-z][A-Za-z'’-]*", " ".join(t for t, _ in fig["texts"]))) - LATIN_ALLOWED
            assert words == set(), (name, words)


def test_captions_are_words_for_every_figure_a_comparison_writes(compared):
    res, _, out = compared
    files = sorted((out / "figures").glob("*.png"))
    names = {p.name for p in files}
    assert {"forest.png", "funding_mix.png", "pros_cons.png", "regional_reach.png"} <= names
    assert any(n.startswith("decomposition_") for n in names) and any(n.startswith("timeseries_") for n in names)
    seen = {}
    for lang in LANGS:
        with speaking(lang):
            for path in files:
                text = captions.caption(path, res)
                assert len(text.split()) >= 8 and text[:1].isupper() and text.endswith("."), (lang, path.name, text)
                assert path.name not in text and path.stem not in text and ".png" not in text, (lang, text)
                assert not any(d in text for d in res.designs), (lang, text)  # titles, not ids
                seen.setdefault(path.name, set()).add(text)
                if lang == "bg":
                    words = set(re.findall(r"[A-Za-z][A-Za-z'’-]*", text)) - LATIN_ALLOWED
                    assert words == set(), (path.name, words)
            assert captions.caption(out / "report.html", res) == ""
            assert captions.caption(out / "figures" / "timeseries_no_such_outcome.png", res) == ""
            assert captions.caption(out / "figures" / "decomposition_no-such-design.png", res) == ""
    assert all(len(texts) == 2 for texts in seen.values())  # English and Bulgarian differ
    # Each figure its own caption: the decomposition's name its design, the time series its outcome.
    with speaking("en"):
        assert len({captions.caption(p, res) for p in files}) == len(files)
        design = next(d for d in res.designs if d != res.baseline)
        assert res.title(design) in captions.caption(out / "figures" / decomposition.figure_name(design), res)


@pytest.mark.parametrize("design", ["plovdiv-cooperative", "a b/c.d", "ünïcode", "", "x__y"])
def test_captions_know_the_decomposition_figures_names(design):
    assert captions.decomposition_name(design) == decomposition.figure_name(design)


def test_captions_module_loads_no_plotting_nor_tables():
    code = ("import sys, simcenter.report.captions; "
            "heavy = [m for m in ('matplotlib', 'pandas', 'numpy') if m in sys.modules]; "
            "assert not heavy, heavy")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
