"""A run with nothing to analyse is refused, never reported as a confident $0.00.

In: the row accounting of the usage read. Out: nothing, or a :class:`UsageInputError` (exit 2)
that says where the rows went and what to change (see ``docs/exit-codes.md``).
"""

from __future__ import annotations

from tokenecon.aggregate.types import RowAccounting
from tokenecon.errors import UsageInputError


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
            "fix those values, or name the columns that hold the fields: --map COLUMN=field "
            "(docs/sources.md)",
        )
    rejected = f" ({accounting.rows_rejected:,} rejected)" if accounting.rows_rejected else ""
    raise UsageInputError(
        f"no usage in the period: the {accounting.rows_filtered:,} valid rows of {read:,} read "
        f"are all outside --since/--until{rejected}",
        "widen --since/--until or leave them out to see the span of the usage",
    )
