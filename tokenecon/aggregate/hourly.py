"""Usage per UTC hour, for the 5-hour billing blocks of coding-agent logs.

A second, small pass over the rows `analyze` parsed: the same duplicate rule (one copy per
request id, the largest count per bucket), then sums per hour x model x tier x side of the
long-context cliff, which prices exactly like the daily grain (a price is constant within a UTC
day, and an hour lies within one).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from tokenecon.aggregate.columns import prompt_class
from tokenecon.aggregate.read import fetch_records, flag_rows, keep_one_copy, repeated_request_ids
from tokenecon.aggregate.types import UsageGroup
from tokenecon.ingest.canonical import TOKEN_COLUMNS

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend


def hourly_groups(
    con: BaseBackend,
    rows: ir.Table,
    since: datetime | None,
    until: datetime | None,
    thresholds: tuple[int, ...],
) -> list[tuple[datetime, UsageGroup]]:
    """(hour, usage of that hour at the pricing grain), oldest first."""
    ids = repeated_request_ids(con, rows)
    kept = keep_one_copy(con, flag_rows(con, rows, ids, since, until), bool(ids))
    kept = kept.mutate(
        hour=kept.timestamp.truncate("h"), prompt_class=prompt_class(kept, thresholds)
    )
    sums: dict[str, Any] = {c: kept[c].fill_null(0).sum() for c in TOKEN_COLUMNS}
    summed = kept.group_by(["hour", "model", "service_tier", "prompt_class"]).aggregate(
        rows=kept.count(), requests=kept.requests.fill_null(1).sum(), **sums
    )
    out = []
    for r in fetch_records(con, summed.order_by(["hour", "model", "service_tier"])):
        hour = r["hour"]
        out.append(
            (
                hour,
                UsageGroup(
                    use_case=None, model=r["model"], day=hour.date(),
                    service_tier=r["service_tier"], prompt_class=int(r["prompt_class"]),
                    by_value=None, rows=int(r["rows"]), requests=int(r["requests"] or 0),
                    requests_unknown_rows=0,
                    tokens={c: int(r[c] or 0) for c in TOKEN_COLUMNS},
                    reported_cost=None, reported_rows=0,
                ),
            )
        )  # fmt: skip
    return out
