"""A missing optional extra (SALib, EMA Workbench, DuckDB, Dask) is one line naming the pip install
that brings it, exit code 2; never "internal error ... a bug in simcenter".

Each case runs in a fresh interpreter where the module is made unimportable
(``sys.modules[name] = None``, what Python does for a package that is not installed).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from support import REPO, assert_no_traceback, clean_env
from sweep_support import write_experiment

LHS = """\
uncertainties:
  funding.funders.hrdp_social_economy.p_success: {range: [0.05, 0.4]}
design: {method: latin_hypercube, samples: 2}
outcomes: [closed]
"""


def _without(module: str, code: str, tmp_path) -> subprocess.CompletedProcess:
    script = f"import sys\nsys.modules[{module!r}] = None\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8",
                          timeout=120, env=clean_env(PYTHONPATH=str(REPO)), cwd=tmp_path)


def _cli(args: list[str]) -> str:
    return f"from simcenter.cli.main import main\nsys.exit(main({args!r}))\n"


@pytest.mark.parametrize("module, extra, what, args", [
    ("SALib", "analysis", "SALib", ["sweep", "EXP", "--out", "out", "--workers", "1"]),
    ("duckdb", "analysis", "DuckDB", ["sweep", "EXP", "--out", "out", "--workers", "1"]),
    ("distributed", "cluster", "Dask distributed", ["sweep", "EXP", "--out", "out", "--cluster", "local"]),
    ("SALib", "analysis", "SALib", ["robust", "SCENARIO", "--futures", "2", "--reps", "1", "--out", "robust"]),
])
def test_a_command_without_its_extra_names_the_pip_install(module, extra, what, args, tmp_path):
    from support import BASE

    exp = write_experiment(tmp_path, LHS)
    args = [str(exp) if a == "EXP" else str(BASE) if a == "SCENARIO" else a for a in args]
    proc = _without(module, _cli(args), tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        f"error: {what} is not installed; it comes with simcenter's optional extra '{extra}': "
        f"pip install 'simcenter[{extra}]'")
    assert "internal error" not in proc.stderr and "bug" not in proc.stderr
    assert_no_traceback(proc)
    if module != "distributed":  # the design (SALib) and the store (DuckDB) come before any engine
        assert not (tmp_path / "out" / "sweep.duckdb").exists()


def test_the_python_api_raises_an_input_error_that_is_also_an_import_error(tmp_path):
    """``ema_model`` without EMA Workbench: an InputError (one line) and an ImportError (code that goes
    on without the extra, ``except ImportError``, still does)."""
    exp = write_experiment(tmp_path, LHS)
    proc = _without("ema_workbench", f"""
        from simcenter.errors import InputError
        from simcenter.sweep.ema import ema_model
        try:
            ema_model({str(exp)!r})
        except InputError as exc:
            print(isinstance(exc, ImportError), exc.extra, str(exc))
        """, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ("True analysis error: EMA Workbench is not installed; it comes with simcenter's "
                                   "optional extra 'analysis': pip install 'simcenter[analysis]'")


def test_a_missing_module_of_no_extra_is_not_blamed_on_one():
    from simcenter.extras import MissingExtra, missing, require

    with pytest.raises(ModuleNotFoundError) as caught:
        require("simcenter_no_such_module")
    assert not isinstance(caught.value, MissingExtra)
    assert isinstance(missing(ModuleNotFoundError("x", name="SALib.util"), "scipy"), MissingExtra)
