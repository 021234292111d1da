"""What-if scenarios keep usage priced at its source's cost (issue 13), on the what-if book.

Prices per 1M tokens (fixtures/whatif/book.yaml): big 10 in / 40 out (20 / 60 above a
1,000-token prompt); small 1 / 4; tiny 0.5 / 8; zeta-small 0.2 / 0.4 (another provider).
fixtures/money/whatif_reported.csv: b1 on big, 1000 in / 500 out = 0.01 + 0.02 = $0.03;
legacy-davinci (not in the book) reported $0.06 and $0.09 = $0.15. Baseline $0.18.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import FIXTURES, run_cli

from tokenecon.price.book import load_price_book
from tokenecon.report.analyze import AnalyzeOptions, run_analysis
from tokenecon.whatif.run import whatif_of, whatif_options
from tokenecon.whatif.scenario_input import load_scenarios

WHATIF = FIXTURES / "whatif"
USAGE = FIXTURES / "money" / "whatif_reported.csv"


def whatif(*args: str, usage: Path = USAGE, mapping: bool = False) -> dict[str, Any]:
    extra = ["--outcomes", str(WHATIF / "mapping.yaml")] if mapping else []
    result = run_cli(
        "whatif", str(usage), "--prices", str(WHATIF / "book.yaml"), "--no-default-prices",
        *extra, "--json", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def scenario(document: dict[str, Any]) -> dict[str, Any]:
    (only,) = document["scenarios"]
    return only


def texts(s: dict[str, Any]) -> list[str]:
    return [a["text"] for a in s["assumptions"]]


def test_a_lever_the_book_cannot_apply_keeps_the_reported_cost() -> None:
    d = whatif("--trim-prompt", "10%")
    assert d["baseline"]["totals"]["cost"] == "0.180000"
    s = scenario(d)
    # big: 900 in x 10 + 500 x 40 = $0.029; legacy stays at $0.15 (not dropped as a saving)
    assert s["totals"]["scenario"]["cost"] == "0.179000"
    assert s["totals"]["saving"]["cost"] == "0.001000"
    assert "2 calls priced from their source's cost ($0.1500) stay as they are" in texts(s)[0]


def test_a_zero_change_lever_changes_nothing() -> None:
    s = scenario(whatif("--cache", "0.5"))
    assert s["totals"]["scenario"]["cost"] == "0.180000"


def test_route_to_the_small_model_keeps_usage_of_unknown_provider() -> None:
    s = scenario(whatif("--route", "small-model"))
    # big -> small: 1000 x 1 + 500 x 4 = $0.003; legacy-davinci has no provider in the book
    assert s["totals"]["scenario"]["cost"] == "0.153000"
    assert any(t.startswith("legacy-davinci stays: the price book does not know") for t in texts(s))


def test_route_any_provider_moves_reported_usage_to_a_priced_model() -> None:
    s = scenario(whatif("--route", "small-model", "--any-provider"))
    # zeta-small: big 1000 x 0.2 + 500 x 0.4 = $0.0004; legacy 6000 x 0.2 + 1500 x 0.4 = $0.0018
    assert s["totals"]["scenario"]["cost"] == "0.002200"
    routed = [t for t in texts(s) if "legacy-davinci -> zeta-small" in t]
    assert routed and "assumes equal quality" in routed[0]
    assert "context window of zeta-small unchecked" in routed[0]


def test_route_of_assumed_quality_is_never_the_frontier() -> None:
    # mid has no success rate in triage (neither stated nor observed): equal quality assumed
    d = whatif("--route", "mid", "--use-case", "triage", usage=WHATIF / "usage.csv", mapping=True)
    triage = next(f for f in d["frontier"] if f["use_case"] == "triage")
    point = next(p for p in triage["points"] if p["kind"] == "scenario")
    assert point["assumes_equal_quality"] and not point["on_frontier"]
    assert all(p["dominated_by"] != point["label"] for p in triage["points"])
    result = run_cli(
        "whatif", str(WHATIF / "usage.csv"), "--prices", str(WHATIF / "book.yaml"),
        "--no-default-prices", "--outcomes", str(WHATIF / "mapping.yaml"), "--route", "mid",
        "--use-case", "triage",
    )  # fmt: skip
    row = next(line for line in result.stdout.splitlines() if "route mid" in line and "│" in line)
    assert "assumes equal quality" in row and "beats" not in row and "frontier" not in row


def test_route_keeps_calls_above_the_targets_context_window(tmp_path: Path) -> None:
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens,requests,request_id\n"
        "2026-10-01T09:00:00Z,big,1000,100,1,w1\n"
        "2026-10-01T10:00:00Z,big,2000,100,1,w2\n"
    )
    plans = tmp_path / "plans.yaml"
    plans.write_text("scenarios:\n  to-small:\n    - {route: small}\n")
    book = load_price_book([WHATIF / "book.yaml"], include_default=False)
    # the book states small's context window (`context: {max_input_tokens: 1500}`)
    book.models["small"] = replace(book.models["small"], max_input_tokens=1500)
    scenarios = load_scenarios(plans)
    options = AnalyzeOptions(prices=(WHATIF / "book.yaml",), no_default_prices=True)
    analysis = run_analysis([str(usage)], whatif_options(options, scenarios, book), book)
    # w1: 1000 x 10 + 100 x 40 = $0.014; w2 above the 1,000 cliff: 2000 x 20 + 100 x 60 = $0.046
    assert analysis.economics.total.cost == Decimal("0.06")
    s = whatif_of(analysis, scenarios).data["scenarios"][0]
    # w1 fits small's 1,500 tokens: 1000 x 1 + 100 x 4 = $0.0014; w2 stays on big
    assert s["totals"]["scenario"]["cost"] == "0.047400"
    note = next(a["text"] for a in s["assumptions"] if a["lever"] == "route")
    assert "small takes 1,500 input tokens: 1 calls above it stay" in note
