"""The validation document: one figure per fact and ``validation.md``."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from simcenter.errors import writing_to
from simcenter.facts.measures import Fact

# --------------------------------------------------------------------------- report
def figures(facts: list[Fact], folder: Path) -> dict[str, Path]:
    """One figure per fact, written to ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for f in facts:
        fig, ax = plt.subplots(figsize=(6.5, 3.8))
        s = f.series
        if f.key == "survival" and s.get("survival"):
            ax.plot(s["months"], s["survival"], label="model (comparison world, median over replicates)")
            ax.scatter([12, 60], [0.80, 0.44], color="black", zorder=3, label="Eurostat: 80% at 1 year, 44% at 5")
            ax.set_xlabel("months since launch")
            ax.set_ylabel("share of ventures still running")
            ax.set_ylim(0, 1)
        elif f.key == "grant_success":
            ax.hist([r for r in s["rates"] if not math.isnan(r)], bins=12, color="tab:blue", label="runs")
            ax.axvspan(0.12, 0.20, color="green", alpha=0.15, label="12-20% (domain.md)")
            ax.set_xlabel("project-grant success rate of a run")
            ax.set_ylabel("runs")
        elif f.key == "funding_cliff":
            ax.plot(np.arange(len(s["cash"])), s["cash"], label="cash, median over replicates")
            ax.axvline(s["grant_end"], color="red", ls="--", label="the grant ends")
            ax.axhline(0, color="grey", lw=0.6)
            ax.set_xlabel("month")
            ax.set_ylabel("EUR")
        elif f.key == "support_effects":
            ax.plot(s["months"], s["left"], label="capability gain left (median over replicates)")
            ax.axhline(0.5, color="grey", ls=":", label="half")
            ax.set_xlabel("months after the mentoring programme ended")
            ax.set_ylabel("share of the gain left")
            ax.set_ylim(0, 1.05)
        elif f.key == "online_delivery":
            pairs = s["pairs"]
            groups = {
                "regional reach,\n20% online events": [a for a, _ in pairs["regional_reach"]],
                "regional reach,\n80% online events": [b for _, b in pairs["regional_reach"]],
                "programme drop-out,\non site": [b for _, b in pairs["dropout_onsite"]],
                "programme drop-out,\nonline": [b for _, b in pairs["dropout_online"]],
            }
            ax.boxplot([[v for v in vals if not math.isnan(v)] for vals in groups.values()],
                       tick_labels=list(groups), vert=False)
            ax.tick_params(axis="y", labelsize=7)
            ax.set_xlabel("share (replicates; drop-out in the 80%-online design)")
            ax.set_xlim(0, 1)
        elif f.key == "scale":
            ax.hist(s["jobs"], bins=12, color="tab:blue", label="jobs at the horizon, runs")
            ax.axvspan(*s["band"].jobs, color="green", alpha=0.15, label="anchor band (register scaled, x1-4)")
            ax.set_xlabel("jobs in running ventures in the province")
            ax.set_ylabel("runs")
        elif f.role == "held-out" and "band" in s:
            lo, hi = s["band"]
            ax.axvspan(lo - s["margin"], hi + s["margin"], color="green", alpha=0.08, label="band widened by 2 SE")
            ax.axvspan(lo, hi, color="green", alpha=0.2, label="band fixed before measuring")
            ax.axvline(s["source_value"], color="black", ls=":", label="the source's figure")
            if not math.isnan(s["value"]):
                ax.errorbar([s["value"]], [0.5], xerr=[[s["margin"]], [s["margin"]]], fmt="o", color="tab:blue",
                            label="model (base design)")
            ax.set_yticks([])
            ax.set_xlabel(f.key.replace("_", " "))
        elif f.key == "inclusive_governance":
            # Two panels, one per unit: engagement (0..1) and latency (months), each a paired
            # difference, multi-stakeholder board minus executive director, in the same world.
            ax.remove()
            panels = fig.subplots(1, 2)
            for panel, (key, label) in zip(panels, (("partner_engagement/all months", "engagement gain over all months (0..1)"),
                                                    ("decision_latency_months", "decision latency added (months)"))):
                diffs = [b - a for a, b in s["pairs"][key] if not math.isnan(b - a)]
                panel.boxplot([diffs], tick_labels=["board − director"], vert=False)
                panel.axvline(0, color="black", lw=0.6)
                panel.set_xlabel(label, fontsize=8)
                panel.tick_params(axis="y", labelsize=7)
            fig.suptitle(f.title, fontsize=10)
            ax = panels[0]
        if f.key != "inclusive_governance":
            ax.set_title(f.title, fontsize=10)
        ax.legend(fontsize=7) if ax.get_legend_handles_labels()[0] else None
        fig.tight_layout()
        path = folder / f"{f.key}.png"
        with writing_to(path):
            fig.savefig(path, dpi=100, metadata={"Software": None})
        plt.close(fig)
        out[f.key] = path
    return out


def _number(value: float) -> str:
    return "none" if isinstance(value, float) and math.isnan(value) else f"{value:.3g}"


def _section(f: Fact, images: dict[str, Path], relative_to: Path) -> list[str]:
    rel = images[f.key].relative_to(relative_to).as_posix()
    return [f"### {f.title}", "", f"Role: **{f.role}**. Source: {f.source}.", "",
            f"{'How the inputs were set from it' if f.role == 'calibration' else 'How it is checked'}: {f.how}.", "",
            f"Target (set before measuring): {f.target}.", "",
            *[f"- {k}: **{_number(v)}**" for k, v in f.measured.items()], "",
            f"Holds: **{'yes' if f.holds else 'no'}**.", "",
            *([f"What was learnt: {f.learnt}.", ""] if f.learnt and not f.holds else []),
            *(["Earlier stages of the model:", "", *[f"- {h}" for h in f.history], ""] if f.history else []),
            f"![{f.key}]({rel})", ""]


def markdown(facts: list[Fact], images: dict[str, Path], reps: int, seed: int, relative_to: Path) -> str:
    """The validation document: one table with each fact's role, then the calibration targets and the held-out
    facts in two sections."""
    lines = [
        "# Validation: calibration targets and held-out facts",
        "",
        f"Generated by `simcenter facts --reps {reps} --seed {seed}`; do not edit by hand.",
        "",
        "The default Plovdiv scenarios (`scenarios/plovdiv/`) are run over seeded replicates and checked against",
        "two lists kept apart (pattern-oriented modelling, Grimm et al. 2005). **Calibration targets** are facts the",
        "inputs were set from: that they hold shows the inputs were set right, not that the model is. **Held-out",
        "facts** were never used to set a number: they are the validation. Every tolerance was written down before",
        "the model was measured and is never widened after a run; a fact that fails stays failing here, with what",
        "was learnt, and `simcenter facts` exits 1. `tests/test_stylised_facts.py` asserts the two lists",
        "separately with fewer replicates.",
        "",
        "| role | fact | measured | target | holds |",
        "|---|---|---|---|---|",
    ]
    for f in facts:
        measured = "; ".join(f"{k}: {_number(v)}" for k, v in f.measured.items())
        lines.append(f"| {f.role} | {f.title} | {measured} | {f.target} | {'yes' if f.holds else '**no**'} |")
    lines.append("")
    for role, heading in (("calibration", "Calibration targets"), ("held-out", "Held-out facts")):
        chosen = [f for f in facts if f.role == role]
        if chosen:
            lines += [f"## {heading}", ""]
            for f in chosen:
                lines += _section(f, images, relative_to)
    return "\n".join(lines)
