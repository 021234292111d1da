"""The dates of ``--since``, ``--until`` and ``--at``: a day, a date-time, a month or a quarter."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from typing import Any

from tokenecon.errors import OptionError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)


def parse_when(value: str | None, flag: str, *, end: bool = False) -> datetime | None:
    """A date-time in UTC (naive) from a date, an ISO 8601 date-time (UTC unless it has an
    offset), a month (``2026-09``) or a quarter (``2026-Q3``).

    A month or a quarter is its first instant, or with ``end`` (``--until``, which is
    exclusive) the first instant after it, so that ``--since 2026-Q3 --until 2026-Q3`` is the
    whole quarter."""
    if value is None:
        return None
    text = value.strip()
    period = _period(text, flag)
    if period:
        first, months = period
        return _add_months(first, months) if end else first
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise OptionError(
            f"{flag} {value!r} is not a date",
            f"write {flag} 2026-10-01, 2026-10-01T08:00, a month (2026-10) or a quarter (2026-Q4)",
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _period(text: str, flag: str) -> tuple[datetime, int] | None:
    """The first day and length in months of a month or quarter, or None for other text."""
    if m := _MONTH.match(text):
        month = int(m[2])
        if not 1 <= month <= 12:
            raise OptionError(f"{flag} {text!r}: no month {month}", f"write {flag} {m[1]}-01")
        return datetime(int(m[1]), month, 1), 1
    if m := _QUARTER.match(text):
        return datetime(int(m[1]), 3 * int(m[2]) - 2, 1), 3
    return None


def _add_months(first: datetime, months: int) -> datetime:
    index = first.month - 1 + months
    return first.replace(year=first.year + index // 12, month=index % 12 + 1)


def out_of_order(named: list[tuple[str, dict[str, Any]]], how: str) -> list[str]:
    """A warning for each saved report that starts before the one given before it
    (``report NEW.json OLD.json``, ``diff NEW OLD``): the command still runs as asked."""
    warnings = []
    for (first, a), (second, b) in itertools.pairwise(named):
        start_a, start_b = a.get("period", {}).get("start"), b.get("period", {}).get("start")
        if start_a and start_b and start_b < start_a:
            warnings.append(
                f"{second} ({start_b[:10]}) starts before {first} ({start_a[:10]}), yet comes "
                f"after it: {how}"
            )
    return warnings
