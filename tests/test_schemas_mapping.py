"""The mapping schema is strict at the top level, as the loader is, and describes the
ownership keys (docs/ownership.md) and the value keys (docs/mapping.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, run_cli
from schema_check import errors, load, yaml_blocks


def _owned(ownership: dict[str, Any]) -> dict[str, Any]:
    """A mapping of one use case ``a`` owned by domain ``D``, with ``ownership`` laid over it."""
    return {"use_cases": {"a": {}}, "domains": {"D": {"use_cases": ["a"]}}, **ownership}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({}, "'use_cases' is a required"),
        ({"use_cases": {"a": {"match": {"teem": "x"}}}}, "teem"),
        ({"use_cases": {"a": {"match": {"team": "x"}, "overheads": 5}}}, "overheads"),
        ({"use_cases": {"a": {"targets": {"cost_per_task": 1}}}}, "cost_per_task"),
        ({"use_cases": {"a": {"urgent": "no"}}}, "'no' is not of type 'boolean'"),
        ({"use_cases": {"a": {"success_rate": {"m": 1.5}}}}, "1.5"),
        ({"use_cases": {"a": {"outcomes": {"count": 2.5}}}}, "not valid under any"),
        ({"use_case": {"a": {}}}, "('use_case' was unexpected)"),
        ({"use_cases": {"a": {}}, "domain": {"D": {}}}, "('domain' was unexpected)"),
        ({"use_cases": {"a": {}}, "usage": {"input_conventon": "x"}}, "'input_conventon'"),
        ({"use_cases": {"a": {}}, "usage": {"input_convention": "both"}}, "'both' is not one"),
        ({"use_cases": {"a": {"human_baseline": {"hourly_rate": 9}}}}, "'minutes_per_outcome'"),
        ({"use_cases": {"a": {"value_area": "growth"}}}, "'growth' is not one of"),
        ({"use_cases": {"a": {"error_rate": 1.5}}}, "1.5 is greater than the maximum"),
        (_owned({"domains": {"D": {"use_cases": "a", "colour": "red"}}}), "('colour' was"),
        (_owned({"domains": {"D": {"chargeback": "invoice"}}}), "'invoice' is not one of"),
        (_owned({"shared_costs": {"gateway": {"allocate": "even"}}}), "'amount' is a required"),
        (_owned({"shared_costs": {"unattributed": {"amount": 5}}}), "('amount' was unexpected)"),
        (_owned({"shared_costs": {"p": {"amount": 5, "allocate": "fixed"}}}), "'weights' is a"),
        (_owned({"shared_costs": {"p": {"amount": 5, "allocate": "by_size"}}}), "'by_size'"),
        (_owned({"budgets": [{"domain": "D", "team": "t", "amount": 5}]}), "valid under each"),
        (_owned({"budgets": [{"domain": "D", "amount": 5, "period": "week"}]}), "'week'"),
        (_owned({"budgets": [{"domain": "D"}]}), "'amount' is a required property"),
        (_owned({"roles": {"r": {"deliverables_per_month": 9}}}), "'people' is a required"),
        (_owned({"roles": {"r": {"deliverables_per_month": 9, "percentile": 0}}}), "minimum of 1"),
        (_owned({"roles": {"r": {"percentile": 50}}}), "'deliverables_per_month' is a required"),
    ],
)
def test_mapping_schema_refuses_what_the_loader_refuses(
    mapping: dict[str, Any], message: str, tmp_path: Path
) -> None:
    found = errors("mapping", mapping)
    assert any(message in e for e in found), found
    path = tmp_path / "mapping.yaml"
    path.write_text(yaml.safe_dump(mapping))
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(path),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"Error: {path}" in result.stderr  # the loader's own error, naming the file


@pytest.mark.parametrize(
    ("key", "meant"),
    [("use_case", "use_cases"), ("domain", "domains"), ("shared_cost", "shared_costs")],
)
def test_the_loader_refuses_a_misspelled_top_level_key(
    key: str, meant: str, tmp_path: Path
) -> None:
    """Ignored, `domain:` would drop every domain and `use_case:` every use case, silently."""
    path = tmp_path / "mapping.yaml"
    path.write_text(f"use_cases:\n  a:\n    match: {{team: legal}}\n{key}:\n  Legal: {{}}\n")
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(path),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"Error: {path}:4: unknown top-level key {key!r}" in result.stderr
    assert f"did you mean `{meant}`?" in result.stderr and "docs/mapping.md" in result.stderr
    assert any(f"('{key}' was unexpected)" in e for e in errors("mapping", load(path)))


def test_the_ownership_page_validates() -> None:
    """Each example of docs/ownership.md, beside the use cases it would sit next to."""
    blocks = yaml_blocks("ownership.md")
    assert {k for b in blocks for k in b} == {
        "domains", "shared_costs", "budgets", "people", "roles"
    }  # fmt: skip
    for block in blocks:
        assert errors("mapping", {"use_cases": {}, **block}) == [], block
