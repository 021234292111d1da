"""Usage sums x price book -> exact cost per group; unpriced usage collected, never guessed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tokenecon.aggregate.types import DECLARED_ABOVE, UNKNOWN_PROMPT, UsageGroup
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS
from tokenecon.price.book import BUCKETS, PriceBook, PricePeriod, cost_of
from tokenecon.price.resolve import unknown_reason

_BUCKET_OF_COLUMN = dict(zip(BILLABLE_TOKEN_COLUMNS, BUCKETS, strict=True))


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


def price_groups(groups: Sequence[UsageGroup], book: PriceBook) -> list[PricedGroup]:
    """Resolve each group's model and price it at the period in force on its day."""
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
        cost = cost_of(active, tokens, group.service_tier, above)
        out.append(
            PricedGroup(
                group, key, model.tier, cost, None, cliff,
                cost_standard_tier=cost_of(active, tokens, "standard", above),
                cost_without_cache=cost_of(active, _uncached(tokens), "standard", above),
            )
        )  # fmt: skip
    return out


def costs_at(
    groups: Sequence[UsageGroup], classes: Sequence[int], keys: Iterable[str], book: PriceBook
) -> dict[str, list[Decimal | None]]:
    """The cost of each group at each model of ``keys``: what :func:`price_groups` charges the
    group with its model set to the key and its prompt class to the one in ``classes`` (None
    on a day the model has no price). Only the cost: routing compares dozens of models on one
    slice, and building priced groups for each cost three times as much."""
    buckets = [_buckets(g) for g in groups]
    out: dict[str, list[Decimal | None]] = {}
    for key in keys:
        resolved = book.resolve(key)
        if resolved is None:
            out[key] = [None] * len(groups)
            continue
        periods = book.periods([resolved])
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
            costs.append(cost_of(active, tokens, group.service_tier, above))
        out[key] = costs
    return out


def _buckets(group: UsageGroup) -> dict[str, int]:
    return {_BUCKET_OF_COLUMN[c]: group.tokens[c] for c in BILLABLE_TOKEN_COLUMNS}


def _uncached(tokens: dict[str, int]) -> dict[str, int]:
    """The buckets as if nothing were cached: every prompt token is uncached input."""
    prompt = sum(tokens[b] for b in BUCKETS if b != "output")
    return {"input": prompt, "output": tokens["output"]}
