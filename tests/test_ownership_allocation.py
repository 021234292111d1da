"""Allocation to the cent: hand-computed splits, and a property test that no rule, on any
inputs, creates or loses money."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tokenecon.attribute.domains import SharedPool
from tokenecon.economics.allocation import CENT, allocate_pool, largest_remainder


def pool(rule: str, amount: str | None = "10", **kw: object) -> SharedPool:
    defaults: dict[str, object] = {
        "kind": "gateway", "basis": "cost" if rule == "proportional" else None, "weights": (),
        "domains": (), "idle": None, "where": "test",
    }  # fmt: skip
    defaults.update(kw)
    return SharedPool("p", Decimal(amount) if amount else None, rule=rule, **defaults)  # type: ignore[arg-type]


BASIS = {
    "cost": {"A": Decimal("1"), "B": Decimal("2"), "C": Decimal("3")},
    "requests": {"A": Decimal(0), "B": Decimal(0), "C": Decimal(0)},
    "tokens": {"A": Decimal(5), "B": Decimal(0), "C": Decimal(5)},
}


def test_even_gives_the_odd_cent_to_the_first() -> None:
    a = allocate_pool(pool("even", "100"), Decimal(100), ["A", "B", "C"], BASIS)
    assert a.shares == {"A": Decimal("33.34"), "B": Decimal("33.33"), "C": Decimal("33.33")}
    assert a.unallocated == 0


def test_proportional_to_cost() -> None:
    # $10 by 1:2:3 = 166.67c, 333.33c, 500c: 999 whole cents, the one left to A (.67)
    a = allocate_pool(pool("proportional"), Decimal(10), ["A", "B", "C"], BASIS)
    assert a.shares == {"A": Decimal("1.67"), "B": Decimal("3.33"), "C": Decimal("5.00")}


def test_proportional_with_nothing_to_be_proportional_to_stays_unallocated() -> None:
    a = allocate_pool(pool("proportional", basis="requests"), Decimal(10), ["A", "B"], BASIS)
    assert a.shares == {}
    assert a.unallocated == Decimal(10)
    assert a.reason == "its domains have no direct requests to be proportional to"


def test_proportional_to_tokens_of_named_domains() -> None:
    p = pool("proportional", basis="tokens", domains=("A", "B"))
    a = allocate_pool(p, Decimal("0.03"), ["A", "B", "C"], BASIS)
    assert a.shares == {"A": Decimal("0.03"), "B": Decimal("0.00")}
    assert a.rule_text == "proportional to direct tokens (A, B)"


def test_fixed_weights() -> None:
    # $999.99 at 60/40 = 59999.4c and 39999.6c: the cent left to B (.6)
    p = pool("fixed", "999.99", weights=(("A", Decimal("0.6")), ("B", Decimal("0.4"))))
    a = allocate_pool(p, Decimal("999.99"), ["A", "B", "C"], BASIS)
    assert a.shares == {"A": Decimal("599.99"), "B": Decimal("400.00")}
    assert a.rule_text == "fixed: A 60%, B 40%"


def test_a_sub_cent_remainder_stays_visible() -> None:
    a = allocate_pool(pool("even"), Decimal("51.475734"), ["A", "B"], BASIS)
    assert a.shares == {"A": Decimal("25.74"), "B": Decimal("25.73")}
    assert a.unallocated == Decimal("0.005734")
    assert a.reason == "less than a cent left after whole cents"


def test_no_domain_at_all() -> None:
    a = allocate_pool(pool("even"), Decimal(10), [], BASIS)
    assert (a.allocated, a.unallocated, a.reason) == (0, Decimal(10), "no domain to share it")


def test_largest_remainder_refuses_fractions_of_its_unit() -> None:
    with pytest.raises(ValueError):
        largest_remainder(Decimal("0.005"), [1, 1])


amounts = st.integers(min_value=0, max_value=10**12).map(lambda c: Decimal(c) * CENT)
weights = st.lists(
    st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
    min_size=1, max_size=30,
).filter(lambda ws: any(ws))  # fmt: skip


@given(amounts, weights)
def test_largest_remainder_conserves_money_and_stays_within_a_cent(
    amount: Decimal, ws: list[Decimal]
) -> None:
    shares = largest_remainder(amount, ws)
    assert sum(shares, Decimal(0)) == amount
    total = sum((Fraction(w) for w in ws), Fraction(0))
    for share, w in zip(shares, ws, strict=True):
        quota = Fraction(amount) * Fraction(w) / total
        assert abs(Fraction(share) - quota) < Fraction(1, 100)
        assert share == share.quantize(CENT)


@given(
    st.decimals(min_value=0, max_value=10**9, places=6, allow_nan=False, allow_infinity=False),
    st.sampled_from(["even", "proportional", "fixed"]),
    st.sampled_from(["cost", "requests", "tokens"]),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=3, max_size=3),
)
def test_every_rule_conserves_money(
    amount: Decimal, rule: str, basis: str, parts: list[int]
) -> None:
    names = ["A", "B", "C"]
    values = {b: dict(zip(names, map(Decimal, parts), strict=True)) for b in BASIS}
    fixed = (("A", Decimal("0.5")), ("C", Decimal("0.5")))
    p = pool(rule, str(amount), basis=basis if rule == "proportional" else None, weights=fixed)
    a = allocate_pool(p, amount, names, values)
    assert a.allocated + a.unallocated == amount
    assert a.unallocated >= 0
    assert a.unallocated < CENT or not a.shares
