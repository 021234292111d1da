"""The JSON Schemas in tokenecon/report/schemas: every example and fixture a user could copy
validates against its schema, every document tokenecon writes (the golden files) against its own,
and the schemas refuse what the loaders refuse."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli

from tokenecon.report.schemas import SCHEMAS, schema_text

jsonschema = pytest.importorskip("jsonschema")  # a dev extra (also pulled in by altair)

GOLDEN = ROOT / "tests" / "golden"
PRICE_BOOKS = [
    ROOT / "tokenecon" / "data" / "pricing" / "default.yaml",
    ROOT / "examples" / "prices-acme.yaml",
    FIXTURES / "book.yaml",
    FIXTURES / "whatif" / "book.yaml",
    FIXTURES / "money" / "empty_book.yaml",
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
    ROOT / "benchmarks" / "owners.yaml",
    ROOT / "examples" / "owners" / "ownership.yaml",
    ROOT / "examples" / "owners" / "ownership-2026-11.yaml",
    FIXTURES / "value" / "mapping.yaml",
    FIXTURES / "value" / "mapping-route.yaml",
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


class _StringDates(yaml.SafeLoader):
    """YAML as an editor's schema checker sees it: dates stay strings (JSON has no date type)."""


_StringDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validator(name: str) -> Any:
    schema = json.loads(schema_text(name))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def errors(name: str, instance: Any) -> list[str]:
    """Every error, with those inside anyOf/oneOf branches, as `path: message`."""

    def leaves(found: Any) -> list[Any]:
        out = []
        for e in found:
            out += [e, *leaves(e.context)]
        return out

    found = leaves(validator(name).iter_errors(instance))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def load(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_StringDates)


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
    found = {
        p
        for p in ROOT.rglob("*.y*ml")
        if ".venv" not in p.parts and ".git" not in p.parts and ci not in p.parents
    }
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


def test_the_default_book_has_its_models_checked() -> None:
    """Not an empty-schema pass: the default book's every model and entry is looked at."""
    book = load(ROOT / "tokenecon" / "data" / "pricing" / "default.yaml")
    broken = json.loads(json.dumps(book))
    first = next(iter(broken["models"]))
    broken["models"][first]["tier"] = "flagship"
    broken["models"][first]["prices"][0]["ouptut"] = 1
    found = errors("price-book", broken)
    assert any("flagship" in e for e in found)
    assert any("ouptut" in e for e in found)


_PRICED = {"prices": [{"from": "2026-01-01", "input": 1, "output": 2}]}


def _entry(fields: dict[str, Any]) -> dict[str, Any]:
    """A book whose one dated price is a valid one with ``fields`` laid over it."""
    entry = {"from": "2026-01-01", "input": 1, "output": 2, **fields}
    return {"models": {"m": {"prices": [entry]}}}


@pytest.mark.parametrize(
    ("book", "message"),
    [
        ({"models": {"m": {"prices": []}}}, "should be non-empty"),
        ({"models": {"m": {"prices": [{"input": 1, "output": 2}]}}}, "'from' is a required"),
        ({"models": {"m": {"prices": [{"from": "2026-01-01", "input": 1}]}}}, "not valid under"),
        ({"models": {"m": {"prices": [{"from": "2026-01-01", "input": -1, "output": 2}]}}}, "-1"),
        ({"models": {"m": {"prices": [{"from": "01/02/2026", "input": 1, "output": 2}]}}}, "01/02"),
        ({"discounts": [{"provider": "openai"}]}, "'multiply' is a required"),
        ({"discount": [{"multiply": 0.85}]}, "('discount' was unexpected)"),
        ({"discounts": [{"multiply": 0.85, "provder": "openai"}]}, "('provder' was unexpected)"),
        ({"models": {"m": {**_PRICED, "context": {"input": 0}}}}, "0 is less than the minimum"),
        ({"models": {"m": {**_PRICED, "context": {"inputs": 9}}}}, "('inputs' was unexpected)"),
        ({"models": {"m": {**_PRICED, "aliases": 5}}}, "5 is not of type 'string'"),
        ({"models": {"m": {**_PRICED, "retired": "soon"}}}, "'soon' does not match"),
        ({"models": {"m": {**_PRICED, "regions": ["eu"]}}}, "is not of type 'object', 'null'"),
        ({"models": {"m": {**_PRICED, "tier": None}}}, "None is not one of"),
        (_entry({"batch": {"multiply": 0.5, "cache_reed": 3}}), "('cache_reed' was unexpected)"),
        (_entry({"flex": -0.5}), "-0.5 is less than the minimum"),
        (_entry({"above": {"input_tokens": 0, "input": 4}}), "0 is less than the minimum"),
        (_entry({"above": {"input_tokens": 9, "batch": {"multply": 1}}}), "('multply' was"),
        (_entry({"above": {"input_tokens": 9, "inputs": 4}}), "('inputs' was unexpected)"),
        (_entry({"gpu_hour": 2}), "'tokens_per_second' is a dependency of 'gpu_hour'"),
        (_entry({"gpu_hour": 2, "tokens_per_second": 0}), "0 is less than or equal to the"),
        (_entry({"input": None}), "None is not valid under any"),
        # no `prices`: spellings of the default book's gpt-4o, and nothing else
        ({"models": {"gpt-4o": {"aliases": ["x"], "tier": "mid"}}}, "('tier' was unexpected)"),
    ],
)
def test_price_book_schema_refuses_what_the_loader_refuses(
    book: dict[str, Any], message: str, tmp_path: Path
) -> None:
    found = errors("price-book", book)
    assert any(message in e for e in found), found
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(book))
    result = run_cli("prices", "--prices", str(path))
    assert result.exit_code == 2
    assert f"Error: {path}" in result.stderr  # the loader's own error, naming the file


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


_EVERY_FIELD = """\
currency: usd
models:
  m:
    provider: openai
    tier: Frontier
    aliases: [m-2026-01-01]
    match: "m-*"
    context: {input: 1000, output: 100}
    regions: {eu: 1.1}
    retired: 2026-06-30
    prices:
      - {from: 2026-01-01, input: 2, cache_read: null, output: "8",
         batch: {multiply: 0.5, cache_read: 3}, flex: 0.5, priority: {output: 16},
         above: {input_tokens: 500, input: 4, output: 12, batch: 0.5,
                 priority: {multiply: 1, output: 30}},
         source: contract, checked: 2026-11-29}
      - {from: 2026-02-01, gpu_hour: 3.6, tokens_per_second: 1000}
discounts:
  - {multiply: 0.9, provider: openai, model: "m*", from: 2026-01-01, until: null}
"""


def test_the_schema_accepts_every_field_the_loader_reads(tmp_path: Path) -> None:
    """Each field of docs/price-book-fields.md, in each of its forms, read to the number."""
    from decimal import Decimal

    from tokenecon.price.book import load_price_book

    first, later = tmp_path / "book.yaml", tmp_path / "deployments.yaml"
    first.write_text(_EVERY_FIELD)
    later.write_text("models:\n  m:\n    aliases: [azure/my-m]\n")  # spellings only
    assert errors("price-book", load(first)) == [] and errors("price-book", load(later)) == []
    book = load_price_book([first, later], include_default=False)
    model = book.models["m"]
    assert (model.tier, model.max_input_tokens, model.max_output_tokens) == ("frontier", 1000, 100)
    assert str(model.retired) == "2026-06-30" and model.regions == {"eu": Decimal("1.1")}
    assert book.resolve("azure/my-m") == book.resolve("M-2026-01-01") == "m"
    january, february = model.entries
    batch, priority = january.rates_for("batch", False), january.rates_for("priority", False)
    assert (batch.input, batch.cache_read, batch.output) == (1, 3, 4)
    assert (priority.input, priority.cache_read, priority.output) == (2, 2, 16)
    assert january.rates_for("flex", False).output == 4
    above_batch, above_priority = (january.rates_for(t, True) for t in ("batch", "priority"))
    assert (above_batch.input, above_batch.output) == (2, 6)
    assert (above_priority.input, above_priority.output) == (4, 30)
    assert february.rates.input == february.rates.output == Decimal("1.000000")  # $3.6/3.6M tok
    assert book.discounts[0].multiply == Decimal("0.9") and book.discounts[0].valid_until is None


def _overrides_validator() -> Any:
    """pricing/overrides.schema.json, whose $refs reach the price book's schema by its path."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    path = ROOT / "pricing" / "overrides.schema.json"
    book = ROOT / "tokenecon" / "report" / "schemas" / "price-book.schema.json"
    schema = {**json.loads(path.read_text(encoding="utf-8")), "$id": path.as_uri()}
    registry = Registry().with_resource(
        book.as_uri(), DRAFT202012.create_resource(json.loads(book.read_text(encoding="utf-8")))
    )
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, registry=registry)


def test_the_builds_overrides_validate() -> None:
    assert OVERRIDES.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=overrides.schema.json\n"
    )
    found = [e.message for e in _overrides_validator().iter_errors(load(OVERRIDES))]
    assert found == []


@pytest.mark.parametrize(
    ("fix", "message"),
    [
        ({"source": "https://x.ai", "checked": "2026-11-29"}, "'reason' is a required"),
        ({"reason": "r", "source": "s", "checked": "2026-11-29", "sett": {}}, "'sett' was"),
        ({"reason": "r", "source": "s", "checked": "2026-11-29", "set": {"ouput": 1}}, "'ouput'"),
        ({"reason": "r", "source": "s", "checked": "2026-11-29", "add": [{"input": 1}]}, "from"),
    ],
)
def test_the_overrides_schema_refuses_a_fix_without_its_why(
    fix: dict[str, Any], message: str
) -> None:
    found = [
        m
        for e in _overrides_validator().iter_errors({"models": {"grok-4": fix}})
        for m in [e.message, *(c.message for c in e.context)]
    ]
    assert any(message in m for m in found), found


def test_the_build_refuses_a_fix_without_its_why() -> None:
    import sys

    sys.path[:0] = [str(ROOT / "pricing")]
    import build  # type: ignore[import-not-found]

    models = {"grok-4": {"prices": [{"from": "2025-07-09", "input": 3, "output": 15}]}}
    with pytest.raises(SystemExit, match="missing `reason`"):
        build.apply_overrides(models, {"models": {"grok-4": {"source": "s", "checked": "d"}}})


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
