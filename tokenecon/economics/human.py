"""Time saved against the human alternative (docs/formulas.md#human-baseline).

A person would take ``minutes_per_outcome`` for each verified outcome at ``hourly_rate``; the AI
workflow still costs its review minutes. Hours saved are net of that review.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tokenecon.economics.decompose import UseCaseEconomics, ratio
from tokenecon.economics.integrity import Integrity


@dataclass(frozen=True)
class HumanBaseline:
    """A use case against doing its outcomes by hand."""

    minutes_per_outcome: Decimal
    hourly_rate: Decimal
    human_hours: Decimal
    """outcomes x minutes per outcome / 60."""
    review_hours: Decimal
    """tasks x review minutes per task / 60 (people's time the workflow still takes)."""
    human_cost: Decimal
    """human hours x hourly rate: what the outcomes would cost by hand."""
    fully_loaded_cost: Decimal
    error_cost: Decimal
    """Expected error cost (0 when not declared)."""

    @property
    def hours_saved(self) -> Decimal:
        """Human hours - review hours."""
        return self.human_hours - self.review_hours

    @property
    def roi(self) -> Decimal | None:
        """(human cost - fully loaded cost - error cost) / fully loaded cost."""
        net = self.human_cost - self.fully_loaded_cost - self.error_cost
        return ratio(net, self.fully_loaded_cost)

    @property
    def hours_saved_per_dollar(self) -> Decimal | None:
        """Hours saved / fully loaded cost."""
        return ratio(self.hours_saved, self.fully_loaded_cost)

    @property
    def payback_outcomes(self) -> Decimal | None:
        """Outcomes whose human cost covers the period's fully loaded and error cost."""
        per_outcome = ratio(self.minutes_per_outcome * self.hourly_rate, 60)
        return ratio(self.fully_loaded_cost + self.error_cost, per_outcome or 0)


def assess_human(u: UseCaseEconomics, integrity: Integrity) -> HumanBaseline | None:
    """The human alternative of a use case that declares ``human_baseline`` and has outcomes."""
    declared = u.use_case.value if u.use_case else None
    if (
        declared is None
        or declared.human_minutes_per_outcome is None
        or declared.human_hourly_rate is None
        or u.outcomes is None
        or u.use_case is None
    ):
        return None
    human_hours = ratio(declared.human_minutes_per_outcome * u.outcomes, 60) or Decimal(0)
    return HumanBaseline(
        minutes_per_outcome=declared.human_minutes_per_outcome,
        hourly_rate=declared.human_hourly_rate,
        human_hours=human_hours,
        review_hours=ratio(u.use_case.review_minutes_per_task * u.tasks, 60) or Decimal(0),
        human_cost=human_hours * declared.human_hourly_rate,
        fully_loaded_cost=u.fully_loaded_cost,
        error_cost=integrity.error_cost or Decimal(0),
    )


def hours_saved_per_million_tokens(hb: HumanBaseline, billable_tokens: int) -> Decimal | None:
    """Hours saved / (billable tokens / 1M)."""
    return ratio(hb.hours_saved * 1_000_000, billable_tokens)
