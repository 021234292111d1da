"""5-hour billing blocks of coding-agent usage (the windows Claude plans meter), as ccusage
counts them: a block starts at the hour of its first request and lasts five hours; the next
request at or after its end starts a new one. Burn rate and the projection of the current
block follow from the cost so far."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from tokenecon.aggregate.types import UsageGroup
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS
from tokenecon.price.apply import price_groups
from tokenecon.price.book import PriceBook

BLOCK = timedelta(hours=5)


@dataclass
class Block:
    """One 5-hour block: its start, cost, tokens and requests, and the hours with usage."""

    start: datetime
    cost: Decimal = Decimal(0)
    requests: int = 0
    tokens: int = 0
    first: datetime | None = None
    last: datetime | None = None
    unpriced_requests: int = 0
    models: set[str] = field(default_factory=set)

    @property
    def end(self) -> datetime:
        """When the block closes."""
        return self.start + BLOCK

    def burn_rate(self, now: datetime | None = None) -> Decimal | None:
        """Cost per hour from the block's start to its last usage hour (or ``now``)."""
        if self.last is None:
            return None
        until = min(now, self.end) if now else self.last + timedelta(hours=1)
        hours = Decimal((until - self.start).total_seconds()) / 3600
        return self.cost / hours if hours > 0 else None

    def projection(self, now: datetime) -> Decimal | None:
        """The block's cost at its end at the current burn rate, while it is open at ``now``."""
        if not (self.start <= now < self.end):
            return None
        rate = self.burn_rate(now)
        return None if rate is None else rate * 5


def blocks(hours: Sequence[tuple[datetime, Decimal | None, int, int, str]]) -> list[Block]:
    """Blocks from (hour, cost or None when unpriced, requests, tokens, model), by hour."""
    out: list[Block] = []
    for hour, cost, requests, tokens, model in sorted(hours, key=lambda h: h[0]):
        if not out or hour >= out[-1].end:
            out.append(Block(start=hour.replace(minute=0, second=0, microsecond=0)))
        block = out[-1]
        block.cost += cost or 0
        block.unpriced_requests += 0 if cost is not None else requests
        block.requests += requests
        block.tokens += tokens
        block.models.add(model)
        block.first = block.first or hour
        block.last = hour
    return out


def hourly_blocks(hourly: Sequence[tuple[datetime, UsageGroup]], book: PriceBook) -> list[Block]:
    """Blocks from usage per hour at the pricing grain (the hourly sums the one query over
    the logs returns: no second pass), each hour priced by ``book``."""
    priced = price_groups([g for _, g in hourly], book)
    return blocks(
        [
            (
                hour,
                p.cost,
                g.requests,
                sum(g.tokens[c] for c in BILLABLE_TOKEN_COLUMNS),
                p.model_key or g.model,
            )
            for (hour, g), p in zip(hourly, priced, strict=True)
        ]
    )
