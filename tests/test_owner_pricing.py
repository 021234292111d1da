"""Per-user groups (a people file) priced by their key's per-token rates
(economics/owner_usage.fold_owner_groups) against pricing each group on its own
(price_groups + choose_costs + fold_usage): the same figures, exactly, on groups of several
models, every cache bucket, service tiers, the long-context cliff, a price that changes
mid-month, a discount, a regional uplift, unpriced models and days, and reported costs.

The hand computation (the book below): on 2026-01-05 sonnet-x costs $3 input, $0.30 cache
read, $3.75 cache write, $6 1-hour cache write and $15 output per 1M tokens, so 1M + 2M + 0.1M
+ 0.05M + 0.2M tokens cost 3 + 0.6 + 0.375 + 0.3 + 3 = $7.275. From 2026-01-15 input is $2.50
and output $12.50, and the openai discount (x 0.85 from 2026-01-10) leaves sonnet-x alone:
the same tokens then cost 2.5 + 0.6 + 0.375 + 0.3 + 2.5 = $6.275. mini-y in the EU region
(residency, uplift 1.1) at batch (x 0.5) after the discount: 4M input at $0.40 x 0.5 x 0.85 x
1.1 per 1M = $0.748.
"""

from __future__ import annotations

import tempfile
from dataclasses import fields
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenecon.aggregate.merge import file_owned
from tokenecon.aggregate.types import UNKNOWN_PROMPT, OwnedGroup, UsageGroup
from tokenecon.economics.owner_usage import OwnerUsage, fold_owner_groups, fold_usage
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.price.apply import price_groups
from tokenecon.price.book import PriceBook, load_price_book
from tokenecon.price.reconcile import choose_costs

D = Decimal
BOOK = """currency: USD
models:
  sonnet-x:
    provider: anthropic
    tier: frontier
    prices:
      - {from: 2026-01-01, input: 3, cache_read: 0.3, cache_write: 3.75, cache_write_1h: 6,
         output: 15, batch: 0.5, above: {input_tokens: 200000, input: 6, cache_read: 0.6,
         cache_write: 7.5, cache_write_1h: 12, output: 22.5}}
      - {from: 2026-01-15, input: 2.5, cache_read: 0.3, cache_write: 3.75, cache_write_1h: 6,
         output: 12.5, batch: 0.5}
  mini-y:
    provider: openai
    tier: utility
    regions: {eu: 1.1}
    prices: [{from: 2026-01-01, input: 0.40, cache_read: 0.10, output: 1.60, batch: 0.5}]
  late-z:
    provider: openai
    tier: mid
    prices: [{from: 2026-01-20, input: 1.1, output: 4.4}]
discounts:
  - {provider: openai, multiply: 0.85, from: 2026-01-10}
"""
RESIDENCY = {"eu-support": ("eu",)}


@cache
def the_book() -> PriceBook:
    """BOOK loaded once (Hypothesis takes no function-scoped fixtures)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.yaml"
        path.write_text(BOOK)
        return load_price_book([path], include_default=False)


@pytest.fixture
def book() -> PriceBook:
    return the_book()


def group(user: str | None, model: str, day: int, *tokens: int, use_case: str | None = "chat",
          tier: str = "standard", prompt_class: int = 0, in_region: bool | None = None,
          reported: str | None = None, rows: int = 3) -> UsageGroup:  # fmt: skip
    """Tokens in TOKEN_COLUMNS order (uncached, cache read, cache write, 1h write, output)."""
    counts = dict.fromkeys(TOKEN_COLUMNS, 0)
    counts.update(zip(TOKEN_COLUMNS, tokens, strict=False))
    return UsageGroup(
        use_case=use_case, model=model, day=date(2026, 1, day), service_tier=tier,
        prompt_class=prompt_class, by_value=user, rows=rows, requests=rows,
        requests_unknown_rows=0, tokens=counts,
        reported_cost=None if reported is None else D(reported),
        reported_rows=rows if reported is not None else 0, in_region=in_region,
    )  # fmt: skip


def each_on_its_own(groups: list[UsageGroup], book: PriceBook, source: str) -> OwnerUsage:
    return fold_usage(choose_costs(price_groups(groups, book, RESIDENCY), source))


def owned(groups: list[UsageGroup]) -> list[OwnedGroup]:
    """The per-user groups filed per pricing key, as the engine's per-user sums are."""
    return file_owned({}, groups)


def assert_same(fast: OwnerUsage, slow: OwnerUsage) -> None:
    assert sorted(fast.volumes, key=str) == sorted(slow.volumes, key=str)
    for key, volume in slow.volumes.items():
        for f in fields(volume):
            assert getattr(fast.volumes[key], f.name) == getattr(volume, f.name), (key, f.name)
    assert fast.daily == slow.daily


GROUPS = [
    group("ana", "sonnet-x", 5, 1_000_000, 2_000_000, 100_000, 50_000, 200_000),
    group("ana", "sonnet-x", 16, 1_000_000, 2_000_000, 100_000, 50_000, 200_000),
    group("ana", "sonnet-x", 5, 300_000, 0, 0, 0, 1_000, prompt_class=200_000),  # above cliff
    group("ana", "sonnet-x", 6, 7, 11, 13, 17, 19, tier="batch", prompt_class=UNKNOWN_PROMPT),
    group("bo", "mini-y", 12, 4_000_000, tier="batch", use_case="eu-support", in_region=True),
    group("bo", "mini-y", 12, 4_000_000, 1, 0, 0, 3, use_case="eu-support", in_region=False),
    group("bo", "mini-y", 3, 123_457, 98_765, 0, 0, 4_321),  # before the discount
    group("bo", "late-z", 5, 1_000, 0, 0, 0, 10),  # no price before the 20th
    group("cy", "late-z", 25, 999_999, 0, 0, 0, 333_333),
    group("cy", "mystery", 25, 5, 0, 0, 0, 5),  # no model matches
    group(None, "sonnet-x", 20, 1, 2, 3, 4, 5),  # usage without a user
    group("cy", "mini-y", 25, 10, 0, 0, 0, 10, reported="0.5"),  # reported, metered day
]


@pytest.mark.parametrize("source", ["computed", "auto", "reported"])
def test_same_figures_as_pricing_each_group(
    book: PriceBook, source: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = each_on_its_own(GROUPS, book, source)
    if (
        source != "reported"
    ):  # the reported cost of cy's mini-y decides under --cost-source reported
        monkeypatch.setattr("tokenecon.economics.owner_usage.price_groups", None)  # not called
    assert_same(fold_owner_groups(owned(GROUPS), book, RESIDENCY, source), slow)


def test_hand_computed_costs(book: PriceBook) -> None:
    usage = fold_owner_groups(owned(GROUPS), book, RESIDENCY, "computed")
    daily = usage.daily
    assert daily[("chat", "ana", date(2026, 1, 16))] == D("6.275")
    # the 5th: the first group, and 300k above the cliff at $6 + 1k output at $22.50
    assert daily[("chat", "ana", date(2026, 1, 5))] == D("7.275") + D("1.8") + D("0.0225")
    assert daily[("eu-support", "bo", date(2026, 1, 12))] == D("0.748") + (
        (4_000_000 * D("0.40") + D("0.10") + 3 * D("1.60")) * D("0.85") / 1_000_000
    )
    bo = usage.volumes[("chat", "bo")]
    assert bo.unpriced_tokens == 1_010  # late-z before its first price
    assert usage.volumes[("chat", "cy")].unpriced_tokens == 10  # mystery
    ana = usage.volumes[("chat", "ana")]
    assert ana.cliff_unknown_tokens == 7 + 11 + 13 + 17 + 19
    assert ana.above_cliff_requests == 3
    # without cache, at standard: every prompt token at the input price
    assert ana.cost_without_cache == sum(
        (D(n) for n in (
            (3_150_000 * 3 + 200_000 * 15),  # the 5th
            (300_000 * 6 + 1_000 * D("22.5")),  # the 5th, above the cliff
            (48 * 3 + 19 * 15),  # the 6th, standard rates for the unknown prompt
            (3_150_000 * D("2.5") + 200_000 * D("12.5")),  # the 16th
        )),
        D(0),
    ) / 1_000_000  # fmt: skip


def test_reported_costs_that_decide_take_the_long_way(book: PriceBook) -> None:
    # mystery has no price, so under auto its reported cost is taken: each group on its own
    groups = [*GROUPS, group("cy", "mystery", 26, 5, 0, 0, 0, 5, reported="0.25")]
    for source in ("auto", "reported"):
        fast = fold_owner_groups(owned(groups), book, RESIDENCY, source)
        assert_same(fast, each_on_its_own(groups, book, source))
    assert fold_owner_groups(owned(groups), book, RESIDENCY, "auto").daily[
        ("chat", "cy", date(2026, 1, 26))
    ] == D("0.25")


tokens = st.integers(min_value=0, max_value=2**40)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ana", "bo", "cy", None]),
            st.sampled_from(["sonnet-x", "mini-y", "late-z", "mystery"]),
            st.integers(min_value=1, max_value=31),
            st.lists(tokens, min_size=5, max_size=5),
            st.sampled_from(["standard", "batch", "priority"]),
            st.sampled_from([0, 200_000, UNKNOWN_PROMPT]),
            st.sampled_from([(None, "chat"), (True, "eu-support"), (False, "eu-support")]),
        ),
        max_size=30,
    )
)
def test_same_figures_on_any_groups(rows: list[tuple]) -> None:  # type: ignore[type-arg]
    book = the_book()
    groups = [
        group(user, model, day, *counts, tier=tier, prompt_class=cls, in_region=region,
              use_case=use_case)
        for user, model, day, counts, tier, cls, (region, use_case) in rows
    ]  # fmt: skip
    assert_same(fold_owner_groups(owned(groups), book, RESIDENCY, "auto"),
                each_on_its_own(groups, book, "auto"))  # fmt: skip
