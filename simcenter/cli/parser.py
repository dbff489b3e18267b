"""The argument parser: sub-commands and argument types that validate as they parse."""

from __future__ import annotations

import argparse

from simcenter import __version__
from simcenter.i18n import LANGUAGES, t


def build_parser() -> argparse.ArgumentParser:
    """Build the ``simcenter`` parser with all its sub-commands."""
    # --lang before the sub-command (the main parser's, default None) or after it (the sub-command's):
    # the sub-command's default is SUPPRESS, so that a sub-command given no --lang does not overwrite
    # the one given before it with its own default.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.help_lang"))

    parser = argparse.ArgumentParser(prog="simcenter", description=t("cli.description"))
    parser.add_argument("--lang", choices=LANGUAGES, default=None, help=t("cli.help_lang"))
    parser.add_argument("--version", action="version", version=f"simcenter {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", parents=[common], help=t("cli.help_validate"), description=t("cli.help_validate"))
    p.add_argument("paths", nargs="+", metavar="PATH", help=t("cli.help_paths"))
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help=t("cli.help_set"))

    p = sub.add_parser("run", parents=[common], help=t("cli.help_run"), description=t("cli.help_run"))
    p.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_scenario"))
    p.add_argument("--reps", type=_positive_int, default=10, metavar="N", help=t("cli.help_reps"))
    p.add_argument("--seed", type=_seed, default=1, metavar="S", help=t("cli.help_seed"))
    p.add_argument("--years", type=_years, default=None, metavar="Y", help=t("cli.help_years"))
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help=t("cli.help_set"))
    p.add_argument("--out", default=None, metavar="DIR", help=t("cli.help_out"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help=t("cli.help_format"))
    p.add_argument("--workers", type=_positive_int, default=None, metavar="N", help=t("cli.help_workers"))

    p = sub.add_parser("compare", parents=[common], help=t("cli.help_compare"), description=t("cli.help_compare"))
    p.add_argument("paths", nargs="+", metavar="SCENARIO", help=t("cli.help_compare_paths"))
    p.add_argument("--reps", type=_positive_int, default=30, metavar="N", help=t("cli.help_reps_compare"))
    p.add_argument("--seed", type=_seed, default=1, metavar="S", help=t("cli.help_seed"))
    p.add_argument("--baseline", default=None, metavar="NAME", help=t("cli.help_baseline"))
    p.add_argument("--workers", type=_positive_int, default=None, metavar="N", help=t("cli.help_workers"))
    p.add_argument("--out", default="results/comparison", metavar="DIR", help=t("cli.help_out_compare"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help=t("cli.help_format"))
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help=t("cli.help_set"))
    p.add_argument("--no-decomposition", dest="decomposition", action="store_false", help=t("report.decomp_cli_help"))

    p = sub.add_parser("report", parents=[common], help=t("cli.help_report"), description=t("cli.help_report"))
    p.add_argument("folder", metavar="DIR", help=t("cli.help_dir"))
    p.add_argument("--format", choices=("table", "json", "csv"), default="table", help=t("cli.help_format"))

    p = sub.add_parser("calibration", parents=[common], help=t("cli.help_calibration"), description=t("cli.help_calibration"))
    p.add_argument("scenario", metavar="SCENARIO", help=t("cli.help_scenario"))

    p = sub.add_parser("facts", parents=[common], help=t("cli.help_facts"), description=t("cli.help_facts"))
    p.add_argument("--reps", type=_positive_int, default=20, metavar="N", help=t("cli.help_reps"))
    p.add_argument("--seed", type=_seed, default=1, metavar="S", help=t("cli.help_seed"))
    p.add_argument("--out", default="docs", metavar="DIR", help=t("cli.help_out_facts"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force_facts"))

    p = sub.add_parser("schema", parents=[common], help=t("cli.help_schema"), description=t("cli.help_schema"))
    p.add_argument("--experiment", action="store_true", help=t("cli.help_schema_experiment"))

    p = sub.add_parser("catalog", parents=[common], help=t("cli.help_catalog"), description=t("cli.help_catalog"))
    p.add_argument("--format", choices=("table", "json", "csv", "markdown"), default="table", help=t("cli.help_format"))
    p.add_argument("--sources", action="store_true", help=t("cli.help_sources"))
    p.add_argument("--scenario", default=None, metavar="PATH", help=t("cli.help_catalog_scenario"))

    p = sub.add_parser("ui", parents=[common], help=t("app.cli.help"), description=t("app.cli.description"))
    p.add_argument("--host", default="127.0.0.1", metavar="HOST", help=t("app.cli.help_host"))
    p.add_argument("--port", type=_port, default=8765, metavar="PORT", help=t("app.cli.help_port"))
    p.add_argument("--scenario", default=None, metavar="PATH", help=t("app.cli.help_scenario"))
    p.add_argument("--no-auth", action="store_true", help=t("app.cli.help_no_auth"))
    _add_sweep_commands(sub, common)
    _add_robust_command(sub, common)
    _add_calibrate_command(sub, common)
    return parser


def _int_in(lo: int, hi: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(t("cli.bad_int", what=what, value=text)) from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(t("cli.out_of_range", what=what, value=value, lo=lo, hi=hi))
        return value

    return parse


_positive_int = _int_in(1, 1_000_000, "N")
_seed = _int_in(0, 2**63 - 1, "seed")
_years = _int_in(1, 30, "years")
_port = _int_in(1, 65535, "port")


def _add_sweep_commands(sub, common: argparse.ArgumentParser) -> None:
    """The researcher's commands: sweep, analyze, export."""
    p = sub.add_parser("sweep", parents=[common], help=t("sweep.help_sweep"), description=t("sweep.help_sweep"))
    p.add_argument("experiment", metavar="EXPERIMENT", help=t("sweep.help_experiment"))
    p.add_argument("--out", default=None, metavar="DIR", help=t("sweep.help_out"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force_into"))
    p.add_argument("--workers", type=_positive_int, default=None, metavar="N", help=t("sweep.help_workers"))
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", type=_scheduler_address, default=None, metavar="ADDRESS",
                       help=t("sweep.help_scheduler"))
    where.add_argument("--cluster", choices=("local",), default=None, help=t("sweep.help_cluster"))
    p.add_argument("--worker-timeout", type=_seconds, default=60.0, metavar="SECONDS",
                   help=t("sweep.help_worker_timeout"))
    p.add_argument("--extend", action="store_true", help=t("sweep.help_extend"))
    p.add_argument("--check", action="store_true", help=t("sweep.help_check"))

    p = sub.add_parser("analyze", parents=[common], help=t("sweep.help_analyze"), description=t("sweep.help_analyze"))
    p.add_argument("folder", metavar="DIR", help=t("sweep.help_dir"))
    p.add_argument("--failure", action="append", default=None, metavar="CONDITION", help=t("sweep.help_failure"))
    p.add_argument("--outcome", dest="outcomes", action="append", default=None, metavar="NAME",
                   help=t("sweep.help_outcome"))
    p.add_argument("--format", choices=("table", "json"), default="table", help=t("cli.help_format"))

    p = sub.add_parser("export", parents=[common], help=t("sweep.help_export"), description=t("sweep.help_export"))
    p.add_argument("folder", metavar="DIR", help=t("sweep.help_dir"))
    p.add_argument("--to", choices=("parquet", "csv"), required=True, help=t("sweep.help_to"))
    p.add_argument("--dest", default=None, metavar="DIR", help=t("sweep.help_dest"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force_into"))


def _seconds(text: str) -> float:
    """A positive number of seconds (at most a day)."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value <= 86400:
        raise argparse.ArgumentTypeError(t("sweep.bad_seconds", value=text))
    return value


def _scheduler_address(text: str) -> str:
    """A Dask scheduler address: ``tcp://host:port`` (``host:port`` is read as tcp)."""
    import re

    address = text if "://" in text else f"tcp://{text}"
    if not re.fullmatch(r"(tcp|tls|inproc|ucx|ws|wss)://[^\s/:]+(:\d{1,5})?/?", address):
        raise argparse.ArgumentTypeError(t("sweep.bad_address", value=text))
    return address


def _add_robust_command(sub, common: argparse.ArgumentParser) -> None:
    """Robust decision making: every design across a sample of futures."""
    p = sub.add_parser("robust", parents=[common], help=t("robust.help"), description=t("robust.help"))
    p.add_argument("paths", nargs="+", metavar="SCENARIO", help=t("cli.help_compare_paths"))
    p.add_argument("--futures", type=_positive_int, default=30, metavar="N", help=t("robust.help_futures"))
    p.add_argument("--reps", type=_positive_int, default=10, metavar="R", help=t("robust.help_reps"))
    p.add_argument("--seed", type=_seed, default=1, metavar="S", help=t("cli.help_seed"))
    p.add_argument("--thresholds", default=None, metavar="FILE", help=t("robust.help_thresholds"))
    p.add_argument("--outcome", dest="outcomes", action="append", default=None, metavar="NAME",
                   help=t("robust.help_outcome"))
    p.add_argument("--out", default="results/robust", metavar="DIR", help=t("robust.help_out"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force"))
    p.add_argument("--workers", type=_positive_int, default=None, metavar="W", help=t("cli.help_workers"))
    p.add_argument("--scheduler", type=_scheduler_address, default=None, metavar="ADDRESS",
                   help=t("sweep.help_scheduler"))
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE", help=t("cli.help_set"))


def _target(text: str) -> tuple[str, float]:
    """A target moved for a what-if: ``NAME=NUMBER``."""
    name, sep, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = None
    if not sep or not name.strip() or number is None:
        raise argparse.ArgumentTypeError(t("calibrate.bad_target_arg", value=text))
    return name.strip(), number


def _add_calibrate_command(sub, common: argparse.ArgumentParser) -> None:
    """Calibration as code: history matching of the calibration targets."""
    p = sub.add_parser("calibrate", parents=[common], help=t("calibrate.help"), description=t("calibrate.help"))
    p.add_argument("--scenario", default="scenarios/plovdiv/base.yaml", metavar="PATH",
                   help=t("calibrate.help_scenario"))
    p.add_argument("--points", type=_positive_int, default=64, metavar="N", help=t("calibrate.help_points"))
    p.add_argument("--reps", type=_positive_int, default=6, metavar="R", help=t("calibrate.help_reps"))
    p.add_argument("--waves", type=_int_in(1, 20, "waves"), default=2, metavar="W", help=t("calibrate.help_waves"))
    p.add_argument("--seed", type=_seed, default=1, metavar="S", help=t("calibrate.help_seed"))
    p.add_argument("--workers", type=_positive_int, default=None, metavar="N", help=t("cli.help_workers"))
    p.add_argument("--out", default="docs/calibration-fit.yaml", metavar="FILE", help=t("calibrate.help_out"))
    p.add_argument("--doc", default="docs/calibration-fit.md", metavar="FILE", help=t("calibrate.help_doc"))
    p.add_argument("--target", dest="targets", action="append", type=_target, default=[], metavar="NAME=NUMBER",
                   help=t("calibrate.help_target"))
    p.add_argument("--check", action="store_true", help=t("calibrate.help_check"))
