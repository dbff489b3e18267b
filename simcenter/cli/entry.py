"""The console-script entry point: a Ctrl-C even while the libraries load or the command line is
read (before the command's own handling of it) exits quietly (130); the process ends without
tearing the interpreter down (``simcenter.quickexit``)."""

import sys

from simcenter import quickexit


def run() -> None:
    """Start the ``simcenter`` command."""
    code = quickexit.register()
    try:
        try:
            from simcenter.cli.main import main

            status = main()
        except KeyboardInterrupt as exc:  # the command handles its own; this one came before (or after) it
            from simcenter.errors import Terminated  # light; already loaded unless the Ctrl-C came first

            sys.exit(143 if isinstance(exc, Terminated) else 130)
        sys.exit(status)
    except SystemExit as exc:  # argparse's usage errors too
        code.set(exc.code)
        raise
