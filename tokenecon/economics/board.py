"""The five board-slide lines, computed from the decomposed usage.

1. cost per verified outcome: cost of the use cases that count outcomes / their outcomes;
2. direct-allocation share: spend that a use case of the mapping claims / all priced spend;
3. route win rate: priced requests on utility-tier models / priced requests, with quality
   (verified outcomes per task) of the use cases a utility model mainly serves against the rest;
4. cache and batch leverage: the share of the list bill (standard tier, nothing cached) that
   prompt caching and the batch tier took off;
5. sovereignty hit rate: requests of use cases with ``residency:`` that ran in an allowed
   region / all their requests (a request whose region is unknown is not a hit).

A line whose denominator is zero is None: there is nothing to measure, which is not 0%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tokenecon.economics.decompose import Economics, UseCaseEconomics, ratio


@dataclass(frozen=True)
class OutcomeGroup:
    """Tasks and verified outcomes summed over some use cases."""

    use_cases: tuple[str, ...]
    tasks: int
    outcomes: int

    @property
    def outcomes_per_task(self) -> Decimal | None:
        """Verified outcomes / tasks: the share of tasks that ended in an outcome."""
        return ratio(self.outcomes, self.tasks)


@dataclass(frozen=True)
class BoardLines:
    """What the five lines are made of; each line is a property."""

    outcome_cost: Decimal
    """Cost of the use cases that count outcomes."""
    outcomes: int
    """Their verified outcomes."""
    outcome_use_cases: tuple[str, ...]
    total_cost: Decimal
    """All priced spend."""
    attributed_cost: Decimal
    """Priced spend of the mapping's use cases."""
    priced_requests: int
    utility_requests: int
    utility_quality: OutcomeGroup
    """Use cases with outcomes whose costliest model is utility-tier."""
    other_quality: OutcomeGroup
    """The other use cases with outcomes."""
    cache_read_tokens: int
    input_tokens: int
    batch_requests: int
    requests: int
    cost_standard_tier: Decimal
    cost_without_cache: Decimal
    computed_cost: Decimal
    """The part of the total priced by the price book (leverage compares it with list prices;
    a cost the source reported has no list price to compare with)."""
    residency_use_cases: tuple[str, ...]
    residency_requests: int
    resident_requests: int
    nonresident_requests: int

    @property
    def cost_per_verified_outcome(self) -> Decimal | None:
        """Line 1."""
        return ratio(self.outcome_cost, self.outcomes)

    @property
    def direct_allocation_share(self) -> Decimal | None:
        """Line 2."""
        return ratio(self.attributed_cost, self.total_cost)

    @property
    def route_win_rate(self) -> Decimal | None:
        """Line 3."""
        return ratio(self.utility_requests, self.priced_requests)

    @property
    def cache_saving(self) -> Decimal:
        """List cost with nothing cached minus list cost as cached (both at standard tier)."""
        return self.cost_without_cache - self.cost_standard_tier

    @property
    def batch_saving(self) -> Decimal:
        """Cost at the standard tier minus the cost at the tiers used."""
        return self.cost_standard_tier - self.computed_cost

    @property
    def leverage(self) -> Decimal | None:
        """Line 4: (cache saving + batch saving) / list cost with nothing cached."""
        return ratio(self.cost_without_cache - self.computed_cost, self.cost_without_cache)

    @property
    def sovereignty_hit_rate(self) -> Decimal | None:
        """Line 5."""
        return ratio(self.resident_requests, self.residency_requests)

    @property
    def unknown_region_requests(self) -> int:
        """Requests of residency use cases whose source did not report a region."""
        return self.residency_requests - self.resident_requests - self.nonresident_requests


def _outcome_group(use_cases: list[UseCaseEconomics]) -> OutcomeGroup:
    return OutcomeGroup(
        use_cases=tuple(u.name for u in use_cases),
        tasks=sum(u.tasks for u in use_cases),
        outcomes=sum(u.outcomes or 0 for u in use_cases),
    )


def board_lines(economics: Economics) -> BoardLines:
    """The five lines of a decomposed period."""
    total = economics.total
    counted = [u for u in economics.use_cases if u.outcomes is not None and u.volume.rows]
    residency = [u for u in economics.use_cases if u.use_case and u.use_case.residency]
    return BoardLines(
        outcome_cost=sum((u.volume.cost for u in counted), Decimal(0)),
        outcomes=sum(u.outcomes or 0 for u in counted),
        outcome_use_cases=tuple(u.name for u in counted),
        total_cost=total.cost,
        attributed_cost=total.cost - economics.unattributed.cost,
        priced_requests=total.priced_requests,
        utility_requests=total.utility_requests,
        utility_quality=_outcome_group([u for u in counted if u.main_tier == "utility"]),
        other_quality=_outcome_group([u for u in counted if u.main_tier != "utility"]),
        cache_read_tokens=total.tokens["cache_read_tokens"],
        input_tokens=total.input,
        batch_requests=total.batch_requests,
        requests=total.requests,
        cost_standard_tier=total.cost_standard_tier,
        cost_without_cache=total.cost_without_cache,
        computed_cost=total.cost - total.cost_from_reported,
        residency_use_cases=tuple(u.name for u in residency),
        residency_requests=sum(u.volume.requests for u in residency),
        resident_requests=sum(u.volume.resident_requests for u in residency),
        nonresident_requests=sum(u.volume.nonresident_requests for u in residency),
    )
