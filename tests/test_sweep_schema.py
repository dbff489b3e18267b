"""The models of an experiment file (simcenter/sweep/schema.py) and how the loader reads them.

What these protect: values and bounds keep the types the file gives (the experiment's hash, which
guards a resumable results folder, is computed from them); a problem's path is where the file
puts the key, never one of pydantic's union tags; a bad parameter or analysis key is left out and
the rest still checked, while a bad design key leaves the whole design out (its keys depend on
each other: half a design would report problems the file does not have).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simcenter.sweep.loader import read_shape
from simcenter.sweep.reading import Report
from simcenter.sweep.schema import Analysis, Design, ExperimentFile, Files, Range, Values, markdown
from support import english

from conftest import ROOT


def _shape(data: dict):
    report = Report(Path("x.yaml"), "x.yaml", {(): ("x.yaml", 1)})
    with english():
        return read_shape(data, report), report.problems


@pytest.mark.parametrize("path", sorted((ROOT / "experiments").glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_experiment_has_the_declared_shape(path):
    ExperimentFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def test_values_and_bounds_keep_the_types_the_file_gives():
    spec = ExperimentFile.model_validate({"scenarios": "b.yaml", "levers": {"x": [1, 1.0, True, "1"]},
                                          "uncertainties": {"y": {"range": [0, 40000]}, "z": {"range": [0.5, 2]}}})
    assert [type(v) for v in spec.levers["x"].values] == [int, float, bool, str]
    assert [type(v) for v in spec.uncertainties["y"].range] == [int, int]
    assert [type(v) for v in spec.uncertainties["z"].range] == [float, int]


def test_shorthands_read_as_their_long_forms():
    spec = ExperimentFile.model_validate({"scenarios": "b.yaml", "levers": {"x": ["a", "b"], "p": {"files": "f.yaml"}},
                                          "uncertainties": {"y": {"range": "declared"}}, "timeseries": True,
                                          "analysis": {"outcomes": "cash_eur", "failure": "closed == 1"}})
    assert spec.scenarios == ["b.yaml"]
    assert isinstance(spec.levers["x"], Values) and spec.levers["x"].values == ["a", "b"]
    assert isinstance(spec.levers["p"], Files) and spec.levers["p"].files == ["f.yaml"]
    assert isinstance(spec.uncertainties["y"], Range) and spec.uncertainties["y"].range == "declared"
    assert spec.outcomes == "all" and spec.timeseries == "all"
    assert spec.analysis == Analysis(outcomes=["cash_eur"], failure=["closed == 1"])


def test_problems_are_placed_where_the_file_puts_the_key():
    spec, problems = _shape({"scenarios": "b.yaml", "levers": {
        "a": ["x", {"k": 1}], "b": {"values": []}, "c": {"range": [1, "x"]}, "d": {"files": 3},
        "e": {"range": [2, 1]}, "f": {"range": [0, 1], "distribution": "normal", "sd": -1, "nmae": "n"}}})
    assert sorted(p.path for p in problems) == [
        "levers.a[1]", "levers.b.values", "levers.c.range[1]", "levers.d.files", "levers.e.range",
        "levers.f.nmae", "levers.f.sd"]
    assert spec is not None and spec.levers == {}


def test_a_bad_parameter_or_analysis_key_is_left_out_and_the_rest_kept():
    spec, problems = _shape({"scenarios": "b.yaml", "levers": {"good": [1, 2], "bad": {"values": [1], "levels": 2}},
                             "analysis": {"outcomes": ["cash_eur"], "failure": 3}, "seed": "one"})
    assert sorted(p.path for p in problems) == ["analysis.failure", "levers.bad.levels", "seed"]
    assert list(spec.levers) == ["good"]
    assert spec.analysis == Analysis(outcomes=["cash_eur"]) and spec.seed == 1


def test_a_bad_design_key_leaves_the_whole_design_out():
    spec, problems = _shape({"scenarios": "b.yaml", "design": {"method": "latin_hypercube", "samples": 0}})
    assert [p.path for p in problems] == ["design.samples"]
    assert spec.design is None  # not a Latin hypercube without samples, which would be reported too


def test_without_usable_base_scenarios_there_is_no_experiment():
    spec, problems = _shape({"scenarios": [3], "levers": {"x": [1]}})
    assert spec is None and [p.path for p in problems] == ["scenarios"]


def test_the_reference_documents_every_model_and_field():
    text = markdown()
    for model in (ExperimentFile, Values, Range, Files, Design, Analysis):
        assert f"## {model.__name__}\n" in text
        for name in model.model_fields:
            assert f"| `{name}` |" in text.split(f"## {model.__name__}\n")[1].split("\n## ")[0], (model, name)
