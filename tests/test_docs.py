"""The documentation matches the code it describes."""

from __future__ import annotations

from simcenter.config.reference import markdown

from conftest import ROOT


def test_schema_reference_is_up_to_date():
    """docs/schema.md is generated; regenerate with `simcenter schema > docs/schema.md`."""
    assert (ROOT / "docs" / "schema.md").read_text(encoding="utf-8") == markdown()


def test_experiment_file_reference_is_up_to_date():
    """docs/experiment-schema.md is generated: `simcenter schema --experiment > docs/experiment-schema.md`."""
    from simcenter.sweep.schema import markdown as experiment_markdown

    assert (ROOT / "docs" / "experiment-schema.md").read_text(encoding="utf-8") == experiment_markdown()


def test_schema_command_prints_either_reference():
    from support import run_cli

    proc = run_cli("schema", "--experiment")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (ROOT / "docs" / "experiment-schema.md").read_text(encoding="utf-8")
    assert run_cli("schema").stdout == (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")


def test_readme_quick_start_has_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


def test_ci_runs_make_test_and_nothing_else():
    lines = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    commands = [ln for ln in lines if ln and not ln.startswith("#") and not ln.startswith("set ") and not ln.startswith("cd ")]
    assert commands == ["make test"]


def test_every_behaviour_default_names_a_source():
    from simcenter.config.schema import Behaviour

    for name, info in Behaviour.model_fields.items():
        source = (info.json_schema_extra or {}).get("source", "")
        assert source.strip(), name


def test_calibration_table_is_up_to_date(monkeypatch):
    """docs/calibration.md is generated: `simcenter calibration scenarios/plovdiv/base.yaml > docs/calibration.md`."""
    from simcenter.config.calibration import markdown

    monkeypatch.chdir(ROOT)
    expected = markdown("scenarios/plovdiv/base.yaml")
    assert (ROOT / "docs" / "calibration.md").read_text(encoding="utf-8") == expected


def test_catalogue_document_is_generated_from_the_data(monkeypatch):
    """docs/catalogue.md is generated: `simcenter catalog --format markdown --scenario scenarios/plovdiv/base.yaml`.
    It shows every form's fields with their sources, its pros and cons in both languages and its legal basis."""
    import simcenter

    monkeypatch.chdir(ROOT)
    scenario = simcenter.load_scenario("scenarios/plovdiv/base.yaml")
    text = (ROOT / "docs" / "catalogue.md").read_text(encoding="utf-8")
    assert text == simcenter.catalogue_markdown(scenario.catalogue, scenario)
    for key, form in scenario.catalogue.legal_forms.items():
        assert f"(`{key}`)" in text and form.label_bg in text and all(p in text for p in form.pros_bg)
        assert all(f"| `{name}` |" in text for name in form.sources if name not in form.DESCRIPTIVE)
    assert "Which calls admit which form" in text


def test_every_built_in_entry_has_its_texts_in_bulgarian_and_a_legal_basis():
    from simcenter.config.catalogue import builtin_catalogue

    cat = builtin_catalogue()
    entries = [*cat.legal_forms.values(), *cat.management_structures.values(), cat.social_enterprise_status]
    for entry in entries:
        assert entry.label_bg and entry.summary_bg, entry.label
        assert len(entry.pros_bg) == len(entry.pros) > 0 and len(entry.cons_bg) == len(entry.cons) > 0, entry.label
    for form in cat.legal_forms.values():
        assert form.legal_basis, form.label  # every legal form cites the law behind its texts
        assert all(c.status == "unverified" or c.url for c in form.legal_basis), form.label  # verified: read at a link


def test_every_catalogue_source_names_an_article_a_link_or_says_what_it_is():
    """Issue 18: each field's source cites an article or a link, or says 'unverified', 'assumption' (with its
    range) or 'not applicable'; never only a document that restates it."""
    from simcenter.config.catalogue import builtin_catalogue

    cat = builtin_catalogue()
    words = ("art.", "http", "unverified", "assumption", "not applicable", "provan")
    bare = [f"{entry.label}: {field}" for entry in [*cat.legal_forms.values(), *cat.management_structures.values(),
                                                     cat.social_enterprise_status]
            for field, source in entry.sources.items() if not any(w in source.lower() for w in words)]
    assert not bare, bare
    ranged = [f"{entry.label}: {field}" for entry in [*cat.legal_forms.values(), *cat.management_structures.values()]
              for field, source in entry.sources.items()
              if type(getattr(entry, field)) in (int, float) and source.lower().startswith("assumption")
              and "range" not in source.lower() and "fixed" not in source.lower()]
    assert not ranged, ranged


def test_calibration_reads_sources_from_scenario_comments(tmp_path):
    from simcenter.config.calibration import rows

    path = tmp_path / "s.yaml"
    path.write_text((ROOT / "scenarios" / "plovdiv" / "base.yaml").read_text(encoding="utf-8")
                    .replace("n_potential: 2000 ", "n_potential: 1234 # my survey, 2026 #"), encoding="utf-8")
    by_name = {r["parameter"]: r for r in rows(path)}
    assert by_name["region.n_potential"]["value"] == 1234
    assert by_name["region.n_potential"]["source"].startswith("my survey, 2026")
    assert by_name["behaviour.p_close_monthly_first_year"]["range"]  # declared ranges shown


def test_model_parameter_tables_are_generated_from_the_declarations():
    """docs/model.md section 8 is generated: `python -m simcenter.config.reference docs/model.md`."""
    from simcenter.config.reference import MODEL_DOC_END, MODEL_DOC_START, parameter_tables

    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    block = text[text.index(MODEL_DOC_START) + len(MODEL_DOC_START):text.index(MODEL_DOC_END)]
    assert block == "\n" + parameter_tables()


def test_every_behaviour_parameter_has_a_unit():
    from simcenter.config.behaviour import Behaviour

    missing = [name for name, info in Behaviour.model_fields.items() if not (info.json_schema_extra or {}).get("unit")]
    assert missing == []
