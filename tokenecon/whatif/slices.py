"""The slice a lever acts on: which parts it selects, and its share of them taken and changed.

Every lever effect goes through here, so that a slice means the same for every lever: the
use cases and models it names (checked against the mapping and the price book, with "did you
mean"), a share of their traffic, and never usage the baseline could not price.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from tokenecon.aggregate.types import UsageGroup
from tokenecon.errors import OptionError
from tokenecon.whatif.levers import Lever
from tokenecon.whatif.scenario_parts import Context, Count, Part, State, split

Pairs = list[tuple[Part, Part]]
"""(before, after) of every part a lever changed."""


def selector(lever: Lever, ctx: Context, fixed: bool = False) -> Callable[[Part], bool]:
    """Which parts a lever's slice covers (checks the names it gives); usage at its source's
    cost only with ``fixed`` (a route, which can move it to a model the book prices)."""
    for name in lever.use_cases:
        if name not in ctx.use_cases:
            close = difflib.get_close_matches(name, list(ctx.use_cases), n=3)
            if not ctx.use_cases:
                hint = "use cases come from the outcome mapping: pass --outcomes FILE"
            elif close:
                hint = f"did you mean {', '.join(close)}?"
            else:
                hint = f"use cases: {', '.join(ctx.use_cases)}"
            raise OptionError(f"{lever.where}: no use case is named {name!r}", hint)
    keys = {ctx.require(m, lever.where) for m in lever.models}
    use_cases = set(lever.use_cases)

    def selected(part: Part) -> bool:
        g = part.group
        return (
            part.priced
            and (part.fixed_cost is None or fixed)
            and (not use_cases or g.use_case in use_cases)
            and (not keys or ctx.key(g.model) in keys)
        )

    return selected


def take(
    state: State,
    lever: Lever,
    ctx: Context,
    change: Callable[[Part], Part],
    share: Decimal | None = None,
    also: Callable[[Part], bool] = lambda p: True,
) -> Pairs:
    """Apply ``change`` to the lever's share of every selected part; (before, after) pairs."""
    selected = selector(lever, ctx)
    out: list[Part] = []
    changed: Pairs = []
    for part in state.parts:
        if not (selected(part) and also(part)):
            out.append(part)
            continue
        moved, kept = split(part, lever.share if share is None else share)
        if kept:
            out.append(kept)
        if moved:
            after = change(moved)
            out.append(after)
            changed.append((moved, after))
    state.parts = out
    return changed


def by_use_case(pairs: Pairs) -> dict[str | None, Pairs]:
    """The pairs per use case, in name order (unattributed usage first)."""
    out: dict[str | None, Pairs] = defaultdict(list)
    for pair in pairs:
        out[pair[0].group.use_case].append(pair)
    return dict(sorted(out.items(), key=lambda kv: kv[0] or ""))


def total(parts: list[Part], of: Callable[[UsageGroup], Count]) -> Count:
    """The sum of ``of`` over the parts' groups."""
    return sum((of(p.group) for p in parts), Decimal(0))
