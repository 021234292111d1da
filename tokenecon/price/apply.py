"""Usage sums x price book -> exact cost per group; unpriced usage collected, never guessed.

Usage whose source states the geo it was billed at (Anthropic's ``inference_geo: us``), or that
a residency policy keeps in a region the book prices regionally, is priced at that rate
(:mod:`tokenecon.price.regional`); ``cost_global`` keeps the same tokens at the global price.
Usage the source says ran in Anthropic's fast mode (``speed: fast``) is priced at the book's
``speeds: {fast: ...}`` multiple of every rate, under any regional uplift (they stack); a model
with no such rate keeps the standard price and ``speed_at_standard`` says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from tokenecon.aggregate.types import DECLARED_ABOVE, UNKNOWN_PROMPT, UsageGroup
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS
from tokenecon.price.book import BUCKETS, ModelPrice, PriceBook, PricePeriod, cost_of
from tokenecon.price.rates import MILLION, Rates
from tokenecon.price.regional import Policies, billed_geo_rate, regional_rate
from tokenecon.price.resolve import unknown_reason

_BUCKET_OF_COLUMN = dict(zip(BILLABLE_TOKEN_COLUMNS, BUCKETS, strict=True))
_ONE = Decimal(1)


@dataclass(frozen=True)
class PricedGroup:
    """A usage group with its model resolved and its cost, or the reason it has none."""

    group: UsageGroup
    model_key: str | None
    """The price book's model, None when no model matches."""
    tier: str | None
    """utility, mid or frontier (None when unpriced)."""
    cost: Decimal | None
    """Exact cost, None when unpriced."""
    unpriced_reason: str | None
    """Why there is no cost: an unknown model, or no price yet on that day."""
    cliff: str
    """``below``, ``above`` or ``unknown`` (a bucket row against a per-request threshold)."""
    cost_source: str | None = "computed"
    """Where ``cost`` comes from: ``computed`` (price book), ``reported`` (the source), None."""
    cost_standard_tier: Decimal | None = None
    """The same tokens at the standard tier: what batch (or flex, priority) changed."""
    cost_without_cache: Decimal | None = None
    """The same prompt at the standard tier with no cache (every input token uncached)."""
    region: str | None = None
    """The book region whose price ``cost`` is at (None: the global price)."""
    region_multiplier: Decimal = Decimal(1)
    """The book's uplift of that region (1 at the global price)."""
    cost_global: Decimal | None = None
    """The same tokens at the global price (``cost`` when no regional price applies)."""
    cost_beyond_first: tuple[Decimal, Decimal] = (Decimal(0), Decimal(0))
    """(prompt, output) of the calls beyond the first of their task, at the global price of
    the group (``UsageGroup.beyond_first``): the context re-read and the rest of the rework."""
    speed_at_standard: bool = False
    """The source says the group ran at a speed (fast mode) the model's book entry has no
    rate for: priced at the standard speed, which the bill may not be."""

    @property
    def regional_premium(self) -> Decimal:
        """What the regional price added to ``cost``: cost - cost_global, or, for a cost the
        source reported, cost x (m - 1) / m."""
        if self.region is None or self.cost is None:
            return Decimal(0)
        if self.cost_source == "computed" and self.cost_global is not None:
            return self.cost - self.cost_global
        return self.cost * (self.region_multiplier - 1) / self.region_multiplier

    @property
    def billable_tokens(self) -> int:
        """Tokens that add up to the bill (reasoning is inside output)."""
        return sum(self.group.tokens[c] for c in BILLABLE_TOKEN_COLUMNS)


def _cliff(prompt_class: int, threshold: int | None) -> str:
    if threshold is None:
        return "below"
    if prompt_class == UNKNOWN_PROMPT:
        return "unknown"
    if prompt_class == DECLARED_ABOVE or prompt_class >= threshold:
        return "above"
    return "below"


def _period_for(periods: list[PricePeriod], group: UsageGroup) -> PricePeriod | None:
    for period in periods:
        start = period.start.date() if period.start else None
        end = period.end.date() if period.end else None
        if (start is None or start <= group.day) and (end is None or group.day < end):
            return period
    return None


def price_groups(
    groups: Sequence[UsageGroup], book: PriceBook, residency: Policies | None = None
) -> list[PricedGroup]:
    """Resolve each group's model and price it at the period in force on its day; usage that
    ``residency`` (use case -> allowed regions) kept in an allowed region is priced at the
    book's regional rate where the book has one."""
    resolved = {name: book.resolve(name) for name in {g.model for g in groups}}
    keys = {k for k in resolved.values() if k}
    periods: dict[str, list[PricePeriod]] = {k: [] for k in keys}
    for period in book.periods(keys):
        periods[period.model_key].append(period)
    out = []
    for group in groups:
        key = resolved[group.model]
        if key is None:
            reason = unknown_reason(group.model)
            out.append(PricedGroup(group, None, None, None, reason, "below", None))
            continue
        model = book.models[key]
        active = _period_for(periods[key], group)
        if active is None:
            first = model.entries[0].valid_from.isoformat()
            reason = f"no price for {key} before {first}"
            out.append(PricedGroup(group, key, model.tier, None, reason, "below", None))
            continue
        cliff = _cliff(group.prompt_class, active.entry.above_input_tokens)
        tokens = _buckets(group)
        above = cliff == "above"
        fast = _speed(model, group)
        cost = _uplift(cost_of(active, tokens, group.service_tier, above), fast or _ONE)
        region, m = _region(model, group, residency)
        later = tuple(_uplift(c, fast or _ONE) for c in _beyond_first(group, active, above))
        standard = _uplift(cost_of(active, tokens, "standard", above), fast or _ONE)
        uncached = _uplift(cost_of(active, _uncached(tokens), "standard", above), fast or _ONE)
        out.append(
            PricedGroup(
                group, key, model.tier, _uplift(cost, m), None, cliff,
                cost_standard_tier=_uplift(standard, m),
                cost_without_cache=_uplift(uncached, m),
                region=region, region_multiplier=m, cost_global=cost,
                cost_beyond_first=(later[0], later[1]),
                speed_at_standard=group.speed is not None and fast is None,
            )
        )  # fmt: skip
    return out


def costs_at(
    groups: Sequence[UsageGroup],
    classes: Sequence[int],
    keys: Iterable[str],
    book: PriceBook,
    residency: Policies | None = None,
) -> dict[str, list[Decimal | None]]:
    """The cost of each group at each model of ``keys``: what :func:`price_groups` charges the
    group with its model set to the key and its prompt class to the one in ``classes`` (None
    on a day the model has no price), regional uplift included. Only the cost: routing
    compares dozens of models on one slice, and building priced groups for each cost three
    times as much."""
    buckets = [_buckets(g) for g in groups]
    out: dict[str, list[Decimal | None]] = {}
    for key in keys:
        resolved = book.resolve(key)
        if resolved is None:
            out[key] = [None] * len(groups)
            continue
        periods = book.periods([resolved])
        model = book.models[resolved]
        on_day: dict[date, PricePeriod | None] = {}
        costs: list[Decimal | None] = []
        for group, prompt_class, tokens in zip(groups, classes, buckets, strict=True):
            if group.day not in on_day:
                on_day[group.day] = _period_for(periods, group)
            active = on_day[group.day]
            if active is None:
                costs.append(None)
                continue
            above = _cliff(prompt_class, active.entry.above_input_tokens) == "above"
            cost = _uplift(cost_of(active, tokens, group.service_tier, above),
                           _speed(model, group) or _ONE)  # fmt: skip
            costs.append(_uplift(cost, _region(model, group, residency)[1]))
        out[key] = costs
    return out


@dataclass(frozen=True)
class UnitRates:
    """What one token of each billable column costs at a pricing key (model, day, service
    tier, prompt class, use case, in region): :func:`price_groups`'s cost of a group at that
    key is the dot product of its billable tokens (``BILLABLE_TOKEN_COLUMNS`` order) with
    ``cost``, exactly (cost is linear in the tokens; each rate is an exact Decimal)."""

    model_key: str
    tier: str
    cliff: str
    cost: tuple[Decimal, ...]
    """At the group's service tier, discounts and regional uplift included."""
    standard: tuple[Decimal, ...]
    """At the standard tier (``PricedGroup.cost_standard_tier``)."""
    uncached: tuple[Decimal, ...]
    """At the standard tier with every prompt token uncached (``cost_without_cache``)."""


RATE_PRECISION = 100
"""Digits for a per-token rate: price x discount x uplift / 1M, kept exact."""


class UnitPricer:
    """Per-token rates of pricing keys, each worked out once: pricing hundreds of thousands of
    per-user groups (a people file) is then a multiply-add per bucket instead of five
    :func:`~.book.cost_of` calls and a :class:`PricedGroup` each."""

    def __init__(self, book: PriceBook, residency: Policies | None = None) -> None:
        self.book = book
        self.residency = residency
        self._keys: dict[tuple[object, ...], UnitRates | None] = {}
        self._resolved: dict[str, str | None] = {}
        self._periods: dict[str, list[PricePeriod]] = {}

    def rates(self, group: UsageGroup) -> UnitRates | None:
        """The group's per-token rates; None where :func:`price_groups` leaves it unpriced
        (no model matches, or no price on its day)."""
        key = (
            group.model, group.day, group.service_tier, group.prompt_class, group.use_case,
            group.in_region, group.billing_geo, group.speed,
        )  # fmt: skip
        if key not in self._keys:
            self._keys[key] = self._work_out(group)
        return self._keys[key]

    def _work_out(self, group: UsageGroup) -> UnitRates | None:
        if group.model not in self._resolved:
            self._resolved[group.model] = self.book.resolve(group.model)
        model_key = self._resolved[group.model]
        if model_key is None:
            return None
        if model_key not in self._periods:
            self._periods[model_key] = list(self.book.periods([model_key]))
        active = _period_for(self._periods[model_key], group)
        if active is None:
            return None
        model = self.book.models[model_key]
        cliff = _cliff(group.prompt_class, active.entry.above_input_tokens)
        above = cliff == "above"
        m = _region(model, group, self.residency)[1] * (_speed(model, group) or _ONE)
        standard = active.entry.rates_for("standard", above)
        uncached = ("input",) * (len(BUCKETS) - 1) + ("output",)  # every prompt token as input
        return UnitRates(
            model_key, model.tier, cliff,
            cost=_per_token(active.entry.rates_for(group.service_tier, above), BUCKETS,
                            active.discount, m),
            standard=_per_token(standard, BUCKETS, active.discount, m),
            uncached=_per_token(standard, uncached, active.discount, m),
        )  # fmt: skip


def _per_token(
    rates: Rates, buckets: Sequence[str], discount: Decimal, multiplier: Decimal
) -> tuple[Decimal, ...]:
    """The price of one token of each bucket: what :func:`~.book.cost_of` and
    :func:`_uplift` make of one token, exactly."""
    with localcontext() as ctx:
        ctx.prec = RATE_PRECISION
        return tuple(rates.of(b) * discount / MILLION * multiplier for b in buckets)


def _region(
    model: ModelPrice, group: UsageGroup, residency: Policies | None
) -> tuple[str | None, Decimal]:
    """The book region and multiplier ``group`` is billed at: the geo its source says it was
    billed at (Anthropic's ``inference_geo``), which decides whatever the policy; else its use
    case's residency policy kept it in a region the book prices regionally; else (None, 1),
    the global price."""
    if group.billing_geo is not None:
        return billed_geo_rate(model, group.billing_geo) or (None, Decimal(1))
    policy = (residency or {}).get(group.use_case or "") if group.in_region else None
    regional = regional_rate(model, policy) if policy else None
    return regional if regional else (None, Decimal(1))


def _speed(model: ModelPrice, group: UsageGroup) -> Decimal | None:
    """The book's multiplier of the speed the source says ``group`` ran at (fast mode: every
    rate, cache reads and writes included, docs/price-book-fields.md#fast-mode); None at the
    standard speed or where the model has no rate for that speed."""
    return model.speeds.get(group.speed) if group.speed is not None else None


def _buckets(group: UsageGroup) -> dict[str, int]:
    return {_BUCKET_OF_COLUMN[c]: group.tokens[c] for c in BILLABLE_TOKEN_COLUMNS}


def _beyond_first(group: UsageGroup, period: PricePeriod, above: bool) -> tuple[Decimal, Decimal]:
    """(prompt, output) cost of the group's calls beyond the first of their task."""
    if not any(group.beyond_first.values()):
        return Decimal(0), Decimal(0)
    later = {_BUCKET_OF_COLUMN[c]: n for c, n in group.beyond_first.items()}
    output = {"output": later.pop("output", 0)}
    return (
        cost_of(period, later, group.service_tier, above),
        cost_of(period, output, group.service_tier, above),
    )


def _uplift(cost: Decimal, multiplier: Decimal) -> Decimal:
    """``cost`` at a regional uplift (untouched at the global price)."""
    return cost if multiplier == 1 else cost * multiplier


def _uncached(tokens: dict[str, int]) -> dict[str, int]:
    """The buckets as if nothing were cached: every prompt token is uncached input."""
    prompt = sum(tokens[b] for b in BUCKETS if b != "output")
    return {"input": prompt, "output": tokens["output"]}
