"""OpenRouter's activity API (``GET /api/v1/activity``), read with the default price book.

The public fixture is the API reference's response example (tests/fixtures/public/
PROVENANCE.md): one item, openai/gpt-4.1 on 2025-08-24, 5 requests, 50 prompt and 125
completion tokens (25 of them reasoning), usage $0.015 and BYOK inference $0.012. By hand:
computed 50 x $2 + 125 x $8 per 1M = $0.0011; reported $0.015 + $0.012 = $0.027. It was
refused before ("no timestamp column").
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli
from sources import accounted, default_report, fmt, model

SAMPLE = FIXTURES / "public" / "openrouter" / "activity_api_reference.json"
PAGE: dict[str, Any] = json.loads(SAMPLE.read_text())
GPT = PAGE["data"][0]
# a second day and model: Claude Sonnet 4, whose permaslug the price book does not know
SONNET = {
    **GPT,
    "date": "2025-08-25",
    "model": "anthropic/claude-sonnet-4",
    "model_permaslug": "anthropic/claude-4-sonnet-20250522",
    "provider_name": "Anthropic",
    "usage": 0.09,
    "byok_usage_inference": 0,
    "requests": 3,
    "prompt_tokens": 20000,
    "completion_tokens": 2000,
    "reasoning_tokens": 0,
}


def test_the_api_reference_example_is_detected_and_priced() -> None:
    r = default_report(SAMPLE)
    assert fmt(r) == "openrouter_activity_json"
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"], t["requests"]) == (1, 1, 0, 5)
    tokens = t["tokens"]
    # no cached count: all 50 prompt tokens uncached; reasoning inside the 125 completion
    assert (tokens["uncached_input"], tokens["cache_read"]) == (50, 0)
    assert (tokens["output"], tokens["reasoning"], tokens["billable"]) == (125, 25, 175)
    assert t["cost"] == "0.001100"  # 50 x 2 + 125 x 8 (x1e-6)
    assert t["reported_cost"] == "0.027000"  # usage 0.015 + byok_usage_inference 0.012
    gpt = model(r, "gpt-4.1")
    assert (gpt["provider"], gpt["cost_source"]) == ("openai", "computed")
    source = r["inputs"]["usage"][0]
    assert source["columns"]["reported_cost"] == "usage (USD; + byok_usage_inference)"
    assert source["notes"] == [
        "no cached-token count: prompt tokens priced as uncached (an upper bound)"
    ]


def _write(path: Path, layout: str) -> Path:
    items = [GPT, SONNET]
    if layout == "document":
        path.write_text(json.dumps({"data": items}, indent=2))
    elif layout == "array of pages":
        path.write_text(json.dumps([{"data": [i]} for i in items]))
    elif layout == "pages per line":
        path.write_text("".join(json.dumps({"data": [i]}) + "\n" for i in items))
    elif layout == "items":
        path.write_text(json.dumps(items))
    else:  # items per line
        path.write_text("".join(json.dumps(i) + "\n" for i in items))
    return path


LAYOUTS = ["document", "array of pages", "pages per line", "items", "items per line"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_saved_shape_reads_one_bucket_per_item(tmp_path: Path, layout: str) -> None:
    suffix = ".jsonl" if "per line" in layout else ".json"
    r = default_report(_write(tmp_path / f"activity{suffix}", layout))
    assert fmt(r) == "openrouter_activity_json"
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["requests"]) == (2, 2, 8)
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (20050, 2125)
    # Sonnet 4 priced by its slug: 20000 x 3 + 2000 x 15 (x1e-6) = 0.09
    assert model(r, "claude-sonnet-4")["cost"] == "0.090000"
    assert model(r, "claude-sonnet-4")["reported_cost"] == "0.090000"  # no BYOK: usage alone
    assert t["cost"] == "0.091100"  # + 0.0011
    assert t["reported_cost"] == "0.117000"  # + 0.027


def test_the_permaslug_prices_an_item_without_a_slug(tmp_path: Path) -> None:
    path = tmp_path / "activity.json"
    path.write_text(json.dumps({"data": [{**GPT, "model": ""}]}))
    r = default_report(path)
    assert model(r, "gpt-4.1")["cost"] == "0.001100"  # openai/gpt-4.1-2025-04-14


def _analyze(path: Path) -> Any:
    return run_cli("analyze", str(path), "--json")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("prompt_tokens", "abc", "uncached_input_tokens: 'abc' is not a number"),
        ("byok_usage_inference", "n/a", "byok_usage_inference: not a number"),
        ("date", "2025-13-45", "timestamp: '2025-13-45' is not a date-time"),
        # reasoning is part of completion: more reasoning than completion is damage
        ("reasoning_tokens", 5000, "reasoning_tokens 5000 > output_tokens 2000"),
    ],
)
def test_a_damaged_value_rejects_its_item_with_file_and_line(
    tmp_path: Path, field: str, value: object, reason: str
) -> None:
    path = tmp_path / "activity.json"
    damaged = copy.deepcopy(SONNET)
    damaged[field] = value
    path.write_text(json.dumps({"data": [GPT, damaged]}, indent=2))
    result = _analyze(path)
    assert result.exit_code == 0, result.output
    r = accounted(json.loads(result.stdout))
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (2, 1, 1)
    assert t["cost"] == "0.001100"  # the GPT item stands
    [row] = r["rejected"]["rows"]
    lines = path.read_text().splitlines()
    opening = lines.index("    {", lines.index('      "date": "2025-08-24",')) + 1
    assert (row["source"], row["line"]) == (str(path), opening)
    assert row["reason"].startswith(f"data[1]: {reason}")


def test_a_broken_line_is_one_rejected_row(tmp_path: Path) -> None:
    path = tmp_path / "activity.jsonl"
    path.write_text(json.dumps({"data": [GPT]}) + '\n{"data": [{"date": \n')
    result = _analyze(path)
    assert result.exit_code == 0, result.output
    r = accounted(json.loads(result.stdout))
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (2, 1, 1)
    [row] = r["rejected"]["rows"]
    assert row["line"] == 2
    assert "not valid JSON" in row["reason"]


def test_a_page_of_no_activity_holds_no_row(tmp_path: Path) -> None:
    path = tmp_path / "activity.jsonl"
    path.write_text(json.dumps({"data": []}) + "\n" + json.dumps(PAGE) + "\n")
    t = default_report(path)["totals"]
    assert (t["rows_read"], t["rows_priced"], t["cost"]) == (1, 1, "0.001100")


def test_the_permaslug_and_endpoint_are_kept_as_tags(tmp_path: Path) -> None:
    path = _write(tmp_path / "activity.json", "document")
    result = run_cli("analyze", str(path), "--by", "tags.model_permaslug", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["breakdown"]["rows"]
    costs = {row["value"]: row["cost"] for row in rows}
    assert costs == {
        "openai/gpt-4.1-2025-04-14": "0.001100",
        "anthropic/claude-4-sonnet-20250522": "0.090000",
    }
