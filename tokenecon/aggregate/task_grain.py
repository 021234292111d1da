"""The grain's task level: each task's first call, the calls beyond it, and the grain summed
over tasks for the branches that do not count them.

With task keys the grain (:func:`~.query._grain`) holds a group per use case, task and instant
of its calls besides the pricing keys: on 10M rows of which most carry a task id, 4.9M groups.
Two reads of it give what the tasks need: each task's first instant (:func:`task_firsts`,
whose pairs the task counts and outcome joins read) and the buckets of the calls beyond the
first, summed over tasks (:func:`collapsed`), which every other branch reads instead of the
grain. Seven branches each scanned the materialized grain before: 1.8 s of CPU a scan at 10M
rows (docs/engine.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.aggregate.types import BEYOND_FIRST
from tokenecon.ingest.canonical import TOKEN_COLUMNS

if TYPE_CHECKING:
    import ibis.expr.types as ir

NUMBERS = frozenset({
    "rows", "requests", "requests_unknown_rows", *TOKEN_COLUMNS, *BEYOND_FIRST.values(),
    "reported_cost", "reported_rows", "hour",
})  # fmt: skip
"""The grain's summed columns (``hour`` is the earliest); the others are its keys."""


def task_firsts(grain: ir.Table) -> ir.Table | None:
    """Each task's first instant (``use_case``, ``task_key``, ``first_at``), from a grain keyed
    by ``first_key`` (the instant of a valid call with a task key; None without task keys).

    The first call is the task's earliest valid row in the period (calls at that same instant
    count as first too); a row with no task key is its own task. These are also the distinct
    (use case, task) pairs that tasks and outcomes are counted from.
    """
    if "first_key" not in grain.columns:
        return None
    keyed = grain.filter(grain.first_key.notnull())
    return keyed.group_by(["use_case", "task_key"]).aggregate(first_at=keyed.first_key.min())


def _beyond_first(groups: ir.Table, firsts: ir.Table) -> ir.Table:
    """``groups`` of the grain with each bucket of the calls beyond the first of their task,
    else 0 (:data:`BEYOND_FIRST`).

    Every row of a grain group has the same instant (``first_key``), so a group is beyond its
    task's first call or not as a whole. A window over the rows (partitioned by task) held and
    sorted every row: 4.8 s of the 18 s of CPU of the query on 1M rows; a window over the
    grain still 3.4 s; this join 1.0 s.
    """
    joined = groups.left_join(
        firsts, (groups.use_case == firsts.use_case) & (groups.task_key == firsts.task_key)
    )
    joined = joined.select(*[groups[c] for c in groups.columns], firsts.first_at)
    later = (joined.first_key > joined.first_at).fill_null(False)
    zero = ibis.literal(0, "int64")
    return joined.mutate(
        **{name: ibis.cases((later, joined[c]), else_=zero) for c, name in BEYOND_FIRST.items()}
    ).drop("first_at")


def collapsed(grain: ir.Table, firsts: ir.Table | None) -> ir.Table:
    """The grain summed over tasks, with the buckets beyond each task's first call and
    ``keyed`` (whether the rows had a task key: a keyless row is a task of its own).

    ``task_key`` stays a key for the copies of repeated ids only (the duplicate rule breaks
    ties on it, and a keyless copy is counted once per id); the others' is null. Without task
    keys (``firsts`` None) the grain is small already and is returned as it is.
    """
    if firsts is None:
        return grain.mutate(keyed=grain.task_key.notnull())
    later = _beyond_first(grain, firsts)
    later = later.mutate(
        keyed=later.task_key.notnull(),
        task_key=ibis.cases((later.dup_id.notnull(), later.task_key), else_=ibis.null("string")),
    )
    return without_instants(later)


def without_instants(groups: ir.Table) -> ir.Table:
    """Grain groups summed over ``first_key``: copies of a request id sent at different
    instants are one group of identical copies again, as the duplicate rule takes them
    (:mod:`.repeated`), and the calls of a task are one group per pricing key."""
    if "first_key" not in groups.columns:
        return groups
    keys = [c for c in groups.columns if c not in NUMBERS and c != "first_key"]
    sums: dict[str, Any] = {
        c: groups[c].sum().cast(groups[c].type())
        for c in groups.columns
        if c in NUMBERS and c != "hour"
    }
    if "hour" in groups.columns:
        sums["hour"] = groups.hour.min()
    return (
        groups.group_by(keys)
        .aggregate(**sums)
        .select(*[c for c in groups.columns if c != "first_key"])
    )
