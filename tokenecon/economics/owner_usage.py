"""Priced usage folded once by (use case, ownership key), with cost per day, for showback,
budgets and people to read instead of each walking every priced group.

With a people file the engine groups by user, so priced groups number in the hundreds of
thousands at 10M rows; one pass here keeps ownership's own cost to a single fold, and
:func:`fold_owner_groups` prices those groups inside that pass: each pricing key's per-token
rates are worked out once (:class:`~tokenecon.price.apply.UnitPricer`) and scaled to whole
numbers, so a group costs one integer multiply-add per bucket, and money is made Decimal again
once per (use case, user) and day. Integers of one common scale add up exactly, so the figures
are those of pricing each group on its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal, localcontext
from operator import mul

from tokenecon.aggregate.types import UsageGroup
from tokenecon.economics.decompose import Volume
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS, TOKEN_COLUMNS
from tokenecon.price.apply import RATE_PRECISION, PricedGroup, UnitPricer, UnitRates, price_groups
from tokenecon.price.book import PriceBook
from tokenecon.price.reconcile import COST_SOURCES, choose_costs
from tokenecon.price.regional import Policies

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


_SUMS = (
    "rows", "requests", "batch_requests", "unpriced_tokens", "cliff_unknown_tokens",
    "above_cliff_requests", "priced_rows", "priced_requests", "utility_requests",
    "resident_requests", "nonresident_requests", "reported_rows",
)  # fmt: skip
"""The whole-number fields of :class:`Volume` the fold adds up, in the accumulator's order;
then the token columns, then cost, cost at the standard tier and cost without cache (scaled)."""
_TOKENS = len(_SUMS)
_COST = _TOKENS + len(TOKEN_COLUMNS)


def fold_owner_groups(
    groups: Sequence[UsageGroup], book: PriceBook, residency: Policies | None, source: str
) -> OwnerUsage:
    """What ``fold_usage(choose_costs(price_groups(groups, book, residency), source))``
    gives, with each group priced by its key's per-token rates. Groups whose cost the
    source's own figure may decide (reported rows, unless ``auto`` keeps the computed cost:
    a priced model on a day the book meters) go that long way instead."""
    pricer = UnitPricer(book, residency)
    rates = [pricer.rates(g) for g in groups]
    metered = {
        (r.model_key, g.day)
        for g, r in zip(groups, rates, strict=True)
        if r is not None and any(g.tokens[c] for c in BILLABLE_TOKEN_COLUMNS)
    }
    if source not in COST_SOURCES or any(
        g.reported_rows
        and source != "computed"
        and not (source == "auto" and r is not None and (r.model_key, g.day) in metered)
        for g, r in zip(groups, rates, strict=True)
    ):
        return fold_usage(choose_costs(price_groups(groups, book, residency), source))
    return _fold_priced(groups, rates, source != "reported")


def _fold_priced(
    groups: Sequence[UsageGroup], rates: Sequence[UnitRates | None], priced: bool
) -> OwnerUsage:
    """The fold of :class:`Volume.add` over groups whose cost is computed (``priced``) or
    left out (``--cost-source reported`` with no reported cost), at their ``rates``."""
    distinct = {id(r): r for r in rates if r is not None}
    every = [x for r in distinct.values() for x in (*r.cost, *r.standard, *r.uncached)]
    scale = max([0, *(-int(x.as_tuple().exponent) for x in every)])
    scaled = {i: (_whole(r.cost, scale), _whole(r.standard, scale), _whole(r.uncached, scale))
              for i, r in distinct.items()}  # fmt: skip
    width = _COST + 3
    sums: dict[Key, list[int]] = {}
    reported: dict[Key, Decimal] = {}
    daily: dict[tuple[str | None, str | None, date], int] = {}
    for g, r in zip(groups, rates, strict=True):
        key = (g.use_case, g.by_value)
        a = sums.get(key)
        if a is None:
            a = sums[key] = [0] * width
        tokens = g.tokens
        a[0] += g.rows
        a[1] += g.requests
        if g.service_tier == "batch":
            a[2] += g.requests
        for i, c in enumerate(TOKEN_COLUMNS, _TOKENS):
            a[i] += tokens[c]
        billable = [tokens[c] for c in BILLABLE_TOKEN_COLUMNS]
        if r is None or not priced:
            a[3] += sum(billable)
        else:
            at, standard, uncached = scaled[id(r)]
            cost = sum(map(mul, billable, at))
            a[_COST] += cost
            a[_COST + 1] += sum(map(mul, billable, standard))
            a[_COST + 2] += sum(map(mul, billable, uncached))
            a[6] += g.rows
            a[7] += g.requests
            if r.tier == "utility":
                a[8] += g.requests
            day = (g.use_case, g.by_value, g.day)
            daily[day] = daily.get(day, 0) + cost
        if g.in_region is not None:
            a[9 if g.in_region else 10] += g.requests
        cliff = r.cliff if r is not None else "below"
        if cliff == "unknown":
            a[4] += sum(billable)
        elif cliff == "above":
            a[5] += g.requests
        if g.reported_cost is not None:
            reported[key] = reported.get(key, Decimal(0)) + g.reported_cost
            a[11] += g.reported_rows
    volumes = {}
    for key, a in sums.items():
        v = Volume()
        for name, n in zip(_SUMS, a, strict=False):  # the whole-number fields lead
            setattr(v, name, n)
        v.tokens = dict(zip(TOKEN_COLUMNS, a[_TOKENS:_COST], strict=True))
        v.cost = _money(a[_COST], scale)
        v.cost_standard_tier = _money(a[_COST + 1], scale)
        v.cost_without_cache = _money(a[_COST + 2], scale)
        v.reported_cost = reported.get(key, Decimal(0))
        volumes[key] = v
    return OwnerUsage(volumes, {k: _money(n, scale) for k, n in daily.items()})


def _whole(rates: tuple[Decimal, ...], scale: int) -> tuple[int, ...]:
    """Per-token rates x 10^scale, whole numbers (scale is the largest number of decimals)."""
    with localcontext() as ctx:
        ctx.prec = RATE_PRECISION
        return tuple(int(x.scaleb(scale)) for x in rates)


def _money(n: int, scale: int) -> Decimal:
    """n / 10^scale, exactly."""
    if not n:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = len(str(abs(n))) + 2
        return Decimal(n).scaleb(-scale)
