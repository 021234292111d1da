"""The placement premium: what in-region (sovereign) inference cost above the global price of
the same tokens, by use case, beside its sovereignty hit rate (docs/formulas.md#placement-premium).

The price book has no regional prices yet, so the premium is the use case's declared
``placement_premium`` (in-region price / global price - 1), paid on the cost of the requests
that ran in an allowed region: premium = in-region cost x p / (1 + p).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tokenecon.economics.decompose import UseCaseEconomics, ratio
from tokenecon.price.apply import PricedGroup


@dataclass(frozen=True)
class Placement:
    """A use case's placement premium over the period."""

    regions: tuple[str, ...]
    """The residency policy that required the placement."""
    premium_rate: Decimal
    """Declared in-region price over the global price, minus one."""
    in_region_cost: Decimal
    """Cost of the requests that ran in an allowed region."""
    premium: Decimal
    """in-region cost x rate / (1 + rate): what the same tokens would not have cost globally."""
    hit_rate: Decimal | None
    """Requests in an allowed region / all the use case's requests."""

    @property
    def global_cost(self) -> Decimal:
        """The in-region requests at the global price."""
        return self.in_region_cost - self.premium


def in_region_costs(priced: Sequence[PricedGroup]) -> dict[str, Decimal]:
    """Cost of priced usage that ran in an allowed region, per use case."""
    out: dict[str, Decimal] = {}
    for p in priced:
        if p.group.use_case and p.group.in_region and p.cost is not None:
            out[p.group.use_case] = out.get(p.group.use_case, Decimal(0)) + p.cost
    return out


def assess_placement(u: UseCaseEconomics, in_region: dict[str, Decimal]) -> Placement | None:
    """The placement premium of a use case with ``residency:`` (None without one)."""
    if u.use_case is None or not u.use_case.residency:
        return None
    rate = u.use_case.value.placement_premium
    cost = in_region.get(u.name, Decimal(0))
    premium = ratio(cost * rate, 1 + rate) or Decimal(0)
    return Placement(
        regions=u.use_case.residency,
        premium_rate=rate,
        in_region_cost=cost,
        premium=premium,
        hit_rate=ratio(u.volume.resident_requests, u.volume.requests),
    )
