"""Spend over time in the report: the ``time`` section (the time zone and a daily series), the
``--by day|week|month`` breakdown and the 5-hour ``blocks`` of agent logs (docs/time-views.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from tokenecon.economics.decompose import Volume, ratio
from tokenecon.report.figures import money, number, volume_json


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


def time_section(views: TimeViews, total_cost: Decimal) -> dict[str, Any]:
    """The ``time`` section: the time zone, and cost per day (``daily``)."""
    return {
        "timezone": views.timezone,
        "daily": [
            {"day": day, **volume_json(v), "cost_share": number(ratio(v.cost, total_cost))}
            for day, v in views.daily
        ],
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
        rows.append({**row, **volume_json(v), "cost_share": number(ratio(v.cost, total_cost))})
    return {"by": by, "timezone": views.timezone, "rows": rows}
