"""Priced usage folded once by (use case, ownership key), with cost per day, for showback,
budgets and people to read instead of each walking every priced group.

With a people file the engine sums usage per user, so per-user parts number in the hundreds
of thousands at 10M rows. They come filed per pricing key (the key's group and its parts as
columns: :class:`~tokenecon.aggregate.types.OwnedGroup`), and :func:`fold_owner_groups`
prices each key once: its per-token rates (:class:`~tokenecon.price.apply.UnitPricer`)
scaled to whole numbers, so a part's cost is a dot product of its billable tokens with them,
worked out a column at a time, and money is made Decimal again once per (use case, user)
and day. Integers of one common scale add up exactly, so the figures are those of pricing
each part on its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Context, Decimal, localcontext

from tokenecon.aggregate.types import OwnedGroup, UsageGroup
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
    unpriced_daily: dict[tuple[str | None, str | None, date], int] = field(default_factory=dict)
    """Billable tokens with no price by (use case, key value, day): in no ``daily`` cost."""


def fold_usage(priced: Sequence[PricedGroup]) -> OwnerUsage:
    """One pass over the priced groups."""
    volumes: dict[Key, Volume] = defaultdict(Volume)
    daily: dict[tuple[str | None, str | None, date], Decimal] = defaultdict(Decimal)
    unpriced: dict[tuple[str | None, str | None, date], int] = defaultdict(int)
    for p in priced:
        g = p.group
        volumes[(g.use_case, g.by_value)].add(p)
        if p.cost is not None:
            daily[(g.use_case, g.by_value, g.day)] += p.cost
        elif p.billable_tokens:
            unpriced[(g.use_case, g.by_value, g.day)] += p.billable_tokens
    return OwnerUsage(dict(volumes), dict(daily), dict(unpriced))


_SUMS = (
    "rows", "requests", "batch_requests", "unpriced_tokens", "cliff_unknown_tokens",
    "above_cliff_requests", "priced_rows", "priced_requests", "utility_requests",
    "resident_requests", "nonresident_requests", "reported_rows",
)  # fmt: skip
"""The whole-number fields of :class:`Volume` the fold adds up, in the accumulator's order;
then the token columns, then cost, cost at the standard tier and cost without cache (scaled)."""
_TOKENS = len(_SUMS)
_COST = _TOKENS + len(TOKEN_COLUMNS)
_BILLABLE = len(BILLABLE_TOKEN_COLUMNS)


def fold_owner_groups(
    owned: Sequence[OwnedGroup], book: PriceBook, residency: Policies | None, source: str
) -> OwnerUsage:
    """What ``fold_usage(choose_costs(price_groups(parts, book, residency), source))`` gives
    for the per-user parts as groups of their own, with each pricing key priced once and its
    parts folded at its per-token rates. Where the source's own cost may decide a price
    (reported rows, unless ``auto`` keeps the computed cost: a priced model on a day the book
    meters) the parts go that long way instead."""
    pricer = UnitPricer(book, residency)
    groups = [o.group for o in owned]
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
        return fold_usage(choose_costs(price_groups(per_part(owned), book, residency), source))
    return _fold_priced(owned, rates, source != "reported")


def per_part(owned: Sequence[OwnedGroup]) -> list[UsageGroup]:
    """Each part as a group of its own (what ownership reads of it: no task buckets)."""
    return [
        replace(
            o.group, by_value=value, rows=rows, requests=requests, requests_unknown_rows=0,
            tokens=dict(zip(TOKEN_COLUMNS, tokens, strict=True)), reported_cost=cost,
            reported_rows=reported, beyond_first={},
        )
        for o in owned
        for value, rows, requests, tokens, cost, reported in zip(
            o.values, o.rows, o.requests, zip(*o.tokens, strict=True), o.reported_cost,
            o.reported_rows, strict=True,
        )
    ]  # fmt: skip


def _fold_priced(
    owned: Sequence[OwnedGroup], rates: Sequence[UnitRates | None], priced: bool
) -> OwnerUsage:
    """The fold of :class:`Volume.add` over parts whose cost is computed (``priced``) or left
    out (``--cost-source reported`` with no reported cost), at their group's ``rates``.

    Per group, column by column: what its tier, cliff and region add each part's requests,
    rows or billable tokens to is decided once, the parts' costs are dot products of their
    tokens with the group's rates, and each part's figures go to its (use case, value) as a
    row (:data:`_SUMS`, tokens, costs), added up column by column at the end."""
    distinct = {id(r): r for r in rates if r is not None}
    every = [x for r in distinct.values() for x in (*r.cost, *r.standard, *r.uncached)]
    scale = max([0, *(-int(x.as_tuple().exponent) for x in every)])
    scaled = {i: (_whole(r.cost, scale), _whole(r.standard, scale), _whole(r.uncached, scale))
              for i, r in distinct.items()}  # fmt: skip
    rows: dict[str | None, dict[str | None, list[tuple[int, ...]]]] = {}
    reported: dict[Key, Decimal] = {}
    daily: dict[tuple[str | None, date], dict[str | None, int]] = {}
    unpriced: dict[tuple[str | None, str | None, date], int] = {}
    for o, r in zip(owned, rates, strict=True):
        g, requests = o.group, o.requests
        zero = (0,) * len(o.values)
        at = scaled[id(r)] if r is not None and priced else None
        cliff = r.cliff if r is not None else "below"
        billable = zero
        if at is None or cliff == "unknown":
            billable = tuple(map(sum, zip(*o.tokens[:_BILLABLE], strict=True)))
        costs: list[Sequence[int]] = [zero] * 3
        if at is not None:  # (at the standard tier, the cost is the standard tier's: once)
            dots: dict[tuple[int, ...], Sequence[int]] = {}
            costs = [dots[x] if x in dots else dots.setdefault(x, _dot(o.tokens, x)) for x in at]
        utility = at is not None and r is not None and r.tier == "utility"
        added = (  # what each part adds to the fields of _SUMS after rows and requests
            (g.service_tier == "batch", requests), (at is None, billable),
            (cliff == "unknown", billable), (cliff == "above", requests),
            (at is not None, o.rows), (at is not None, requests), (utility, requests),
            (g.in_region is True, requests), (g.in_region is False, requests),
        )  # fmt: skip
        reported_rows = o.reported_rows
        if g.reported_cost is not None and None in o.reported_cost:  # rows of no cost add none
            reported_rows = tuple(
                n if c is not None else 0
                for n, c in zip(reported_rows, o.reported_cost, strict=True)
            )
        figures = zip(
            o.rows, requests, *(column if yes else zero for yes, column in added),
            reported_rows, *o.tokens, *costs, strict=True,
        )  # fmt: skip
        of_use_case = rows.setdefault(g.use_case, {})
        for value, figure in zip(o.values, figures, strict=True):
            got = of_use_case.get(value)
            if got is None:
                of_use_case[value] = [figure]
            else:
                got.append(figure)
        if at is not None:
            on_day = daily.setdefault((g.use_case, g.day), {})
            for value, cost in zip(o.values, costs[0], strict=True):
                on_day[value] = on_day.get(value, 0) + cost
        else:
            for value, n in zip(o.values, billable, strict=True):
                if n:
                    key3 = (g.use_case, value, g.day)
                    unpriced[key3] = unpriced.get(key3, 0) + n
        if g.reported_cost is None:  # no part has a reported cost
            continue
        for value, cost_reported in zip(o.values, o.reported_cost, strict=True):
            if cost_reported is not None:
                key = (g.use_case, value)
                reported[key] = reported.get(key, Decimal(0)) + cost_reported
    sums = {
        (use_case, value): [sum(column) for column in zip(*parts, strict=True)]
        for use_case, of_use_case in rows.items()
        for value, parts in of_use_case.items()
    }
    costs_of = [n for a in sums.values() for n in a[_COST:]]
    money = _to_money([*costs_of, *(n for d in daily.values() for n in d.values())], scale)
    volumes = {}
    for key, a in sums.items():
        v = Volume()
        for name, n in zip(_SUMS, a, strict=False):  # the whole-number fields lead
            setattr(v, name, n)
        v.tokens = dict(zip(TOKEN_COLUMNS, a[_TOKENS:_COST], strict=True))
        v.cost, v.cost_standard_tier, v.cost_without_cache = map(money, a[_COST:])
        v.reported_cost = reported.get(key, Decimal(0))
        volumes[key] = v
    return OwnerUsage(
        volumes,
        {(use_case, value, day): money(n)
         for (use_case, day), on_day in daily.items() for value, n in on_day.items()},
        unpriced,
    )  # fmt: skip


def _dot(tokens: Sequence[tuple[int, ...]], rates: tuple[int, ...]) -> list[int]:
    """Each part's billable tokens (columns) x the per-token ``rates``, summed."""
    a, b, c, d, e = rates
    return [
        a * t + b * u + c * v + d * w + e * x
        for t, u, v, w, x in zip(*tokens[:_BILLABLE], strict=True)
    ]


def _whole(rates: tuple[Decimal, ...], scale: int) -> tuple[int, ...]:
    """Per-token rates x 10^scale, whole numbers (scale is the largest number of decimals)."""
    with localcontext() as ctx:
        ctx.prec = RATE_PRECISION
        return tuple(int(x.scaleb(scale)) for x in rates)


def _to_money(amounts: Sequence[int], scale: int) -> Callable[[int], Decimal]:
    """n / 10^scale, exactly, for each of ``amounts`` (a context as precise as the largest)."""
    context = Context(prec=len(str(max(map(abs, amounts), default=0))) + 2)
    zero = Decimal(0)
    return lambda n: Decimal(n).scaleb(-scale, context) if n else zero
