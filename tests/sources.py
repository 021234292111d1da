"""Helpers for the source-format tests: run analyze on fixtures of tests/fixtures/sources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import FIXTURES, run_cli

SOURCES = FIXTURES / "sources"
BOOK = str(FIXTURES / "book.yaml")


def report(*args: str | Path, book: str = BOOK) -> dict[str, Any]:
    """The JSON report of ``analyze`` over the arguments, priced with the test book."""
    argv = ["analyze", *map(str, args), "--prices", book, "--no-default-prices", "--json"]
    result = run_cli(*argv)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def accounted(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (a JSON report), once its rows add up: read = priced + unpriced + rejected +
    duplicate + outside the period."""
    t = data["totals"]
    parts = ("rows_priced", "rows_unpriced", "rows_rejected", "rows_duplicate")
    assert t["rows_read"] == sum(t[p] for p in parts) + t["rows_outside_period"]
    return data


def default_report(*paths: str | Path) -> dict[str, Any]:
    """The JSON report of ``analyze`` over ``paths`` with the default price book, as a user
    runs it on an export; its rows must add up."""
    result = run_cli("analyze", *map(str, paths), "--json")
    assert result.exit_code == 0, result.output
    return accounted(json.loads(result.stdout))


def model(r: dict[str, Any], name: str) -> dict[str, Any]:
    """The report's entry of one model."""
    return next(m for m in r["models"] if m["model"] == name)


def fmt(r: dict[str, Any], index: int = 0) -> str:
    """The detected format of the index-th input."""
    value: str = r["inputs"]["usage"][index]["format"]
    return value
