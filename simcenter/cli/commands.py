"""One function per sub-command: call the library, print the result. No model logic here."""

from __future__ import annotations

import argparse
import sys

import time
from pathlib import Path

from simcenter.cli import output
from simcenter.cli.progress import Progress
from simcenter.config.catalogue import builtin_catalogue, catalogue_rows
from simcenter.config.loader import find_scenario_files, load_scenario
from simcenter.errors import InputError, Problem
from simcenter.i18n import t


def dispatch(args: argparse.Namespace) -> int:
    """Run the sub-command named in ``args``; return the exit code."""
    return {"validate": validate, "catalog": catalog, "run": run, "schema": schema,
            "compare": compare, "report": report,
            "calibration": calibration, "facts": facts}[args.command](args)


def validate(args: argparse.Namespace) -> int:
    """Validate every scenario file named (folders are searched); report all problems at once."""
    files = find_scenario_files(args.paths)
    if not files:
        raise InputError([Problem(p, 1, "", t("cli.no_files", paths=p)) for p in args.paths])
    problems: list[Problem] = []
    bad = 0
    for path in files:
        try:
            sc = load_scenario(path, args.overrides)
        except InputError as exc:
            bad += 1
            problems.extend(exc.problems)
            continue
        print(t("cli.valid", file=path, name=sc.name, years=sc.horizon.years,
                form=sc.center.legal_form, structure=sc.center.management))
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(t("cli.invalid_count", n=bad, total=len(files)), file=sys.stderr)
        return 2
    print(t("cli.all_valid", total=len(files)))
    return 0


def catalog(args: argparse.Namespace) -> int:
    """Print the catalogue of legal forms and management structures."""
    forms, structures, sources = catalogue_rows(builtin_catalogue())
    if args.format == "json":
        print(output.to_json({"legal_forms": forms, "management_structures": structures, "sources": sources}))
    elif args.format == "csv":
        print(output.to_csv(forms), end="")
        print()
        print(output.to_csv(structures), end="")
    else:
        heads = {key: t(f"catalog.{key}") for key in {*forms[0], *structures[0], *sources[0]}}
        print(output.table(forms, t("cli.catalog_forms"), heads))
        print()
        print(output.table(structures, t("cli.catalog_structures"), heads))
        if args.sources:
            print()
            print(output.table(sources, t("cli.catalog_sources"), heads))
    return 0


def run(args: argparse.Namespace) -> int:
    """Run one scenario over replicates and print each outcome's median and 5-95% range."""
    from simcenter import metrics
    from simcenter.levers import apply_levers
    from simcenter.results import json_safe, write_run
    from simcenter.rng import replicate_seeds
    from simcenter.runner import default_workers, kpi_summary, run_many

    scenario = load_scenario(args.scenario, args.overrides)
    if args.years is not None:
        scenario = apply_levers(scenario, {"years": args.years})
    seeds = replicate_seeds(args.seed, args.reps)
    workers = args.workers or default_workers()
    start = time.perf_counter()
    with Progress(len(seeds), t("cli.progress_runs")) as bar:
        results = run_many([(scenario, s) for s in seeds], workers=workers, progress=bar.update)
    wall = time.perf_counter() - start
    if args.out:
        write_run(Path(args.out), scenario, results, seeds, wall)
    summary = kpi_summary(results)
    if args.format == "json":
        print(output.to_json(json_safe({"scenario": scenario.name, "seeds": seeds, "kpis": summary})))
    elif args.format == "csv":
        rows = [{"outcome": k, **v} for k, v in summary.items()]
        print(output.to_csv(rows), end="")
    else:
        rows = [
            {
                "outcome": metrics.BY_NAME[k].label,
                "unit": v["unit"],
                "median": _fmt(v["median"]),
                "p05": _fmt(v["p05"]),
                "p95": _fmt(v["p95"]),
            }
            for k, v in summary.items()
        ]
        heads = {"outcome": t("cli.col_outcome"), "unit": t("cli.col_unit"), "median": t("cli.col_median"),
                 "p05": "5%", "p95": "95%"}
        title = t("cli.run_title", name=scenario.name, reps=len(seeds), years=scenario.horizon.years)
        print(output.table(rows, title, heads))
    if args.out:
        print(t("cli.written", path=args.out), file=sys.stderr)
    return 0


def _fmt(value: float) -> str:
    if value != value:
        return "-"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def schema(args: argparse.Namespace) -> int:
    """Print the scenario file reference (Markdown), generated from the schema."""
    from simcenter.config.reference import markdown

    print(markdown(), end="")
    return 0


def compare(args: argparse.Namespace) -> int:
    """Compare designs over paired replicates; write the report; print the summary."""
    from simcenter.compare import compare as run_compare
    from simcenter.compare import load_designs

    designs, notes = load_designs(args.paths, args.overrides)  # fail fast, before any run
    for note in notes:
        print(t("cli.warning", message=note), file=sys.stderr)
    total = len(designs) * args.reps
    with Progress(total, t("cli.progress_compare")) as bar:
        result = run_compare(args.paths, Path(args.out), reps=args.reps, seed=args.seed, baseline=args.baseline,
                             workers=args.workers, overrides=args.overrides, progress=bar.update)
    _print_comparison(result, args.format)
    print(t("cli.report_at", path=Path(args.out) / "report.html"), file=sys.stderr)
    return 0


def report(args: argparse.Namespace) -> int:
    """Rebuild a comparison report from its saved results."""
    from simcenter.report.build import build_report

    folder = Path(args.folder)
    if not (folder / "comparison.json").is_file():
        raise InputError([Problem(str(folder), 1, "", t("cli.not_a_comparison"))])
    _print_comparison(build_report(folder), args.format)
    print(t("cli.report_at", path=folder / "report.html"), file=sys.stderr)
    return 0


def _print_comparison(result: dict, fmt: str) -> None:
    from simcenter import metrics
    from simcenter.report.build import OVERVIEW, SUMMARY_COLUMNS
    from simcenter.results import json_safe

    summary = result["summary"]
    if fmt == "json":
        rows = summary[SUMMARY_COLUMNS].to_dict(orient="records")
        print(output.to_json(json_safe({"summary": rows, "pros_cons": result["pros_cons"]})))
        return
    if fmt == "csv":
        print(summary[SUMMARY_COLUMNS].to_csv(index=False, lineterminator="\n"), end="")
        return
    rows = []
    for design in summary["scenario"].unique():
        row = {"design": design}
        for outcome in OVERVIEW[:8]:
            r = summary[(summary["scenario"] == design) & (summary["outcome"] == outcome)].iloc[0]
            value = r["mean"] if r["statistic"] == "mean" else r["median"]
            mark = ""
            if r["robust"]:
                mark = " +" if (r["direction"] == "max") == (r["diff_median"] > 0) else " -"
            row[metrics.BY_NAME[outcome].label] = _fmt(value) + mark
        rows.append(row)
    print(output.table(rows, t("report.overview"), {"design": t("report.design")}))
    for design, pc in result["pros_cons"].items():
        print(f"\n{design}")
        for s in pc["pros"]:
            print(f"  + {s}")
        for s in pc["cons"]:
            print(f"  - {s}")


def calibration(args: argparse.Namespace) -> int:
    """Print the calibration table of a scenario (Markdown): every number, range and source."""
    from simcenter.config.calibration import markdown

    print(markdown(args.scenario), end="")
    return 0


def facts(args: argparse.Namespace) -> int:
    """Check the stylised facts on the shipped Plovdiv scenarios; write validation.md and figures."""
    from simcenter.validation import write_report

    found = write_report(Path(args.out), reps=args.reps, seed=args.seed)
    rows = [{"fact": f.title, "holds": f.holds} for f in found]
    print(output.table(rows, t("cli.facts_title")))
    print(t("cli.written", path=Path(args.out) / "validation.md"), file=sys.stderr)
    return 0
