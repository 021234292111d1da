"""Time views: spend per day, ISO week or month, on the clocks of ``--timezone``.

The engine sums usage per UTC day (prices change at UTC midnight); with another time zone each
group also carries its local day (:attr:`~tokenecon.aggregate.types.UsageGroup.local_day`).
Weeks and months are roll-ups of days here, in Python, on the priced groups.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from tokenecon.economics.decompose import Volume
from tokenecon.errors import OptionError
from tokenecon.price.apply import PricedGroup

TIME_KEYS = ("day", "week", "month")
"""The values of ``--by`` that are periods rather than attributes."""
UTC_NAMES = ("UTC", "Etc/UTC", "Z")


def period_label(day: date, key: str) -> str:
    """The period ``day`` falls in: ``2026-10-05`` (day), ``2026-W41`` (ISO week, from
    Monday), ``2026-10`` (month)."""
    if key == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if key == "month":
        return f"{day.year}-{day.month:02d}"
    return day.isoformat()


def split_by(by: str | None) -> tuple[str | None, str | None]:
    """``--by`` taken apart into its period (day, week, month) and its attribute:
    ``week`` -> (week, None); ``team`` -> (None, team); ``month,team`` -> (month, team)."""
    if not by:
        return None, None
    parts = [p.strip() for p in by.split(",") if p.strip()]
    periods = [p for p in parts if p in TIME_KEYS]
    others = [p for p in parts if p not in TIME_KEYS]
    if len(periods) > 1 or len(others) > 1 or not parts:
        raise OptionError(
            f"--by {by!r} names more than one period or attribute",
            "give one of day, week, month and at most one attribute: --by week,team",
        )
    return (periods[0] if periods else None), (others[0] if others else None)


def check_timezone(name: str | None) -> str | None:
    """``--timezone`` as an IANA name, None for UTC; an unknown name is an OptionError."""
    if not name or name.upper() in (n.upper() for n in UTC_NAMES):
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        close = sorted(z for z in available_timezones() if name.lower() in z.lower())[:3]
        hint = f"did you mean {', '.join(close)}?" if close else "e.g. America/Los_Angeles"
        raise OptionError(f"--timezone {name!r} is not a known time zone", hint) from None
    return name


def series(priced: Sequence[PricedGroup], key: str = "day") -> list[tuple[str, Volume]]:
    """Usage per period, oldest first; periods without usage are left out."""
    out: dict[str, Volume] = defaultdict(Volume)
    for p in priced:
        out[period_label(p.group.period_day, key)].add(p)
    return sorted(out.items())


def period_breakdown(
    priced: Sequence[PricedGroup], key: str
) -> list[tuple[str, str | None, Volume]]:
    """Usage per (period, ``--by`` value), oldest period first, then by cost."""
    out: dict[tuple[str, str | None], Volume] = defaultdict(Volume)
    for p in priced:
        out[(period_label(p.group.period_day, key), p.group.by_value)].add(p)
    ordered = sorted(out.items(), key=lambda kv: (kv[0][0], -kv[1].cost, kv[0][1] or ""))
    return [(period, value, volume) for (period, value), volume in ordered]
