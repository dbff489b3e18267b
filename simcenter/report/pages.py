"""The report's pages: report.md and report.html (the brief first, then the appendices) and brief.md."""

from __future__ import annotations

import base64
import html
from pathlib import Path

from simcenter import metrics
from simcenter.i18n import t
from simcenter.report import analysis, brief, decomposition, tables
from simcenter.report.brief import Brief


def brief_markdown(first: Brief, res) -> list[str]:
    """The brief as markdown lines (``brief.md`` and the head of ``report.md``)."""
    title = res.title
    out = [f"# {t('brief.title')}", "", f"**{t('brief.question_head')}** {first.question}", "", first.worlds, ""]
    out += [f"## {t('brief.recommendation')}", ""]
    names = [title(d) for d in first.recommended]
    out.append(f"**{t('brief.recommended', design=names[0])}**" + (
        f" {t('brief.or_robust', design=names[1])}" if len(names) > 1 else ""))
    out += ["", *[f"- {s}" for s in first.why], ""]
    out += [f"### {t('brief.how_robust')}", "", *[f"- {s}" for s in first.robustness], ""]
    out += [f"### {t('brief.tradeoffs')}", "", *([f"- {s}" for s in first.tradeoffs] or [f"- {t('brief.no_tradeoffs')}"]), ""]
    out += [f"### {t('brief.what_changes')}", "", *([f"- {s}" for s in first.change] or [f"- {t('brief.nothing_changes')}"]), ""]
    out += [f"## {t('brief.lights')}", "", first.light_rule, ""]
    heads = [t("report.design")] + [short(h) for h in metrics.HEADLINES]
    out += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    marks = {brief.GREEN: " ▲", brief.RED: " ▼", brief.AMBER: " ●", brief.REFERENCE: "", brief.NONE: ""}
    for d in light_order(first, res):
        cells = [light.text + marks[light.colour] for light in first.lights[d].values()]
        out.append("| " + " | ".join([title(d)] + cells) + " |")
    out += ["", t("brief.legend"), "", first.rule, ""]
    return out


def short(outcome: str) -> str:
    """A headline outcome's column head: its label, and "lower is better" where it is."""
    o = metrics.BY_NAME[outcome]
    return f"{o.label} ({t('brief.lower_better')})" if o.direction == "min" else o.label


def light_order(first: Brief, res) -> list[str]:
    """The traffic-light table's rows: the recommended design(s) first, then the baseline, then the rest."""
    head = list(dict.fromkeys([*first.recommended, res.baseline]))
    return head + [d for d in res.designs if d not in head]


def brief_text(first: Brief, res) -> str:
    """``brief.md``: the first page as text."""
    return "\n".join(brief_markdown(first, res)) + "\n"


def _md_table(heads: list[str], body: list[list[str]]) -> list[str]:
    esc = [[c.replace("|", "\\|") for c in row] for row in [heads, *body]]
    return ["| " + " | ".join(esc[0]) + " |", "|" + "---|" * len(heads), *["| " + " | ".join(r) + " |" for r in esc[1:]], ""]


def markdown(res, summary, pros_cons, trade, figures, first) -> str:
    rows = tables.rows_by(summary)
    quiet = analysis.no_verdict(res, summary)
    out = brief_markdown(first, res)
    sections = []

    part = [*[p + "\n" for p in tables.intro(res)]]
    for chunk in tables.chunks(res.designs):
        part += _md_table([""] + [res.title(d) for d in chunk],
                          [[label] + [cells[d] for d in chunk] for label, cells in tables.overview_rows(res, rows)])
    sections.append((t("report.overview"), part))

    part = [t("report.differences_note"), ""]
    diff = tables.difference_rows(res, rows, quiet)
    for chunk in tables.chunks([d for d in res.designs if d != res.baseline]):
        body = []
        for label, cells in diff:
            body.append([label] + [f"**{cells[d][0]}** {'▲' if cells[d][1] == 'better' else '▼'}" if cells[d][1]
                                   else cells[d][0] for d in chunk])
        part += _md_table([""] + [res.title(d) for d in chunk], body)
    sections.append((t("report.differences", baseline=res.title(res.baseline)), part))

    part = [t("report.min_base_note", n=metrics.MIN_BASE), ""]
    for d in res.designs:
        part += [f"### {res.title(d)}", "", f"**{t('report.pros')}**", ""]
        part += [f"- {s}" for s in pros_cons[d]["grouped_pros"]] or [f"- {t('report.none')}"]
        part += ["", f"**{t('report.cons')}**", ""]
        part += [f"- {s}" for s in pros_cons[d]["grouped_cons"]] or [f"- {t('report.none')}"]
        part.append("")
    sections.append((t("report.pros_cons"), part))

    part = [t("report.tradeoffs_note"), ""]
    trows = tables.tradeoff_rows(res, trade)
    for chunk in tables.chunks(res.designs):
        part += _md_table([t("report.outcome"), t("report.best")] + [res.title(d) for d in chunk],
                          [[label, best] + [cells[d] for d in chunk] for label, best, cells in trows])
    sections.append((t("report.tradeoffs"), part))

    part = [t("brief.groups_note"), ""]
    part += _md_table([t("brief.group_col"), t("brief.headline_col"), t("brief.together_col"), t("brief.apart_col")],
                      [[g.label, metrics.BY_NAME[g.headline].label, ", ".join(metrics.BY_NAME[m].label for m in yes) or "–",
                        ", ".join(metrics.BY_NAME[m].label for m in no) or "–"] for g, yes, no in brief.group_rows(res)])
    sections.append((t("brief.groups_title"), part))

    robust_rows = tables.robust_rows(res)
    if robust_rows:
        found, _ = brief.read_robust(res)
        part = [t("brief.robust_intro", futures=found.futures, reps=found.meta.get("replicates", "–")), ""]
        part += _md_table(tables.robust_heads(res), robust_rows)
        sections.append((t("brief.robust_title"), part))

    decomp = decomposition.markdown(res, lambda p: tables.caption(p, res))
    if decomp:
        sections.append((decomp[1].removeprefix("## "), decomp[2:]))
    sections.append((t("report.figures"), [f"![{tables.caption(p, res)}](figures/{p.name})\n" for p in figures]))

    out += [f"# {t('brief.details')}", ""]
    for k, (title, part) in enumerate(sections):
        out += [f"## {tables.appendix_letter(k)}. {title}", "", *part, ""]
    return "\n".join(out).rstrip("\n") + "\n"


CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:1rem auto;max-width:1180px;
color:#222;line-height:1.4;padding:0 1rem}
h1{font-size:1.55rem;margin:.3rem 0 .4rem}h2{font-size:1.2rem;margin:1.4rem 0 .5rem;border-bottom:1px solid #ddd;
padding-bottom:.15rem}h3{font-size:1rem;margin:.2rem 0 .3rem}
p{margin:.3rem 0}.question{font-size:1.05rem}.note{color:#555;font-size:.88rem}
.recommendation{border-left:6px solid #2e7d32;background:#f1f8f1;padding:.5rem 1rem;margin:.6rem 0}
.recommendation h2{border:0;margin:0;font-size:1rem;color:#2e7d32;text-transform:uppercase;letter-spacing:.04em}
.pick{font-size:1.3rem;font-weight:600;margin:.15rem 0}.pick .alt{display:block;font-size:1.02rem;font-weight:500}
.cols{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:1.2rem;margin:.4rem 0}
ul{margin:.2rem 0 .2rem 1.1rem;padding:0}li{margin:.12rem 0}
table{border-collapse:collapse;margin:.6rem 0;font-size:.84rem;width:100%}
th,td{border:1px solid #ddd;padding:.3rem .45rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f4f6f8;font-weight:600;overflow-wrap:break-word;hyphens:auto}td.better{background:#d9f0d9}td.worse{background:#f8d7d5}
td.same{background:#fcf0cc}td.reference{background:#eceff1}td.num{text-align:right;white-space:nowrap}
table.lights td.better::after{content:" ▲";color:#2e7d32}table.lights td.worse::after{content:" ▼";color:#b3261e}
table.lights td.same::after{content:" ●";color:#b58100}
figure{margin:1.2rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee;box-sizing:border-box}
figcaption{font-size:.88rem;color:#444}
@media (max-width:900px){.cols{grid-template-columns:1fr}}
@media print{@page{size:A4;margin:12mm}body{max-width:none;margin:0;padding:0;font-size:9pt}
.appendix{break-before:page}tr,figure,.recommendation{break-inside:avoid}table{font-size:8pt}
td.better,td.worse,td.same,td.reference{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def _img(path: Path, alt: str = "") -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt or path.stem)}" src="data:image/png;base64,{data}">'


def _html_table(heads: list[str], body: list[list[str]], cls: str, classes: list[list[str]] | None = None) -> str:
    e = html.escape
    out = [f'<table class="{cls}"><thead><tr>', *[f"<th>{e(h)}</th>" for h in heads], "</tr></thead><tbody>"]
    for i, row in enumerate(body):
        marks = classes[i] if classes else [""] * len(row)
        out.append("<tr>" + "".join(f'<td class="{m}">{e(c)}</td>' if m else f"<td>{e(c)}</td>"
                                    for c, m in zip(row, marks)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _ul(items: list[str], empty: str = "") -> str:
    e = html.escape
    if not items:
        return f"<p>{e(empty)}</p>" if empty else ""
    return "<ul>" + "".join(f"<li>{e(s)}</li>" for s in items) + "</ul>"


def _brief_html(res, first) -> list[str]:
    e = html.escape
    names = [res.title(d) for d in first.recommended]
    pick = e(t("brief.recommended", design=names[0]))
    if len(names) > 1:
        pick += f'<span class="alt">{e(t("brief.or_robust", design=names[1]))}</span>'
    parts = [f'<section id="brief"><h1>{e(t("brief.title"))}</h1>',
             f'<p class="question"><strong>{e(t("brief.question_head"))}</strong> {e(first.question)}</p>',
             f'<p class="note">{e(first.worlds)}</p>',
             f'<div class="recommendation" id="recommendation"><h2>{e(t("brief.recommendation"))}</h2>',
             f'<p class="pick">{pick}</p>{_ul(first.why)}</div>',
             '<div class="cols">',
             f'<div><h3>{e(t("brief.how_robust"))}</h3>{_ul(first.robustness)}</div>',
             f'<div><h3>{e(t("brief.tradeoffs"))}</h3>{_ul(first.tradeoffs, t("brief.no_tradeoffs"))}</div>',
             f'<div><h3>{e(t("brief.what_changes"))}</h3>{_ul(first.change, t("brief.nothing_changes"))}</div>',
             "</div>",
             f'<h2>{e(t("brief.lights"))}</h2><p class="note">{e(first.light_rule)}</p>']
    order = light_order(first, res)
    body = [[res.title(d)] + [first.lights[d][h].text for h in metrics.HEADLINES] for d in order]
    marks = [[""] + [first.lights[d][h].colour if first.lights[d][h].colour != brief.NONE else "" for h in metrics.HEADLINES]
             for d in order]
    parts.append(_html_table([t("report.design")] + [short(h) for h in metrics.HEADLINES], body,
                             "lights", marks))
    parts.append(f'<p class="note">{e(t("brief.legend"))}</p>')
    parts.append(f'<p class="note">{e(first.rule)}</p></section>')
    return parts


def page(res, summary, pros_cons, trade, figures, first) -> str:
    rows = tables.rows_by(summary)
    quiet = analysis.no_verdict(res, summary)
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"{e(t('report.lang'))}\"><head><meta charset=\"utf-8\">",
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{e(t('brief.title'))}</title><style>{CSS}</style></head><body>"]
    parts += _brief_html(res, first)
    sections: list[tuple[str, list[str]]] = []

    part = [f'<p class="note">{e(p)}</p>' for p in tables.intro(res)]
    for chunk in tables.chunks(res.designs):
        part.append(_html_table([""] + [res.title(d) for d in chunk],
                                [[label] + [cells[d] for d in chunk] for label, cells in tables.overview_rows(res, rows)],
                                "designs overview"))
    sections.append((t("report.overview"), part))

    part = [f'<p class="note">{e(t("report.differences_note"))}</p>']
    diff = tables.difference_rows(res, rows, quiet)
    for chunk in tables.chunks([d for d in res.designs if d != res.baseline]):
        part.append(_html_table([""] + [res.title(d) for d in chunk],
                                [[label] + [cells[d][0] for d in chunk] for label, cells in diff],
                                "designs differences", [[""] + [cells[d][1] for d in chunk] for _, cells in diff]))
    sections.append((t("report.differences", baseline=res.title(res.baseline)), part))

    part = [f'<p class="note">{e(t("report.min_base_note", n=metrics.MIN_BASE))}</p>',
            f'<table class="designs pros-cons"><thead><tr><th>{e(t("report.design"))}</th><th>{e(t("report.pros"))}</th>'
            f'<th>{e(t("report.cons"))}</th></tr></thead><tbody>']
    for d in res.designs:
        lists = [_ul(pros_cons[d][key]) or e(t("report.none")) for key in ("grouped_pros", "grouped_cons")]
        part.append(f"<tr><td>{e(res.title(d))}</td><td>{lists[0]}</td><td>{lists[1]}</td></tr>")
    part.append("</tbody></table>")
    sections.append((t("report.pros_cons"), part))

    part = [f'<p class="note">{e(t("report.tradeoffs_note"))}</p>']
    trows = tables.tradeoff_rows(res, trade)
    for chunk in tables.chunks(res.designs):
        part.append(_html_table([t("report.outcome"), t("report.best")] + [res.title(d) for d in chunk],
                                [[label, best] + [cells[d] for d in chunk] for label, best, cells in trows], "tradeoffs"))
    sections.append((t("report.tradeoffs"), part))

    part = [f'<p class="note">{e(t("brief.groups_note"))}</p>',
            _html_table([t("brief.group_col"), t("brief.headline_col"), t("brief.together_col"), t("brief.apart_col")],
                        [[g.label, metrics.BY_NAME[g.headline].label,
                          ", ".join(metrics.BY_NAME[m].label for m in yes) or "–",
                          ", ".join(metrics.BY_NAME[m].label for m in no) or "–"] for g, yes, no in brief.group_rows(res)],
                        "groups")]
    sections.append((t("brief.groups_title"), part))

    robust_rows = tables.robust_rows(res)
    if robust_rows:
        found, _ = brief.read_robust(res)
        sections.append((t("brief.robust_title"),
                         [f'<p class="note">{e(t("brief.robust_intro", futures=found.futures, reps=found.meta.get("replicates", "–")))}</p>',
                          _html_table(tables.robust_heads(res), robust_rows, "robust")]))

    decomp = decomposition.html_section(res, lambda p: _img(p, tables.caption(p, res)), lambda p: tables.caption(p, res))
    if decomp:
        title = decomp[0].removeprefix("<h2>").removesuffix("</h2>")
        sections.append((html.unescape(title), decomp[1:]))
    sections.append((t("report.figures"),
                     [f'<figure class="figure" id="fig-{e(p.stem)}">{_img(p, tables.caption(p, res))}'
                      f"<figcaption>{e(tables.caption(p, res))}</figcaption></figure>" for p in figures]))

    parts.append(f'<h1 class="appendix">{e(t("brief.details"))}</h1>')
    for k, (title, part) in enumerate(sections):
        parts.append(f'<section class="appendix-part"><h2>{e(tables.appendix_letter(k))}. {e(title)}</h2>')
        parts += part
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
