"""A script that starts worker processes from its top level without ``if __name__ == "__main__":``
gets one clear error naming its line, before any process starts; a guarded one runs.

What this protects: the fork server imports the script again; unguarded, that re-runs the script in
a process the user never sees, multiprocessing refuses with a RuntimeError about "bootstrapping", the
workers die, and the user was told only that workers died (or "a bug in simcenter").
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

from support import BASE, REPO, clean_env

WORK = """\
scenario = simcenter.load_scenario("small.yaml")
runs = simcenter.run_replicates(scenario, reps=2, engine=simcenter.open_engine(workers=2))
print("runs", len(runs), flush=True)
"""


def _script(tmp_path, body: str) -> subprocess.CompletedProcess:
    (tmp_path / "small.yaml").write_text(f"extends: {BASE}\nhorizon: {{years: 1}}\nregion: {{n_potential: 300}}\n",
                                         encoding="utf-8")
    path = tmp_path / "snippet.py"
    path.write_text(body, encoding="utf-8")
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, encoding="utf-8",
                          timeout=180, env=clean_env(PYTHONPATH=str(REPO)), cwd=tmp_path)


def test_an_unguarded_script_is_told_to_add_the_guard(tmp_path):
    proc = _script(tmp_path, "import simcenter\nprint('top level', flush=True)\n" + WORK)
    assert proc.returncode == 1
    assert proc.stdout.count("top level") == 1, "the script ran once: no process re-ran it"
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("simcenter.run.pool.UnguardedMain: snippet.py:4: simcenter starts worker processes")
    assert 'if __name__ == "__main__":' in last and "workers=1" in last
    assert "bootstrapping phase" in last and "current process has finished" not in proc.stderr
    assert "died" not in proc.stderr and "bug in simcenter" not in proc.stderr


def test_a_guarded_script_runs(tmp_path):
    body = "import simcenter\n\nif __name__ == \"__main__\":\n" + textwrap.indent(WORK, "    ")
    proc = _script(tmp_path, body)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "runs 2"


def test_an_unguarded_function_called_at_top_level_is_unguarded_too(tmp_path):
    body = "import simcenter\n\ndef main():\n" + textwrap.indent(WORK, "    ") + "\nmain()\n"
    proc = _script(tmp_path, body)
    assert proc.returncode == 1 and "UnguardedMain: snippet.py:8:" in proc.stderr
