"""The route lever: move a slice of traffic to another model, and what that does to quality.

``small-model`` and ``mid-model`` name the cheapest model of the utility or mid tier: the one
whose prices give the lowest cost for the slice's own tokens (its mix of uncached input, cache
reads and writes, output; its service tiers, days and long-context side), from the source
model's provider unless ``any_provider``. Token counts move as they are (a cache read stays a
cache read; tokenizers are not modelled).

Quality: where success rates are known for both models (stated in the mapping, observed from
outcome events, or for the source the use case's own rate), the routed traffic's tasks scale
by tasks-per-outcome at the target / at the source, so that it still produces the outcomes it
produced. Otherwise the output says the route assumes equal quality.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self

from tokenecon.aggregate.types import DECLARED_ABOVE, UNKNOWN_PROMPT
from tokenecon.economics.decompose import ratio
from tokenecon.errors import OptionError
from tokenecon.price.apply import costs_at
from tokenecon.price.book import ModelPrice, PriceBook
from tokenecon.price.regional import residency_policies
from tokenecon.whatif.lever_values import parse_switch
from tokenecon.whatif.levers import Flag, Lever, LeverKind, Scenario
from tokenecon.whatif.quality import SuccessRate, observed_rate, stated_rate, use_case_rate
from tokenecon.whatif.scenario_parts import (
    Context,
    Count,
    Part,
    State,
    pct,
    preimage,
    scaled,
    split,
    usd,
    with_counts,
)
from tokenecon.whatif.slices import selector
from tokenecon.whatif.windows import tier_targets, window_of

ROUTE_TIERS = {"small-model": "utility", "mid-model": "mid"}
"""Route targets that name a tier: the cheapest model of it on the slice's own token mix."""


@dataclass(frozen=True)
class Route(LeverKind):
    """Move traffic to another model."""

    target: str
    """A model name, or ``small-model`` / ``mid-model``."""
    any_provider: bool = False
    """Look for the cheapest model of the tier at every provider, not only the source's."""

    flag = Flag(
        "route", "Move traffic to MODEL, small-model or mid-model.", "TARGET", "small-model",
        means="move the slice's calls to this model, or small-model / mid-model (the cheapest "
        "utility / mid model on the slice's token mix)",
        schema={"type": "string", "minLength": 1},
    )  # fmt: skip
    modifiers = (
        Flag(
            "any_provider", "small-model/mid-model: look at every provider.", switch=True,
            means="route: candidates from every provider, not only the source model's",
        ),
    )  # fmt: skip
    reference = (
        "the slice's calls move to TARGET: a model of the price book, or `small-model` / "
        "`mid-model`, the cheapest model of the utility / mid tier **on the slice's own token "
        "mix** (its uncached input, cache reads and writes, output, service tiers, days and cliff "
        "side priced at each candidate; from the source model's provider unless "
        "`--any-provider`; a candidate without a price on every day of the slice is skipped). "
        "Token counts move as they are (a cache read stays one; tokenizers are not modelled)."
    )

    @classmethod
    def parse(cls, value: Any, modifiers: Mapping[str, Any], where: str) -> Self:
        """A target model (or tier), and whether to look at every provider."""
        target = str(value).strip()
        if not target:
            raise OptionError(f"{where}: the route target is empty", "name a model or small-model")
        return cls(target, parse_switch(modifiers.get("any_provider"), f"{where} any_provider"))

    def describe(self) -> str:
        """``route to small-model (any provider)``."""
        return f"route to {self.target}" + (" (any provider)" if self.any_provider else "")

    def to_dict(self) -> dict[str, Any]:
        """Target and any_provider."""
        return {"target": self.target, "any_provider": self.any_provider}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> Self:
        """From :meth:`to_dict`'s values."""
        return cls.parse(data["target"], data, f"{where}: target")

    def shown(self) -> str:
        """The target."""
        return self.target

    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """Move the slice's traffic to the target, per use case and source model."""
        _route(self, state, lever, ctx)


def _priced_at(parts: list[Part], keys: list[str], ctx: Context) -> dict[str, list[Decimal | None]]:
    """Cost of each part at each model of ``keys`` (None where it has no price on the part's
    day)."""
    classes = [p.price_class(ctx.book_thresholds) for p in parts]
    policies = residency_policies(ctx.use_cases.values())
    return costs_at([p.group for p in parts], classes, keys, ctx.book, policies)


def cheapest(
    parts: list[Part], source: str, action: Route, lever: Lever, ctx: Context
) -> tuple[str, str]:
    """The tier's cheapest model on the parts' token mix, and why (for the assumption).

    ``source`` is a book key, or a raw model name for usage priced at its source's cost (its
    provider unknown: then only ``any_provider`` finds a target; the caller checks).
    """
    tier = ROUTE_TIERS[action.target]
    known = ctx.book.models.get(source)
    provider = known.provider if known else ""
    keys = [
        m.key
        for m in sorted(ctx.book.models.values(), key=lambda m: m.key)
        if m.tier == tier and (action.any_provider or m.provider == provider)
    ]
    costs = []
    for key, priced in _priced_at(parts, keys, ctx).items():
        if all(c is not None for c in priced):
            costs.append((sum((c for c in priced if c is not None), Decimal(0)), key))
    if not costs:
        where = "any provider" if action.any_provider else provider
        raise OptionError(
            f"{lever.where}: no {tier}-tier model of {where} has a price for the whole period",
            "add --any-provider, or name the model: --route MODEL",
        )
    costs.sort()
    best_cost, best = costs[0]
    runner = f"; next {costs[1][1]} at {usd(costs[1][0])}" if len(costs) > 1 else ""
    scope = "" if action.any_provider else f"{provider} "
    return best, (
        f"the cheapest {scope}{tier} model on this slice's token mix ({usd(best_cost)}{runner})"
    )


def _rates(
    ctx: Context, use_case: str | None, source: str, target: str
) -> tuple[SuccessRate | None, SuccessRate | None]:
    if use_case is None:
        return None, None
    mapped = ctx.use_cases.get(use_case)
    source_rate = stated_rate(mapped, source, ctx.book) or observed_rate(
        ctx.yields, use_case, source
    )
    if source_rate is None and use_case in ctx.baseline:
        source_rate = use_case_rate(ctx.baseline[use_case])
    target_rate = stated_rate(mapped, target, ctx.book) or observed_rate(
        ctx.yields, use_case, target
    )
    return source_rate, target_rate


def quality_factor(
    ctx: Context, use_case: str | None, source: str, target: str, lever: Lever
) -> tuple[Decimal, str, bool]:
    """(tasks-per-outcome at target / at source, the assumption in words, whether uncertain)."""
    source_rate, target_rate = _rates(ctx, use_case, source, target)
    if source_rate is None or target_rate is None:
        missing = target if target_rate is None else source
        return Decimal(1), f"assumes equal quality (no success rate for {missing} here)", False
    if source_rate.expected == 0:
        return (
            Decimal(1),
            f"assumes equal quality ({source} verified no outcome: {source_rate.source})",
            False,
        )
    if target_rate.expected == 0:
        raise OptionError(
            f"{lever.where}: {target} verified no outcome in {use_case} "
            f"({target_rate.source}): routing there cannot be priced per outcome",
            f"state its success rate under {use_case} in the mapping (success_rate:), or "
            "route elsewhere",
        )
    rate = target_rate.at(ctx.bound)
    factor = ratio(source_rate.expected, rate)
    assert factor is not None
    text = (
        f"tasks per outcome x{factor:.3f}: success rate {pct(source_rate.expected, 1)} on "
        f"{source} ({source_rate.source}) -> {pct(rate, 1)} on {target} ({target_rate.source}"
    )
    if target_rate.uncertain:
        text += f"; range {pct(target_rate.low, 1)}-{pct(target_rate.high, 1)}"
    return factor, text + ")", target_rate.uncertain


def _route(action: Route, state: State, lever: Lever, ctx: Context) -> None:
    """Move the slice's traffic to ``action``'s target, per use case and source model."""
    named = None if action.target in ROUTE_TIERS else ctx.require(action.target, lever.where)
    selected = selector(lever, ctx, fixed=True)
    requests_before: dict[str | None, Count] = {}
    moving: dict[tuple[str | None, str], list[Part]] = defaultdict(list)
    rest: list[Part] = []
    for part in state.parts:
        if not selected(part):
            rest.append(part)
            continue
        moved, kept = split(part, lever.share)
        if kept:
            rest.append(kept)
        if moved:
            use_case = part.group.use_case
            if use_case not in requests_before:
                requests_before[use_case] = state.requests(use_case)
            # usage at its source's cost may be of a model the book lacks: its name as written
            source = ctx.key(part.group.model) or part.group.model
            moving[(use_case, source)].append(moved)
    if not moving:
        state.note(lever, "all", "nothing to route: the slice has no priced usage")
    for (use_case, source), parts in sorted(
        moving.items(), key=lambda kv: (kv[0][0] or "", kv[0][1])
    ):
        if named:
            target, why = named, "the named target"
        elif source not in ctx.book.models and not action.any_provider:
            rest.extend(parts)
            state.note(
                lever,
                use_case,
                f"{source} stays: the price book does not know its provider (add "
                "--any-provider, or name the target: --route MODEL)",
            )
            continue
        else:
            target, why = cheapest(parts, source, action, lever, ctx)
        if target == source:
            rest.extend(parts)
            state.note(lever, use_case, f"{source} stays: it is {why}")
            continue
        parts, window = _within_window(parts, target, ctx, rest)
        if not parts:
            state.note(lever, use_case, f"{source} stays: {window}")
            continue
        factor, quality, uncertain = quality_factor(ctx, use_case, source, target, lever)
        routed = [
            Part(
                scaled(with_counts(p.group, model=target), factor),
                p.engine_class,
                p.steps,
            )
            for p in parts
        ]
        if any(c is None for c in _priced_at(routed, [target], ctx)[target]):
            first = ctx.book.models[target].entries[0].valid_from.isoformat()
            raise OptionError(
                f"{lever.where}: {target} has no price before {first}, but the slice has usage "
                "before that day",
                "route to another model, or limit the period with --since",
            )
        moved_requests = sum((p.group.requests for p in parts), Decimal(0))
        _adjust_tasks(state, use_case, factor, moved_requests, requests_before.get(use_case, 0))
        rest.extend(routed)
        share = pct(ratio(moved_requests, requests_before.get(use_case) or 0) or 0)
        state.note(
            lever,
            use_case,
            f"{share} of calls {source} -> {target} ({why}); {quality}; {window}",
            uncertain,
        )
    state.parts = rest


def context_window(ctx: Context, key: str) -> int | None:
    """The most input tokens the model takes, where the price book says (else None)."""
    return window_of(ctx.book.models[key])


def window_sizes(book: PriceBook, scenarios: Iterable[Scenario] = ()) -> list[int]:
    """The context windows of the models the scenarios' routes could move usage to: the engine
    splits usage at them so that a route can tell which calls fit its target. A tier target
    may land on a model of its tier that no other beats on every token mix
    (:func:`~.windows.tier_targets`); a named one only on that model (every window of the
    book when the name is unknown, so that the error comes from the route itself)."""
    models: dict[str, ModelPrice] = {}
    tiers: set[str] = set()
    for scenario in scenarios:
        for lever in scenario.levers:
            action = lever.action
            if not isinstance(action, Route):
                continue
            if action.target in ROUTE_TIERS:
                tiers.add(ROUTE_TIERS[action.target])
                continue
            key = book.resolve(action.target)
            if key is None:
                models.update(book.models)
            else:
                models[key] = book.models[key]
    for tier in sorted(tiers):
        models.update((m.key, m) for m in tier_targets(book, tier))
    return sorted({w for m in models.values() if (w := window_of(m)) is not None})


def _within_window(
    parts: list[Part], target: str, ctx: Context, rest: list[Part]
) -> tuple[list[Part], str]:
    """The parts whose prompts fit the target's context window (the others go to ``rest``
    and stay on their model), and what was checked, in words."""
    window = context_window(ctx, target)
    if window is None:
        return parts, f"context window of {target} unchecked (the price book does not state it)"
    split_at = {*ctx.book_thresholds, *ctx.analysis.options.prompt_thresholds}
    fits, over, unknown = [], [], []
    for p in parts:
        if p.above(window):
            over.append(p)
        elif _fits(p, window, split_at):
            fits.append(p)
        else:
            unknown.append(p)
    rest.extend(over)
    text = f"{target} takes {window:,} input tokens"
    if over:
        calls = sum((p.group.requests for p in over), Decimal(0))
        text += f": {calls:,.0f} calls above it stay"
    if unknown:
        calls = sum((p.group.requests for p in unknown), Decimal(0))
        text += f"; {calls:,.0f} calls of unknown prompt size routed unchecked"
    return fits + unknown, text


def _fits(part: Part, window: int, split_at: set[int]) -> bool:
    """Whether every prompt of the part is known to fit ``window``: the engine split the usage
    at the size that becomes ``window`` after the part's prompt changes, and it is below."""
    if part.engine_class in (DECLARED_ABOVE, UNKNOWN_PROMPT):
        return False
    bound = preimage(window, part.steps)
    return bound is None or (bound in split_at and part.engine_class < bound)


def _adjust_tasks(
    state: State, use_case: str | None, factor: Decimal, moved: Count, before: Count
) -> None:
    """More (or fewer) tasks for the routed share: its tasks are its share of the calls."""
    if factor == 1 or use_case not in state.tasks or not before:
        return
    tasks = state.tasks[use_case]
    moved_tasks = tasks * Decimal(moved) / Decimal(before)
    state.tasks[use_case] = tasks + moved_tasks * (factor - 1)
