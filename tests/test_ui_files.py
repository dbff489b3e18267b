"""The app reads only what it offers: scenario choices by id, and a reader that opens nothing else.

What these tests protect: a browser that names a file (``/etc/passwd``, a named pipe, the
terminal) gets a plain refusal with no path and no content; the reader never opens a pipe, a
device, a folder or a file outside the allowed folders, not even when a file is swapped
between its check and its open; nothing waits. Every call that a regression could make hang
runs with a deadline (``ui_support.within``).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")

from simcenter.errors import InputError  # noqa: E402
from simcenter.ui import files  # noqa: E402
from simcenter.ui.session import Workshop  # noqa: E402
from simcenter.ui.text import refusal  # noqa: E402

from conftest import BASE  # noqa: E402
from ui_support import DEADLINE_SECONDS, fifo, within  # noqa: E402

SECRET = "root:x:0:0"
"""The first line of a system password file: never on a page, never in a message."""


@pytest.fixture
def room(tmp_path, monkeypatch):
    """A serving folder with ``scenarios/`` (one good file, one that extends it) and a file outside it."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "mine.yaml").write_text(f"extends: {BASE}\nname: mine\n", encoding="utf-8")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"{SECRET}:root:/root:/bin/bash\n", encoding="utf-8")
    return tmp_path


def read(path, folders=None) -> str:
    """``files.read_allowed`` with the serving folder's allowed folders, under a deadline."""
    return within(DEADLINE_SECONDS, files.read_allowed, path, folders or files.allowed_folders())


def refused_message(path, folders=None) -> str:
    with pytest.raises(InputError) as caught:
        read(path, folders)
    message = str(caught.value)
    assert SECRET not in message
    return message


# ----------------------------------------------------------------------------- the reader
def test_a_regular_file_in_an_allowed_folder_is_read(room):
    assert read(room / "scenarios" / "mine.yaml").startswith("extends:")
    assert read(BASE).startswith("#")  # the shipped designs


def test_a_named_pipe_is_refused_without_waiting(room):
    with fifo(room / "scenarios" / "pipe.yaml") as pipe:
        assert "not a regular file" in refused_message(pipe)


def test_a_pipe_swapped_in_after_the_check_is_found_out_on_the_open_file(room, monkeypatch):
    # As if the file had been a regular file when checked and a pipe when opened: the open does
    # not wait for a writer (O_NONBLOCK) and the open file is checked again (fstat).
    from simcenter.config import yamlsource

    monkeypatch.setattr(yamlsource, "regular_file_problem", lambda path: None)
    with fifo(room / "scenarios" / "race.yaml") as pipe:
        assert "not a regular file" in refused_message(pipe)


def test_a_device_is_refused_even_in_an_allowed_folder():
    assert "not a regular file" in refused_message("/dev/zero", (Path("/dev"),))
    assert "not a regular file" in refused_message("/dev/null", (Path("/dev"),))


def test_a_folder_is_refused(room):
    (room / "scenarios" / "sub.yaml").mkdir()
    assert "is a folder" in refused_message(room / "scenarios" / "sub.yaml")


def test_a_symlink_out_of_the_allowed_folders_is_refused_unread(room):
    link = room / "scenarios" / "innocent.yaml"
    link.symlink_to(room / "elsewhere" / "secret.yaml")
    assert "outside" in refused_message(link)
    (room / "scenarios" / "passwd.yaml").symlink_to("/etc/passwd")
    assert "outside" in refused_message(room / "scenarios" / "passwd.yaml")
    inside = room / "scenarios" / "alias.yaml"  # a symlink that stays inside is an ordinary file
    inside.symlink_to(room / "scenarios" / "mine.yaml")
    assert read(inside).startswith("extends:")


def test_system_files_and_files_elsewhere_are_refused_unread(room):
    assert "outside" in refused_message("/etc/passwd")
    assert "outside" in refused_message(room / "elsewhere" / "secret.yaml")
    assert "outside" in refused_message(room / "scenarios" / ".." / "elsewhere" / "secret.yaml")
    assert "outside" in refused_message("/dev/stdin")


def test_a_file_that_extends_one_outside_the_allowed_folders_shows_the_problem(room):
    bad = room / "scenarios" / "bad.yaml"
    bad.write_text("extends: ../elsewhere/secret.yaml\nname: bad\n", encoding="utf-8")
    ws = within(DEADLINE_SECONDS, Workshop, bad, lang="en")
    assert ws.runs["A"] is None
    assert len(ws.problems["A"]) == 1 and "outside" in ws.problems["A"][0]
    assert SECRET not in ws.problems["A"][0]


def test_names_a_system_cannot_take_are_a_problem_not_an_exception(room):
    assert "cannot read" in refused_message("scenarios/nul\0.yaml")
    assert "cannot read" in refused_message("scenarios/" + "x" * 5000 + ".yaml")


# ----------------------------------------------------------------------------- what is offered
def test_only_regular_files_inside_the_scenario_folders_are_offered(room):
    scenarios = room / "scenarios"
    with fifo(scenarios / "pipe.yaml"):
        (scenarios / "out.yaml").symlink_to(room / "elsewhere" / "secret.yaml")
        (scenarios / "dir.yaml").mkdir()
        (scenarios / "_partial.yaml").write_text("name: partial\n", encoding="utf-8")
        offered = within(DEADLINE_SECONDS, files.scenario_choices)
    assert "mine.yaml" in offered and "plovdiv/base.yaml" in offered
    assert not {"pipe.yaml", "out.yaml", "dir.yaml", "_partial.yaml"} & set(offered)
    for choice in offered.values():  # ids are names below scenarios/, labels display names: never a path
        assert not choice.id.startswith(("/", ".")) and str(room) not in choice.id + choice.label
        assert "/" not in choice.label.replace(choice.id, "")


def test_two_files_with_one_label_get_two_ids(room, monkeypatch):
    copy = room / "scenarios" / "plovdiv"
    copy.mkdir()
    (copy / "base.yaml").write_text(BASE.read_text(encoding="utf-8"), encoding="utf-8")
    offered = files.scenario_choices()
    assert offered["plovdiv/base.yaml"].path == BASE.resolve()
    assert offered["plovdiv/base.yaml (2)"].path == (copy / "base.yaml").resolve()


@pytest.mark.parametrize("sent", ["/etc/passwd", "../../etc/passwd", str(BASE), "plovdiv/missing.yaml",
                                  "PIPE", None, ["plovdiv/base.yaml"], {"id": "plovdiv/base.yaml"}, 3, float("nan")])
def test_a_scenario_not_offered_is_refused_in_plain_words(room, sent):
    ws = Workshop(BASE, lang="en")
    design = ws.designs["A"]
    with fifo(room / "pipe.yaml") as pipe:
        sent = str(pipe) if sent == "PIPE" else sent
        assert within(DEADLINE_SECONDS, ws.set_scenario, "A", sent) is False
    assert ws.designs["A"] == design and ws.runs["A"] is not None and ws.problems == {}
    # No path, no content, no word on whether such a file exists: the same line for everything.
    assert refusal("en", ws.refused) == "Not accepted — Scenario: choose one of the options offered"
    assert refusal("bg", ws.refused) == "Не е прието — Сценарий: изберете една от предложените възможности"


def test_the_scenario_the_server_started_with_is_offered_with_its_folder(tmp_path):
    given = tmp_path / "given.yaml"
    given.write_text(f"extends: {BASE}\nname: given\n", encoding="utf-8")
    (tmp_path / "sibling.yaml").write_text("name: sibling\n", encoding="utf-8")
    ws = Workshop(given, lang="en")
    assert ws.problems == {} and ws.choice("A").id == "given.yaml"
    assert "given.yaml" in ws.choices() and "sibling.yaml" not in ws.choices()  # its folder is read, not listed
    assert ws.set_scenario("A", "plovdiv/cooperative.yaml") and ws.set_scenario("A", "given.yaml")


# ----------------------------------------------------------------------------- no group waits for another
def test_a_pipe_given_as_the_scenario_blocks_no_session(tmp_path):
    # Before: a session reading a pipe held the process-wide lock of its language, and every
    # new browser tab then waited for it forever.
    with fifo(tmp_path / "stuck.yaml") as pipe:
        first = threading.Thread(target=Workshop, args=(pipe,), kwargs={"lang": "bg"}, daemon=True)
        first.start()
        first.join(1.0)
        second = within(DEADLINE_SECONDS, Workshop, BASE, lang="en")
        assert second.runs["A"] is not None
        first.join(DEADLINE_SECONDS)
        assert not first.is_alive(), "a session reading a pipe is stuck"
