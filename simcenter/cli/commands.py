"""One function per sub-command: call the library, print the result. No model logic here."""

from __future__ import annotations

import argparse
import sys

from pathlib import Path

import simcenter
from simcenter.cli import output
from simcenter.cli.progress import Progress
from simcenter.errors import InputError, Problem, printable
from simcenter.i18n import format_number, language, strings, t, unit_name


def dispatch(args: argparse.Namespace) -> int:
    """Run the sub-command named in ``args``; return the exit code."""
    return ({"validate": validate, "catalog": catalog, "run": run, "schema": schema,
            "compare": compare, "report": report,
            "calibration": calibration, "facts": facts, "ui": ui, "robust": robust,
             "calibrate": calibrate} | SWEEP_COMMANDS)[args.command](args)


def validate(args: argparse.Namespace) -> int:
    """Validate every scenario file named (folders are searched); report all problems at once."""
    files = simcenter.find_scenario_files(args.paths)
    if not files:
        raise InputError([Problem(p, 1, "", t("cli.no_files", paths=p)) for p in args.paths])
    problems: list[Problem] = []
    bad = 0
    for path in files:
        try:
            sc = simcenter.load_scenario(path, args.overrides)
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
    if args.format == "markdown":
        scenario = simcenter.load_scenario(args.scenario) if args.scenario else None
        print(simcenter.catalogue_markdown(scenario.catalogue if scenario else simcenter.builtin_catalogue(), scenario),
              end="")
        return 0
    forms, structures, sources = simcenter.catalogue_rows(simcenter.builtin_catalogue())
    if args.format == "json":
        print(output.to_json({"legal_forms": forms, "management_structures": structures, "sources": sources}))
    elif args.format == "csv":
        print(output.to_csv(forms), end="")
        print()
        print(output.to_csv(structures), end="")
    else:
        heads = {key: t(f"catalog.{key}") for key in {*forms[0], *structures[0], *sources[0]}}

        def shown(value):  # the table in the user's language: codes of the catalogue's choices translated
            if isinstance(value, bool):
                return t("catalog.values.yes" if value else "catalog.values.no")
            if isinstance(value, list):
                return ", ".join(shown(v) for v in value)
            if isinstance(value, str) and f"catalog.values.{value}" in strings("en"):
                return t(f"catalog.values.{value}")
            return value

        forms = [{k: shown(v) if k not in ("id", "name") else v for k, v in row.items()} for row in forms]
        structures = [{k: shown(v) if k not in ("id", "name") else v for k, v in row.items()} for row in structures]
        print(output.table(forms, t("cli.catalog_forms"), heads))
        print()
        print(output.table(structures, t("cli.catalog_structures"), heads))
        if args.sources:
            print()
            print(output.table(sources, t("cli.catalog_sources"), heads))
    return 0


def run(args: argparse.Namespace) -> int:
    """Run one scenario over replicates and print each outcome's median and 5-95% range."""
    from simcenter import apply_levers, metrics, run_scenario
    from simcenter.files import json_safe

    scenario = simcenter.load_scenario(args.scenario, args.overrides)
    if args.years is not None:
        scenario = apply_levers(scenario, {"years": args.years})
    with Progress(args.reps, t("cli.progress_runs")) as bar:
        result = run_scenario(scenario, args.reps, args.seed, out=args.out, force=args.force, inputs=[args.scenario],
                              workers=args.workers, progress=bar.update)
    seeds, summary = result["seeds"], result["kpis"]
    if args.format == "json":
        print(output.to_json(json_safe({"scenario": scenario.name, "seeds": seeds, "kpis": summary})))
    elif args.format == "csv":
        rows = [{"outcome": k, **v} for k, v in summary.items()]
        print(output.to_csv(rows), end="")
    else:
        rows = [
            {
                "outcome": metrics.BY_NAME[k].label,
                "unit": unit_name(v["unit"]),
                "median": format_number(v["median"]),
                "p05": format_number(v["p05"]),
                "p95": format_number(v["p95"]),
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


def schema(args: argparse.Namespace) -> int:
    """Print the scenario (or experiment) file reference (Markdown), generated from the schema."""
    print(simcenter.experiment_reference() if args.experiment else simcenter.schema_reference(), end="")
    return 0


def compare(args: argparse.Namespace) -> int:
    """Compare designs over paired replicates; write the report; print the summary."""
    from simcenter import COMPARE_WORKER_MODULES, open_engine

    # The worker processes' fork server starts first (it loads the model) while this process reads
    # the scenarios; the workers are asked for once they are valid (they come when the server is
    # ready, seconds later either way), so that bad input ends the command at once instead of
    # waiting for the server (a pool starting a worker cannot be shut down until it has).
    engine = open_engine(args.workers, preload=COMPARE_WORKER_MODULES, warm=True)
    try:
        from simcenter import compare as run_compare
        from simcenter import load_designs

        designs, notes = load_designs(args.paths, args.overrides)  # fail fast, before any run
        simcenter.check_compare_output(args.out, args.paths, designs, args.reps, force=args.force)
        engine.start()
        for note in notes:
            print(t("cli.warning", message=note), file=sys.stderr)
        total = len(designs) * args.reps
        with Progress(total, t("cli.progress_compare")) as bar:
            result = run_compare(args.paths, Path(args.out), reps=args.reps, seed=args.seed, baseline=args.baseline,
                                 overrides=args.overrides, progress=bar.update, loaded=(designs, notes), engine=engine,
                                 force=args.force, decomposition=args.decomposition)
    finally:
        engine.close(wait=False)  # the workers stop while the summary is printed
    _print_comparison(result, args.format)
    print(t("cli.report_at", path=Path(args.out) / "report.html"), file=sys.stderr)
    return 0


def report(args: argparse.Namespace) -> int:
    """Rebuild a comparison report from its saved results."""
    from simcenter import build_report

    folder = Path(args.folder)
    meta = folder / "comparison.json"
    if not (meta.exists() or meta.is_symlink()):  # one that is there but unreadable is said so by the report
        raise InputError([Problem(str(folder), 1, "", t("cli.not_a_comparison"))])
    _print_comparison(build_report(folder), args.format)
    print(t("cli.report_at", path=folder / "report.html"), file=sys.stderr)
    return 0


def _print_comparison(result: dict, fmt: str) -> None:
    from simcenter import SUMMARY_COLUMNS
    from simcenter.files import FLOAT_FORMAT, json_safe

    summary = result["summary"]
    if fmt == "json":
        rows = summary[SUMMARY_COLUMNS].to_dict(orient="records")
        print(output.to_json(json_safe({"summary": rows, "pros_cons": result["pros_cons"], "brief": result["brief_json"]})))
        return
    if fmt == "csv":
        print(summary[SUMMARY_COLUMNS].to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n"), end="")
        return
    # The brief (the report's first page) as text: the recommendation, how robust it is, the trade-offs,
    # what would change it and the traffic lights; the details are in report.html.
    for line in result["brief_text"].splitlines():
        print(printable(line))


def calibration(args: argparse.Namespace) -> int:
    """Print the calibration table of a scenario (Markdown): every number, range and source."""
    print(simcenter.calibration_table(args.scenario), end="")
    return 0


def ui(args: argparse.Namespace) -> int:
    """Serve the workshop app until interrupted (each browser session has its own model)."""
    from simcenter.ui.server import serve

    serve(host=args.host, port=args.port, scenario=args.scenario, lang=args.lang, auth=not args.no_auth)
    return 0


# --------------------------------------------------------------------------- researcher sweeps
def sweep(args: argparse.Namespace) -> int:
    """Run (or resume) a sweep; print a summary. Exit 1 when runs were lost to the infrastructure."""
    from simcenter import count_points, load_experiment, run_sweep

    exp = load_experiment(args.experiment)
    out = Path(args.out) if args.out else Path("results") / "sweeps" / Path(args.experiment).stem
    points = count_points(exp)
    runs = points * exp.replicates
    print(t("sweep.header", name=exp.name, runs=runs, points=points, replicates=exp.replicates,
            method=exp.design.method), file=sys.stderr)
    if args.check:
        for p in exp.parameters:
            print(f"  {printable(p.describe())} ({t('sweep.role_' + p.role)})")
        print(t("sweep.valid", file=args.experiment, runs=runs))
        return 0
    state = {}

    def started(summary) -> None:
        state["summary"] = summary
        for note in summary.notes:
            print(t("cli.warning", message=note), file=sys.stderr)
        if summary.grown:
            print(summary.grown, file=sys.stderr)
        if summary.stored_before:
            print(t("sweep.resuming", stored=summary.stored_before, total=summary.total), file=sys.stderr)
        if summary.engine:
            print(t("sweep.engine", engine=summary.engine), file=sys.stderr)

    try:
        with Progress(runs, t("sweep.progress")) as bar:
            summary = run_sweep(exp, out, workers=args.workers, scheduler=args.scheduler, cluster=args.cluster,
                                progress=bar.update, on_start=started, force=args.force,
                                extend=args.extend, worker_timeout=args.worker_timeout)
    except KeyboardInterrupt:
        s = state.get("summary")
        if s is not None:
            print(t("sweep.interrupted", stored=s.stored_before + s.computed, total=s.total), file=sys.stderr)
        raise
    _print_sweep(summary, out)
    return 0 if summary.complete else 1


def _print_sweep(s, out: Path) -> None:
    from simcenter.cli.progress import _clock

    if not s.computed and not s.lost:
        print(t("sweep.nothing_to_do", total=s.total, folder=out))
        return
    rate = s.computed / s.seconds if s.seconds > 0 else 0.0
    print(t("sweep.summary", name=s.experiment, computed=s.computed, ok=s.ok, failed=s.failed,
            time=_clock(s.seconds), rate=f"{rate:.1f}", engine=s.engine))
    print(t("sweep.summary_store", stored=s.stored_before + s.computed, total=s.total,
            path=out / "sweep.duckdb"))
    for error, n in s.errors.most_common(3):
        print(f"  {n} x {printable(str(error))}")
    if s.workers_lost:
        when = ", ".join(f"{at} ({printable(worker)})" for worker, at in s.workers_lost)
        print(t("sweep.worker_lost" if len(s.workers_lost) == 1 else "sweep.workers_lost",
                n=len(s.workers_lost), when=when))
    if s.lost:
        print(t("sweep.lost", n=s.lost))
    if s.complete:
        print(t("sweep.next", folder=out))


def analyze(args: argparse.Namespace) -> int:
    """Sensitivity indices and scenario discovery of a stored sweep; print the findings."""
    from simcenter import (analyze_sweep, metrics, sweep_randomness_headings, sweep_randomness_rows,
                           sweep_summary_rows)
    from simcenter.files import json_safe
    a = analyze_sweep(args.folder, failure=args.failure or None, focus=args.outcomes or None)
    if args.format == "json":
        print(output.to_json(json_safe({
            "experiment": a.experiment.name, "runs": a.runs, "ok": a.ok, "failed": a.failed, "missing": a.missing,
            "method": a.method, "indices": a.indices.to_dict(orient="records"), "notes": a.notes,
            "randomness": a.randomness.to_dict(orient="records"),
            "findings": [{"condition": str(f.condition), "sentence": f.sentence, "failing": f.failing, "runs": f.runs,
                          "interval": list(f.interval), "by_design": f.by_design.to_dict(orient="records"),
                          "designs": f.design_sentences} for f in a.findings]})))
        return 0
    print(t("sweep.analysis_title", name=a.experiment.name))
    print(t("sweep.analysis_counts", runs=a.runs, ok=a.ok, failed=a.failed, missing=a.missing))
    for note in a.notes:
        print(t("cli.warning", message=note), file=sys.stderr)
    seed = sweep_randomness_rows(a)  # the seed against the parameters, before the indices it qualifies
    if seed:
        print()
        print(output.table(seed, t("sweep.randomness_heading"), sweep_randomness_headings()))
    rows = sweep_summary_rows(a)
    if rows:
        print()
        print(t(f"sweep.method_{a.method}"))
        heads = {"outcome": t("cli.col_outcome"), "design": t("sweep.col_design"), "top": t("sweep.col_top")}
        shown = [{**r, "outcome": metrics.BY_NAME[r["outcome"]].label} for r in rows]
        if len({r["design"] for r in rows}) == 1:
            shown = [{k: v for k, v in r.items() if k != "design"} for r in shown]
        print(output.table(shown, t("sweep.sensitivity_heading"), heads))
    for f in a.findings:
        print()
        print(f.sentence)
        for line in f.design_sentences:
            print(f"  - {line}")
    print(t("cli.report_at", path=Path(args.folder) / "analysis" / "analysis.md"), file=sys.stderr)
    return 0


def export(args: argparse.Namespace) -> int:
    """Write a sweep's tables as Parquet or CSV files."""
    for path in simcenter.export_sweep(args.folder, args.to, args.dest, force=args.force):
        print(printable(str(path)))
    return 0


SWEEP_COMMANDS = {"sweep": sweep, "analyze": analyze, "export": export}


def facts(args: argparse.Namespace) -> int:
    """Check the stylised facts on the shipped Plovdiv scenarios; write validation.md and figures."""
    found = simcenter.check_facts(Path(args.out), reps=args.reps, seed=args.seed, force=args.force)
    lang = language()

    def title(f) -> str:  # the seven built-in facts' titles are in the locales, the held-out facts' in their data
        own = f.title_bg if lang == "bg" and f.title_bg else f.title
        return strings(lang).get(f"cli.facts_titles.{f.key}") or own

    rows = [{"role": t(f"cli.facts_role.{f.role}"), "fact": title(f),
             "holds": t(f"cli.facts_holds.{'yes' if f.holds else 'no'}")} for f in found]
    headers = {key: t(f"cli.facts_heading.{key}") for key in ("role", "fact", "holds")}
    print(output.table(rows, t("cli.facts_title"), headers=headers))
    print(t("cli.written", path=Path(args.out) / "validation.md"), file=sys.stderr)
    return 1 if simcenter.failed_facts(found) else 0


def robust(args: argparse.Namespace) -> int:
    """Every design across a sample of futures: regret, satisficing, where each fails."""
    outcomes = tuple(args.outcomes) if args.outcomes else ("months_operating", "served")
    with Progress(0, t("robust.progress")) as bar:  # the total comes with each update
        result = simcenter.robustness(args.paths, args.out, futures=args.futures, reps=args.reps, seed=args.seed,
                                  thresholds=args.thresholds, outcomes=outcomes, workers=args.workers,
                                  scheduler=args.scheduler, overrides=args.overrides, progress=bar.update,
                                  force=args.force)
    for note in result["notes"]:
        print(t("cli.warning", message=note), file=sys.stderr)
    print(result["markdown"], end="")
    print(t("cli.written", path=args.out), file=sys.stderr)
    return 0


def calibrate(args: argparse.Namespace) -> int:
    """History matching of the calibration targets: write the record and its Markdown (exit 1 when no
    point is non-implausible); with --check, the scenario's values against the record (exit 1 when
    one lies outside the record's spread)."""
    yes_no = {True: t("calibrate.yes"), False: t("calibrate.no")}
    if args.check:
        rows = simcenter.check_calibration(Path(args.out), args.scenario)
        shown = [{"parameter": r["parameter"], "value": r["value"], "fitted": r["fitted"], "spread": r["spread"],
                  "within": yes_no[r["within"]]} for r in rows]
        print(output.table(shown, t("calibrate.check_title"), _calibrate_heads()))
        differ = [r["parameter"] for r in rows if not r["within"]]
        message = t("calibrate.check_differ", n=len(differ), names=", ".join(differ)) if differ else \
            t("calibrate.check_ok")
        print(message, file=sys.stderr)
        return 1 if differ else 0
    simcenter.check_calibration_output(args.out, args.doc)  # before the runs, not after
    with Progress(args.points * args.reps * args.waves, t("calibrate.progress")) as bar:
        fit = simcenter.fit_calibration(args.scenario, points=args.points, reps=args.reps, waves=args.waves,
                                        seed=args.seed, workers=args.workers, moved=dict(args.targets),
                                        progress=bar.update)
    for w in fit.waves:
        print(t("calibrate.waves_line", wave=w.number, survivors=len(w.survivors), points=len(w.points)),
              file=sys.stderr)
    point = fit.chosen or fit.best
    targets = [{"target": tg.key, "figure": f"{tg.value:.4g}", "model": f"{point.model[tg.key]:.4g}",
                "implausibility": f"{point.implausibility[tg.key]:.3g}"} for tg in fit.targets]
    if fit.chosen is None:
        print(output.table(targets, t("calibrate.best_title"), _calibrate_heads()))
        print(t("calibrate.none", cutoff=f"{fit.cutoff:g}", waves=len(fit.waves), points=args.points,
                worst=f"{point.worst:.3g}"), file=sys.stderr)
        return 1
    record = simcenter.write_calibration(fit, Path(args.out), Path(args.doc))
    fitted = [{"parameter": name, "fitted": p["fitted"], "spread": f"{p['spread'][0]:g} – {p['spread'][1]:g}"}
              for name, p in record["parameters"].items()]
    print(output.table(fitted, t("calibrate.fitted_title", n=record["non_implausible"]), _calibrate_heads()))
    print()
    print(output.table(targets, t("calibrate.targets_title"), _calibrate_heads()))
    print(t("cli.written", path=f"{args.out}, {args.doc}"), file=sys.stderr)
    return 0


def _calibrate_heads() -> dict[str, str]:
    return {k: t(f"calibrate.col_{k}") for k in ("parameter", "value", "fitted", "spread", "within", "target",
                                                 "figure", "model", "implausibility")}
