"""Verified outcomes per (use case, user), for the people section's outcomes per user.

A second, small pass over the rows `analyze` parsed, made only when a people file is given and
a use case counts its outcomes per task (an events file keyed by task): the distinct (use case,
user, task key) of the valid rows in the period, joined to each events file. A task whose rows
carry several users counts for each of them. Outcomes declared as a count (``count:``,
``counts:``) belong to no task, so to no user, and are not counted here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ibis

from tokenecon.aggregate.columns import in_period
from tokenecon.aggregate.read import fetch_records
from tokenecon.aggregate.types import LOCAL_DAY_SEPARATOR, NO_VALUE, AggregateOptions
from tokenecon.attribute.mapping import OutcomeMapping
from tokenecon.attribute.outcomes import event_sources, events_table

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend


def count_user_outcomes(
    con: BaseBackend, rows: ir.Table, mapping: OutcomeMapping, options: AggregateOptions
) -> dict[tuple[str, str], int]:
    """Verified outcomes per (use case, user) of the use cases with per-task outcome events
    (empty unless the rows are grouped by user)."""
    sources = event_sources(mapping)
    if options.by != "user" or rows is None or not sources:
        return {}
    user = rows.by_value
    if options.timezone:  # the local day rides in front of the user (see AggregateOptions)
        user = user.split(LOCAL_DAY_SEPARATOR)[1].nullif(NO_VALUE)
    valid = rows.filter(
        rows.reject_reason.isnull()
        & in_period(rows, options.since, options.until).fill_null(False)
        & rows.task_key.notnull()
    ).mutate(user=user)
    valid = valid.filter(valid.user.notnull())
    branches = []
    for source, names in sources:
        table = events_table(con, source)
        mine = valid.filter(valid.use_case.isin(names))
        pairs = mine.select("use_case", "user", key=mine.task_key).distinct()
        joined = pairs.inner_join(table, "key")
        branches.append(joined.group_by(["use_case", "user"]).aggregate(n=joined.count()))
    query = branches[0] if len(branches) == 1 else ibis.union(*branches, distinct=False)
    return {(r["use_case"], r["user"]): int(r["n"]) for r in fetch_records(con, query)}
