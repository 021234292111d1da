"""The small fixture, priced by hand (prices per 1M tokens from fixtures/book.yaml)."""

from __future__ import annotations

from decimal import Decimal

from conftest import small_report


def by_name(report: dict, name: str) -> dict:
    return next(u for u in report["use_cases"] if u["name"] == name)


def test_support_triage_costs_match_hand_computation() -> None:
    u = by_name(small_report(), "support-triage")
    # r1: 1000*0.40 + 4000*0.10 + 500*1.60 = 1600; r2 (openai/ prefix): 2000*0.40 + 1000*1.60
    # = 2400; r3 batch: 1600 * 0.5 = 800; all per 1M tokens.
    assert u["cost"] == "0.004800"
    assert u["tasks"] == 2  # T-1 (two calls) and T-2
    assert u["outcomes"] == 1  # T-1 verified; T-2 not verified; T-9 has no usage
    assert u["outcomes_without_usage"] == 1
    assert u["tokens_per_task"] == "7000.000000"
    assert u["tasks_per_outcome"] == "2.000000"
    assert u["cost_per_outcome"] == "0.004800"
    # review: 2 tasks * 1.5 min * $60/h = $3
    assert u["review_cost"] == "3.000000"
    assert u["fully_loaded_cost_per_outcome"] == "3.004800"
    assert u["batch_share"] == "0.333333"


def test_long_context_cliff_reprices_the_whole_request() -> None:
    u = by_name(small_report(), "code-review")
    # r4 prompt 150000+50000+1000 = 201000 > 200000: 150000*6 + 50000*0.6 + 1000*7.5
    # + 2000*22.5 = 982500; r5 prompt 110000: 10000*3 + 100000*0.3 + 1000*15 = 75000.
    assert u["cost"] == "1.057500"
    assert u["requests_above_cliff"] == 1
    # value per outcome from minutes saved: 30 min * $90/h
    assert u["value_per_outcome"] == "45.000000"


def test_duplicates_rejects_and_unpriced_are_accounted() -> None:
    report = small_report()
    totals = report["totals"]
    assert totals["rows_read"] == 12
    assert totals["rows_duplicate"] == 1
    assert totals["rows_rejected"] == 3
    assert totals["rows_unpriced"] == 1
    assert totals["rows_priced"] == 7
    assert totals["rows_read"] == sum(
        totals[k] for k in ("rows_priced", "rows_unpriced", "rows_rejected", "rows_duplicate")
    )
    lines = {(r["line"], r["reason"]) for r in report["rejected"]["rows"]}
    assert lines == {
        (9, "output_tokens: '-6' is negative"),
        (12, "uncached_input_tokens: 'abc' is not a number"),
        (13, "reasoning_tokens 500 > output_tokens 400"),
    }
    assert report["duplicates"]["ids"] == [{"request_id": "r6", "copies": 2}]
    assert report["unpriced"][0]["model"] == "acme-ft-llama-70b"
    assert report["unpriced"][0]["tokens"]["billable"] == 5500
    # Contract drafting counted once: 3000*2 + 6000*8 = 54000 per 1M.
    assert by_name(report, "contract-drafting")["cost"] == "0.054000"
    # Drafts counts CSV: only the period's month (2026-10) counts.
    assert by_name(report, "contract-drafting")["outcomes"] == 1


def test_totals_and_unattributed() -> None:
    report = small_report()
    # gemini r9: 8000*0.30 + 400*2.50 = 3400 -> unattributed
    assert report["unattributed"]["cost"] == "0.003400"
    assert (
        report["totals"]["cost"]
        == str(Decimal("0.0048") + Decimal("1.0575") + Decimal("0.054") + Decimal("0.0034")) + "00"
    )


def test_since_until_filters_and_accounts() -> None:
    report = small_report("--since", "2026-10-02", "--until", "2026-10-03")
    assert report["totals"]["cost"] == "1.057500"
    totals = report["totals"]
    # outside: 3 valid rows on Oct 1, both copies of r6 on Oct 3, 2 valid rows on Oct 4
    assert totals["rows_outside_period"] == 7
    assert totals["rows_read"] == sum(
        totals[k]
        for k in (
            "rows_priced", "rows_unpriced", "rows_rejected", "rows_duplicate",
            "rows_outside_period",
        )
    )  # fmt: skip


def test_identical_inputs_give_byte_identical_json() -> None:
    assert small_report() == small_report()


def test_by_breakdown_sums_to_total() -> None:
    report = small_report("--by", "team")
    rows = report["breakdown"]["rows"]
    assert sum(Decimal(r["cost"]) for r in rows) == Decimal(report["totals"]["cost"])
    assert rows[0]["value"] == "platform"
