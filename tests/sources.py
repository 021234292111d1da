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


def model(r: dict[str, Any], name: str) -> dict[str, Any]:
    """The report's entry of one model."""
    return next(m for m in r["models"] if m["model"] == name)


def fmt(r: dict[str, Any], index: int = 0) -> str:
    """The detected format of the index-th input."""
    value: str = r["inputs"]["usage"][index]["format"]
    return value
