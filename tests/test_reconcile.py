"""Computed vs reported cost: --cost-source, and the gap split by cause (parts add up to it).

Prices per 1M tokens from fixtures/book.yaml (see test_sources_*.py for the per-row sums).
"""

from __future__ import annotations

from decimal import Decimal

from conftest import run_cli
from sources import BOOK, SOURCES, model, report


def line(r: dict, name: str) -> dict:
    return next(m for m in r["reconciliation"] if m["model"] == name)


def causes(entry: dict) -> dict[str, str]:
    return {c["cause"]: c["amount"] for c in entry["causes"]}


def test_causes_add_up_to_each_gap() -> None:
    for args in (
        ("openai_usage.csv", "openai_cost.csv"),
        ("litellm_spendlogs.csv",),
        ("openrouter_activity.csv",),
        ("anthropic_usage_api.json", "anthropic_cost_api.json"),
    ):
        r = report(*(SOURCES / a for a in args))
        assert r["reconciliation"], args
        for m in r["reconciliation"]:
            parts = sum(Decimal(c["amount"]) for c in m["causes"])
            assert parts == Decimal(m["gap"]), (args, m)
            assert Decimal(m["reported"]) - Decimal(m["computed"]) == Decimal(m["gap"])


def test_usage_with_its_cost_report_joined_by_day_and_model() -> None:
    r = report(SOURCES / "openai_usage.csv", SOURCES / "openai_cost.csv")
    # mini: computed 0.04468; the cost CSV says 0.0290 input + 0.01568 output: no gap
    assert line(r, "gpt-4.1-mini")["gap"] == "0.000000"
    # gpt-4.1 batch: computed 0.04, reported 0.034: the gap sits on batch rows
    assert causes(line(r, "gpt-4.1")) == {"tier or long-context cliff": "-0.006000"}
    # cost lines add cost, not rows of usage: requests and tasks are the usage file's
    assert r["totals"]["requests"] == 52
    assert r["totals"]["cost"] == "0.084680"  # auto: computed where priced
    assert r["cost_source"] == {"option": "auto", "computed": "0.084680", "reported": "0.000000"}
    reported = report(SOURCES / "openai_usage.csv", SOURCES / "openai_cost.csv",
                      "--cost-source", "reported")  # fmt: skip
    assert reported["totals"]["cost"] == "0.078680"  # 0.0290 + 0.01568 + 0.034
    assert reported["cost_source"]["reported"] == "0.078680"
    assert model(reported, "gpt-4.1")["cost_source"] == "reported"


def test_anthropic_cents_match_the_usage_to_the_cent() -> None:
    r = report(SOURCES / "anthropic_usage_api.json", SOURCES / "anthropic_cost_api.json")
    sonnet = line(r, "claude-sonnet-4-5")
    # the cost report covers the 0-200k rows only: 67.656 cents = computed 0.676560; the
    # 200k-1M bucket (1.8225) has no reported cost
    assert sonnet["reported"] == "0.676560"
    assert causes(sonnet) == {"no reported cost": "-1.822500"}


def test_streamed_rows_at_zero_and_unexplained_gap() -> None:
    r = report(SOURCES / "litellm_spendlogs.csv")
    mini = line(r, "gpt-4.1-mini")
    # computed 0.0025 + 0.00072 (the $0 streamed row) ; reported 0.0025 + 0
    assert (mini["computed"], mini["reported"]) == ("0.003220", "0.002500")
    assert causes(mini) == {"reported at $0 with tokens": "-0.000720"}
    assert mini["zero_cost_rows"] == 1
    # sonnet: computed 0.0064704, spend 0.004215; the test book has no `checked` dates
    assert causes(line(r, "claude-sonnet-4-5")) == {"unexplained": "-0.002255"}
    # auto keeps the computed cost: the streamed row is priced by its tokens
    assert r["totals"]["cost"] == "0.021690"


def test_unpriced_model_takes_its_reported_cost_under_auto() -> None:
    r = report(SOURCES / "openrouter_activity.csv")
    # the unknown slug's own cost (0.01) is used; the mini row is computed (0.0008976)
    assert r["totals"]["cost"] == "0.010898"
    assert r["cost_source"]["reported"] == "0.010000"
    assert r["unpriced"] == []
    assert causes(line(r, "anthropic/claude-4.5-sonnet-20250929")) == {"unpriced model": "0.010000"}
    computed = report(SOURCES / "openrouter_activity.csv", "--cost-source", "computed")
    assert computed["totals"]["cost"] == "0.000898"
    assert computed["unpriced"][0]["model"] == "anthropic/claude-4.5-sonnet-20250929"


def test_bad_cost_source() -> None:
    result = run_cli("analyze", str(SOURCES / "openai_usage.csv"), "--prices", BOOK,
                     "--cost-source", "invoice")  # fmt: skip
    assert result.exit_code == 2
    assert "--cost-source" in result.stderr
