"""The JSON Schemas in tokenecon/report/schemas: every example and fixture a user could copy
validates against its schema, every document tokenecon writes (the golden files) against its own,
and the schemas refuse what the loaders refuse."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli
from golden_files import GOLDEN
from schema_check import errors, load, validator

from tokenecon.report.schemas import SCHEMAS, schema_text

PRICE_BOOKS = [
    ROOT / "tokenecon" / "data" / "pricing" / "default.yaml",
    ROOT / "examples" / "prices-acme.yaml",
    FIXTURES / "book.yaml",
    FIXTURES / "whatif" / "book.yaml",
    FIXTURES / "money" / "empty_book.yaml",
    FIXTURES / "value" / "regional" / "book.yaml",
    FIXTURES / "public" / "price_books" / "misspelled_sonnet.yaml",
    FIXTURES / "public" / "price_books" / "mistral_eur.yaml",
    *sorted((ROOT / "pricing" / "examples").glob("*.yaml")),
]
OVERRIDES = ROOT / "pricing" / "overrides.yaml"  # the build's input, not a price book
MAPPINGS = [
    ROOT / "examples" / "outcomes.yaml",
    ROOT / "examples" / "outcomes-2026-11.yaml",
    ROOT / "benchmarks" / "outcomes.yaml",
    FIXTURES / "mapping.yaml",
    FIXTURES / "mapping_random.yaml",
    FIXTURES / "whatif" / "mapping.yaml",
    FIXTURES / "money" / "mapping.yaml",
    FIXTURES / "ownership" / "mapping.yaml",
    FIXTURES / "ownership" / "two-months.yaml",
    ROOT / "benchmarks" / "owners.yaml",
    ROOT / "examples" / "owners" / "ownership.yaml",
    ROOT / "examples" / "owners" / "ownership-2026-11.yaml",
    FIXTURES / "value" / "mapping.yaml",
    FIXTURES / "value" / "mapping-route.yaml",
    FIXTURES / "value" / "regional" / "mapping.yaml",
]
SCENARIO_FILES = [
    ROOT / "benchmarks" / "whatif-plans.yaml",
    FIXTURES / "whatif" / "plans.yaml",
]
DOCUMENTS = {
    "report": ["example.json", "small.json", "reconciliation.json"],
    "whatif": ["whatif.json"],
    "diff": ["diff-example.json"],
}


def test_every_schema_is_draft_2020_12_and_listed() -> None:
    files = {p.name for p in (ROOT / "tokenecon" / "report" / "schemas").glob("*.json")}
    assert files == set(SCHEMAS.values())
    for name in SCHEMAS:
        schema = json.loads(schema_text(name))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        validator(name)  # check_schema raises on a malformed schema


@pytest.mark.parametrize("path", PRICE_BOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_price_books_validate(path: Path) -> None:
    assert errors("price-book", load(path)) == []


@pytest.mark.parametrize("path", MAPPINGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_mappings_validate(path: Path) -> None:
    assert errors("mapping", load(path)) == []


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_scenario_files_validate(path: Path) -> None:
    assert errors("scenarios", load(path)) == []


def test_every_yaml_file_in_the_repository_has_its_schema_checked() -> None:
    """A new example or fixture YAML must be added to a list above (or to the exceptions)."""
    checked = {*PRICE_BOOKS, *MAPPINGS, *SCENARIO_FILES, OVERRIDES}
    ci = ROOT / "examples" / "ci"  # CI job definitions, not tokenecon input
    # the repository's files, new ones included; not what git ignores (benchmarks/data/...)
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.yaml", "*.yml"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    found = {ROOT / name for name in listed if ci not in (ROOT / name).parents}
    found = {p for p in found if p.exists()}  # a file deleted but not yet committed
    assert found - checked == set()


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ({"scenarios": {"a": [{"route": "small-model", "cache": 0.5}]}}, "valid under each of"),
        ({"scenarios": {"a": [{"route": "small-model", "use_cases": "x"}]}}, "use_cases"),
        (
            {"scenarios": {"a": [{"batch": 0.5, "cache_ttl": "1h"}]}},
            "'cache' is a required property",
        ),
        ({"scenarios": {"a": [{"tier": "batch"}]}}, "'batch' does not match"),
        ({"scenarios": {"a": []}}, "not valid under any"),
    ],
)
def test_scenario_schema_refuses_what_the_loader_refuses(
    plan: dict[str, Any], message: str, tmp_path: Path
) -> None:
    found = errors("scenarios", plan)
    assert any(message in e for e in found), found
    path = tmp_path / "plans.yaml"
    path.write_text(yaml.safe_dump(plan))
    result = run_cli(
        "whatif", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(FIXTURES / "mapping.yaml"), "--scenarios",
        str(path),
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"Error: {path}" in result.stderr  # the loader's own error, naming the file


@pytest.mark.parametrize(
    ("name", "golden"), [(n, g) for n, files in DOCUMENTS.items() for g in files]
)
def test_documents_validate(name: str, golden: str) -> None:
    document = json.loads((GOLDEN / golden).read_text(encoding="utf-8"))
    assert document["schema"] == f"tokenecon.{name}/v1"
    assert errors(name, document) == []


def test_a_report_with_a_wrong_money_string_fails() -> None:
    report = json.loads((GOLDEN / "small.json").read_text(encoding="utf-8"))
    report["totals"]["cost"] = 12.5  # a float, not the 1e-6 decimal string
    report["use_cases"][0]["cost_per_token"] = "0.0001"  # 12 decimals expected
    del report["totals"]["rows_read"]
    report["showbak"] = {}  # a section the schema does not describe
    found = errors("report", report)
    assert any("('showbak' was unexpected)" in e for e in found)
    assert any(e.startswith("totals/cost:") for e in found)
    assert any("cost_per_token" in e for e in found)
    assert any("'rows_read' is a required" in e for e in found)


def test_example_yaml_files_name_their_schema() -> None:
    """The yaml-language-server line that gives editors completion and checks."""
    expected = {
        "prices-acme.yaml": "price-book",
        "outcomes.yaml": "mapping",
        "outcomes-2026-11.yaml": "mapping",
    }
    for name, schema in expected.items():
        text = (ROOT / "examples" / name).read_text(encoding="utf-8")
        line = f"# yaml-language-server: $schema=../tokenecon/report/schemas/{schema}.schema.json"
        assert line in text.splitlines()[:3], name
        target = ROOT / "examples" / line.split("=", 1)[1]
        assert target.is_file()


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_command_prints_the_packaged_file(name: str, tmp_path: Path) -> None:
    result = run_cli("schema", name, "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["$schema"].endswith("2020-12/schema")
    assert result.stdout == (ROOT / "tokenecon" / "report" / "schemas" / SCHEMAS[name]).read_text()
    out = tmp_path / "schema.json"
    written = run_cli("schema", name, "-o", str(out))
    assert written.exit_code == 0 and written.stdout == ""
    assert out.read_text() == result.stdout


def test_schema_command_refuses_an_unknown_name() -> None:
    result = run_cli("schema", "pricebook")
    assert result.exit_code == 2
    assert "no schema named 'pricebook'" in result.stderr
    assert "price-book, mapping, scenarios, report, whatif, diff" in result.stderr


def test_the_example_months_saved_reports_validate(example_months: Path) -> None:
    """The reports `analyze --save` writes for both example months (with Acme's prices)."""
    for month in ("10", "11"):
        report = json.loads((example_months / f"{month}.json").read_text(encoding="utf-8"))
        assert errors("report", report) == []
        assert report["use_cases"] and report["board"]["sovereignty_hit_rate"]["value"]


@pytest.mark.parametrize(
    "sections", ["ownership-small.json", "ownership-example.json", "value.json"]
)
def test_golden_sections_validate_inside_a_report(sections: str) -> None:
    """The goldens that hold only some sections, laid over a whole report: each section is one
    the schema describes, and valid."""
    part = json.loads((GOLDEN / sections).read_text(encoding="utf-8"))
    described = json.loads(schema_text("report"))["properties"]
    assert set(part) <= set(described)
    report = json.loads((GOLDEN / "small.json").read_text(encoding="utf-8"))
    assert errors("report", {**report, **part}) == []


@pytest.fixture(scope="module")
def owned_months(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Both example months with owners, saved, and their diff (as docs/ownership.md runs them)."""
    out = tmp_path_factory.mktemp("owned-months")
    examples = ROOT / "examples"
    for month, mapping in (("10", "ownership.yaml"), ("11", "ownership-2026-11.yaml")):
        result = run_cli(
            "analyze", str(examples / f"usage-2026-{month}.csv"), "--outcomes",
            str(examples / "owners" / mapping), "--prices", str(examples / "prices-acme.yaml"),
            "--save", str(out / f"{month}.json"), "-q",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    result = run_cli("diff", str(out / "10.json"), str(out / "11.json"), "-f", "json")
    assert result.exit_code == 0, result.output
    (out / "diff.json").write_text(result.stdout)
    return out


def test_reports_and_diff_with_owners_validate(owned_months: Path) -> None:
    for name, schema in (("10.json", "report"), ("11.json", "report"), ("diff.json", "diff")):
        document = json.loads((owned_months / name).read_text(encoding="utf-8"))
        assert errors(schema, document) == [], name
    report = json.loads((owned_months / "10.json").read_text(encoding="utf-8"))
    assert {"showback", "allocation", "budgets", "people"} <= set(report)
    assert {f["layer"] for f in report["findings"]} >= {"budget", "people"}
    diff = json.loads((owned_months / "diff.json").read_text(encoding="utf-8"))
    assert diff["ownership"]["domains"] and diff["ownership"]["budgets"]
