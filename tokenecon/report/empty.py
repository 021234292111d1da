"""A run with nothing to analyse is refused, never reported as a confident $0.00.

In: the row accounting of the usage read. Out: nothing, or a :class:`UsageInputError` (exit 2)
that says where the rows went and what to change (see ``docs/exit-codes.md``).
"""

from __future__ import annotations

import re

from tokenecon.aggregate.types import RowAccounting
from tokenecon.errors import UsageInputError
from tokenecon.ingest.time_format import fitting_formats

_NOT_A_TIME = re.compile(r"timestamp: '(.*)' is not a date-time \(")
"""The reason of a rejected timestamp, its text captured."""


def _samples(accounting: RowAccounting) -> str:
    shown = [
        f"{r.source}:{r.line}: {r.reason}" if r.line else f"{r.source}: {r.reason}"
        for r in accounting.rejected_samples[:3]
    ]
    more = accounting.rows_rejected - len(shown)
    return "; ".join(shown) + (f"; and {more:,} more" if more > 0 else "")


def refuse_empty(accounting: RowAccounting, sources: list[str]) -> None:
    """Fail when no row is left to analyse: the input has no usage rows, every row was
    rejected, or every valid row is outside ``--since``/``--until``."""
    read = accounting.rows_read
    named = ", ".join(sources[:3]) + (f" and {len(sources) - 3} more" if len(sources) > 3 else "")
    if read == 0:
        raise UsageInputError(
            f"{named}: no usage rows (a header or records without usage, and nothing else)",
            "check that this is the export you meant; docs/sources.md lists the formats read",
        )
    kept = read - accounting.rows_rejected - accounting.rows_duplicate - accounting.rows_filtered
    if kept > 0:
        return
    if accounting.rows_filtered == 0:
        raise UsageInputError(
            f"every row read was rejected ({read:,} of {read:,}): {_samples(accounting)}",
            _timestamp_hint(accounting)
            + "fix those values, or name the columns that hold the fields: --map COLUMN=field "
            "(docs/sources.md)",
        )
    rejected = f" ({accounting.rows_rejected:,} rejected)" if accounting.rows_rejected else ""
    raise UsageInputError(
        f"no usage in the period: the {accounting.rows_filtered:,} valid rows of {read:,} read "
        f"are all outside --since/--until{rejected}",
        "widen --since/--until or leave them out to see the span of the usage",
    )


def _timestamp_hint(accounting: RowAccounting) -> str:
    """Where rejected timestamps look like a spreadsheet's dates (``10/13/2026 17:30``): the
    ``--timestamp-format`` that reads them, or both orders when they do not tell the month from
    the day (:func:`~tokenecon.ingest.time_format.fitting_formats`); else nothing."""
    reasons = [reason for reason, _ in accounting.reject_reasons]
    reasons += [row.reason for row in accounting.rejected_samples]
    values = [found[1] for r in reasons if (found := _NOT_A_TIME.search(r))]
    layouts = fitting_formats(values)
    where = "docs/usage-record.md#timestamps"
    if len(layouts) == 1:
        return (
            f"the timestamps are dates as a spreadsheet writes them: read them with "
            f'--timestamp-format "{layouts[0]}" ({where}); or '
        )
    if layouts:
        month, day = layouts
        return (
            f"the timestamps are dates as a spreadsheet writes them, and they do not tell "
            f'whether the month or the day comes first: --timestamp-format "{month}" if the '
            f'month does, "{day}" if the day does ({where}); or '
        )
    return ""
