"""Serve the workshop app: Solara's server under uvicorn, every browser asset from this machine.

Solara reads its settings from environment variables when it is first imported, so ``serve``
sets them before importing anything from Solara: production mode (no version check, no
"success" iframe from solara.dev), no telemetry, and the asset proxy pointed at a local
address, so that an asset missing from ``solara-assets`` is a visible 404 instead of a
silent download from the internet.

Listening beyond this machine (any ``--host`` that is not a loopback address), ``serve``
also makes an access code (``simcenter.ui.access``), prints it with a warning naming what is
exposed, and passes it to the app, which asks every browser tab for it; ``auth=False``
(``--no-auth``) serves without one, with a warning.
"""

from __future__ import annotations

import errno
import os
import socket
import warnings
from pathlib import Path

from simcenter.errors import InputError, Problem
from simcenter.i18n import t
from simcenter.ui.access import ENV_CODE, is_loopback, new_code

APP_MODULE = "simcenter.ui.app"
ENV_SCENARIO = "SIMCENTER_UI_SCENARIO"
"""The scenario file the app opens with (``--scenario``), passed to the app through the environment."""
OFFLINE_CDN = "http://127.0.0.1:9/unreachable-cdn/"
"""Where Solara would fetch an asset it does not have: a closed local port, never the internet."""


def solara_environment(scenario: str | os.PathLike | None, lang: str | None,
                       access_code: str | None = None) -> dict[str, str]:
    """The environment variables that configure Solara and the app for an offline workshop."""
    env = {
        "SOLARA_APP": APP_MODULE,
        "SOLARA_MODE": "production",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_ASSETS_CDN": OFFLINE_CDN,
        "SOLARA_THEME_VARIANT": "light",
        "SOLARA_THEME_TITLE": "simcenter",
        "SOLARA_THEME_LOADER": "plain",
        # A value a browser sends is not echoed back to it (ipywidgets 8 echoes it, for several views of
        # one widget; here one tab is one session). An echo would hand a refused value ("abc") back to
        # the page's slider, which then moves itself to its minimum and sends that as if a group had.
        "JUPYTER_WIDGETS_ECHO": "0",
    }
    if scenario is not None:
        env[ENV_SCENARIO] = str(Path(scenario).resolve())
    if lang is not None:
        env["SIMCENTER_LANG"] = lang
    if access_code is not None:
        env[ENV_CODE] = access_code
    return env


def check_installed() -> None:
    """Raise a readable ``InputError`` when the app's optional dependencies are missing."""
    try:
        import solara  # noqa: F401
        import solara_assets  # noqa: F401
    except ImportError as exc:
        raise InputError([Problem("simcenter ui", 1, "", t("app.server.missing_extra", module=exc.name))]) from None


def check_port(host: str, port: int) -> None:
    """Raise a readable ``InputError`` when the address cannot be listened on (e.g. the port is taken)."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        error = exc.strerror or str(exc)
        if exc.errno == errno.EADDRINUSE:
            message = t("app.server.cannot_listen", host=host, port=port, error=error)
            problem = Problem("simcenter ui", 1, "--port", message)
        else:
            problem = Problem("simcenter ui", 1, "--host", t("app.server.bad_host", host=host, error=error))
        raise InputError([problem]) from None


def serve(host: str = "127.0.0.1", port: int = 8765, scenario: str | os.PathLike | None = None,
          lang: str | None = None, auth: bool = True) -> None:
    """Serve the app until interrupted (Ctrl-C); beyond this machine, behind an access code unless ``auth`` is off."""
    exposed = not is_loopback(host)
    code = new_code() if exposed and auth else None
    os.environ.pop(ENV_CODE, None)  # only this server's own code, never one inherited
    os.environ.update(solara_environment(scenario, lang, code))  # before Solara is imported: it reads them once
    check_installed()
    check_port(host, port)
    import uvicorn

    # Plain http on a room network is the intended set-up; Solara warns about it on every page load.
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    print(t("app.server.listening", url=f"http://{host}:{port}"), flush=True)
    if exposed:
        print(t("app.server.exposed", host=host, port=port), flush=True)
        print(t("app.server.access_code", code=code) if code else t("app.server.no_auth"), flush=True)
    if host in ("0.0.0.0", "::"):
        print(t("app.server.room", port=port), flush=True)
    uvicorn.run("solara.server.starlette:app", host=host, port=port, log_level="warning", timeout_graceful_shutdown=2)
