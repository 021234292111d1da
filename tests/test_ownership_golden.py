"""Golden files of the ownership tables and JSON sections (the small fixture and the example
month with owners). `UPDATE_GOLDEN=1 pytest tests/test_ownership_golden.py` rewrites them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, run_cli
from golden_files import as_json, captured, check
from rich.console import Console, Group

from tokenecon.render.ownership import ownership_tables

SECTIONS = ("showback", "allocation", "budgets", "people")


def tables(report: dict[str, Any], width: int) -> str:
    def draw(console: Console) -> None:
        console.print(Group(*ownership_tables(report, width)))
        for f in report["findings"]:
            if f["layer"] in ("budget", "people", "allocation"):
                console.print(f"{f['scope']} [{f['layer']}] {f['message']}", markup=False)

    return captured(width, draw)


def analyze(*args: str) -> dict[str, Any]:
    result = run_cli("analyze", *args, "--json", "-q")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_small_fixture() -> None:
    fixtures = FIXTURES.relative_to(ROOT)
    report = analyze(
        str(fixtures / "small.csv"), "--prices", str(fixtures / "book.yaml"),
        "--no-default-prices", "--outcomes", str(fixtures / "ownership" / "mapping.yaml"),
    )  # fmt: skip
    sections = {k: report[k] for k in SECTIONS}
    check("ownership-small.json", as_json(sections))
    check("ownership-small.txt", tables(report, 100))


def test_example_month_with_owners() -> None:
    report = analyze("examples/usage-2026-10.csv", "--outcomes", "examples/owners/ownership.yaml")
    sections = {k: report[k] for k in SECTIONS}
    check("ownership-example.json", as_json(sections))
    check("ownership-example.txt", tables(report, 120))
    # the story the findings tell
    scopes = {(f["scope"], f["layer"]) for f in report["findings"]}
    assert ("domain:Sales", "budget") in scopes  # over budget by mid-month
    assert ("role:associate", "people") in scopes  # a tier held below what it must deliver
    assert ("domain:Customer Care", "allocation") in scopes  # a pool dwarfs its direct spend
    sales = next(b for b in report["budgets"]["budgets"] if b["name"] == "Sales")
    assert sales["runs_out"] == "2026-10-15"
    # every dollar of the month is on a line: usage + review + pools
    assert report["showback"]["total"] == "22195.603972"
