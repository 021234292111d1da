"""Negotiated discounts, stretches of constant price (the unit the usage join uses), costs."""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Protocol

from tokenecon.price.rates import BUCKETS, MILLION, PriceEntry


class ModelPrice(Protocol):
    """What periods need of a book's model (:class:`tokenecon.price.model.ModelPrice`)."""

    @property
    def key(self) -> str: ...
    @property
    def provider(self) -> str: ...
    @property
    def entries(self) -> tuple[PriceEntry, ...]: ...
    def active(self, at: date) -> PriceEntry | None: ...


@dataclass(frozen=True)
class Discount:
    """A negotiated rate: multiply matching costs from ``valid_from`` until ``valid_until``."""

    multiply: Decimal
    """Factor applied to the cost (0.85 = 15% off)."""
    provider: str | None = None
    """Only models of this provider, if set."""
    model: str | None = None
    """Only models whose key matches this glob, if set."""
    valid_from: date | None = None
    """First day (inclusive), if set."""
    valid_until: date | None = None
    """Day the discount ends (exclusive), if set."""

    def applies(self, model: ModelPrice) -> bool:
        """Whether this discount covers ``model`` (dates aside)."""
        if self.provider and self.provider.lower() != model.provider.lower():
            return False
        return not (self.model and not fnmatch.fnmatchcase(model.key, self.model.lower()))


@dataclass(frozen=True)
class PricePeriod:
    """A stretch of time with one constant price for one model: the unit that SQL joins on."""

    price_id: int
    """Dense id used in the usage join."""
    model_key: str
    """The book's model name."""
    start: datetime | None
    """UTC start (inclusive), None for the beginning of time."""
    end: datetime | None
    """UTC end (exclusive), None for open-ended."""
    entry: PriceEntry
    """The dated price in force."""
    discount: Decimal
    """Product of the discounts in force."""


def discount_at(discounts: list[Discount], model: ModelPrice, at: date) -> Decimal:
    """Product of the discounts that apply to ``model`` on day ``at``."""
    factor = Decimal(1)
    for d in discounts:
        if not d.applies(model):
            continue
        if d.valid_from and at < d.valid_from:
            continue
        if d.valid_until and at >= d.valid_until:
            continue
        factor *= d.multiply
    return factor


def split_periods(models: Sequence[ModelPrice], discounts: list[Discount]) -> list[PricePeriod]:
    """Split each model's timeline into stretches of constant price and discount."""
    out: list[PricePeriod] = []
    for model in models:
        cuts = {e.valid_from for e in model.entries}
        for d in discounts:
            if d.applies(model):
                cuts.update(x for x in (d.valid_from, d.valid_until) if x)
        days = sorted(cuts)
        for i, day in enumerate(days):
            entry = model.active(day)
            if entry is None:
                continue
            end = days[i + 1] if i + 1 < len(days) else None
            out.append(
                PricePeriod(
                    price_id=len(out) + 1,
                    model_key=model.key,
                    start=_midnight(day),
                    end=_midnight(end) if end else None,
                    entry=entry,
                    discount=discount_at(discounts, model, day),
                )
            )
    return out


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def cost_of(
    period: PricePeriod, tokens: dict[str, int], service_tier: str | None, above: bool
) -> Decimal:
    """Exact cost of token buckets (``input`` means uncached input) priced in ``period``."""
    rates = period.entry.rates_for(service_tier, above)
    total = Decimal(0)
    for bucket in BUCKETS:  # a loop, not sum(): what-ifs price ~50k groups a run
        if n := tokens.get(bucket):
            total += n * rates.of(bucket)
    return total * period.discount / MILLION
