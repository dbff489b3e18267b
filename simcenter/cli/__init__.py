"""Command-line interface: a parser with validating argument types and a thin dispatcher."""

from simcenter.cli.main import main

__all__ = ["main"]
