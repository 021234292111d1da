"""Cost lines without a model ("(all models)"): which token usage they are the cost report of.

An OpenAI cost export fetched without ``group_by=line_item`` (docs/sources.md) gives dollars
per day (and project) and no model: tokenecon reads them as the model ``(all models)``. Such a
line matches no model's usage, yet it is the bill of every model used that day. It *covers*
the usage groups of its UTC day that carry no reported cost of their own — of its use case and
``--by`` value where the line has one (a line of no use case, or ``unattributed``, covers the
day's usage of every use case). docs/sources.md, "Computed vs reported cost", gives the rule
that follows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from tokenecon.aggregate.types import UsageGroup
from tokenecon.attribute.domains import UNATTRIBUTED
from tokenecon.ingest.formats.openai import ALL_MODELS
from tokenecon.price.apply import PricedGroup


@dataclass(frozen=True)
class Cover:
    """The token usage beside one "(all models)" cost line."""

    usage: tuple[int, ...]
    """Indexes (into the priced groups) of the usage groups it covers."""
    computed: Decimal
    """Computed cost of the covered usage the book prices."""
    metered: bool
    """The book prices some of the covered usage."""
    unpriced: bool
    """Some covered usage has no price in the book."""


def is_ungrouped_line(p: PricedGroup) -> bool:
    """A cost line without a model: reported dollars, no tokens, model "(all models)"."""
    g = p.group
    return g.model == ALL_MODELS and not p.billable_tokens and g.reported_cost is not None


def _is_usage(p: PricedGroup) -> bool:
    """Token usage that no source reported a cost for."""
    return bool(p.billable_tokens) and not p.group.reported_rows


def _matches(line: str | None, usage: str | None) -> bool:
    return line in (None, UNATTRIBUTED) or line == usage


def covers(priced: Sequence[PricedGroup]) -> dict[int, Cover]:
    """Each "(all models)" cost line (by index into ``priced``) -> the usage it covers."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for i, p in enumerate(priced):
        if _is_usage(p):
            by_day[p.group.day].append(i)
    out = {}
    for i, line in enumerate(priced):
        if not is_ungrouped_line(line):
            continue
        g = line.group
        usage = tuple(
            j
            for j in by_day.get(g.day, [])
            if _matches(g.use_case, priced[j].group.use_case)
            and _matches(g.by_value, priced[j].group.by_value)
        )
        costs = [priced[j].cost for j in usage]
        out[i] = Cover(
            usage,
            sum((c for c in costs if c is not None), Decimal(0)),
            any(c is not None for c in costs),
            any(c is None for c in costs),
        )
    return out


def choose_ungrouped(p: PricedGroup, source: str, cover: Cover) -> PricedGroup:
    """An "(all models)" line's cost: under ``auto`` beside usage the book prices, the line is
    that usage's cost report — $0 of its own (the usage is the spend), or, where the day also
    has usage the book cannot price, what the report says beyond the priced part (that usage's
    cost as far as the report tells; never below $0). Otherwise its reported cost."""
    assert p.group.reported_cost is not None
    if source == "auto" and cover.metered:
        if not cover.unpriced:
            return _priced(p, Decimal(0), "computed")
        return _priced(p, max(p.group.reported_cost - cover.computed, Decimal(0)), "reported")
    return _priced(p, p.group.reported_cost, "reported")


def in_ungrouped_line(p: PricedGroup) -> PricedGroup:
    """Usage whose cost is an "(all models)" line's, under ``--cost-source reported``:
    unpriced per model, with the reason (the line carries the dollars)."""
    reason = f"its cost is in the {ALL_MODELS} cost line of its day"
    return replace(p, cost=None, unpriced_reason=reason, cost_source=None)


def _priced(p: PricedGroup, cost: Decimal, source: str) -> PricedGroup:
    return replace(p, cost=cost, unpriced_reason=None, cost_source=source)


def ungrouped_rows(groups: Sequence[UsageGroup]) -> tuple[bool, bool]:
    """Whether the run read usage rows, and cost rows, without a model ("(all models)")."""
    ungrouped = [g for g in groups if g.model == ALL_MODELS]
    return any(g.rows > g.reported_rows for g in ungrouped), any(g.reported_rows for g in ungrouped)
