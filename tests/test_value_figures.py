"""Issue 15's figures on a hand-checked fixture (tests/fixtures/value), every one computed by
hand below from the inputs.

The fixture: gpt-4.1 at $2/M input, $8/M output (tests/fixtures/book.yaml); each of the six
calls sends 1,000 uncached input and 500 output tokens, so a gpt-4.1 call costs
0.002 + 0.004 = $0.006 and a gpt-4.1-mini call 0.0004 + 0.0008 = $0.0012.

claims: 4 calls (C-1 twice, C-2, C-3) = $0.024, 3 tasks, 2 verified (C-1, C-2), 1 audited
"failed" (C-2); review 1 min x 3 tasks at $60/h = $3; overhead $1; fully loaded $4.024.
leads: 2 keyless calls = $0.0024, 2 tasks, 2 outcomes (count), no review.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, run_cli

VALUE = FIXTURES / "value"


def _report(mapping: str = "mapping.yaml") -> dict[str, Any]:
    import json

    result = run_cli(
        "analyze", str(VALUE / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(VALUE / mapping), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _money(x: Fraction) -> str:
    """A fraction as the report writes money: half-up to 1e-6."""
    exact = Decimal(x.numerator) / Decimal(x.denominator)
    return format(exact.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP), "f")


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return _report()


def _use_case(report: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(u for u in report["value"]["use_cases"] if u["name"] == name)
    return found


def test_integrity_counted_and_declared(report: dict[str, Any]) -> None:
    claims = _use_case(report, "claims")["integrity"]
    # 1 error counted / 2 verified outcomes; 30 min rework at $60/h = $30 per error.
    assert claims["source"] == "counted" and claims["error_rate"] == "0.500000"
    assert claims["cost_per_error"] == "30.000000" and claims["error_cost"] == "30.000000"
    assert claims["saving"] == "35.976000"  # 2 x $20 - $4.024
    assert claims["roi_net_of_errors"] == "1.485089"  # (40 - 4.024 - 30) / 4.024
    assert claims["error_cost_exceeds_saving"] is False
    leads = _use_case(report, "leads")["integrity"]
    # 10% of 2 outcomes = 0.2 expected errors x $50 liability = $10 > saving 2 - 0.0024.
    assert leads["errors"] == "0.200000" and leads["error_cost"] == "10.000000"
    assert leads["saving"] == "1.997600" and leads["error_cost_exceeds_saving"] is True
    assert leads["roi_net_of_errors"] == "-3334.333333"  # (2 - 0.0024 - 10) / 0.0024


def test_error_cost_that_eats_the_saving_is_a_finding(report: dict[str, Any]) -> None:
    leads = next(u for u in report["use_cases"] if u["name"] == "leads")
    found = [f for f in leads["findings"] if f["layer"] == "integrity"]
    assert len(found) == 1
    assert found[0]["actual"] == "10.000000" and found[0]["target"] == "1.997600"
    assert "liability, not ROI" in found[0]["message"]
    claims = next(u for u in report["use_cases"] if u["name"] == "claims")
    assert not [f for f in claims["findings"] if f["layer"] == "integrity"]


def test_human_baseline(report: dict[str, Any]) -> None:
    h = _use_case(report, "claims")["human_baseline"]
    assert h["human_hours"] == "0.500000"  # 2 outcomes x 15 min
    assert h["review_hours"] == "0.050000"  # 3 tasks x 1 min
    assert h["hours_saved"] == "0.450000"
    assert h["human_cost"] == "40.000000"  # 0.5 h x $80
    assert h["hours_saved_per_million_tokens"] == "75.000000"  # 0.45 / (6,000 / 1M)
    assert h["hours_saved_per_dollar"] == "0.111829"  # 0.45 / 4.024
    assert h["payback_outcomes"] == "1.701200"  # (4.024 + 30) / $20 per outcome by hand
    assert h["roi_vs_human"] == "1.485089"  # (40 - 4.024 - 30) / 4.024
    assert _use_case(report, "leads")["human_baseline"] is None


def test_value_areas_roll_up(report: dict[str, Any]) -> None:
    areas = {a["area"]: a for a in report["value"]["areas"]}
    assert list(areas) == [
        "revenue_growth", "operational_efficiency", "risk_reduction", "decision_intelligence",
    ]  # fmt: skip
    assert areas["risk_reduction"]["cost"] == "0.024000"
    assert areas["risk_reduction"]["fully_loaded_cost"] == "4.024000"
    assert areas["risk_reduction"]["roi"] == "8.940358"  # (40 - 4.024) / 4.024
    assert areas["revenue_growth"]["value"] == "2.000000"
    assert areas["operational_efficiency"]["roi"] is None


def test_placement_premium(report: dict[str, Any]) -> None:
    p = _use_case(report, "claims")["placement"]
    # Every call ran in eu: $0.024 in region; at 10% over global, 0.024 x 0.1 / 1.1.
    assert p["in_region_cost"] == "0.024000" and p["premium"] == "0.002182"
    assert p["global_cost"] == "0.021818" and p["sovereignty_hit_rate"] == "1.000000"


def test_waterfall_steps_by_hand(report: dict[str, Any]) -> None:
    """C' = 0.024 / 1.1 = 6/275 (the declared 10%: the book prices gpt-4.1 in no region);
    rework tasks C' x 1/3; the one call beyond the first (r2 of C-1) re-sends 1,000 tokens
    ($0.002) and answers 500 ($0.004), net of the premium 1/550 and 1/275, times q = 2/3:
    re-reads 1/825, rework calls 2/825; sticker (C' - 3/550) x 2/3 = 3/275."""
    w = _use_case(report, "claims")["waterfall"]
    steps = {s["step"]: s["cost"] for s in w["steps"]}
    expected = {
        "sticker": Fraction(3, 275), "context_rereads": Fraction(1, 825),
        "rework_calls": Fraction(2, 825), "rework_tasks": Fraction(2, 275),
        "human_review": Fraction(3), "placement_premium": Fraction(3, 1375),
        "overhead": Fraction(1),
    }  # fmt: skip
    assert sum(expected.values()) == Fraction(4024, 1000)
    assert steps == {k: _money(v) for k, v in expected.items()}
    assert w["fully_loaded_cost"] == "4.024000" and w["fully_loaded_cost_per_outcome"] == "2.012000"
    assert w["reread_tokens"] == 1000
    assert w["reread_share"] == "0.055556"  # (1/825) / (6/275) = 1/18
    assert w["sticker_share"] == _money(Fraction(3, 275) / Fraction(4024, 1000))  # 0.002711
    per = [Decimal(s["per_outcome"]) for s in w["steps"]]
    assert sum(per) == Decimal("2.012000")


def test_portfolio_waterfall_adds_up(report: dict[str, Any]) -> None:
    w = report["waterfall"]
    assert w["outcomes"] == 4 and w["fully_loaded_cost"] == "4.026400"
    assert sum(Decimal(s["cost"]) for s in w["steps"]) == Decimal("4.026400")
    assert sum(Decimal(s["per_outcome"]) for s in w["steps"]) == Decimal("1.006600")


def test_operating_ladder(report: dict[str, Any]) -> None:
    ladder = report["operating_ladder"]
    # All spend attributed; 2 of 6 priced requests on utility (0.333 >= 0.25); both use cases
    # have outcomes and value.
    assert ladder["kpis"]["direct_allocation_share"] == "1.000000"
    assert ladder["kpis"]["route_win_rate"] == "0.333333"
    assert ladder["stage"] == "outcome_chargeback" and ladder["level"] == 3
    assert ladder["kpis"]["margin_per_workload"] == {"claims": "35.976000", "leads": "1.997600"}


def test_frontier_share(report: dict[str, Any]) -> None:
    f = report["frontier_share"]
    # claims on gpt-4.1: $0.012 per outcome at 2/3; gpt-4.1-mini would cost 4 x $0.0012 =
    # $0.0048 for the tokens / (3 tasks x 0.8 stated) = $0.002 per outcome at 0.8: dominated.
    (point,) = f["use_cases"]
    assert point["cheaper_model"] == "gpt-4.1-mini" and point["inside"] is True
    assert point["cheaper_cost_per_outcome"] == "0.002000"
    assert point["cost_per_outcome"] == "0.012000" and point["quality"] == "0.666667"
    assert f["share"] == "0.909091"  # 0.024 / 0.0264
    assert f["not_assessed"] == [] and f["on_cheapest"] == ["leads"]  # leads is on gpt-4.1-mini


def test_ceo_questions_answered_and_missing(report: dict[str, Any]) -> None:
    answers = {a["key"]: a for a in report["ceo_questions"]}
    assert list(answers) == ["real_cost", "integrity", "time_saved", "value_areas", "right_price"]
    assert all(a["answered"] for a in answers.values())
    assert answers["integrity"]["figures"]["error_cost"] == "40.000000"
    assert "errors eat the saving of leads" in answers["integrity"]["operator"]
    bare = run_cli(
        "analyze", str(VALUE / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--json",
    )  # fmt: skip
    import json

    missing = {a["key"]: a for a in json.loads(bare.stdout)["ceo_questions"]}
    assert not any(a["answered"] for a in missing.values())
    assert missing["integrity"]["closes"].startswith("error_rate and cost_per_error")
    assert missing["real_cost"]["buyer"] == "the model bill is $0.0264 for the period"


def test_value_fixture_golden(report: dict[str, Any]) -> None:
    """The value sections of the hand-checked fixture, byte for byte (``UPDATE_GOLDEN=1``)."""
    import json

    from golden_files import check

    keys = ("ceo_questions", "value", "waterfall", "operating_ladder", "frontier_share")
    text = json.dumps({k: report[k] for k in keys}, indent=2) + "\n"
    # where a rate was stated names the mapping as it was given: here, a path in the checkout
    check("value.json", text.replace(str(ROOT) + "/", ""))


def test_a_report_saved_before_the_value_sections_still_renders(report: dict[str, Any]) -> None:
    from tokenecon.render.html import render_html

    old = {k: v for k, v in report.items() if k not in ("ceo_questions", "value", "waterfall")}
    old = {k: v for k, v in old.items() if k not in ("operating_ladder", "frontier_share")}
    page = render_html(old)
    assert "Five lines for the board" in page and "Five questions a CEO" not in page


def test_integrity_and_placement_findings_keep_the_portfolio_off_optimized(
    report: dict[str, Any],
) -> None:
    """Both use cases count outcomes and no other layer is off: leads' error liability and
    claims' placement premium (0.024 x 0.1 / 1.1 = $0.002182 > 5% of $0.024 = $0.0012) keep
    the maturity ladder at Unit-economic."""
    found = {(f["scope"], f["layer"]) for u in report["use_cases"] for f in u["findings"]}
    assert found == {("leads", "integrity"), ("claims", "placement")}
    assert report["findings"] == []
    claims = next(u for u in report["use_cases"] if u["name"] == "claims")
    (placement,) = claims["findings"]
    assert placement["actual"] == "0.002182" and placement["target"] == "0.001200"
    assert report["maturity"]["rung"] == "Unit-economic"
