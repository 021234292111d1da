"""Showback: every dollar of the period on a business domain, shared costs included.

A priced group belongs to the domain that owns its use case, else to the domain that names its
team or project (through the ownership key the engine grouped by), else to no domain. Per
domain: direct model cost, review and overhead of its use cases, its allocated share of each
shared pool, the total, its share of all spend, its verified outcomes and the fully allocated
cost per verified outcome. What no domain owns and no pool places is the ``(unallocated)``
line, so the lines add up to the period's whole spend.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tokenecon.attribute.domains import UNATTRIBUTED, Domain, Ownership
from tokenecon.economics.allocation import PoolAllocation, allocate_pool
from tokenecon.economics.decompose import Economics, Volume, ratio
from tokenecon.economics.owner_usage import OwnerUsage, merge

Resolver = Callable[[str | None, str | None], str | None]
"""(use case, value of the ownership key) -> domain, or None."""


def domain_resolver(
    ownership: Ownership, key: str | None, team_of: Mapping[str, str] | None = None
) -> Resolver:
    """Which domain a group of usage belongs to (its use case's owner first)."""
    by_use_case = {u: d.name for d in ownership.domains for u in d.use_cases}
    by_team = {t: d.name for d in ownership.domains for t in d.teams}
    by_project = {p: d.name for d in ownership.domains for p in d.projects}
    people = team_of or {}

    def resolve(use_case: str | None, value: str | None) -> str | None:
        if use_case in by_use_case:
            return by_use_case[use_case]
        if value is None:
            return None
        if key == "team":
            return by_team.get(value)
        if key == "project":
            return by_project.get(value)
        if key == "user" and value in people:
            return by_team.get(people[value])
        return None

    return resolve


@dataclass
class DomainLine:
    """One domain's showback."""

    domain: Domain
    volume: Volume = field(default_factory=Volume)
    """Its direct usage."""
    review_overhead: Decimal = Decimal(0)
    """Human review and declared overhead of its use cases."""
    shared_total: Decimal = Decimal(0)
    """All its allocated shares of the pools (each pool's :class:`PoolAllocation` has them
    by domain)."""
    outcomes: int | None = None
    """Verified outcomes of its use cases (None: none of them counts outcomes)."""

    @property
    def total(self) -> Decimal:
        """Direct + review and overhead + shared."""
        return self.volume.cost + self.review_overhead + self.shared_total

    @property
    def cost_per_outcome(self) -> Decimal | None:
        """Total / verified outcomes."""
        return ratio(self.total, self.outcomes) if self.outcomes else None


@dataclass
class Showback:
    """The period's spend by domain, with the pools and what stays unallocated."""

    lines: list[DomainLine]
    allocations: list[PoolAllocation]
    unowned: Volume
    """Usage no domain owns."""
    unowned_review: Decimal
    """Review and overhead of use cases no domain owns."""

    @property
    def unowned_placed(self) -> Decimal:
        """The part of the unowned usage the ``unattributed`` pool allocated."""
        return sum((a.allocated for a in self.allocations if a.pool.amount is None), Decimal(0))

    @property
    def shared_unallocated(self) -> Decimal:
        """What the shared pools (not the unattributed one) did not place."""
        pools = [a for a in self.allocations if a.pool.amount is not None]
        return sum((a.unallocated for a in pools), Decimal(0))

    @property
    def unallocated(self) -> Decimal:
        """Unowned usage not placed, its review, and what the shared pools did not place."""
        unowned = self.unowned.cost - self.unowned_placed + self.unowned_review
        return unowned + self.shared_unallocated

    @property
    def total(self) -> Decimal:
        """The whole period: every line plus the unallocated."""
        return sum((line.total for line in self.lines), Decimal(0)) + self.unallocated

    def share(self, amount: Decimal) -> Decimal | None:
        """An amount as a share of the whole."""
        return ratio(amount, self.total)


def _basis(lines: Sequence[DomainLine]) -> dict[str, dict[str, Decimal]]:
    return {
        "cost": {x.domain.name: x.volume.cost for x in lines},
        "requests": {x.domain.name: Decimal(x.volume.requests) for x in lines},
        "tokens": {x.domain.name: Decimal(x.volume.billable) for x in lines},
    }


def build_showback(
    usage: OwnerUsage, economics: Economics, ownership: Ownership, resolve: Resolver
) -> Showback:
    """Fold usage into domains and allocate every shared pool."""
    lines = {d.name: DomainLine(d) for d in ownership.domains}
    unowned = Volume()
    for (use_case, value), volume in usage.volumes.items():
        name = resolve(use_case, value)
        merge(lines[name].volume if name else unowned, volume)
    owner = {u: d.name for d in ownership.domains for u in d.use_cases}
    unowned_review = Decimal(0)
    outcomes: dict[str, list[int]] = defaultdict(list)
    for u in economics.use_cases:
        extra = u.fully_loaded_cost - u.volume.cost
        if u.name in owner:
            lines[owner[u.name]].review_overhead += extra
            if u.outcomes is not None:
                outcomes[owner[u.name]].append(u.outcomes)
        else:
            unowned_review += extra
    for name, counts in outcomes.items():
        lines[name].outcomes = sum(counts)
    ordered = list(lines.values())
    basis = _basis(ordered)
    allocations = []
    for pool in ownership.pools:
        amount = unowned.cost if pool.name == UNATTRIBUTED else (pool.amount or Decimal(0))
        allocation = allocate_pool(pool, amount, list(lines), basis)
        for domain, share in allocation.shares.items():
            lines[domain].shared_total += share
        allocations.append(allocation)
    return Showback(ordered, allocations, unowned, unowned_review)


def cost_per_verified_outcome(showback: Showback) -> Decimal | None:
    """The portfolio's fully allocated cost per verified outcome, over the domains that count
    outcomes: the default rate of an outcome-based chargeback."""
    counted = [x for x in showback.lines if x.outcomes]
    return ratio(sum((x.total for x in counted), Decimal(0)), sum(x.outcomes or 0 for x in counted))
