"""The console-script entry point: a Ctrl-C even while the libraries load exits quietly (130)."""

import sys


def run() -> None:
    """Start the ``simcenter`` command."""
    try:
        from simcenter.cli.main import main
    except KeyboardInterrupt:
        sys.exit(130)
    sys.exit(main())
