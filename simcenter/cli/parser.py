"""The argument parser: sub-commands and argument types that validate as they parse."""

from __future__ import annotations

import argparse

from simcenter import __version__
from simcenter.i18n import LANGUAGES, t


def build_parser() -> argparse.ArgumentParser:
    """Build the ``simcenter`` parser with all its sub-commands."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=None, help=t("cli.help_lang"))

    parser = argparse.ArgumentParser(prog="simcenter", description=t("cli.description"), parents=[common])
    parser.add_argument("--version", action="version", version=f"simcenter {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", parents=[common], help=t("cli.help_validate"), description=t("cli.help_validate"))
    p.add_argument("paths", nargs="+", metavar="PATH", help=t("cli.help_paths"))
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help=t("cli.help_set"))

    p = sub.add_parser("catalog", parents=[common], help=t("cli.help_catalog"), description=t("cli.help_catalog"))
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help=t("cli.help_format"))
    p.add_argument("--sources", action="store_true", help=t("cli.help_sources"))
    return parser
