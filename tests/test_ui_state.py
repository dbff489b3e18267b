"""Sessions that survive, without a browser: the page's address as a session (``simcenter.ui.state``),
every value of it checked as a control's value is, and a design brought back from a file
(``simcenter.ui.uploads``, ``Workshop.load_design``). The browser tests: tests/test_ui_sessions.py.
"""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("solara", reason="the app's packages (pip install -e '.[app]')")

from simcenter.ui import exports, state, uploads  # noqa: E402
from simcenter.ui.session import Workshop  # noqa: E402

from conftest import BASE  # noqa: E402


@pytest.fixture
def workshop():
    return Workshop(BASE, lang="en")


def series(workshop: Workshop, which: str) -> np.ndarray:
    run = workshop.runs[which]
    return run.model.timeseries[: run.month]


def group_work(w: Workshop) -> Workshop:
    """A foundation with a collegial board, a typed fee, seed 7, B with another structure, month 10."""
    assert w.set_lever("A", "legal_form", "foundation")
    assert w.set_lever("A", "management", "collegial_board")
    assert w.set_lever("A", "mentoring_fee_eur", "35")
    assert w.set_lever("A", "grant_success_factor", 1.3)
    assert w.set_seed("7")
    assert w.set_months_per_step(3)
    assert w.set_compare(True)
    assert w.set_lever("B", "management", "network_hub")
    w.step(4)
    assert w.set_lever("B", "n_mentors", 4)  # changed on the way: replayed from month 0 all the same
    w.step(6)
    assert w.set_language("bg")
    return w


def test_the_address_rebuilds_the_same_session_to_the_last_value(workshop):
    left = group_work(workshop)
    address = state.encode(left)
    again = Workshop(BASE, lang="en")
    assert state.restore(again, address) == []
    assert again.designs == left.designs
    assert (again.seed, again.months_per_step, again.compare, again.lang, again.month) == (7, 3, True, "bg", 10)
    for which in ("A", "B"):
        assert np.array_equal(series(again, which), series(left, which), equal_nan=True)
    assert state.encode(again) == address  # and it writes the same address again


def test_side_by_side_off_keeps_design_b_for_later(workshop):
    group_work(workshop)
    workshop.set_compare(False)
    again = Workshop(BASE, lang="en")
    state.restore(again, state.encode(workshop))
    assert not again.compare and again.designs["B"] == workshop.designs["B"]


@pytest.mark.parametrize("address, note", [
    ("seed=abc", "Seed (random world): expected a number, got text 'abc'"),
    ("seed=-1", "Seed (random world): must be between 0 and 9,223,372,036,854,775,80"),
    ("month=121", "Month on screen: must be between 0 and 120, got 121"),
    ("month=2.5", "Month on screen: expected a whole number, got 2.5"),
    ("step=0", "Months per step: must be between 1 and 12, got 0"),
    ("lang=fr", "Language: choose one of the options offered"),
    ("ab=yes", "Side by side: design A against design B: expected on or off, got text 'yes'"),
    ("a=/etc/passwd&a.n_mentors=4", "Design A, Scenario: choose one of the options offered"),
    ("a.n_mentors=NaN", "Design A, mentors (staff): expected a finite number, got not a number (NaN)"),
    ("a.n_mentors=1e308", "Design A, mentors (staff): must be between 0 and 10, got 1e+308"),
    ("a.legal_form=empire", "Design A, legal form: choose one of the options offered"),
    ("b.upload=not-a-token", "Design B, Scenario: the uploaded file is no longer kept on the server"),
    ("a=plovdiv/base.yaml&a.upload=x", "Design A, Scenario: it names two scenarios"),
    ("zzz=1", "The page's address: not a setting of this app: text 'zzz'"),
    ("seed=3&seed=4", "The page's address: given more than once: text 'seed'"),
    ("x=" + "a" * 5000, "The page's address: it is not an address this app wrote"),
    ("&".join(f"seed={i}" for i in range(100)), "The page's address: it is not an address this app wrote"),
])
def test_a_tampered_address_keeps_the_defaults_and_says_what_was_not_used(workshop, address, note):
    defaults = (workshop.seed, workshop.months_per_step, workshop.compare, workshop.lang, dict(workshop.designs))
    notes = [state.note_text("en", n) for n in state.restore(workshop, address)]
    assert any(line.startswith(note) for line in notes), notes
    assert workshop.refused is None  # the notes say it, not the refusal line of a control
    assert workshop.month == 0
    assert (workshop.seed, workshop.months_per_step, workshop.compare, workshop.lang) == defaults[:4]
    assert workshop.designs["A"] == defaults[4]["A"]


def test_good_values_of_a_tampered_address_are_kept(workshop):
    notes = state.restore(workshop, "seed=5&month=3&a.n_mentors=oops&a.legal_form=cooperative&lang=bg")
    assert [n.refused.what for n in notes] == ["app.lever.n_mentors"]
    assert (workshop.seed, workshop.month, workshop.lang) == (5, 3, "bg")
    assert workshop.designs["A"].levers == {"legal_form": "cooperative"}
    assert state.note_text("bg", notes[0]).startswith("Модел А, ментори (персонал): очаква се число")


@pytest.mark.parametrize("query", [None, 5, "", "?", "&&&", "=", "a", "a.=", "%ff%fe=%00", "month=%0a1",
                                   "lang=en\x00", "seed=" + "9" * 40, "a.upload=" + "x" * 70])
def test_no_address_raises(workshop, query):
    state.restore(workshop, query)
    assert workshop.month in (0, 1)


def test_the_language_of_the_address_is_used_only_if_the_app_speaks_it():
    assert state.address_language("lang=bg&seed=1", "en") == "bg"
    assert state.address_language("lang=xx", "en") == "en"
    assert state.address_language(None, "bg") == "bg"
    assert state.address_language("lang=bg&" * 5000, "en") == "en"


# ----------------------------------------------------------------------------- a design brought back
def test_the_exported_file_loaded_back_is_the_same_design_in_the_same_world(workshop):
    group_work(workshop)
    _, text = exports.scenario_yaml(workshop, "A")
    other = Workshop(BASE, lang="en")
    other.step(5)
    assert other.load_design("B", "mine.yaml", text.encode()) == []
    assert other.compare and other.seed == 7 and other.month == 0  # B turns side by side on
    assert other.choice("B").label == "mine.yaml"
    other.step(10)
    assert np.array_equal(series(other, "B"), series(workshop, "A"), equal_nan=True)
    # The address holds the upload's token, and a new session finds the file under it.
    address = state.encode(other)
    assert "b.upload=" in address
    again = Workshop(BASE, lang="en")
    assert state.restore(again, address) == []
    assert np.array_equal(series(again, "B"), series(workshop, "A"), equal_nan=True)


@pytest.mark.parametrize("data, line", [
    (b"name: x\nhorizon: {years: 100}\n", "2: horizon.years: must be <= 30, got 100"),
    (b"name: [\n", "2: (root): YAML syntax error"),
    (b"\xff\xfe", "1: (root): not UTF-8 text: byte 0xff at column 1"),
    (b"", "1: (root): the file is empty"),
    (b"name: x\nextends: /etc/passwd\n", "2: extends: an uploaded file cannot extend another file"),
    (b"name: x\nextends: ../no/such/file.yaml\n", "2: extends: an uploaded file cannot extend another file"),
    (b"name: x\nextends: plovdiv/base.yaml\n", "2: extends: an uploaded file cannot extend another file"),
    (b"x" * (uploads.MAX_BYTES + 1), "1: (root): file is 1000001 bytes"),
])
def test_a_file_with_problems_says_line_field_message_and_changes_nothing(workshop, data, line):
    workshop.step(2)
    before = (dict(workshop.designs), workshop.seed, workshop.month, state.encode(workshop), len(uploads.STORE))
    lines = workshop.load_design("A", "bad.yaml", data)
    assert any(got.startswith(line) for got in lines), lines
    assert (dict(workshop.designs), workshop.seed, workshop.month, state.encode(workshop), len(uploads.STORE)) == before


def test_every_extends_reads_the_same_so_an_upload_learns_nothing_of_the_servers_files(workshop):
    messages = {tuple(workshop.load_design("A", "x.yaml", f"name: x\nextends: {target}\n".encode()))
                for target in ("/etc/passwd", "/etc/no-such-file", "/etc", "/dev/null", "base.yaml")}
    assert len(messages) == 1


def test_problems_of_a_file_speak_the_sessions_language():
    bg = Workshop(BASE, lang="bg")
    lines = bg.load_design("A", "bad.yaml", b"name: x\nhorizon: {years: 100}\n")
    assert any(line.startswith("2: horizon.years: ") and "100" in line and "must" not in line for line in lines), lines


def test_the_upload_store_is_bounded_forgets_and_answers_only_its_tokens():
    now = [0.0]
    store = uploads.Store(capacity=3, max_age_s=60, clock=lambda: now[0])
    tokens = [store.put(f"{i}.yaml", str(i)) for i in range(4)]
    assert len(set(tokens)) == 4 and all(len(t) >= 20 for t in tokens)
    assert store.get(tokens[0]) is None and len(store) == 3  # the least recently used went first
    assert store.get(tokens[1]).text == "1"
    now[0] = 61
    assert store.get(tokens[3]) is None and len(store) == 0  # forgotten after max_age_s
    for bad in (None, 5, [], "", "x" * 1000, tokens[3].upper()):
        assert store.get(bad) is None
