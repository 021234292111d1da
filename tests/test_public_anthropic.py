"""Anthropic exports written by others (tests/fixtures/public/PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from sources import default_report as report

P = FIXTURES / "public" / "anthropic"


def test_the_cost_report_example_is_cents_of_its_own_cost() -> None:
    r = report(P / "cost_report_example.json")
    assert r["inputs"]["usage"][0]["format"] == "anthropic_cost_api"
    t = r["totals"]
    # "123.78912" is in cents: $1.2378912, kept as the line's own cost (no token usage beside
    # it), never the $0 a book price of zero tokens would give
    assert (t["rows_read"], t["rows_priced"], t["cost"]) == (1, 1, "1.237891")
    assert t["tokens"]["billable"] == 0 and t["requests"] == 0
    assert [(m["model"], m["cost_source"]) for m in r["models"]] == [
        ("claude-sonnet-4", "reported")
    ]


def test_the_claude_code_usage_report_example(tmp_path: Path) -> None:
    # refused before as "no timestamp column (found: data, has_more, next_page)"
    r = report(P / "claude_code_analytics_example.json")
    assert r["inputs"]["usage"][0]["format"] == "claude_code_usage_report"
    t = r["totals"]
    assert t["tokens"] == {
        "uncached_input": 100_000, "cache_read": 10_000, "cache_write": 5_000,
        "cache_write_1h": 0, "output": 35_000, "reasoning": 0, "billable": 150_000,
    }  # fmt: skip
    # estimated_cost 1025 is cents; the book prices claude-sonnet-4-5 from 2025-09-29 only, so
    # on the example's 2025-09-01 the reported $10.25 prices it
    assert (t["rows_read"], t["reported_cost"], t["cost"]) == (1, "10.250000", "10.250000")
    assert t["requests"] == 0  # not reported: never taken as 1
    # the same record a month later is priced from the book:
    # 100000*3 + 10000*0.3 + 5000*3.75 + 35000*15 = 846,750 per 1M
    later = tmp_path / "report.json"
    raw = (P / "claude_code_analytics_example.json").read_text()
    later.write_text(raw.replace("2025-09-01T00:00:00Z", "2025-10-01T00:00:00Z"))
    assert report(later)["totals"]["cost"] == "0.846750"


def test_the_usage_reports_inference_geo_is_the_region() -> None:
    # as the Console CSV's inference_geo already was: the region a residency policy checks
    source = report(FIXTURES / "public" / "anthropic_usage_report_example.json")["inputs"]["usage"]
    assert source[0]["columns"]["region"] == "inference_geo"
