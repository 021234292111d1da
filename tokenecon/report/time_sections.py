"""Spend over time in the report: the ``time`` section (the time zone, a daily series with
cost per verified outcome), the ``--by day|week|month`` breakdown and the 5-hour ``blocks`` of
agent logs (docs/time-views.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from tokenecon.economics.decompose import Volume, ratio
from tokenecon.economics.periods import period_label
from tokenecon.price.apply import PricedGroup
from tokenecon.report.figures import money, number, volume_json


@dataclass(frozen=True)
class OutcomeSeries:
    """Verified outcomes over time, and the cost of the use cases that date them.

    Only outcomes an events file dates (a ``timestamp`` column, docs/time-views.md) fall on a
    day; a use case counting outcomes without dates (``count:``, ``counts:``, an events file
    without a time column) is left out of the series, and named, rather than shown as zeros.
    """

    use_cases: tuple[str, ...] = ()
    """The use cases in the series (their events files date their outcomes)."""
    left_out: tuple[str, ...] = ()
    """Use cases that count outcomes without dates."""
    outcomes: Mapping[tuple[str, str], int] = field(default_factory=dict)
    """Outcomes per (period key, period)."""
    cost: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    """Cost of :attr:`use_cases` per (period key, period)."""
    undated: int = 0
    """Outcomes of :attr:`use_cases` whose time is not a date-time (in no period)."""

    @property
    def available(self) -> bool:
        """Whether any use case's outcomes are dated."""
        return bool(self.use_cases)

    def note(self) -> str | None:
        """What the series leaves out, or why there is none."""
        if not self.available and not self.left_out:
            return "no use case counts verified outcomes: no cost per outcome over time"
        parts = []
        if self.left_out:
            names = ", ".join(self.left_out)
            what = "left out of" if self.available else "so there is no"
            parts.append(
                f"{names} count outcomes without dates (count:, counts: or an events file "
                f"without a timestamp column): {what} cost per outcome over time "
                "(docs/time-views.md)"
            )
        if self.undated:
            parts.append(f"{self.undated} outcomes have no readable time: in no period")
        return "; ".join(parts) or None

    def figures(self, key: str, period: str) -> dict[str, Any]:
        """Outcomes, the cost of the use cases that date them and cost per outcome in one
        period (nulls when the series is unavailable: never zeros)."""
        if not self.available:
            return {"outcomes": None, "outcome_cost": None, "cost_per_outcome": None}
        outcomes = self.outcomes.get((key, period), 0)
        cost = self.cost.get((key, period), Decimal(0))
        return {
            "outcomes": outcomes,
            "outcome_cost": money(cost),
            "cost_per_outcome": money(ratio(cost, outcomes)),
        }


def outcome_series(
    priced: Sequence[PricedGroup],
    by_day: Mapping[tuple[str, str | None], int],
    dated: Sequence[str],
    counted: Sequence[str],
    keys: Sequence[str],
) -> OutcomeSeries:
    """The outcome series for the periods ``keys`` (day, and the ``--by`` period): outcomes
    per period of the ``dated`` use cases (``by_day``: per use case and local day), their
    cost per period; ``counted`` names every use case that counts outcomes."""
    mine = [name for name in counted if name in dated]
    outcomes: dict[tuple[str, str], int] = defaultdict(int)
    undated = 0
    for (use_case, day), n in by_day.items():
        if use_case not in mine:
            continue
        if day is None:
            undated += n
            continue
        for key in keys:
            outcomes[(key, period_label(date.fromisoformat(day), key))] += n
    cost: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for p in priced:
        if p.group.use_case in mine and p.cost is not None:
            for key in keys:
                cost[(key, period_label(p.group.period_day, key))] += p.cost
    left_out = tuple(name for name in counted if name not in mine)
    return OutcomeSeries(tuple(mine), left_out, dict(outcomes), dict(cost), undated)


@dataclass(frozen=True)
class TimeViews:
    """Spend over time: the daily series, and the ``--by`` period breakdown if asked for."""

    timezone: str = "UTC"
    daily: list[tuple[str, Volume]] = field(default_factory=list)
    period: str | None = None
    """day, week or month, when ``--by`` names one."""
    attribute: str | None = None
    """The attribute ``--by`` names beside the period, if any."""
    rows: list[tuple[str, str | None, Volume]] = field(default_factory=list)
    """(period, attribute value, usage) for ``--by`` with a period."""
    outcomes: OutcomeSeries = field(default_factory=OutcomeSeries)
    """Verified outcomes per day (and per ``--by`` period) and what they cost."""


def time_section(views: TimeViews, total_cost: Decimal) -> dict[str, Any]:
    """The ``time`` section: the time zone, cost and cost per verified outcome per day
    (``daily``), and which use cases the outcome figures cover (``outcomes``)."""
    series = views.outcomes
    return {
        "timezone": views.timezone,
        "daily": [
            {
                "day": day,
                **volume_json(v),
                "cost_share": number(ratio(v.cost, total_cost)),
                **series.figures("day", day),
            }
            for day, v in views.daily
        ],
        "outcomes": {
            "available": series.available,
            "use_cases": list(series.use_cases),
            "left_out": list(series.left_out),
            "undated": series.undated,
            "note": series.note(),
        },
    }


def blocks_section(blocks: list[Any], now: datetime | None = None) -> dict[str, Any]:
    """The ``blocks`` section: 5-hour billing blocks of agent logs, oldest first, with the
    burn rate (cost per hour) and, for a block still open, its projected cost."""
    now = now or datetime.now(UTC)
    naive = now.replace(tzinfo=None)  # the engine's timestamps are naive UTC
    return {
        "hours": 5,
        "rows": [
            {
                "start": b.start.isoformat() + "Z",
                "end": b.end.isoformat() + "Z",
                "cost": money(b.cost),
                "requests": b.requests,
                "tokens": b.tokens,
                "unpriced_requests": b.unpriced_requests,
                "models": sorted(b.models),
                "burn_rate_per_hour": money(b.burn_rate()),
                "active": b.start <= naive < b.end,
                "projected_cost": money(b.projection(naive)),
            }
            for b in blocks
        ],
    }


def period_breakdown(views: TimeViews, total_cost: Decimal) -> dict[str, Any]:
    by = views.period if not views.attribute else f"{views.period},{views.attribute}"
    rows = []
    for period, value, v in views.rows:
        row: dict[str, Any] = {"value": period}
        if views.attribute:
            row = {"value": value if value is not None else "(none)", "period": period}
        row = {**row, **volume_json(v), "cost_share": number(ratio(v.cost, total_cost))}
        if not views.attribute and views.period:  # outcomes are not split by attribute
            row.update(views.outcomes.figures(views.period, period))
        rows.append(row)
    return {"by": by, "timezone": views.timezone, "rows": rows}
