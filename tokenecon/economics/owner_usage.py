"""Priced usage folded once by (use case, ownership key), with cost per day, for showback,
budgets and people to read instead of each walking every priced group.

With a people file the engine groups by user, so priced groups number in the hundreds of
thousands at 10M rows; one pass here keeps ownership's own cost to a single fold.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from tokenecon.economics.decompose import Volume
from tokenecon.price.apply import PricedGroup

Key = tuple[str | None, str | None]
"""(use case, value of the ownership key)."""


def merge(into: Volume, other: Volume) -> None:
    """Add ``other``'s sums to ``into``."""
    for f in fields(Volume):
        if f.name == "tokens":
            for column, n in other.tokens.items():
                into.tokens[column] += n
        else:
            setattr(into, f.name, getattr(into, f.name) + getattr(other, f.name))


def merged(volumes: Iterable[Volume]) -> Volume:
    """The sum of some volumes."""
    out = Volume()
    for v in volumes:
        merge(out, v)
    return out


@dataclass
class OwnerUsage:
    """Usage by (use case, key value), and priced cost by (use case, key value, day)."""

    volumes: dict[Key, Volume] = field(default_factory=dict)
    daily: dict[tuple[str | None, str | None, date], Decimal] = field(default_factory=dict)


def fold_usage(priced: Sequence[PricedGroup]) -> OwnerUsage:
    """One pass over the priced groups."""
    volumes: dict[Key, Volume] = defaultdict(Volume)
    daily: dict[tuple[str | None, str | None, date], Decimal] = defaultdict(Decimal)
    for p in priced:
        g = p.group
        volumes[(g.use_case, g.by_value)].add(p)
        if p.cost is not None:
            daily[(g.use_case, g.by_value, g.day)] += p.cost
    return OwnerUsage(dict(volumes), dict(daily))
