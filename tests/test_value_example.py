"""The example month's story (examples/outcomes.yaml): code-review's error liability wipes out
its saving, and support-triage pays an eu placement premium worth a finding: from Acme's price
book (examples/prices-acme.yaml: gpt-4.1-mini at 1.1x in the eu, Azure's EU Data Zone price),
or, with the default book alone (no regional price for gpt-4.1-mini), from the declared 10%.
Hand-computed from the figures the report states beside them."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from conftest import ROOT, run_cli

M = Decimal("0.000001")


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    result = run_cli(
        "analyze", str(ROOT / "examples" / "usage-2026-10.csv"),
        "--outcomes", str(ROOT / "examples" / "outcomes.yaml"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def acme() -> dict[str, Any]:
    result = run_cli(
        "analyze", str(ROOT / "examples" / "usage-2026-10.csv"),
        "--outcomes", str(ROOT / "examples" / "outcomes.yaml"),
        "--prices", str(ROOT / "examples" / "prices-acme.yaml"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _both(report: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    use_case = next(u for u in report["use_cases"] if u["name"] == name)
    value = next(u for u in report["value"]["use_cases"] if u["name"] == name)
    return use_case, value


def test_code_review_errors_wipe_out_its_saving(report: dict[str, Any]) -> None:
    u, v = _both(report, "code-review")
    value, loaded = Decimal(u["value"]), Decimal(u["fully_loaded_cost"])
    error_cost = Decimal(u["outcomes"]) * Decimal("0.06") * 1200  # 6% x outcomes x $1,200
    assert v["integrity"]["error_cost"] == format(error_cost.quantize(M), "f")
    assert v["integrity"]["saving"] == format((value - loaded).quantize(M), "f")
    assert error_cost > value - loaded
    net = ((value - loaded - error_cost) / loaded).quantize(M, rounding=ROUND_HALF_UP)
    assert v["integrity"]["roi_net_of_errors"] == format(net, "f")
    (finding,) = [f for f in u["findings"] if f["layer"] == "integrity"]
    assert finding["remedy"] == "review" and "liability, not ROI" in finding["message"]


def test_support_triage_pays_a_placement_premium_from_the_book(
    report: dict[str, Any], acme: dict[str, Any]
) -> None:
    global_cost = Decimal(_both(report, "support-triage")[0]["cost"])  # default book: global
    u, v = _both(acme, "support-triage")
    p = v["placement"]
    assert p["source"] == "book" and p["book_regions"] == {"eu": "1.100000"}
    assert p["regions"] == ["eu"] and p["sovereignty_hit_rate"] == "1.000000"
    # the uplift is in the cost (both rounded to 6 decimals from the exact cost)
    assert Decimal(u["cost"]) == (global_cost * Decimal("1.1")).quantize(M, ROUND_HALF_UP)
    assert p["in_region_cost"] == u["cost"]  # every request ran in the eu
    premium = (global_cost * Decimal("0.1")).quantize(M, ROUND_HALF_UP)  # regional - global
    assert p["premium"] == format(premium, "f")
    assert p["declared_premium"] == "0.000000"  # the book has a price: the 10% is not used
    (finding,) = [f for f in u["findings"] if f["layer"] == "placement"]
    assert Decimal(finding["actual"]) > Decimal(u["cost"]) * Decimal("0.05")
    assert "eu x1.1 from the price book" in finding["message"]


def test_support_triage_falls_back_to_the_declared_premium(report: dict[str, Any]) -> None:
    u, v = _both(report, "support-triage")
    p = v["placement"]
    assert p["source"] == "declared" and p["book_regions"] == {}
    assert p["in_region_cost"] == u["cost"]
    premium = (Decimal(u["cost"]) * Decimal("0.1") / Decimal("1.1")).quantize(M, ROUND_HALF_UP)
    assert p["premium"] == format(premium, "f")
    (finding,) = [f for f in u["findings"] if f["layer"] == "placement"]
    assert "declared 10.0% where the book has no regional price" in finding["message"]


def test_every_use_case_has_an_area_and_the_areas_add_up(report: dict[str, Any]) -> None:
    areas = report["value"]["areas"]
    assert [a["area"] for a in areas] == [
        "revenue_growth", "operational_efficiency", "risk_reduction", "decision_intelligence",
    ]  # fmt: skip
    attributed = sum(Decimal(u["cost"]) for u in report["use_cases"])
    assert sum(Decimal(a["cost"]) for a in areas) == attributed
    assert sum(a["outcomes"] for a in areas) == report["totals"]["outcomes"]


def test_the_portfolio_waterfall_adds_up(report: dict[str, Any]) -> None:
    w = report["waterfall"]
    loaded = sum(Decimal(u["fully_loaded_cost"]) for u in report["use_cases"] if u["outcomes"])
    assert Decimal(w["fully_loaded_cost"]) == loaded
    assert sum(Decimal(s["cost"]) for s in w["steps"]) == loaded
    per = sum(Decimal(s["per_outcome"]) for s in w["steps"])
    assert per == Decimal(w["fully_loaded_cost_per_outcome"])
    assert w["outcomes"] == report["totals"]["outcomes"]
