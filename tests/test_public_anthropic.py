"""Anthropic exports written by others (tests/fixtures/public/PROVENANCE.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import FIXTURES, run_cli

P = FIXTURES / "public" / "anthropic"


def report(*paths: Path) -> dict[str, Any]:
    result = run_cli("analyze", *map(str, paths), "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    t = data["totals"]
    parts = ("rows_priced", "rows_unpriced", "rows_rejected", "rows_duplicate")
    assert t["rows_read"] == sum(t[p] for p in parts) + t["rows_outside_period"]
    return data


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
