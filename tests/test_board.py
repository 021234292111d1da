"""The five board-slide lines of the small fixture, computed by hand (prices per 1M tokens)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES, run_cli, small_report

from tokenecon.report.figures import number


def test_board_lines_of_the_small_fixture() -> None:
    board = small_report()["board"]
    # Use cases with outcomes: support 0.0048 (1 outcome), code-review 1.0575 (1), contract
    # drafting 0.054 (1): 1.1163 / 3.
    cpo = board["cost_per_verified_outcome"]
    assert (cpo["value"], cpo["cost"], cpo["outcomes"]) == ("0.372100", "1.116300", 3)
    # Everything but the unattributed gemini call (0.0034) of 1.1197.
    assert board["direct_allocation_share"]["value"] == number(
        Decimal("1.1163") / Decimal("1.1197")
    )
    # Priced requests: 3 support (utility) + 2 code review + 1 contract (the duplicate once)
    # + 1 gemini-flash (utility); r8 is unpriced, r10 and r11 rejected.
    route = board["route_win_rate"]
    assert (route["value"], route["utility_requests"], route["priced_requests"]) == (
        "0.571429",
        4,
        7,
    )
    # Quality: support (utility) 1 outcome of 2 tasks; code review 1/1 and contracts 1/1.
    assert route["quality"]["utility"]["outcomes_per_task"] == "0.500000"
    assert route["quality"]["other"]["outcomes_per_task"] == "1.000000"
    # Batch: r3 at standard would be 1600, is 800. Cache reads at the input price instead:
    # r1 and r3 4000*(0.40-0.10) = 1200 each; r4 (above the cliff) 50000*(6-0.6) = 270000
    # minus its cache write 1000*(7.5-6) = 1500; r5 100000*(3-0.3) = 270000.
    leverage = board["cache_batch_leverage"]
    assert leverage["batch_saving"] == "0.000800"
    assert leverage["cache_saving"] == "0.540900"
    assert leverage["cost_without_levers"] == "1.661400"
    assert leverage["value"] == number(Decimal("0.5417") / Decimal("1.6614"))
    # No use case declares residency: nothing to measure, which is not 0%.
    assert board["sovereignty_hit_rate"]["value"] is None
    assert board["sovereignty_hit_rate"]["requests"] == 0


def test_sovereignty_hit_rate_counts_unknown_regions_as_misses(tmp_path: Path) -> None:
    usage = (FIXTURES / "small.csv").read_text().splitlines()
    # r5 (code review) loses its region: unknown, not a hit.
    usage = [line.replace(",standard,us,platform,p2,", ",standard,,platform,p2,")
             if ",r5," in line else line for line in usage]  # fmt: skip
    (tmp_path / "small.csv").write_text("\n".join(usage) + "\n")
    (tmp_path / "outcomes").mkdir()
    for f in (FIXTURES / "outcomes").iterdir():
        (tmp_path / "outcomes" / f.name).write_text(f.read_text())
    mapping = (FIXTURES / "mapping.yaml").read_text()
    mapping = mapping.replace(
        "    reviewer_hourly_rate: 60\n", "    reviewer_hourly_rate: 60\n    residency: eu\n"
    ).replace("    outcomes: {count: 1}\n", "    outcomes: {count: 1}\n    residency: ['eu-*']\n")
    (tmp_path / "mapping.yaml").write_text(mapping)
    result = run_cli(
        "analyze", str(tmp_path / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(tmp_path / "mapping.yaml"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.stdout)
    line = report["board"]["sovereignty_hit_rate"]
    # support: 3 requests in eu (hits); code review: r4 in us (outside eu-*), r5 unknown.
    assert line["use_cases"] == ["support-triage", "code-review"]
    assert (line["requests"], line["requests_in_region"]) == (5, 3)
    assert (line["requests_outside"], line["requests_region_unknown"]) == (1, 1)
    assert line["value"] == "0.600000"
    review = next(u for u in report["use_cases"] if u["name"] == "code-review")
    assert review["residency"]["regions"] == ["eu-*"]
    assert review["residency"]["hit_rate"] == "0.000000"
    # The split by region does not change the money: same cost as without residency.
    assert review["cost"] == "1.057500"


def test_layers_against_targets() -> None:
    u = next(x for x in small_report()["use_cases"] if x["name"] == "contract-drafting")
    layers = {c["layer"]: c for c in u["layers"]}
    # contract drafting: 1 task per outcome against the mapping's 1.5.
    assert layers["design"]["target_source"] == "mapping"
    assert layers["design"]["times_target"] == number(Decimal(1) / Decimal("1.5"))
    # No tokens-per-task target anywhere: no ratio.
    assert layers["efficiency"]["target"] is None
    assert layers["efficiency"]["times_target"] is None
