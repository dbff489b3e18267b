"""Build a comparison report (summary.csv, figures/, report.md, report.html) from saved results.

Nothing here runs the model: ``simcenter report DIR`` calls ``build_report`` on a folder
written by ``simcenter compare`` and reproduces the same report.
"""

from __future__ import annotations

import base64
import html
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from pathlib import Path

import pandas as pd

from simcenter import metrics
from simcenter.config.catalogue import builtin_catalogue
from simcenter.i18n import language, t
from simcenter.report import analysis, decomposition
from simcenter.i18n import format_value as fmt
from simcenter.files import FLOAT_FORMAT, atomic_write, writable_folder

OVERVIEW = ("served", "mentoring_hours", "ventures_launched_added", "jobs_added", "client_funding_added_eur",
            "months_operating", "closed", "survived_grant_cliff", "own_revenue_share", "partner_engagement",
            "regional_reach", "decision_latency_months")
SUMMARY_COLUMNS = ["scenario", "outcome", "unit", "direction", "median", "mean", "p05", "p95", "diff_median",
                   "diff_ci_low", "diff_ci_high", "robust"]


def build_report(folder: str | Path, executor: Executor | None = None, workers: int | None = None) -> dict:
    """Write summary.csv, figures/, report.md and report.html into ``folder``; return the analysis.

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

        summary = analysis.summary_table(res)
        figures = compare_figures.all_figures(res, summary, folder / "figures")
        drawn = None
    else:
        summary, drawn = _hand_out(executor, workers, str(folder), figs, lang)
        executor.shutdown(wait=False)  # the work handed out still gets done
    pros_cons = analysis.pros_and_cons(res, summary)
    trade = analysis.tradeoffs(res)
    atomic_write(folder / "summary.csv",
                 summary[SUMMARY_COLUMNS].to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"))
    if drawn is not None:
        figures = [Path(p) for which in FIGURES for p in drawn[which].result()]
    atomic_write(folder / "report.md", _markdown(res, summary, pros_cons, trade, figures))
    atomic_write(folder / "report.html", _html(res, summary, pros_cons, trade, figures))
    return {"summary": summary, "pros_cons": pros_cons, "tradeoffs": trade, "figures": figures, "titles": res.titles()}


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
              lang: str) -> tuple[pd.DataFrame, dict[str, Future]]:
    """The summary table and every figure in ``executor``: with ``workers``, one task a worker at a
    time, the next handed out as one comes free; return the summary and each figure's future,
    once the last figure is handed out."""
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
            return summary, drawn
        done, running = wait(running, return_when=FIRST_COMPLETED)
        for fut in done:
            fut.result()  # a figure that failed fails the report now
        if table in done:
            summary = table.result()
            ready = sorted(ready + list(LATE_FIGURES), key=LONGEST_FIRST.index)


def prepare_worker() -> None:
    """Import the plotting code in a worker process (queued behind a comparison's runs, so that
    each worker does it as it finishes its last run, while this process saves the results)."""
    from simcenter.report import compare_figures  # noqa: F401


def _summary(folder: str) -> pd.DataFrame:
    """The summary table of a saved comparison (in a worker process)."""
    return analysis.summary_table(analysis.load_results(folder))


def _draw(results_folder: str, figures_folder: str, lang: str, which: str,
          summary: pd.DataFrame | None = None) -> list[str]:
    """``compare_figures.draw_figure`` in a worker process (imported there: this module stays light)."""
    from simcenter.report import compare_figures

    return compare_figures.draw_figure(results_folder, figures_folder, lang, which, summary)


# --------------------------------------------------------------------------- shared content
def _rows(summary: pd.DataFrame) -> dict[tuple[str, str], dict]:
    """The summary's rows by (design, outcome)."""
    return {(r["scenario"], r["outcome"]): r for r in summary.to_dict(orient="records")}


def _cell(rows: dict, design: str, outcome: str) -> str:
    row = rows[(design, outcome)]
    unit = row["unit"]
    if row["statistic"] == "mean":
        return fmt(row["mean"], unit)
    return f"{fmt(row['median'], unit)} [{fmt(row['p05'], unit, bare=True)}–{fmt(row['p95'], unit, bare=True)}]"


def _diff_cell(rows: dict, design: str, outcome: str, quiet: set = frozenset()) -> tuple[str, str]:
    """The difference from the baseline as text, and "better", "worse" or "" (not robust, or no verdict:
    ``analysis.no_verdict``)."""
    row = rows[(design, outcome)]
    if row["direction"] == "info" or pd.isna(row["diff_median"]):
        return "–", ""
    unit = "share" if row["unit"] == "0/1" else row["unit"]
    sign = "+" if row["diff_median"] > 0 else ""
    text = f"{sign}{fmt(row['diff_median'], unit)} [{fmt(row['diff_ci_low'], unit)}, {fmt(row['diff_ci_high'], unit)}]"
    if not row["robust"] or (design, outcome) in quiet:
        return text, ""
    good = (row["direction"] == "max") == (row["diff_median"] > 0)
    return text, "better" if good else "worse"


def _design_label(res, design: str) -> tuple[str, str]:
    meta = next(d for d in res.meta["designs"] if d["name"] == design)
    cat = builtin_catalogue()
    form = cat.legal_forms.get(meta["legal_form"])
    structure = cat.management_structures.get(meta["management"])
    bg = language() == "bg"
    return ((form.label_bg if bg else form.label) if form else meta["legal_form"]), (
        (structure.label_bg if bg else structure.label) if structure else meta["management"])


def _intro(res) -> list[str]:
    m = res.meta
    return [
        t("report.intro", n=len(res.designs), reps=m["replicates"], years=m["months"] // 12,
          baseline=res.title(res.baseline)),
        t("report.method"),
        *m.get("notes", []),
    ]


# --------------------------------------------------------------------------- markdown
def _markdown(res, summary, pros_cons, trade, figures) -> str:
    rows = _rows(summary)
    quiet = analysis.no_verdict(res, summary)
    out = [f"# {t('report.title')}", "", *[p + "\n" for p in _intro(res)], f"## {t('report.overview')}", ""]
    heads = [t("report.design"), t("report.legal_form"), t("report.management")] + [metrics.BY_NAME[o].label for o in OVERVIEW]
    out += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for d in res.designs:
        form, structure = _design_label(res, d)
        out.append("| " + " | ".join([res.title(d), form, structure] + [_cell(rows, d, o) for o in OVERVIEW]) + " |")
    out += ["", f"## {t('report.differences', baseline=res.title(res.baseline))}", "", t("report.differences_note"), ""]
    out += ["| " + " | ".join([t("report.design")] + [metrics.BY_NAME[o].label for o in OVERVIEW]) + " |",
            "|" + "---|" * (len(OVERVIEW) + 1)]
    for d in res.designs:
        cells = []
        for o in OVERVIEW:
            text, mark = _diff_cell(rows, d, o, quiet)
            cells.append(f"**{text}** {'▲' if mark == 'better' else '▼'}" if mark else text)
        out.append("| " + " | ".join([res.title(d)] + cells) + " |")
    out += ["", f"## {t('report.pros_cons')}", "", t("report.min_base_note", n=metrics.MIN_BASE), ""]
    for d in res.designs:
        out += [f"### {res.title(d)}", "", f"**{t('report.pros')}**", ""]
        out += [f"- {s}" for s in pros_cons[d]["pros"]] or [f"- {t('report.none')}"]
        out += ["", f"**{t('report.cons')}**", ""]
        out += [f"- {s}" for s in pros_cons[d]["cons"]] or [f"- {t('report.none')}"]
        out.append("")
    out += [f"## {t('report.tradeoffs')}", "", t("report.tradeoffs_note"), ""]
    out += ["| " + " | ".join([t("report.outcome"), t("report.best")] + [res.title(d) for d in res.designs]) + " |",
            "|" + "---|" * (len(res.designs) + 2)]
    for _, row in trade.iterrows():
        shares = [fmt(row[f"share_best:{d}"], "share") for d in res.designs]
        best = res.title(row["best"]) if row["best"] else ""
        out.append("| " + " | ".join([metrics.BY_NAME[row["outcome"]].label, best] + shares) + " |")
    out += decomposition.markdown(res)
    out += ["", f"## {t('report.figures')}", ""]
    out += [f"![{p.stem}](figures/{p.name})" for p in figures]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- html
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;
color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.7rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.scroll{overflow-x:auto}table{border-collapse:collapse;margin:1rem 0;font-size:.85rem;width:100%}
th,td{border:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f8}td.better{background:#e3f4e3}td.worse{background:#f9e0df}
ul{margin:.2rem 0 .2rem 1.1rem;padding:0}figure{margin:1.5rem 0}figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.85rem;color:#555}.note{color:#555;font-size:.9rem}
"""


def _img(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(path.stem)}" src="data:image/png;base64,{data}">'


def _html(res, summary, pros_cons, trade, figures) -> str:
    rows = _rows(summary)
    quiet = analysis.no_verdict(res, summary)
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"{e(t('report.lang'))}\"><head><meta charset=\"utf-8\">",
             f"<title>{e(t('report.title'))}</title><style>{CSS}</style></head><body>",
             f"<h1>{e(t('report.title'))}</h1>"]
    parts += [f'<p class="note">{e(p)}</p>' for p in _intro(res)]
    parts.append(f"<h2>{e(t('report.overview'))}</h2><table class=\"designs overview\"><thead><tr>")
    heads = [t("report.design"), t("report.legal_form"), t("report.management")] + [metrics.BY_NAME[o].label for o in OVERVIEW]
    parts += [f"<th>{e(h)}</th>" for h in heads]
    parts.append("</tr></thead><tbody>")
    for d in res.designs:
        form, structure = _design_label(res, d)
        cells = [res.title(d), form, structure] + [_cell(rows, d, o) for o in OVERVIEW]
        parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table></div>")

    parts.append(f"<h2>{e(t('report.differences', baseline=res.title(res.baseline)))}</h2>")
    parts.append(f'<p class="note">{e(t("report.differences_note"))}</p><div class="scroll"><table class="designs differences"><thead><tr>')
    parts += [f"<th>{e(h)}</th>" for h in [t("report.design")] + [metrics.BY_NAME[o].label for o in OVERVIEW]]
    parts.append("</tr></thead><tbody>")
    for d in res.designs:
        row = [f"<td>{e(res.title(d))}</td>"]
        for o in OVERVIEW:
            text, mark = _diff_cell(rows, d, o, quiet)
            row.append(f'<td class="{mark}">{e(text)}</td>')
        parts.append("<tr>" + "".join(row) + "</tr>")
    parts.append("</tbody></table></div>")

    parts.append(f"<h2>{e(t('report.pros_cons'))}</h2><p class=\"note\">{e(t('report.min_base_note', n=metrics.MIN_BASE))}</p>"
                 f"<div class=\"scroll\"><table class=\"designs pros-cons\"><thead><tr>")
    parts += [f"<th>{e(h)}</th>" for h in (t("report.design"), t("report.pros"), t("report.cons"))]
    parts.append("</tr></thead><tbody>")
    for d in res.designs:
        lists = []
        for key in ("pros", "cons"):
            items = pros_cons[d][key]
            lists.append("<ul>" + "".join(f"<li>{e(s)}</li>" for s in items) + "</ul>" if items else e(t("report.none")))
        parts.append(f"<tr><td>{e(res.title(d))}</td><td>{lists[0]}</td><td>{lists[1]}</td></tr>")
    parts.append("</tbody></table></div>")

    parts.append(f"<h2>{e(t('report.tradeoffs'))}</h2><p class=\"note\">{e(t('report.tradeoffs_note'))}</p>")
    parts.append('<div class="scroll"><table class="tradeoffs"><thead><tr>')
    parts += [f"<th>{e(h)}</th>" for h in [t("report.outcome"), t("report.best")] + [res.title(d) for d in res.designs]]
    parts.append("</tr></thead><tbody>")
    for _, row in trade.iterrows():
        cells = [metrics.BY_NAME[row["outcome"]].label, res.title(row["best"]) if row["best"] else ""] + [fmt(row[f"share_best:{d}"], "share") for d in res.designs]
        parts.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in cells) + "</tr>")
    parts.append("</tbody></table></div>")

    parts += decomposition.html_section(res, _img)
    parts.append(f"<h2>{e(t('report.figures'))}</h2>")
    for p in figures:
        parts.append(f'<figure class="figure" id="fig-{e(p.stem)}">{_img(p)}<figcaption>{e(p.name)}</figcaption></figure>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
