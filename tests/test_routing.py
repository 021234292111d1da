"""whatif/routing.py on its own: the cheapest model of a tier on a slice's own token mix, and
the quality factor of a route, on tests/fixtures/whatif/book.yaml (prices per 1M tokens:
small 1 in / 4 out, tiny 0.5 in / 8 out, late from December only, zeta-small 0.2 in / 0.4 out,
mid 4 in / 16 out)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from conftest import FIXTURES

from tokenecon.aggregate.types import UsageGroup
from tokenecon.errors import OptionError
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.price.book import PriceBook, load_price_book
from tokenecon.whatif.levers import Lever
from tokenecon.whatif.routing import Route, cheapest, quality_factor, window_sizes
from tokenecon.whatif.scenario_parts import Context, Part

D = Decimal


@pytest.fixture(scope="module")
def book() -> PriceBook:
    return load_price_book([FIXTURES / "whatif" / "book.yaml"], include_default=False)


def context(book: PriceBook, yields: dict[tuple[str, str], tuple[int, int]] | None = None,
            bound: str = "expected") -> Context:  # fmt: skip
    analysis: Any = None  # neither function reads the analysis
    return Context(analysis, book, book.cliff_thresholds(), yields or {}, bound, {}, {})


def part(*, uncached: int = 0, output: int = 0, day: date = date(2026, 10, 1)) -> Part:
    tokens = dict.fromkeys(TOKEN_COLUMNS, 0)
    tokens.update(uncached_input_tokens=uncached, output_tokens=output)
    group = UsageGroup(
        use_case="uc", model="big", day=day, service_tier="standard", prompt_class=0,
        by_value=None, rows=1, requests=1, requests_unknown_rows=0, tokens=tokens,
        reported_cost=None, reported_rows=0,
    )  # fmt: skip
    return Part(group, 0)


def route(target: str = "small-model", any_provider: bool = False) -> tuple[Route, Lever]:
    action = Route(target, any_provider)
    return action, Lever(action, where="--route")


def test_the_cheapest_model_depends_on_the_token_mix(book: PriceBook) -> None:
    ctx = context(book)
    # 1M prompt tokens: tiny $0.50 (four places below $1), small $1.00 (late: no October price).
    assert cheapest([part(uncached=1_000_000)], "big", *route(), ctx) == (
        "tiny",
        "the cheapest acme utility model on this slice's token mix ($0.5000; next small at $1.00)",
    )
    # 100k in + 1M out: small $0.10 + $4.00 = $4.10, tiny $0.05 + $8.00 = $8.05.
    best, why = cheapest([part(uncached=100_000, output=1_000_000)], "big", *route(), ctx)
    assert best == "small" and "($4.10; next tiny at $8.05)" in why
    # Every provider: zeta-small at $0.20 for the 1M prompt tokens.
    best, why = cheapest([part(uncached=1_000_000)], "big", *route(any_provider=True), ctx)
    assert best == "zeta-small"
    assert why == (
        "the cheapest utility model on this slice's token mix ($0.2000; next tiny at $0.5000)"
    )
    best, why = cheapest([part(uncached=1_000_000)], "big", *route("mid-model"), ctx)
    assert (best, why) == ("mid", "the cheapest acme mid model on this slice's token mix ($4.00)")


def test_no_model_priced_for_the_whole_period_is_refused(book: PriceBook) -> None:
    early = [part(uncached=10, day=date(2025, 6, 1))]  # before every price of the book
    with pytest.raises(OptionError, match="--route: no utility-tier model of acme has a price"):
        cheapest(early, "big", *route(), context(book))


def test_quality_factor_from_observed_yields(book: PriceBook) -> None:
    yields = {("uc", "big"): (100, 80), ("uc", "small"): (100, 60)}
    factor, text, uncertain = quality_factor(context(book, yields), "uc", "big", "small",
                                             route()[1])  # fmt: skip
    # 1.25 tasks per outcome on big, 1.667 on small: x4/3
    assert factor.quantize(D("1e-12")) == D("1.333333333333")
    assert uncertain
    assert text.startswith(
        "tasks per outcome x1.333: success rate 80.0% on big (observed: 80 verified of 100 "
        "tasks) -> 60.0% on small (observed: 60 verified of 100 tasks; range "
    )
    # At the low end of the interval the factor is larger: fewer outcomes per task.
    low, _, _ = quality_factor(context(book, yields, "low"), "uc", "big", "small", route()[1])
    assert low > factor


def test_quality_without_a_rate_or_without_outcomes(book: PriceBook) -> None:
    lever = route()[1]
    assert quality_factor(context(book), "uc", "big", "small", lever) == (
        D(1),
        "assumes equal quality (no success rate for small here)",
        False,
    )
    none_on_big = {("uc", "big"): (10, 0), ("uc", "small"): (10, 5)}
    factor, text, _ = quality_factor(context(book, none_on_big), "uc", "big", "small", lever)
    assert factor == 1 and text.startswith("assumes equal quality (big verified no outcome")
    none_on_small = {("uc", "big"): (10, 5), ("uc", "small"): (10, 0)}
    with pytest.raises(OptionError, match="--route: small verified no outcome in uc"):
        quality_factor(context(book, none_on_small), "uc", "big", "small", lever)


def test_route_values_read_and_round_trip() -> None:
    action = Route.parse(" small-model ", {"any_provider": True}, "--route")
    assert action == Route("small-model", True)
    assert action.describe() == "route to small-model (any provider)"
    assert Route.from_dict(action.to_dict(), "file") == action
    with pytest.raises(OptionError, match="--route: the route target is empty"):
        Route.parse("  ", {}, "--route")


def test_no_window_is_stated_in_this_book(book: PriceBook) -> None:
    assert window_sizes(book) == []
