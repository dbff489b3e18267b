"""One function per sub-command: call the library, print the result. No model logic here."""

from __future__ import annotations

import argparse
import sys

from simcenter.cli import output
from simcenter.config.catalogue import builtin_catalogue, catalogue_rows
from simcenter.config.loader import find_scenario_files, load_scenario
from simcenter.errors import InputError, Problem
from simcenter.i18n import t


def dispatch(args: argparse.Namespace) -> int:
    """Run the sub-command named in ``args``; return the exit code."""
    return {"validate": validate, "catalog": catalog}[args.command](args)


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
