"""The quality-vs-cost frontier of a use case: which ways of doing it pay more for no better.

Points are the use case as it runs now, each model it used (where outcome events say how
many of that model's tasks ended in a verified outcome), and each scenario. A point sits
inside the frontier when another costs no more per outcome with at least the same
verified-outcome rate, and is strictly better on one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tokenecon.economics.decompose import UseCaseEconomics, ratio


@dataclass(frozen=True)
class Point:
    """One way of doing a use case."""

    label: str
    kind: str
    """``now``, ``model`` or ``scenario``."""
    cost_per_outcome: Decimal | None
    """None when it produced no verified outcome."""
    outcome_rate: Decimal | None
    """Verified outcomes per task."""
    tasks: Decimal | int
    outcomes: int
    assumed: bool = False
    """A scenario whose route has no success rate for its target: its quality is assumed equal,
    not known, so it neither sits on the frontier nor beats another point."""


@dataclass(frozen=True)
class Placed:
    """A point and where it sits."""

    point: Point
    dominated_by: Point | None
    """The cheapest point that is at least as good on both axes and better on one."""

    @property
    def on_frontier(self) -> bool:
        """Whether no point beats it (never for a point of assumed quality)."""
        return self.dominated_by is None and not self.point.assumed


def point_of(label: str, kind: str, economics: UseCaseEconomics) -> Point | None:
    """A use case's (or scenario's) point, when it has outcomes."""
    if economics.outcomes is None:
        return None
    return Point(
        label,
        kind,
        economics.cost_per_outcome if economics.outcomes else None,
        ratio(economics.outcomes, economics.tasks),
        economics.tasks,
        economics.outcomes,
    )


def model_points(
    economics: UseCaseEconomics, yields: dict[tuple[str, str], tuple[int, int]]
) -> list[Point]:
    """A point per model of the use case whose tasks and outcomes the events show."""
    out = []
    for key, volume in sorted(economics.models.items()):
        tasks, outcomes = yields.get((economics.name, key), (0, 0))
        if not tasks or volume.unpriced_tokens:
            continue
        out.append(
            Point(
                key,
                "model",
                ratio(volume.cost, outcomes),
                ratio(outcomes, tasks),
                tasks,
                outcomes,
            )
        )
    return out


def _beats(a: Point, b: Point) -> bool:
    if a.cost_per_outcome is None or a.assumed or b.assumed:
        return False
    rate_a, rate_b = a.outcome_rate or 0, b.outcome_rate or 0
    if b.cost_per_outcome is None:
        return rate_a >= rate_b
    no_worse = a.cost_per_outcome <= b.cost_per_outcome and rate_a >= rate_b
    better = a.cost_per_outcome < b.cost_per_outcome or rate_a > rate_b
    return no_worse and better


def place(points: Sequence[Point]) -> list[Placed]:
    """Each point with the cheapest point that beats it (None: it is on the frontier)."""
    out = []
    for point in points:
        beaters = [p for p in points if p is not point and _beats(p, point)]
        best = min(
            beaters,
            key=lambda p: (p.cost_per_outcome, -(p.outcome_rate or 0), p.label),
            default=None,
        )
        out.append(Placed(point, best))
    return out
