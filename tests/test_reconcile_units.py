"""price/reconcile.py on its own: --cost-source per group, and the gap split by cause, from
usage groups built by hand and priced by tests/fixtures/book.yaml.

gpt-4.1-mini costs $0.40 per 1M input tokens and $1.60 per 1M output tokens, half at batch:
1M input + 100k output is $0.40 + $0.16 = $0.56; 1M batch input is $0.20.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import FIXTURES

from tokenecon.aggregate.types import UsageGroup
from tokenecon.errors import OptionError
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.price.apply import PricedGroup, price_groups
from tokenecon.price.book import PriceBook, load_price_book
from tokenecon.price.reconcile import choose_costs, reconcile

D = Decimal
MINI = "gpt-4.1-mini"


@pytest.fixture(scope="module")
def book() -> PriceBook:
    return load_price_book([FIXTURES / "book.yaml"], include_default=False)


def group(model: str = MINI, *, day: int = 1, tier: str = "standard", uncached: int = 0,
          output: int = 0, rows: int = 1, reported: str | None = None,
          reported_rows: int | None = None) -> UsageGroup:  # fmt: skip
    tokens = dict.fromkeys(TOKEN_COLUMNS, 0)
    tokens.update(uncached_input_tokens=uncached, output_tokens=output)
    if reported_rows is None:
        reported_rows = rows if reported is not None else 0
    return UsageGroup(
        use_case=None, model=model, day=date(2025, 10, day), service_tier=tier, prompt_class=0,
        by_value=None, rows=rows, requests=rows, requests_unknown_rows=0, tokens=tokens,
        reported_cost=None if reported is None else D(reported), reported_rows=reported_rows,
    )  # fmt: skip


def costs(priced: list[PricedGroup]) -> list[tuple[Decimal | None, str | None, str | None]]:
    return [(p.cost, p.cost_source, p.unpriced_reason) for p in priced]


def test_cost_source_per_group(book: PriceBook) -> None:
    groups = [
        group(uncached=1_000_000, output=100_000, reported="0.60"),  # priced and reported
        group("mystery", output=10, reported="1.25"),  # reported only
        group("mystery", output=10, reported="0"),  # $0 for tokens nothing prices
        group("mystery", output=10, rows=2, reported="3", reported_rows=1),  # half reported
    ]
    priced = price_groups(groups, book)
    unknown = priced[1].unpriced_reason
    assert costs(choose_costs(priced, "auto")) == [
        (D("0.56"), "computed", None),
        (D("1.25"), "reported", None),
        (None, None, "reported at $0 for 10 tokens"),
        (None, None, f"{unknown}; the source reported a cost for 1 of 2 rows"),
    ]
    assert costs(choose_costs(priced, "reported"))[0] == (D("0.60"), "reported", None)
    assert costs(choose_costs(priced, "computed")) == costs(priced)
    assert priced[1].cost is None and unknown


def test_auto_takes_a_cost_line_only_where_no_usage_is_priced(book: PriceBook) -> None:
    # A cost report's line (no tokens) beside priced usage of the same model and day is a
    # report of that usage, not more spend: under auto it stays computed ($0).
    line = group(reported="0.56")
    usage = group(uncached=1_000_000, output=100_000)
    alone, beside = (
        choose_costs(price_groups([line], book), "auto"),
        choose_costs(price_groups([line, usage], book), "auto"),
    )
    assert costs(alone) == [(D("0.56"), "reported", None)]
    assert costs(beside)[0] == (D(0), "computed", None)


def test_an_unknown_cost_source_is_refused() -> None:
    with pytest.raises(OptionError, match="--cost-source 'both' is not one of auto, computed"):
        choose_costs([], "both")


def test_gap_by_cause_adds_up(book: PriceBook) -> None:
    priced = price_groups(
        [
            group(day=1, uncached=1_000_000, output=100_000, reported="0.60"),  # +0.04
            group(day=2, tier="batch", uncached=1_000_000, reported="0.25"),  # +0.05
            group(day=3, uncached=1_000_000, output=100_000, reported="0.56"),  # exact
            group(day=3, tier="batch", uncached=1_000_000),  # no cost reported: -0.20
            group("mystery", output=10, reported="1.25"),
        ],
        book,
    )
    lines = {m.model: m for m in reconcile(priced, [], book)}
    assert [m.model for m in reconcile(priced, [], book)] == ["mystery", MINI]  # by |gap|
    mini = lines[MINI]
    assert (mini.computed, mini.reported, mini.gap) == (D("1.52"), D("1.41"), D("-0.11"))
    assert mini.causes == {
        "unexplained": D("0.04"),  # the book states no checked date to blame
        "tier or long-context cliff": D("0.05"),
        "no reported cost": D("-0.20"),
    }
    assert sum(mini.causes.values()) == mini.gap
    assert lines["mystery"].causes == {"unpriced model": D("1.25")}


def test_rows_reported_at_zero_explain_their_part(book: PriceBook) -> None:
    # 1M input + 600k output ($1.36) of which the source recorded $0 for 500k output ($0.80).
    usage = group(uncached=1_000_000, output=600_000, rows=3, reported="0.56")
    streamed = group(output=500_000, rows=2, reported="0")
    (line,) = reconcile(price_groups([usage], book), [streamed], book)
    assert line.gap == D("-0.80")
    assert line.causes == {"reported at $0 with tokens": D("-0.80")}
    assert line.zero_cost_rows == 2
