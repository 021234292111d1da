"""whatif/windows.py: the engine splits usage only at the context windows of models a tier
route could choose; a model another one of its tier and provider beats on every token mix
(and which sorts after it: ties go to the first key) is never the target, so its window is
not a split. Checked against :func:`~tokenecon.whatif.routing.cheapest` itself."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tokenecon.aggregate.types import UsageGroup
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.price.apply import costs_at, price_groups
from tokenecon.price.book import PriceBook, load_price_book
from tokenecon.whatif.levers import Lever, Scenario
from tokenecon.whatif.routing import Route, cheapest, window_sizes
from tokenecon.whatif.scenario_parts import Context, Part
from tokenecon.whatif.windows import tier_targets

BOOK = """currency: USD
models:
  a-cheap:
    provider: acme
    tier: utility
    context: {input: 1000}
    prices:
      - {from: 2026-01-01, input: 1, cache_read: 0.1, output: 4, batch: 0.5,
         above: {input_tokens: 500, input: 2, cache_read: 0.2, output: 6}}
  b-dear:
    provider: acme
    tier: utility
    context: {input: 2000}
    prices: [{from: 2026-01-01, input: 3, cache_read: 0.3, output: 6}]
  c-output:
    provider: acme
    tier: utility
    context: {input: 3000}
    prices: [{from: 2026-01-01, input: 8, cache_read: 0.8, output: 2}]
  d-late:
    provider: acme
    tier: utility
    context: {input: 4000}
    prices: [{from: 2025-06-01, input: 9, cache_read: 0.9, output: 9}]
  e-same:
    provider: acme
    tier: utility
    context: {input: 5000}
    prices:
      - {from: 2026-01-01, input: 2, cache_read: 0.2, output: 6, batch: 0.5,
         above: {input_tokens: 500, input: 2, cache_read: 0.2, output: 6}}
  0-first-twin:
    provider: acme
    tier: mid
    context: {input: 6000}
    prices: [{from: 2026-01-01, input: 5, output: 5}]
  1-second-twin:
    provider: acme
    tier: mid
    context: {input: 7000}
    prices: [{from: 2026-01-01, input: 5, output: 5}]
  z-other:
    provider: zeta
    tier: utility
    context: {input: 8000}
    prices: [{from: 2026-01-01, input: 100, output: 100}]
"""


@pytest.fixture()
def book(tmp_path: Path) -> PriceBook:
    path = tmp_path / "book.yaml"
    path.write_text(BOOK, encoding="utf-8")
    return load_price_book([path], include_default=False)


def keys(book: PriceBook, tier: str) -> list[str]:
    return sorted(m.key for m in tier_targets(book, tier))


def test_only_models_no_other_beats_on_every_mix(book: PriceBook) -> None:
    # b-dear: a-cheap is at most its price in every bucket, tier and side of a-cheap's cliff
    # (above it a-cheap's 2 / 0.2 / 6 is still at most 3 / 0.3 / 6), priced as long, first key.
    # c-output: cheaper output than a-cheap, so a mix of mostly output picks it.
    # d-late is dearer than all but priced from 2025-06 (the others from 2026): kept.
    # e-same: a-cheap costs at most as much in every bucket and sorts first: never chosen.
    # z-other: no model of its provider beats it.
    assert keys(book, "utility") == ["a-cheap", "c-output", "d-late", "z-other"]
    # Twins tie on every mix: the first key wins every tie, so the second is never chosen.
    assert keys(book, "mid") == ["0-first-twin"]
    scenario = Scenario("s", (Lever(Route("small-model"), where="s"),))
    assert window_sizes(book, [scenario]) == [1000, 3000, 4000, 8000]
    named = Scenario("s", (Lever(Route("e-same"), where="s"),))
    assert window_sizes(book, [named]) == [5000]


def test_a_discount_keeps_every_model(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(BOOK + "discounts:\n  - {model: a-cheap, multiply: 0.5, from: 2026-03-01}\n")
    discounted = load_price_book([path], include_default=False)
    # a-cheap, discounted, no longer beats anyone for sure; c-output still beats nobody.
    assert keys(discounted, "utility") == ["a-cheap", "b-dear", "c-output", "d-late",
                                            "e-same", "z-other"]  # fmt: skip


def _part(uncached: int, cached: int, output: int, tier: str, prompt_class: int) -> Part:
    tokens = dict.fromkeys(TOKEN_COLUMNS, 0)
    tokens.update(uncached_input_tokens=uncached, cache_read_tokens=cached, output_tokens=output)
    group = UsageGroup(
        use_case="uc", model="d-late", day=date(2026, 10, 1), service_tier=tier,
        prompt_class=prompt_class, by_value=None, rows=1, requests=1, requests_unknown_rows=0,
        tokens=tokens, reported_cost=None, reported_rows=0,
    )  # fmt: skip
    return Part(group, prompt_class)


def test_the_cheapest_model_is_always_one_of_them(book: PriceBook) -> None:
    """Every slice of one part (each bucket 0 or 1,000 tokens, either tier, either side of
    the cliff): the model cheapest() picks is one tier_targets keeps."""
    analysis: Any = None  # cheapest() does not read the analysis
    ctx = Context(analysis, book, book.cliff_thresholds(), {}, "expected", {}, {})
    kept = set(keys(book, "utility"))
    chosen = set()
    for uncached, cached, output, tier, side in itertools.product(
        (0, 1000), (0, 1000), (0, 1000), ("standard", "batch"), (0, 500)
    ):
        part = _part(uncached, cached, output, tier, side)
        target, _ = cheapest(
            [part], "d-late", Route("small-model"), Lever(Route("small-model")), ctx
        )
        chosen.add(target)
    assert chosen <= kept
    assert chosen == {"a-cheap", "c-output"}


def test_costs_at_charges_what_price_groups_charges(book: PriceBook) -> None:
    """Routing prices a slice at every candidate with costs_at: the same cost as pricing the
    group moved to the model, on each side of the cliff, each tier, and before the model's
    first price (None)."""
    groups = [
        replace(_part(u, c, o, tier, side).group, day=day)
        for u, c, o, tier, side, day in itertools.product(
            (0, 700), (0, 300), (0, 900), ("standard", "batch", "flex"), (0, 500),
            (date(2025, 1, 1), date(2026, 10, 1)),
        )
    ]  # fmt: skip
    keys = sorted(book.models)
    costs = costs_at(groups, [g.prompt_class for g in groups], keys, book)
    for key in keys:
        moved = price_groups([replace(g, model=key) for g in groups], book)
        assert costs[key] == [p.cost for p in moved]
    # the last group at b-dear (no flex price: standard): 700 x 3 + 300 x 0.3 + 900 x 6
    assert costs["a-cheap"][:2] == [None, 0] and costs["b-dear"][-1] == Decimal("0.00759")
