"""The ``simcenter`` command: parse, dispatch onto the library, turn errors into exit codes.

Exit codes: 0 success, 2 bad input (every problem printed as ``FILE:LINE: path: message``),
1 internal error (a bug: a short message and a hint to report it), 130 interrupted (Ctrl-C),
143 terminated (SIGTERM: the same clean exit as Ctrl-C, with the code a killed process has).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import traceback
import warnings

from simcenter.cli import commands
from simcenter.cli.parser import build_parser
from simcenter.errors import InputError, InputWarning, Problem, Terminated
from simcenter.i18n import set_language, t

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_INTERRUPTED, EXIT_TERMINATED = 0, 1, 2, 130, 143


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    argv = sys.argv[1:] if argv is None else argv
    set_language(_early_lang(argv))
    parser = build_parser()
    args = parser.parse_args(argv)  # argparse itself exits 2 on usage errors
    set_language(args.lang)
    previous = _terminate_cleanly()
    try:
        return _dispatch(args)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _dispatch(args) -> int:
    """Run the command; turn what it raises into the exit code."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", InputWarning)
            warnings.showwarning = _show_warning(warnings.showwarning)
            return commands.dispatch(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt as exc:
        terminated = isinstance(exc, Terminated)
        print(t("cli.terminated" if terminated else "cli.interrupted"), file=sys.stderr)
        return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
    except BrokenPipeError:
        # e.g. `simcenter catalog | head`: the reader left; not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        if exc.errno is None:  # not a failed system call: raised by code, so a bug
            return _internal_error(exc)
        # A system call failed: a full disk, a read-only folder, a file removed meanwhile. That is
        # the environment, not simcenter: one line naming the file (the commands check what they
        # can before long work; this is the net for what only shows while writing).
        if os.environ.get("SIMCENTER_DEBUG"):
            traceback.print_exc()
        name = os.fsdecode(exc.filename) if isinstance(exc.filename, (str, bytes, os.PathLike)) else "simcenter"
        print(Problem(name, 1, "", t("file.system_error", error=exc.strerror or exc)), file=sys.stderr)
        return EXIT_INPUT
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        return _internal_error(exc)


def _terminate_cleanly():
    """Turn SIGTERM into ``Terminated`` (a ``KeyboardInterrupt``) in the main thread, so that a
    ``kill`` runs the clean-up of a Ctrl-C: no partial folder is left, an earlier one stays.
    Return the handler there was (None: left as it was: not the main thread, or a handler of the
    program ``main`` runs in)."""
    def raise_terminated(signum, frame):
        raise Terminated()

    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        return None
    return signal.signal(signal.SIGTERM, raise_terminated)


def _internal_error(exc: BaseException) -> int:
    if os.environ.get("SIMCENTER_DEBUG"):
        traceback.print_exc()
    print(t("cli.internal_error", error=f"{type(exc).__name__}: {exc}"), file=sys.stderr)
    return EXIT_INTERNAL


def _show_warning(default):
    """Print each ``InputWarning`` once, as a ``warning:`` line (a file read twice warns once);
    other warnings as Python does."""
    shown: set[str] = set()

    def show(message, category, filename, lineno, file=None, line=None):
        if not isinstance(message, InputWarning):
            return default(message, category, filename, lineno, file, line)
        text = t("cli.warning", message=str(message.problem))
        if text not in shown:
            shown.add(text)
            print(text, file=sys.stderr)

    return show


def _early_lang(argv: list[str]) -> str | None:
    """Pick up --lang before parsing so that help texts are in the right language."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv) and argv[i + 1] in ("en", "bg"):
            return argv[i + 1]
        if arg.startswith("--lang=") and arg.split("=", 1)[1] in ("en", "bg"):
            return arg.split("=", 1)[1]
    return None
