"""Build a comparison report (summary.csv, figures/, brief.md, report.md, report.html) from saved results.

The report opens with the brief (``simcenter.report.brief``): the question, the recommendation, how
robust it is, what it gives up and what would change it, the traffic lights and the trade-offs; the
details follow as appendices (``simcenter.report.pages``, from the rows of ``simcenter.report.tables``).

Nothing here runs the model: ``simcenter report DIR`` calls ``build_report`` on a folder
written by ``simcenter compare`` and reproduces the same report.
"""

from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from pathlib import Path

import pandas as pd

from simcenter.files import FLOAT_FORMAT, atomic_write, writable_folder
from simcenter.i18n import language
from simcenter.report import analysis, brief, pages
from simcenter.report.tables import OVERVIEW

__all__ = ["OVERVIEW", "SUMMARY_COLUMNS", "build_report", "prepare_worker"]
SUMMARY_COLUMNS = ["scenario", "outcome", "unit", "direction", "median", "mean", "p05", "p95", "diff_median",
                   "diff_ci_low", "diff_ci_high", "robust"]


def build_report(folder: str | Path, executor: Executor | None = None, workers: int | None = None) -> dict:
    """Write summary.csv, figures/, brief.md, report.md and report.html into ``folder``; return the analysis.

    With an ``executor`` (the comparison's worker processes, ``workers`` of them), the work is
    done there: the summary table (its bootstrap intervals) and the figures, each handed out as a
    worker comes free, the longest first (those that need the summary once it is there), while
    this process writes the sentences, the tables and report.md: the same files, sooner, and this
    process never loads the plotting library or the compiled loops. The executor is shut down
    (without waiting) once it has all its work, so that its processes stop while this process
    finishes the report. Without ``workers``, everything is handed out at once, in that order.
    """
    folder = Path(folder)
    res = analysis.load_results(folder)
    writable_folder(folder)
    figs, lang = str(folder / "figures"), language()
    (folder / "figures").mkdir(parents=True, exist_ok=True)
    if executor is None:
        from simcenter.report import compare_figures

        summary, pairs = analysis.summary_table(res), brief.verdicts(res)
        figures = compare_figures.all_figures(res, summary, folder / "figures")
        drawn = None
    else:
        (summary, pairs), drawn = _hand_out(executor, workers, str(folder), figs, lang)
        executor.shutdown(wait=False)  # the work handed out still gets done
    pros_cons = analysis.pros_and_cons(res, summary)
    trade = analysis.tradeoffs(res)
    first = brief.build(res, summary, trade, pairs)
    atomic_write(folder / "summary.csv",
                 summary[SUMMARY_COLUMNS].to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    if drawn is not None:
        figures = [Path(p) for which in FIGURES for p in drawn[which].result()]
    brief_text = pages.brief_text(first, res)
    atomic_write(folder / "brief.md", brief_text)
    atomic_write(folder / "report.md", pages.markdown(res, summary, pros_cons, trade, figures, first))
    atomic_write(folder / "report.html", pages.page(res, summary, pros_cons, trade, figures, first))
    return {"summary": summary, "pros_cons": pros_cons, "tradeoffs": trade, "figures": figures, "titles": res.titles(),
            "brief": first, "brief_text": brief_text, "brief_json": brief.as_dict(first)}


FIGURES = ("timeseries", "funding_mix", "forest", "pros_cons", "regional_reach")
"""The figures, in the report's order (that of ``compare_figures.all_figures``)."""
EARLY_FIGURES = ("timeseries", "funding_mix")
"""Figures drawn from the saved results alone ..."""
LATE_FIGURES = ("forest", "pros_cons", "regional_reach")
"""... and those that need the summary table."""
LONGEST_FIRST = ("forest", "timeseries", "funding_mix", "pros_cons", "regional_reach")
"""The order in which figures are handed out when several are ready: the longest first (the
16-panel forest plot takes about as long as the six time series together), so that no worker
is left with a long one at the end while the other waits."""


def _hand_out(executor: Executor, workers: int | None, folder: str, figs: str,
              lang: str) -> tuple[tuple[pd.DataFrame, dict], dict[str, Future]]:
    """The summary table (with the brief's verdicts) and every figure in ``executor``: with ``workers``,
    one task a worker at a time, the next handed out as one comes free; return the summary and the
    verdicts, and each figure's future, once the last figure is handed out."""
    table = executor.submit(_summary, folder)
    running: set[Future] = {table}
    ready = [w for w in LONGEST_FIRST if w in EARLY_FIGURES]
    drawn: dict[str, Future] = {}
    summary = None
    while True:
        while ready and (workers is None or len(running) < workers):
            which = ready.pop(0)
            late = which in LATE_FIGURES
            drawn[which] = executor.submit(_draw, folder, figs, lang, which, summary if late else None)
            running.add(drawn[which])
        if summary is not None and not ready:
            return table.result(), drawn
        done, running = wait(running, return_when=FIRST_COMPLETED)
        for fut in done:
            fut.result()  # a figure that failed fails the report now
        if table in done:
            summary, _ = table.result()
            ready = sorted(ready + list(LATE_FIGURES), key=LONGEST_FIRST.index)


def prepare_worker() -> None:
    """Import the plotting code in a worker process (queued behind a comparison's runs, so that
    each worker does it as it finishes its last run, while this process saves the results)."""
    from simcenter.report import compare_figures  # noqa: F401


def _summary(folder: str) -> tuple[pd.DataFrame, dict]:
    """The summary table of a saved comparison and the brief's paired verdicts between every two designs (in
    a worker process: their bootstraps count medians in compiled code, which this process never loads)."""
    res = analysis.load_results(folder)
    return analysis.summary_table(res), brief.verdicts(res)


def _draw(results_folder: str, figures_folder: str, lang: str, which: str,
          summary: pd.DataFrame | None = None) -> list[str]:
    """``compare_figures.draw_figure`` in a worker process (imported there: this module stays light)."""
    from simcenter.report import compare_figures

    return compare_figures.draw_figure(results_folder, figures_folder, lang, which, summary)
