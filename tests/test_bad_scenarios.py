"""The corpus of bad scenarios: each must report exactly the expected problems, by file, line and path.

``bad_scenarios/cases/`` holds small bad (and a few tricky but valid) files; ``bad_scenarios/expected.yaml``
says, for each, every problem it must report. Inputs git should not hold (not UTF-8, over 1 MB, names
the system refuses) are generated here into a temporary folder. Every case is checked in-process through
``simcenter.load_scenario``, and the whole corpus once more through the real ``simcenter validate``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

import simcenter
from simcenter.config.yamlsource import MAX_FILE_BYTES
from simcenter.errors import InputError, Problem, printable
from support import (
    BASE, PROBLEM_PARTS_RE, PROBLEM_RE, REPO, assert_no_traceback, english, problem_lines, run_cli, same_file,
)

HERE = Path(__file__).resolve().parent / "bad_scenarios"
CASES = HERE / "cases"
EXPECTED: dict[str, list[dict]] = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))
CASE_NAMES = sorted(EXPECTED)


@pytest.fixture(scope="module", autouse=True)
def _english():
    with english():
        yield


# --------------------------------------------------------------------------- matching
def _shown_path(problem: Problem) -> str:
    return printable(problem.path) or "(root)"


def _matches(problem: Problem, want: dict, default_file: Path, cwd: Path) -> bool:
    """Does ``problem`` match an expectation? Paths and messages are compared as printed."""
    message = printable(problem.message)
    return (
        same_file(problem.file, want.get("file", default_file), cwd=cwd)
        and problem.line == want["line"]
        and _shown_path(problem) == want["path"]
        and (message == want["message"] if "message" in want else want["contains"] in message)
    )


def assert_problems(problems: list[Problem], expected: list[dict], default_file: Path, cwd: Path) -> None:
    """Every expected problem is reported, and every reported problem was expected."""
    shown = "\n".join(map(str, problems))
    for want in expected:
        assert any(_matches(p, want, default_file, cwd) for p in problems), (
            f"expected {want} (in {want.get('file', default_file)}) but got:\n{shown}"
        )
    for p in problems:
        assert any(_matches(p, want, default_file, cwd) for want in expected), f"unexpected problem: {p}\nall:\n{shown}"
        assert PROBLEM_RE.match(str(p)) and len(str(p).splitlines()) == 1, f"not FILE:LINE: path: message: {p!r}"
        assert p.line >= 1


def _resolve_files(expected: list[dict], folder: Path) -> list[dict]:
    return [{**w, "file": str(folder / w["file"])} if "file" in w else w for w in expected]


def check_in_process(path: Path, expected: list[dict], folder: Path) -> None:
    expected = _resolve_files(expected, folder)
    if not expected:
        simcenter.load_scenario(path)  # must be valid
        return
    with pytest.raises(InputError) as info:
        simcenter.load_scenario(path)
    assert_problems(info.value.problems, expected, path, Path.cwd())


# --------------------------------------------------------------------------- the corpus
def test_every_case_has_expectations_and_vice_versa():
    on_disk = {p.name for p in CASES.iterdir() if p.is_file()}
    assert on_disk == set(EXPECTED), (
        f"files without an entry: {sorted(on_disk - set(EXPECTED))}; "
        f"entries without a file: {sorted(set(EXPECTED) - on_disk)}"
    )
    assert sum(1 for v in EXPECTED.values() if v) >= 30, "the corpus must hold at least 30 bad files"
    for name, wants in EXPECTED.items():
        assert isinstance(wants, list), name
        for want in wants:
            assert set(want) <= {"file", "line", "path", "contains", "message"}, (name, want)
            assert ("contains" in want) != ("message" in want), (name, want)
            assert isinstance(want["line"], int) and want["line"] >= 1, (name, want)
            assert want["path"] and " " not in want["path"], (name, want)
            assert want.get("contains") or want.get("message"), (name, want)
            assert (CASES / want.get("file", name)).is_file(), (name, want)


def test_corpus_bytes_survived_version_control():
    """The cases about bytes are only meaningful while git leaves the bytes alone (.gitattributes)."""
    assert (CASES / "bom_valid.yaml").read_bytes().startswith(b"\xef\xbb\xbf")
    for name in ("crlf_valid.yaml", "crlf_errors.yaml"):
        raw = (CASES / name).read_bytes()
        assert raw.count(b"\r\n") == raw.count(b"\n") > 3, name
    assert b"\x07" in (CASES / "control_character.yaml").read_bytes()
    assert b"\t" in (CASES / "tab_indent.yaml").read_bytes()
    assert (CASES / "empty.yaml").stat().st_size == 0


@pytest.mark.parametrize("name", CASE_NAMES)
def test_case_in_process(name):
    check_in_process(CASES / name, EXPECTED[name], CASES)


# --------------------------------------------------------------------------- generated inputs
def _quoted(path: Path) -> str:
    return json.dumps(str(path))  # a YAML double-quoted scalar


def _make_generated(root: Path) -> dict[str, tuple[Path, list[dict]]]:
    """Write the inputs that are binary, huge or system-dependent; return {name: (path, expected)}."""
    out: dict[str, tuple[Path, list[dict]]] = {}
    ext = f"extends: {_quoted(BASE)}\n".encode()

    p = root / "not_utf8.yaml"
    p.write_bytes(ext + b"name: not-utf8\ndescription: caf\xe9 au lait\n")  # Latin-1, not UTF-8
    out["not_utf8"] = (p, [{"line": 3, "path": "(root)", "contains": "not UTF-8 text: byte 0xe9 at column 17"}])

    p = root / "utf16.yaml"
    p.write_bytes((ext.decode() + "name: utf16\n").encode("utf-16"))  # Notepad's "Unicode"
    out["utf16"] = (p, [{"line": 1, "path": "(root)", "contains": "not UTF-8 text: byte 0xff at column 1"}])

    p = root / "too_large.yaml"
    size = MAX_FILE_BYTES + 100
    body = ext + b"name: too-large\n"
    p.write_bytes(body + b"#" * (size - len(body) - 1) + b"\n")
    assert p.stat().st_size == size
    out["too_large"] = (p, [{"line": 1, "path": "(root)", "contains": f"file is {size} bytes"}])

    p = root / "no_such_file.yaml"
    out["not_found"] = (p, [{"line": 1, "path": "(root)", "contains": "file not found"}])

    p = root / "folder.yaml"  # a folder with a scenario's name
    p.mkdir()
    out["folder"] = (p, [{"line": 1, "path": "(root)", "contains": "is a folder"}])

    base = root / "base_latin1.yaml"
    base.write_bytes(ext + b"name: \xc7a va\n")
    p = root / "extends_not_utf8.yaml"
    p.write_text(f"name: child\nextends: {base.name}\n", encoding="utf-8")
    out["extends_not_utf8"] = (
        p, [{"file": str(base), "line": 2, "path": "(root)", "contains": "byte 0xc7 at column 7"}]
    )

    p = root / "extends_too_large.yaml"
    p.write_text("extends: too_large.yaml\nname: child\n", encoding="utf-8")
    out["extends_too_large"] = (
        p, [{"file": str(root / "too_large.yaml"), "line": 1, "path": "(root)", "contains": "file is"}]
    )

    p = root / "extends_long_name.yaml"
    p.write_text("name: long\nextends: " + "x" * 300 + ".yaml\n", encoding="utf-8")
    out["extends_long_name"] = (p, [{"line": 2, "path": "extends", "contains": "cannot read the file"}])

    p = root / "extends_nul.yaml"
    p.write_text('name: nul\nextends: "base\\0.yaml"\n', encoding="utf-8")
    out["extends_nul"] = (p, [{"line": 2, "path": "extends", "contains": "cannot read the file"}])

    # 22 files, each extending the next: the 21st file's extends is one too many.
    chain = [root / f"deep_{i:02d}.yaml" for i in range(22)]
    for i, f in enumerate(chain):
        target = chain[i + 1].name if i + 1 < len(chain) else str(BASE)
        f.write_text(f"# link {i}\nextends: {json.dumps(target)}\nname: deep-{i}\n", encoding="utf-8")
    out["extends_too_deep"] = (
        chain[0],
        [{"file": str(chain[20]), "line": 2, "path": "extends", "contains": "extends chain longer than 20 files"}],
    )
    return out


GENERATED_NAMES = [
    "not_utf8", "utf16", "too_large", "not_found", "folder", "extends_not_utf8", "extends_too_large",
    "extends_long_name", "extends_nul", "extends_too_deep",
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, tuple[Path, list[dict]]]:
    made = _make_generated(tmp_path_factory.mktemp("generated"))
    assert sorted(made) == sorted(GENERATED_NAMES)
    return made


@pytest.mark.parametrize("name", GENERATED_NAMES)
def test_generated_case_in_process(generated, name):
    path, expected = generated[name]
    check_in_process(path, expected, path.parent)


def test_special_file_that_never_ends_is_refused(tmp_path):
    """A device reports size 0 but never ends: only regular files are read, and the line says what it is."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    p = tmp_path / "zero.yaml"
    p.write_text("extends: /dev/zero\nname: zero\n", encoding="utf-8")
    proc = run_cli("validate", str(p), timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert_no_traceback(proc)
    assert problem_lines(proc.stderr) == [f"{p}:1: extends: '/dev/zero': is a device, not a regular file"]


# --------------------------------------------------------------------------- through the real CLI
def test_whole_corpus_through_the_cli(generated):
    """One ``simcenter validate`` over the corpus folder and the generated files: same problems, exit 2."""
    extra = {name: generated[name] for name in GENERATED_NAMES if name != "folder"}  # a folder argument is searched
    rel_cases = CASES.relative_to(REPO)
    proc = run_cli("validate", str(rel_cases), *(str(p) for p, _ in extra.values()))
    assert_no_traceback(proc)
    assert proc.returncode == 2, proc.stderr

    lines = problem_lines(proc.stderr)
    for line in lines:
        assert PROBLEM_RE.match(line), f"not FILE:LINE: path: message: {line!r}"
    problems = []
    for line in lines:
        m = PROBLEM_PARTS_RE.match(line)
        problems.append(Problem(m["file"], int(m["line"]), m["path"], m["message"]))

    n_files = len(EXPECTED) + len(extra)
    n_bad = sum(1 for v in EXPECTED.values() if v) + len(extra)
    assert proc.stderr.splitlines()[-1] == f"{n_bad} of {n_files} file(s) invalid"

    # All problems of all files, in one list: each expected one is there, and nothing else.
    expected = [w for name, wants in EXPECTED.items() for w in _resolve_files(
        [{"file": w.get("file", name), **w} for w in wants], CASES)]
    for _name, (path, wants) in extra.items():
        expected += [{"file": str(path), **w} for w in wants]
    assert_problems([Problem(p.file, p.line, "" if p.path == "(root)" else p.path, p.message) for p in problems],
                    expected, REPO, REPO)

    # Valid files are confirmed on stdout, one line each.
    ok = [line for line in proc.stdout.splitlines() if line.startswith("ok ")]
    assert len(ok) == sum(1 for v in EXPECTED.values() if not v)
    for name in (n for n, v in EXPECTED.items() if not v):
        assert any(str(rel_cases / name) in line for line in ok), (name, proc.stdout)
