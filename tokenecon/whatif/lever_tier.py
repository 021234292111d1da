"""Levers on the service tier: batch for work that can wait, flex or priority for the rest.

Only standard-tier traffic moves; a model without a price for the new tier is billed at
standard (and the assumptions say so).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tokenecon.errors import OptionError
from tokenecon.whatif.lever_values import SHARE_VALUE, any_case
from tokenecon.whatif.levers import Flag, Lever, OneValueLever, ShareLever
from tokenecon.whatif.scenario_parts import Context, Part, State, with_counts
from tokenecon.whatif.slices import Pairs, by_use_case, take, total

SERVICE_TIERS = ("flex", "priority")
"""The tiers standard traffic may move to besides batch (``--tier``)."""


@dataclass(frozen=True)
class Batch(ShareLever):
    """Move non-urgent standard-tier traffic to the batch tier: ``fraction`` of the slice's
    non-urgent standard traffic (times the slice's share)."""

    flag = Flag(
        "batch", "Share (50% or 0.5) of non-urgent traffic moved to batch.", "SHARE", "0.5",
        means="this share of the standard-tier traffic of non-urgent use cases moves to the "
        "batch tier",
        schema=SHARE_VALUE,
    )  # fmt: skip
    sentence = "batch {0.percent} of non-urgent traffic"
    reference = (
        "SHARE of the standard-tier traffic of use cases marked `urgent: false` moves to the "
        "batch tier (naming an urgent use case is an error)."
    )

    def shown(self) -> str:
        """The share as given: ``0.5``."""
        return str(self.fraction)

    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """Move a share of non-urgent (``urgent: false``) standard traffic to the batch tier."""
        mapping_path = ctx.analysis.mapping.path if ctx.analysis.mapping else "the mapping"
        for name in lever.use_cases:
            use_case = ctx.use_cases.get(name)
            if use_case is not None and use_case.urgent:
                raise OptionError(
                    f"{lever.where}: {name} is not marked `urgent: false`, so it cannot wait "
                    "for the batch tier",
                    f"add `urgent: false` under {name} in {mapping_path}",
                )
        waiting = {name for name, u in ctx.use_cases.items() if not u.urgent}
        if not waiting:
            state.note(
                lever,
                "all",
                f"nothing moves: no use case is marked `urgent: false` in {mapping_path}",
            )
            return
        narrowed = Lever(
            lever.action,
            lever.use_cases or tuple(sorted(waiting)),
            lever.models,
            lever.share,
            lever.where,
        )
        move_tier(state, narrowed, ctx, "batch", lever.share * self.fraction)


@dataclass(frozen=True)
class Tier(OneValueLever):
    """Move standard-tier traffic to another service tier."""

    tier: str

    flag = Flag.choice(
        "tier", "Move standard traffic to flex or priority.", SERVICE_TIERS, "flex",
        means="flex or priority: the slice's standard-tier traffic moves there",
        schema=any_case(SERVICE_TIERS),
    )  # fmt: skip
    sentence = "move standard traffic to the {0.tier} tier"
    reference = "the slice's standard-tier traffic moves to that tier."

    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """Move the slice's standard traffic to the flex or priority tier."""
        move_tier(state, lever, ctx, self.tier, lever.share)


def move_tier(state: State, lever: Lever, ctx: Context, tier: str, share: Decimal) -> None:
    """Move ``share`` of the slice's standard-tier traffic to ``tier``."""
    pairs = take(
        state,
        lever,
        ctx,
        lambda p: Part(with_counts(p.group, service_tier=tier), p.engine_class, p.steps),
        share,
        lambda p: p.group.service_tier == "standard",
    )
    for use_case, mine in by_use_case(pairs).items():
        calls = total([b for b, _ in mine], lambda g: g.requests)
        state.note(lever, use_case, f"{calls:,.0f} standard-tier calls -> {tier}")
    if not pairs:
        state.note(lever, "all", "nothing moves: the slice has no standard-tier priced usage")
    _unpriced_tier(state, lever, ctx, pairs, tier)


def _unpriced_tier(state: State, lever: Lever, ctx: Context, pairs: Pairs, tier: str) -> None:
    """Note each moved model the book has no price of ``tier`` for (billed at standard)."""
    missing = set()
    for before, _ in pairs:
        key = ctx.key(before.group.model)
        entry = ctx.book.models[key].active(before.group.day) if key else None
        if entry is not None and tier not in entry.multipliers:
            missing.add(key)
    for key in sorted(k for k in missing if k):
        state.note(lever, "all", f"{key} has no {tier} price in the book: billed at standard")
