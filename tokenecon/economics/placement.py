"""The placement premium: what in-region (sovereign) inference cost above the global price of
the same tokens, by use case, beside its sovereignty hit rate (docs/formulas.md#placement-premium).

From the price book where it can: requests the use case's ``residency:`` policy kept in a region
the book prices regionally were priced at that rate (:mod:`tokenecon.price.regional`), and
their premium is cost at the regional rate - cost of the same tokens at the global rate. Where
the book has no regional price, the use case's declared ``placement_premium`` p (in-region
price / global price - 1) stands in, on the cost of its in-region requests:
in-region cost x p / (1 + p). ``source`` says which was used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tokenecon.economics.decompose import UseCaseEconomics, ratio
from tokenecon.price.apply import PricedGroup


@dataclass(frozen=True)
class RegionalSpend:
    """A use case's in-region usage, split by whether the book priced it regionally."""

    book_cost: Decimal = Decimal(0)
    """Cost of the requests priced at a book regional rate (the uplift included)."""
    book_premium: Decimal = Decimal(0)
    """What those rates added: cost at the regional rate - cost at the global rate."""
    book_regions: dict[str, Decimal] = field(default_factory=dict)
    """Book region -> its uplift, as applied."""
    other_cost: Decimal = Decimal(0)
    """Cost of in-region requests the book has no regional price for (global price)."""


@dataclass(frozen=True)
class Placement:
    """A use case's placement premium over the period."""

    regions: tuple[str, ...]
    """The residency policy that required the placement."""
    source: str | None
    """``book`` (regional prices), ``declared`` (``placement_premium``), ``book+declared``
    (the book priced part of the in-region usage), None when neither gives a premium."""
    book_regions: dict[str, Decimal]
    """Book region -> the uplift applied (``{"eu": 1.1}``)."""
    premium_rate: Decimal
    """Declared in-region price over the global price, minus one (the fallback)."""
    in_region_cost: Decimal
    """Cost of the requests that ran in an allowed region."""
    book_premium: Decimal
    """The premium of the requests priced at a book regional rate."""
    declared_premium: Decimal
    """The premium the declared rate gives on the in-region requests the book does not price
    regionally: their cost x rate / (1 + rate)."""
    hit_rate: Decimal | None
    """Requests in an allowed region / all the use case's requests."""

    @property
    def premium(self) -> Decimal:
        """What the same tokens would not have cost at the global price."""
        return self.book_premium + self.declared_premium

    @property
    def global_cost(self) -> Decimal:
        """The in-region requests at the global price."""
        return self.in_region_cost - self.premium


def in_region_costs(priced: Sequence[PricedGroup]) -> dict[str, RegionalSpend]:
    """Priced usage that ran in an allowed region, per use case."""
    out: dict[str, RegionalSpend] = {}
    for p in priced:
        name = p.group.use_case
        if not name or not p.group.in_region or p.cost is None:
            continue
        s = out.get(name, RegionalSpend())
        if p.region is None:
            out[name] = RegionalSpend(s.book_cost, s.book_premium, s.book_regions,
                                      s.other_cost + p.cost)  # fmt: skip
        else:
            regions = {**s.book_regions, p.region: p.region_multiplier}
            out[name] = RegionalSpend(s.book_cost + p.cost, s.book_premium + p.regional_premium,
                                      regions, s.other_cost)  # fmt: skip
    return out


def assess_placement(u: UseCaseEconomics, in_region: dict[str, RegionalSpend]) -> Placement | None:
    """The placement premium of a use case with ``residency:`` (None without one)."""
    if u.use_case is None or not u.use_case.residency:
        return None
    rate = u.use_case.value.placement_premium
    spend = in_region.get(u.name, RegionalSpend())
    declared = ratio(spend.other_cost * rate, 1 + rate) or Decimal(0)
    sources = [n for n, used in (("book", spend.book_cost), ("declared", declared)) if used]
    return Placement(
        regions=u.use_case.residency,
        source="+".join(sources) or None,
        book_regions=dict(sorted(spend.book_regions.items())),
        premium_rate=rate,
        in_region_cost=spend.book_cost + spend.other_cost,
        book_premium=spend.book_premium,
        declared_premium=declared,
        hit_rate=ratio(u.volume.resident_requests, u.volume.requests),
    )
