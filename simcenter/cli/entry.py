"""The console-script entry point: a Ctrl-C even while the libraries load exits quietly (130);
the process ends without tearing the interpreter down (``simcenter.quickexit``)."""

import sys

from simcenter import quickexit


def run() -> None:
    """Start the ``simcenter`` command."""
    code = quickexit.register()
    try:
        try:
            from simcenter.cli.main import main
        except KeyboardInterrupt:
            sys.exit(130)
        sys.exit(main())
    except SystemExit as exc:  # argparse's usage errors too
        code.set(exc.code)
        raise
