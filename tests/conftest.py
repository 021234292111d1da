"""Shared fixtures: paths to the small hand-checked usage file, book and mapping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tokenecon.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_cli(*args: str, input: str | None = None) -> Any:
    """Run tokenecon in-process; returns the click Result."""
    return CliRunner().invoke(app, list(args), input=input)


def small_report(*extra: str) -> dict[str, Any]:
    """The JSON report of the hand-checked fixture."""
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(FIXTURES / "mapping.yaml"), "--json", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)
