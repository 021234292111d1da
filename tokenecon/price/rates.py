"""Rates of one dated price: per-bucket prices, service tiers and the long-context cliff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

BUCKETS = ("input", "cache_read", "cache_write", "cache_write_1h", "output")
SERVICE_TIERS = ("batch", "flex", "priority")
MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Rates:
    """Prices per million tokens of each disjoint bucket."""

    input: Decimal
    """Uncached input tokens."""
    cache_read: Decimal
    """Tokens read from a prompt cache (defaults to ``input`` when the book omits it)."""
    cache_write: Decimal
    """Tokens written to a 5-minute cache (defaults to ``input``)."""
    cache_write_1h: Decimal
    """Tokens written to a 1-hour cache (defaults to ``cache_write``)."""
    output: Decimal
    """Output tokens, reasoning included."""

    def of(self, bucket: str) -> Decimal:
        """The price of one bucket by name."""
        value: Decimal = getattr(self, bucket)
        return value

    def times(self, factor: Decimal) -> Rates:
        """Every bucket multiplied by ``factor``."""
        return Rates(**{b: self.of(b) * factor for b in BUCKETS})


@dataclass(frozen=True)
class PriceEntry:
    """One dated price of a model, active from ``valid_from`` until the next entry."""

    valid_from: date
    """First UTC day on which this price applies."""
    rates: Rates
    """Standard-tier prices."""
    above_input_tokens: int | None
    """Long-context cliff: a request whose whole prompt is strictly above this is repriced."""
    above_rates: Rates | None
    """Prices of every bucket above the cliff (buckets the book leaves out keep their price)."""
    tiers: dict[str, Rates] = field(default_factory=dict)
    """Service tier (``batch``, ``flex``, ``priority``) -> its prices below the cliff."""
    above_tiers: dict[str, Rates] = field(default_factory=dict)
    """Service tier -> its prices above the cliff."""
    source: str = ""
    """Where the price comes from (URL or contract)."""
    checked: str = ""
    """When the price was last checked."""

    @property
    def multipliers(self) -> dict[str, Decimal]:
        """Each service tier the entry prices, as its ratio to standard on the priciest bucket.

        Exact where a tier scales every bucket alike (the common case); use :meth:`rates_for`
        to price, which is exact per bucket.
        """
        out = {}
        for tier, rates in self.tiers.items():
            base = self.rates.output or self.rates.input
            top = rates.output if self.rates.output else rates.input
            out[tier] = top / base if base else Decimal(1)
        return out

    def rates_for(self, service_tier: str | None, above: bool) -> Rates:
        """The per-bucket prices of one service tier, below or above the cliff.

        A tier the entry does not price bills at standard (``whatif`` notes it).
        """
        if above and self.above_rates is not None:
            tier = self.above_tiers.get(service_tier or "")
            if tier is not None:
                return tier
            below = self.tiers.get(service_tier or "")
            if below is not None:
                return _scaled_like(self.above_rates, self.rates, below)
            return self.above_rates
        return self.tiers.get(service_tier or "", self.rates)


def _scaled_like(above: Rates, standard: Rates, tier: Rates) -> Rates:
    """Above-cliff tier prices the book does not spell out: the tier's per-bucket ratio applied
    to the above-cliff prices."""
    values = {}
    for b in BUCKETS:
        base = standard.of(b)
        values[b] = above.of(b) * tier.of(b) / base if base else above.of(b)
    return Rates(**values)
