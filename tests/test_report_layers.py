"""A saved report whose finding names a layer tokenecon does not define is refused (exit 2, the
file and the JSON path), by `report` and `diff` alike and by the JSON Schema itself:
the layers are what findings are grouped and counted by."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import run_cli, small_report

from tokenecon.report.schemas import schema_text
from tokenecon.report.validate import schema_problem

LAYERS = {
    "pricing", "efficiency", "design", "value", "outcome", "attribution", "data", "integrity",
    "placement", "allocation", "budget", "people",
}  # fmt: skip


@pytest.fixture(scope="module")
def report() -> dict:
    data = small_report()
    assert data["findings"], "the fixture has findings to edit"
    return data


def test_the_schema_lists_the_layers_the_code_writes(report: dict) -> None:
    schema = json.loads(schema_text("report"))
    assert set(schema["$defs"]["finding"]["properties"]["layer"]["enum"]) == LAYERS
    assert {f["layer"] for f in report["findings"]} <= LAYERS
    assert schema_problem(report) is None


def test_an_unknown_layer_is_refused_with_its_file_and_path(report: dict, tmp_path: Path) -> None:
    edited = json.loads(json.dumps(report))
    edited["findings"][0]["layer"] = "vibes"
    bad = tmp_path / "edited.json"
    text = json.dumps(edited, indent=2)
    bad.write_text(text)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(report, indent=2))
    expected = "$.findings[0].layer: 'vibes' is not one of pricing, efficiency"
    assert schema_problem(edited).startswith(expected)
    for args in (("report", str(bad), "-o", str(tmp_path / "r.html")),
                 ("diff", str(good), str(bad))):  # fmt: skip
        result = run_cli(*args)
        assert result.exit_code == 2, result.output
        assert result.stderr.startswith(f"Error: {bad}: not a tokenecon.report/v1 report")
        assert expected in result.stderr and "docs/reports.md" in result.stderr
    assert not (tmp_path / "r.html").exists()
    with pytest.raises(jsonschema.ValidationError, match="vibes"):
        jsonschema.validate(edited, json.loads(schema_text("report")))


def test_a_use_case_layer_outside_its_three_is_refused(report: dict) -> None:
    edited = json.loads(json.dumps(report))
    case = next(u for u in edited["use_cases"] if u.get("layers"))
    case["layers"][0]["layer"] = "people"  # a finding layer, but no layer of the decomposition
    problem = schema_problem(edited)
    assert (
        problem is not None
        and ".layers[0].layer: 'people' is not one of pricing, efficiency, design" in problem
    )
