"""Money read right or left unpriced: no row priced at $0 for want of a price (issue 13).

Fixtures: tests/fixtures/money (PROVENANCE.md there) and the Anthropic cost report of
tests/fixtures/sources. Prices per 1M tokens (fixtures/book.yaml): gpt-4.1-mini 0.40 in /
1.60 out; gpt-4.1 2.00 / 8.00; claude-haiku-4-5 1 / 5 from 2025-10-01; claude-sonnet-4-5 3 /
15; acme-ft-llama-70b is not in the book.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import FIXTURES
from sources import SOURCES, model, report

MONEY = FIXTURES / "money"


def unpriced(r: dict, name: str) -> dict:
    return next(u for u in r["unpriced"] if u["model"] == name)


def accounting(r: dict) -> tuple[int, int, int]:
    t = r["totals"]
    return t["rows_read"], t["rows_priced"], t["rows_unpriced"]


def test_rows_without_the_sources_cost_are_unpriced_under_auto() -> None:
    r = report(MONEY / "partial_cost.csv")
    # p1 carries $0.50; p2 (same model, same day) has no cost and the book no price: unpriced,
    # not $0. p5 reports $0 for 500 + 50 tokens of a model the book lacks: unpriced too.
    ft = unpriced(r, "acme-ft-llama-70b")
    assert ft["tokens"]["billable"] == 2000 + 200 + 500 + 50
    assert ft["reason"] == "unknown model; reported at $0 for 550 tokens"
    assert model(r, "acme-ft-llama-70b")["cost"] == "0.500000"
    assert model(r, "acme-ft-llama-70b")["unpriced_tokens"] == 2750
    # gpt-4.1-mini: both rows at the book's price, 1000 x 0.40 + 500 x 1.60 = $0.0012 each
    assert model(r, "gpt-4.1-mini")["cost"] == "0.002400"
    assert r["totals"]["cost"] == "0.502400"
    assert r["cost_source"] == {"option": "auto", "computed": "0.002400", "reported": "0.500000"}
    assert accounting(r) == (5, 3, 2)


def test_rows_without_the_sources_cost_are_unpriced_under_reported() -> None:
    r = report(MONEY / "partial_cost.csv", "--cost-source", "reported")
    # p4 has no cost of its own: unpriced, though p3 on the same day reports $0.01
    mini = unpriced(r, "gpt-4.1-mini-2025-04-14")
    assert (mini["reason"], mini["tokens"]["billable"]) == ("no reported cost", 1500)
    assert model(r, "gpt-4.1-mini")["cost"] == "0.010000"
    assert r["totals"]["cost"] == "0.510000"  # 0.50 + 0.01
    assert r["totals"]["unpriced_tokens"] == 2200 + 550 + 1500
    assert accounting(r) == (5, 2, 3)


def test_computed_never_takes_the_sources_cost() -> None:
    r = report(MONEY / "partial_cost.csv", "--cost-source", "computed")
    assert r["totals"]["cost"] == "0.002400"
    assert accounting(r) == (5, 2, 3)
    assert unpriced(r, "acme-ft-llama-70b")["reason"] == "unknown model"


def test_a_cost_report_read_alone_totals_its_cost() -> None:
    # Four cost lines in cents, no tokens: 12.369 + 6.75 + 15.372 + 33.165 = 67.656 cents.
    # The book prices claude-sonnet-4-5, but a line without tokens computes to $0.
    r = report(SOURCES / "anthropic_cost_api.json")
    assert r["totals"]["cost"] == "0.676560"
    assert r["cost_source"]["reported"] == "0.676560"
    assert accounting(r) == (4, 4, 0)
    sonnet = next(m for m in r["reconciliation"] if m["model"] == "claude-sonnet-4-5")
    assert sonnet["causes"] == [{"cause": "no token usage to compare", "amount": "0.676560"}]


def test_a_cost_report_beside_its_usage_is_not_counted_twice() -> None:
    # the usage API priced by the book (sonnet 0-200k $0.676560 + 200k-1M $1.8225; haiku
    # $0.0075) and the cost report of sonnet's 0-200k part: auto keeps the computed cost only
    r = report(SOURCES / "anthropic_usage_api.json", SOURCES / "anthropic_cost_api.json")
    assert r["cost_source"]["reported"] == "0.000000"
    assert Decimal(r["totals"]["cost"]) == Decimal("0.676560") + Decimal("1.822500") + Decimal(
        "0.0075"
    )


def test_the_console_cost_csv_read_alone_totals_its_cost() -> None:
    # the Console's cost CSV of the same day, in dollars: $0.676560 in all
    r = report(SOURCES / "anthropic_console_cost.csv")
    assert r["totals"]["cost"] == r["cost_source"]["reported"] == "0.676560"
    assert r["totals"]["rows_unpriced"] == 0


def test_rows_before_the_first_price_count_once_whatever_the_spelling() -> None:
    # h1 on 2025-09-30 has no price (the book starts 2025-10-01); h2 costs 1000 x 1 + 100 x 5
    for name in ("first_price_day.csv", "first_price_day_canonical.csv"):
        r = report(MONEY / name)
        assert accounting(r) == (2, 1, 1), name
        assert r["totals"]["cost"] == "0.001500"
        assert model(r, "claude-haiku-4-5")["unpriced_tokens"] == 1100
