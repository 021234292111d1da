"""The price-book schema accepts every field the loader reads and refuses what it refuses; the
build's overrides file (pricing/overrides.yaml) has a schema of its own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, run_cli
from schema_check import errors, jsonschema, load, yaml_blocks

OVERRIDES = ROOT / "pricing" / "overrides.yaml"


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


def test_the_price_book_fields_page_validates() -> None:
    """Each example of docs/price-book-fields.md: a whole book, or a dated price's fields."""
    blocks = yaml_blocks("price-book-fields.md")
    assert len(blocks) == 6
    for block in blocks:
        book = block if "models" in block else _entry(block)
        assert errors("price-book", book) == [], block
