"""Unit tests of the loader: extends merging and locations, --set, file discovery, i18n, the catalogue."""

from __future__ import annotations

import string
import textwrap
from pathlib import Path

import pytest

import simcenter
from simcenter import i18n
from simcenter.config.catalogue import builtin_catalogue
from simcenter.config.loader import apply_overrides, find_scenario_files, load_scenario, load_tree
from simcenter.config.problems import locate
from simcenter.config.yamlsource import MAX_DEPTH, load_mapping_text, parse_value
from simcenter.errors import InputError, InputWarning, Problem, format_path
from support import BASE, PLOVDIV, english, same_file


@pytest.fixture(scope="module", autouse=True)
def _english():
    with english():
        yield


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    """1-based number of the only line of ``path`` containing ``needle``."""
    hits = [i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert len(hits) == 1, (needle, hits)
    return hits[0]


MINIMAL = """
    name: minimal
    horizon:
      years: 3
    region:
      name: Somewhere
      n_potential: 100
    center:
      legal_form: association
      management: executive_director
      staff:
        n_mentors: 2
        n_coordinators: 1
        n_max: 6
      services:
        events:
          onsite_per_month: 1
          online_per_month: 2
    plan:
      - {month: 0, action: start_service, service: mentorship}
      - {month: 1, action: hire, role: mentor}
      - {month: 2, action: hire, role: coordinator}
"""


# --------------------------------------------------------------------------- extends
@pytest.fixture
def base(tmp_path) -> Path:
    return write(tmp_path / "base.yaml", MINIMAL)


def test_child_overriding_one_nested_key_keeps_its_siblings(tmp_path, base):
    child = write(tmp_path / "sub" / "child.yaml", """
        extends: ../base.yaml
        name: child
        center:
          staff:
            n_mentors: 4
    """)
    data, locs = load_tree(child)
    assert data["center"]["staff"] == {"n_mentors": 4, "n_coordinators": 1, "n_max": 6}
    assert data["center"]["legal_form"] == "association"
    assert data["center"]["services"]["events"] == {"onsite_per_month": 1, "online_per_month": 2}
    assert data["horizon"] == {"years": 3} and data["name"] == "child"
    assert "extends" not in data and ("extends",) not in locs

    # Overridden values are located in the child, inherited ones in the base.
    assert same_file(locs[("center", "staff", "n_mentors")][0], child)
    assert locs[("center", "staff", "n_mentors")][1] == 5
    assert locs[("name",)] == (str(child), 2)
    for path, needle in [(("center", "staff", "n_coordinators"), "n_coordinators"),
                         (("center", "staff", "n_max"), "n_max"),
                         (("horizon", "years"), "years"),
                         (("center", "services", "events", "online_per_month"), "online_per_month")]:
        file, line = locs[path]
        assert same_file(file, base), path
        assert line == line_of(base, needle), path

    sc = load_scenario(child)
    assert sc.center.staff.n_mentors == 4 and sc.center.staff.n_max == 6 and sc.name == "child"


def test_errors_point_into_the_file_that_holds_the_value(tmp_path, base):
    child = write(tmp_path / "child.yaml", """
        extends: base.yaml
        name: child
        center:
          staff:
            n_mentors: many
            n_max: 2
    """)
    with pytest.raises(InputError) as info:
        load_scenario(child)
    got = {(Path(p.file).resolve(), p.line, p.path) for p in info.value.problems}
    assert (child.resolve(), 5, "center.staff.n_mentors") in got
    assert len(info.value.problems) == 1, info.value.problems  # n_max only checked once n_mentors is a number

    child.write_text(child.read_text().replace("many", "6"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(child)
    (p,) = info.value.problems
    assert same_file(p.file, child) and p.line == 4 and p.path == "center.staff"
    assert "exceeds n_max (2)" in p.message


def test_lists_are_replaced_whole_and_stale_locations_dropped(tmp_path, base):
    child = write(tmp_path / "child.yaml", """
        extends: base.yaml
        name: child
        plan:
          - {month: 5, action: hire, role: mentor}
        center:
          services: {}
          staff: 3
    """)
    data, locs = load_tree(child)
    assert data["plan"] == [{"month": 5, "action": "hire", "role": "mentor"}]
    assert not [p for p in locs if p[:1] == ("plan",) and len(p) > 1 and p[1] != 0]
    assert locs[("plan", 0, "month")] == (str(child), 4)
    assert data["center"]["services"] == {"events": {"onsite_per_month": 1, "online_per_month": 2}}  # {} merges
    assert data["center"]["staff"] == 3
    assert not [p for p in locs if p[:3] == ("center", "staff", "n_mentors")]  # replaced by a scalar
    assert locs[("center", "staff")] == (str(child), 7)


def test_error_inherited_from_a_partial_base_names_the_base_line(tmp_path):
    """A mistake that lives in the base (here: a plan naming a funder nobody defines) is reported there."""
    partial = write(tmp_path / "common" / "_plan.yaml", """
        # Shared plan; not a scenario on its own.
        plan:
          - {month: 0, action: start_service, service: mentorship}
          - {month: 3, action: apply, funder: eu_call}
    """)
    child = write(tmp_path / "design.yaml", """
        extends: common/_plan.yaml
        name: design
        horizon: {years: 3}
        region: {name: Somewhere, n_potential: 100}
        center: {legal_form: association, management: executive_director}
    """)
    with pytest.raises(InputError) as info:
        load_scenario(child)
    (p,) = info.value.problems
    assert same_file(p.file, partial) and p.line == 4 and p.path == "plan[1].funder", p
    assert "unknown funder 'eu_call'" in p.message


def test_null_removes_an_inherited_funder_and_the_base_plan_is_blamed_at_its_line(tmp_path):
    """``funder: null`` in a child removes the base's funder; the base's plan that applies to it is then
    wrong, and the problem names the base file and the line of that plan action."""
    data, locs = load_tree(BASE)
    i, action = next((i, a) for i, a in enumerate(data["plan"]) if a["action"] == "apply")
    child = write(tmp_path / "no-funder.yaml", f"""
        extends: {BASE}
        name: no-funder
        funding:
          funders:
            {action["funder"]}:
    """)
    merged, merged_locs = load_tree(child)
    assert action["funder"] not in merged["funding"]["funders"]
    assert merged_locs[("funding", "funders", action["funder"])] == (str(child), 5)
    with pytest.raises(InputError) as info:
        load_scenario(child)
    want = (locs[("plan", i, "funder")][1], f"plan[{i}].funder")
    hits = [p for p in info.value.problems if (p.line, p.path) == want and same_file(p.file, BASE)]
    assert hits and f"unknown funder '{action['funder']}'" in hits[0].message, info.value.problems


def test_horizon_shortened_by_a_child_drops_later_base_actions_but_not_set_months(tmp_path):
    """A child (or --set) may shorten the horizon: the base's later actions never happen, and a warning
    at the horizon's line says so. A month given on the command line together with the horizon is
    still checked (and an out-of-range one refused)."""
    child = write(tmp_path / "short.yaml", f"""
        extends: {BASE}
        name: short
        horizon:
          years: 1
    """)
    with pytest.warns(InputWarning) as caught:
        sc = load_scenario(child)
    assert all(a.month < 12 for a in sc.plan) and len(sc.plan) < len(load_scenario(BASE).plan)
    (warned,) = [w.message.problem for w in caught]
    assert (warned.file, warned.line, warned.path) == (str(child), 4, "horizon.years")
    assert "ends before 1 plan action(s)" in warned.message and "left out" in warned.message
    with pytest.raises(InputError) as info, pytest.warns(InputWarning):
        load_scenario(BASE, ["horizon.years=1", "plan.0.month=500"])
    assert {(p.file, p.line, p.path) for p in info.value.problems} == {("--set", 2, "plan[0].month")}
    assert any("must be <= 359, got 500" in p.message for p in info.value.problems)


def test_shipped_children_inherit_locations_from_base():
    child = PLOVDIV / "foundation-board.yaml"
    data, locs = load_tree(child)
    assert data["center"]["legal_form"] == "foundation"
    assert same_file(locs[("center", "legal_form")][0], child)
    assert locs[("center", "legal_form")][1] == line_of(child, "legal_form:")
    assert same_file(locs[("center", "staff", "n_mentors")][0], BASE)
    assert locs[("center", "staff", "n_mentors")][1] == line_of(BASE, "n_mentors:")


def test_extends_chain_limit_and_cycle(tmp_path):
    for i in range(3):
        write(tmp_path / f"c{i}.yaml", f"extends: c{(i + 1) % 3}.yaml\nname: c{i}\n")
    with pytest.raises(InputError) as info:
        load_tree(tmp_path / "c0.yaml")
    (p,) = info.value.problems
    assert p.path == "extends" and p.line == 1
    assert "circular extends: c0.yaml -> c1.yaml -> c2.yaml -> c0.yaml" in p.message
    assert same_file(p.file, tmp_path / "c2.yaml")


# --------------------------------------------------------------------------- --set
def test_set_nested_keys_and_list_indices(tmp_path, base):
    data, locs = load_tree(base)
    new, new_locs = apply_overrides(data, locs, [
        "center.staff.n_mentors=4",
        "plan.1.month=2",
        "plan.0.service=events",
        "center.services.events.online_per_month=0.5",
        "partners.rotary.type=ngo",
        "description=",
        "horizon.start='2028-03'",
    ])
    assert new["center"]["staff"]["n_mentors"] == 4
    assert new["plan"][1]["month"] == 2 and new["plan"][0]["service"] == "events"
    assert new["center"]["services"]["events"]["online_per_month"] == 0.5
    assert new["partners"] == {"rotary": {"type": "ngo"}}
    assert new["description"] == "" and new["horizon"]["start"] == "2028-03"
    assert data["center"]["staff"]["n_mentors"] == 2, "the input must not be modified"
    assert new_locs[("center", "staff", "n_mentors")] == ("--set", 1)
    assert new_locs[("plan", 1, "month")] == ("--set", 2)
    assert new_locs[("partners", "rotary", "type")] == ("--set", 5)
    assert new_locs[("center", "staff", "n_max")] == locs[("center", "staff", "n_max")]  # siblings keep theirs

    sc = load_scenario(base, ["center.staff.n_mentors=4", "plan.1.month=2", "partners.rotary.type=ngo"])
    assert sc.center.staff.n_mentors == 4 and sc.plan[1].month == 2 and sc.partners["rotary"].type == "ngo"


def test_set_values_are_read_as_yaml():
    assert parse_value("3", "--set", "x") == 3
    assert parse_value("0.5", "--set", "x") == 0.5
    assert parse_value("true", "--set", "x") is True
    assert parse_value("[1, 2]", "--set", "x") == [1, 2]
    assert parse_value("'3'", "--set", "x") == "3"
    assert parse_value("[unclosed", "--set", "x") == "[unclosed"  # not YAML: the text as typed
    with pytest.raises(InputError) as info:
        parse_value("&a [*a]", "--set", "x")
    assert info.value.problems[0].path == "x"


@pytest.mark.parametrize(
    "item, path, message",
    [
        ("plan.7.month=1", "plan.7.month", "'plan[7]' is a value, not a section"),
        ("name.x=1", "name.x", "'name' is a value, not a section"),
        ("center..staff=1", "center..staff", "expected --set dotted.key=value"),
        ("center.staff.n_mentors", "center.staff.n_mentors", "expected --set dotted.key=value"),
        ("plan.0.month=500", "plan[0].month", "must be <= 359, got 500"),
    ],
)
def test_bad_set_items(base, item, path, message):
    with pytest.raises(InputError) as info:
        load_scenario(base, ["horizon.years=2", item])
    hits = [p for p in info.value.problems if p.path == path]
    assert hits, info.value.problems
    assert all(p.file == "--set" and p.line == 2 for p in hits)
    assert any(message in p.message for p in hits), hits


# --------------------------------------------------------------------------- files
def test_find_scenario_files(tmp_path):
    for rel in ["b.yaml", "a.yml", "sub/c.yaml", "sub/deeper/d.yaml", "notes.txt", "sub/e.YAML.bak"]:
        write(tmp_path / rel, "name: x\n")
    (tmp_path / "folder.yaml").mkdir()  # a folder that looks like a file is not a scenario
    single = write(tmp_path / "other" / "z.yaml", "name: z\n")
    missing = tmp_path / "missing.yaml"
    got = find_scenario_files([tmp_path / "sub", single, missing, str(tmp_path)])
    rel = [str(p.relative_to(tmp_path)) for p in got]
    assert rel == [
        "sub/c.yaml", "sub/deeper/d.yaml",          # the first folder, sorted
        "other/z.yaml", "missing.yaml",             # files as given (a missing one is reported later)
        "a.yml", "b.yaml", "other/z.yaml", "sub/c.yaml", "sub/deeper/d.yaml",
    ]


def test_locate_falls_back_to_the_nearest_ancestor():
    locs = {(): ("f.yaml", 1), ("center",): ("f.yaml", 4), ("center", "staff"): ("f.yaml", 6)}
    assert locate(("center", "staff", "n_max"), locs) == ("f.yaml", 6)
    assert locate(("region", "name"), locs) == ("f.yaml", 1)


def test_yaml_locations_and_limits():
    data, locs = load_mapping_text("a:\n  b: [1, 2]\n  c:\n    - x: 1\n", "t.yaml")
    assert data == {"a": {"b": [1, 2], "c": [{"x": 1}]}}
    assert locs[("a", "c", 0, "x")] == ("t.yaml", 4) and locs[("a", "b", 1)] == ("t.yaml", 2)
    deep = "a: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n"
    with pytest.raises(InputError) as info:
        load_mapping_text(deep, "deep.yaml")
    assert info.value.problems[0].line == 1 and "nested more than" in info.value.problems[0].message
    load_mapping_text("a: " + "[" * (MAX_DEPTH - 2) + "]" * (MAX_DEPTH - 2) + "\n", "ok.yaml")


def test_problem_format_and_sorting():
    assert str(Problem("f.yaml", 3, "", "m")) == "f.yaml:3: (root): m"
    assert format_path(("plan", 2, "month")) == "plan[2].month"
    assert format_path((0, "a")) == "[0].a"
    err = InputError([Problem("b", 2, "x", "m"), Problem("a", 9, "y", "m"), Problem("b", 2, "x", "m")])
    assert [str(p) for p in err.problems] == ["a:9: y: m", "b:2: x: m"]
    assert str(err) == "a:9: y: m\nb:2: x: m"


def test_scenario_from_dict_reports_dict_locations():
    with pytest.raises(InputError) as info:
        simcenter.scenario_from_dict({"name": "x"}, name="<app>")
    assert {p.path for p in info.value.problems} == {"horizon", "region", "center"}
    assert all(p.file == "<app>" and p.line == 1 for p in info.value.problems)


# --------------------------------------------------------------------------- i18n
def _placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_every_message_is_translated_with_the_same_placeholders():
    en, bg = i18n.strings("en"), i18n.strings("bg")
    assert sorted(set(bg) - set(en)) == [], "keys in bg.yaml that en.yaml lacks"
    assert sorted(set(en) - set(bg)) == [], "keys in en.yaml without a Bulgarian translation"
    wrong = {k: (_placeholders(en[k]), _placeholders(bg[k]))
             for k in en if k in bg and _placeholders(en[k]) != _placeholders(bg[k])}
    assert wrong == {}
    for key, text in bg.items():
        assert text.strip(), key


def test_missing_translation_falls_back_to_english(monkeypatch):
    real = i18n.strings

    def fake(lang):
        table = dict(real(lang))
        if lang == "bg":
            table.pop("file.not_found")
        return table

    monkeypatch.setattr(i18n, "strings", fake)
    try:
        i18n.set_language("bg")
        assert i18n.t("file.not_found") == real("en")["file.not_found"]
        assert i18n.t("file.is_dir") == real("bg")["file.is_dir"]
        with pytest.raises(KeyError):
            i18n.t("no.such.message")
    finally:
        i18n.set_language(None)


def test_language_from_environment(monkeypatch):
    i18n.set_language(None)
    monkeypatch.setenv("SIMCENTER_LANG", "bg_BG.UTF-8")
    assert i18n.language() == "bg"
    monkeypatch.setenv("SIMCENTER_LANG", "fr")
    assert i18n.language() == "en"
    with pytest.raises(ValueError):
        i18n.set_language("fr")


# --------------------------------------------------------------------------- catalogue
def test_builtin_catalogue_has_the_required_entries():
    cat = builtin_catalogue()
    assert {"association", "foundation", "cooperative", "limited_company", "municipal_enterprise",
            "university_unit", "partnership"} <= set(cat.legal_forms)
    assert {"executive_director", "collegial_board", "multi_stakeholder_board", "lead_partner",
            "network_hub"} <= set(cat.management_structures)
    for entry in [*cat.legal_forms.values(), *cat.management_structures.values()]:
        assert entry.label and entry.label_bg and entry.summary


# --------------------------------------------------------------------------- the plan's sets, in order
def test_plan_sets_are_checked_with_the_centre_the_earlier_ones_leave(tmp_path, base):
    """Two sets valid alone (a cap of 3, then 4 mentors) break the staff cap together: the later one
    in time is refused at its line, whichever order the file lists them in; the same values the
    other way round (4 mentors under a cap of 6, then a cap of 8) are accepted."""
    bad = write(tmp_path / "bad.yaml", """
        extends: base.yaml
        plan:
          - {month: 2, action: set, field: staff.n_mentors, value: 4}
          - {month: 1, action: set, field: staff.n_max, value: 3}
    """)
    with pytest.raises(InputError) as err:
        load_scenario(bad)
    (problem,) = err.value.problems
    assert (problem.line, problem.path) == (line_of(bad, "n_mentors"), "plan[0].value")
    assert "exceeds n_max (3)" in problem.message
    good = write(tmp_path / "good.yaml", """
        extends: base.yaml
        plan:
          - {month: 1, action: set, field: staff.n_mentors, value: 4}
          - {month: 2, action: set, field: staff.n_max, value: 8}
    """)
    scenario = load_scenario(good)
    assert [a.value for a in scenario.plan] == [4, 8]


def test_a_plan_set_refused_at_load_leaves_the_centre_for_the_next_ones(tmp_path, base):
    """A refused set does not count for the sets after it: only the refused one is reported."""
    bad = write(tmp_path / "bad.yaml", """
        extends: base.yaml
        plan:
          - {month: 1, action: set, field: staff.n_max, value: -1}
          - {month: 2, action: set, field: staff.n_mentors, value: 3}
    """)
    with pytest.raises(InputError) as err:
        load_scenario(bad)
    assert [p.path for p in err.value.problems] == ["plan[0].value"]
