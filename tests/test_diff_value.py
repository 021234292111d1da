"""`tokenecon diff` of value areas: spend, fully loaded cost, outcomes, value and ROI of each area,
base against head, in JSON, the console and Markdown. Each change is checked against the two
saved reports' own area figures (head - base; ROI in ratio points), and a report saved before
value areas existed has none: null, never zero."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli

from tokenecon.diff.value import value_area_diff
from tokenecon.render.value import area_diff_rows


@pytest.fixture(scope="module")
def months(example_months: Path) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    base = json.loads((example_months / "10.json").read_text())
    head = json.loads((example_months / "11.json").read_text())
    result = run_cli(
        "diff", str(example_months / "10.json"), str(example_months / "11.json"), "--json"
    )
    assert result.exit_code == 0, result.output
    return base, head, json.loads(result.stdout)


def test_every_area_changes_by_head_minus_base(months: tuple[Any, Any, Any]) -> None:
    base, head, doc = months
    b = {a["area"]: a for a in base["value"]["areas"]}
    h = {a["area"]: a for a in head["value"]["areas"]}
    assert [a["area"] for a in doc["value_areas"]] == list(b)
    for a in doc["value_areas"]:
        for key in ("cost", "fully_loaded_cost", "value", "roi"):
            x, y = b[a["area"]][key], h[a["area"]][key]
            assert (a[key]["base"], a[key]["head"]) == (x, y)
            assert Decimal(a[key]["change"]) == Decimal(y) - Decimal(x)
        assert a["outcomes"]["change"] == h[a["area"]]["outcomes"] - b[a["area"]]["outcomes"]


def test_the_example_months_by_hand(months: tuple[Any, Any, Any]) -> None:
    doc = months[2]
    areas = {a["area"]: a for a in doc["value_areas"]}
    # contract-drafting stopped re-prompting: operational efficiency spends $29.29 less
    ops = areas["operational_efficiency"]
    assert ops["use_cases"]["head"] == ["support-triage", "contract-drafting"]
    assert Decimal(ops["cost"]["change"]) == Decimal(ops["cost"]["head"]) - Decimal(
        ops["cost"]["base"]
    )
    assert Decimal(ops["cost"]["change"]).quantize(Decimal("0.01")) == Decimal("-29.29")
    # code-review's 20% price cut: risk reduction spends $36.39 less
    assert Decimal(areas["risk_reduction"]["cost"]["change"]).quantize(Decimal("0.01")) == Decimal(
        "-36.39"
    )


def test_console_and_markdown_show_the_areas(example_months: Path) -> None:
    paths = (str(example_months / "10.json"), str(example_months / "11.json"))
    text = run_cli("diff", *paths).output
    assert "Value areas, month over month" in text
    assert "operational efficiency │     $62.11 │     $32.82 │  -$29.29" in text
    md = run_cli("diff", *paths, "--format", "markdown").output
    assert "| operational efficiency | $62.11 | $32.82 | -$29.29 |" in md


def test_a_report_without_value_areas_is_null_not_zero(months: tuple[Any, Any, Any]) -> None:
    base, head, _ = months
    older = {k: v for k, v in base.items() if k != "value"}
    found = value_area_diff(older, head)
    assert found is not None
    ops = next(a for a in found if a["area"] == "operational_efficiency")
    assert ops["cost"]["base"] is None and ops["cost"]["change"] is None
    assert ops["cost"]["head"] == next(
        a["cost"] for a in head["value"]["areas"] if a["area"] == "operational_efficiency"
    )
    assert value_area_diff(older, older) is None


def test_no_area_named_prints_no_table_of_zeros() -> None:
    """Without a use case in any of the four areas (no mapping, or none naming an area) the
    areas would be four rows of $0.00: the console shows no table, the JSON keeps the figures."""
    plain = run_cli("analyze", str(FIXTURES / "small.csv"), "--width", "200")
    assert plain.exit_code == 0, plain.output
    assert "Value areas" not in plain.stdout and "Beyond the sticker price" not in plain.stdout
    doc = json.loads(run_cli("analyze", str(FIXTURES / "small.csv"), "--json").stdout)
    assert [a["use_cases"] for a in doc["value"]["areas"]] == [[], [], [], []]
    zero = {"base": "0", "head": "0", "change": "0"}
    areas = [{"area": a["area"], "use_cases": {"base": [], "head": []}, "cost": zero,
              "value": zero, "roi": {"base": None, "head": None, "change": None}}
             for a in doc["value"]["areas"]]  # fmt: skip
    assert area_diff_rows({"value_areas": areas}) == []
    areas[1]["use_cases"]["head"] = ["triage"]
    assert [r[0] for r in area_diff_rows({"value_areas": areas})] == [
        "revenue growth", "operational efficiency", "risk reduction", "decision intelligence",
    ]  # fmt: skip


def test_an_area_named_shows_every_area(example_months: Path) -> None:
    """Once one use case names an area, the empty areas are shown too: a gap is a finding."""
    html = (example_months / "11.html").read_text()
    table = html[html.index("<h3>Value areas</h3>") : html.index("<h3>Operating model</h3>")]
    report = json.loads((example_months / "11.json").read_text())
    for area in report["value"]["areas"]:
        assert f"<td>{area['area'].replace('_', ' ')}</td>" in table
