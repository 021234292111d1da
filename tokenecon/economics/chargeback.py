"""Chargeback on the operating ladder: what each domain is shown or charged for a period.

- ``showback``: informational; nothing is charged, the whole cost stays with the platform.
- ``usage``: the domain is charged its fully allocated total (direct + review and overhead +
  shared).
- ``outcome``: the domain is charged a rate per verified outcome x its verified outcomes; the
  rate is the domain's ``rate_per_outcome`` or else the portfolio's fully allocated cost per
  verified outcome (to 1e-6, so that rate x outcomes is the charge). The difference between
  its total and the charge is the platform variance (positive: the platform absorbs it;
  negative: the domain pays more than it cost).

Figures for a finance system are whole cents: each column of each period is rounded so that
its lines add up to the period's rounded column total (largest remainder), so the file
reconciles to the cent period by period.

Usage that spans several calendar months (or quarters) is billed one period at a time: each
period is analysed and allocated on its own, as if it were the only one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from tokenecon.attribute.budgets import Budget
from tokenecon.attribute.domains import STAGES
from tokenecon.economics.allocation import CENT
from tokenecon.economics.budgets import period_of
from tokenecon.economics.showback import Showback, cost_per_verified_outcome
from tokenecon.errors import OptionError

UNALLOCATED = "(unallocated)"
PERIODS = ("month", "quarter")
"""What a chargeback bills at a time."""
RATE = Decimal("0.000001")
"""Rates per outcome are charged at this precision."""


@dataclass(frozen=True)
class ChargeLine:
    """One domain's line for one period."""

    domain: str
    owner: str
    stage: str
    start: date
    end: date
    direct: Decimal
    review_overhead: Decimal
    shared: Decimal
    total: Decimal
    outcomes: int | None
    rate: Decimal | None
    """Charged per verified outcome (``outcome`` stage)."""
    charge: Decimal
    """What the domain is charged (0 under showback)."""
    unpriced_tokens: int = 0
    """Tokens of its usage with no price: in no cost or charge of the line."""

    @property
    def variance(self) -> Decimal | None:
        """Total - charge, where something is charged; None under showback."""
        return None if self.stage == "showback" else self.total - self.charge


def charge_lines(
    showback: Showback, start: date, end: date, stage: str | None = None
) -> list[ChargeLine]:
    """Every domain's line (its own stage, or ``stage`` for all), then the unallocated line
    (the platform's), exact to the Decimal."""
    if stage is not None and stage not in STAGES:
        raise OptionError(f"--stage {stage!r}", f"one of {', '.join(STAGES)}")
    portfolio_rate = cost_per_verified_outcome(showback)
    out = []
    for x in showback.lines:
        rung = stage or x.domain.stage
        rate = None
        if rung == "usage":
            charge = x.total
        elif rung == "outcome":
            rate = x.domain.rate_per_outcome or portfolio_rate
            if rate is not None:  # a rate finance can multiply back: to 1e-6
                rate = rate.quantize(RATE, rounding=ROUND_HALF_UP)
            charge = (rate or Decimal(0)) * (x.outcomes or 0)
        else:
            charge = Decimal(0)
        out.append(
            ChargeLine(
                domain=x.domain.name,
                owner=x.domain.owner,
                stage=rung,
                start=start,
                end=end,
                direct=x.volume.cost,
                review_overhead=x.review_overhead,
                shared=x.shared_total,
                total=x.total,
                outcomes=x.outcomes,
                rate=rate,
                charge=charge,
                unpriced_tokens=x.volume.unpriced_tokens,
            )
        )
    out.append(
        ChargeLine(
            domain=UNALLOCATED,
            owner="",
            stage="showback",
            start=start,
            end=end,
            direct=showback.unowned.cost - showback.unowned_placed,
            review_overhead=showback.unowned_review,
            shared=showback.shared_unallocated,
            total=showback.unallocated,
            outcomes=None,
            rate=None,
            charge=Decimal(0),
            unpriced_tokens=showback.unowned.unpriced_tokens,
        )
    )
    return out


def in_cents(values: list[Decimal]) -> list[Decimal]:
    """Each value in whole cents such that they add up to the rounded sum of the values: every
    value is floored to the cent, and the cents left go one each to the largest remainders
    (ties to the earlier line)."""
    total = sum(values, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
    floors = [v.quantize(CENT, rounding=ROUND_FLOOR) for v in values]
    left = int((total - sum(floors, Decimal(0))) / CENT)
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += CENT
    return floors


def billing_period(budgets: Sequence[Budget], given: str | None = None) -> str:
    """The period a chargeback bills by: ``given`` (``--period``), else ``quarter`` when the
    mapping budgets its domains by the quarter (every domain budget), else ``month``."""
    if given is not None:
        if given not in PERIODS:
            raise OptionError(f"--period {given!r}", f"one of {', '.join(PERIODS)}")
        return given
    domains = [b for b in budgets if b.scope == "domain"]
    return "quarter" if domains and all(b.period == "quarter" for b in domains) else "month"


def billing_periods(first: date, last: date, period: str) -> list[tuple[date, date]]:
    """The calendar months (or quarters) from the one holding ``first`` to the one holding
    ``last``, each as (first day, last day)."""
    out = []
    start, end = period_of(first, period)
    while start <= last:
        out.append((start, end))
        start, end = period_of(end + timedelta(days=1), period)
    return out
