"""`whatif --route` carries error rates per model (``error_rate_by_model``): a cheaper model
with more errors can lose once its error cost is counted. Computed by hand below.

The value fixture's claims: 4 gpt-4.1 calls ($0.024), 3 tasks, 2 verified outcomes; review 1 min
per task at $60/h, overhead $1: fully loaded $4.024. Routed to gpt-4.1-mini, the same tokens
cost 4 x $0.0012 = $0.0048, and tasks per outcome scale by 2/3 / 0.8 (observed rate on gpt-4.1,
stated on gpt-4.1-mini): 2.5 tasks, so $0.004 of model cost and $2.50 of review: $3.504.
Errors: 1% x 2 outcomes x $30 = $0.60 before, 20% x 2 x $30 = $12.00 after.
"""

from __future__ import annotations

import json
from typing import Any

from conftest import FIXTURES, run_cli

VALUE = FIXTURES / "value"


def _route() -> dict[str, Any]:
    result = run_cli(
        "whatif", str(VALUE / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(VALUE / "mapping-route.yaml"),
        "--route", "gpt-4.1-mini", "--use-case", "claims", "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    scenario: dict[str, Any] = json.loads(result.stdout)["scenarios"][0]
    return scenario


def test_a_cheaper_model_with_more_errors_loses() -> None:
    scenario = _route()
    claims = next(u for u in scenario["use_cases"] if u["name"] == "claims")
    assert claims["saving"]["fully_loaded"] == "0.520000"  # 4.024 - 3.504
    assert claims["integrity"]["baseline"] == {"error_rate": "0.010000", "error_cost": "0.600000"}
    assert claims["integrity"]["scenario"] == {"error_rate": "0.200000", "error_cost": "12.000000"}
    assert claims["integrity"]["saving_net_of_errors"] == "-10.880000"  # 0.52 - (12 - 0.6)
    totals = scenario["totals"]
    # leads keeps its declared 10% x 2 x $50 = $10 on both sides.
    assert totals["error_cost"] == {"baseline": "10.600000", "scenario": "22.000000"}
    assert totals["saving_net_of_errors"] == "-10.880000"


def test_the_analysis_weighs_model_rates_by_requests() -> None:
    result = run_cli(
        "analyze", str(VALUE / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(VALUE / "mapping-route.yaml"), "--json",
    )  # fmt: skip
    report = json.loads(result.stdout)
    claims = next(u for u in report["value"]["use_cases"] if u["name"] == "claims")
    assert claims["integrity"]["source"] == "declared by model"
    assert claims["integrity"]["error_rate"] == "0.010000"  # every call on gpt-4.1
    assert claims["integrity"]["error_cost"] == "0.600000"


def test_an_unknown_model_is_refused(tmp_path: Any) -> None:
    text = (VALUE / "mapping-route.yaml").read_text().replace("gpt-4.1-mini: 20%", "gpt-9: 20%")
    for name in ("claims-events.csv",):
        (tmp_path / name).write_text((VALUE / name).read_text())
    path = tmp_path / "mapping.yaml"
    path.write_text(text)
    result = run_cli(
        "analyze", str(VALUE / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(path),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "model 'gpt-9' is not in the price book" in result.stderr


def test_the_console_says_the_scenario_loses() -> None:
    result = run_cli(
        "whatif", str(VALUE / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(VALUE / "mapping-route.yaml"),
        "--route", "gpt-4.1-mini", "--use-case", "claims",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "expected error cost $10.60 -> $22.00" in text
    assert "saving net of errors -$10.88 (the scenario loses)" in text
