"""The frontier as a number (docs/formulas.md#frontier-share): the share of spend on use cases
inside the quality-vs-cost frontier, i.e. with a cheaper point of at least their quality.

A use case's observed point is (cost per verified outcome, verified outcomes per task). Its
cheaper point is the cheapest utility model of its provider (the tokens repriced, as in
``price_vs_cheapest``) at the success rate the mapping states for that model
(``success_rate:``): cost per outcome = repriced cost / (tasks x rate). Without a stated rate the
use case is not assessed: its quality there is unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tokenecon.economics.decompose import Economics, UseCaseEconomics, ratio
from tokenecon.price.book import PriceBook


@dataclass(frozen=True)
class FrontierPoint:
    """A use case against the cheaper point."""

    name: str
    cost: Decimal
    cost_per_outcome: Decimal
    quality: Decimal
    """Verified outcomes per task, observed."""
    cheaper_model: str
    cheaper_cost_per_outcome: Decimal
    cheaper_quality: Decimal
    """The stated success rate of the cheaper model."""
    rate_source: str
    """Where the rate is stated (file:line)."""

    @property
    def inside(self) -> bool:
        """Dominated: the cheaper point costs less per outcome at no lower quality."""
        return (
            self.cheaper_cost_per_outcome < self.cost_per_outcome
            and self.cheaper_quality >= self.quality
        )


@dataclass(frozen=True)
class FrontierShare:
    """The portfolio's share of spend inside the frontier."""

    points: list[FrontierPoint]
    not_assessed: list[str]
    """Use cases with outcomes but no stated rate for their cheaper model."""
    on_cheapest: list[str]
    """Use cases already on their provider's cheapest utility model: on the frontier."""
    total_cost: Decimal

    @property
    def inside_cost(self) -> Decimal:
        """Spend of the use cases inside the frontier."""
        return sum((p.cost for p in self.points if p.inside), Decimal(0))

    @property
    def share(self) -> Decimal | None:
        """Inside spend / all priced spend (None when nothing could be assessed)."""
        return ratio(self.inside_cost, self.total_cost) if self.points else None


def _point(u: UseCaseEconomics, book: PriceBook) -> FrontierPoint | None:
    if not u.outcomes or not u.tasks or u.cheapest_model is None or u.cheapest_cost is None:
        return None
    if u.use_case is None:
        return None
    stated = [r for r in u.use_case.success_rates if book.resolve(r.model) == u.cheapest_model]
    if not stated or u.cost_per_outcome is None:
        return None
    rate = stated[0].expected
    cheaper = ratio(u.cheapest_cost, u.tasks * rate)
    quality = ratio(u.outcomes, u.tasks)
    if cheaper is None or quality is None:
        return None
    return FrontierPoint(
        u.name, u.volume.cost, u.cost_per_outcome, quality, u.cheapest_model, cheaper, rate,
        stated[0].where,
    )  # fmt: skip


def frontier_share(economics: Economics, book: PriceBook) -> FrontierShare:
    """Every use case with outcomes placed against its cheaper point, where one is stated."""
    points, missing, cheapest = [], [], []
    for u in economics.use_cases:
        if not u.outcomes:
            continue
        if u.cheapest_model is not None and u.cheapest_model in u.models:
            cheapest.append(u.name)
            continue
        point = _point(u, book)
        if point is None:
            missing.append(u.name)
        else:
            points.append(point)
    return FrontierShare(points, missing, cheapest, economics.total.cost)
