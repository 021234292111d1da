"""Repeated request ids merged inside the engine, and the usage per hour, in the one query.

Copies of a request id are few in an API export but are the rule in coding-agent logs (Claude
Code writes a line per content block of a response: 200k responses are 400k lines, every id
repeated). Sending each group of copies to Python to be merged cost 25 s of a 27 s run at
200k responses; here the engine keeps one copy per id by the duplicate rule
(:func:`~.read.rank_copies`) and returns only sums at the pricing grain, the duplicate counts,
the first ids by name and the keyless-task correction. Ids whose copies report a cost keep the
Python merge (:func:`~.merge.merge_repeated`): a reported cost is a decimal, which the engine
divides only as a double.

With ``hourly`` the same query also sums the kept usage per UTC hour (the 5-hour billing
blocks of agent logs), so that the blocks need no second pass over the logs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.aggregate.accounting import RESULT_KEYS, RESULT_NUMBERS, shape
from tokenecon.aggregate.merge import SUM_KEYS
from tokenecon.aggregate.read import INLINE_IDS, rank_copies
from tokenecon.aggregate.types import BEYOND_FIRST, SAMPLE_LIMIT
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.ingest.readers import materialize

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

HOUR_KEYS = ["hour", "model", "service_tier", "prompt_class"]
"""The grain of the hourly sums (prices are constant within an hour: it lies in one day)."""


def repeated_ids_table(con: BaseBackend, rows: ir.Table) -> ir.Table:
    """The request ids that occur more than once, as an engine table (for rows the engine
    holds already: 200k ids sent to Python and back cost a second, pandas' import included)."""
    keyed = rows.filter(rows.request_id.notnull())
    counted = keyed.group_by("request_id").aggregate(n=keyed.count())
    return materialize(con, "repeated_ids", counted.filter(counted.n > 1).select("request_id"))


def merge_where(ids: list[str] | ir.Table) -> str:
    """Where the copies of the repeated ``ids`` are merged (:func:`repeated_branches`): in the
    engine when they are many (a table of them, or more than a query's literal list holds)."""
    if not isinstance(ids, list) or len(ids) > INLINE_IDS:
        return "engine"
    return "python" if ids else "none"


def _or(value: ir.IntegerValue, fallback: Any) -> ir.IntegerValue:
    """``value or fallback`` as Python reads it (null and 0 both fall back)."""
    return ibis.cases((value.isnull() | (value == 0), fallback), else_=value)


def repeated_branches(
    singles: ir.Table, copies: ir.Table, hourly: bool, merge: str = "engine"
) -> list[ir.Table]:
    """The result branches of the repeated ids (``copies``: the grain groups of valid rows in
    the period whose id repeats), and with ``hourly`` the usage per hour of ``singles`` (the
    other valid rows in the period) and of the copies kept.

    ``merge`` says where copies are merged: ``engine`` (many repeated ids; those with a
    reported cost still go to Python), ``python`` (a few: every group of copies is sent to
    :func:`~.merge.merge_repeated`, which compiles fewer branches: compiling is a good part of
    a small run) or ``none`` (no id repeats: no branches for copies at all).
    """
    if merge == "none":
        return [_hourly(singles, None)] if hourly else []
    # The id and one copy's counts computed once, not once per window that reads them.
    names = (*TOKEN_COLUMNS, "requests")
    copies = copies.mutate(
        request_key=copies.dup_id.re_extract(r"^([^|]*)", 1),
        **{f"one_{c}": copies[c] // copies.rows for c in names},
    )
    counts = {c: copies[f"one_{c}"] for c in names}
    rank, largest = rank_copies(
        copies.request_key,
        counts,
        copies.model,
        copies.day,
        copies.service_tier,
        # the rest of the grain, so that the same copy is kept on every run
        ties=[
            ibis.desc(copies[c])
            for c in (
                "use_case",
                "prompt_class",
                "by_value",
                "in_region",
                "billing_geo",
                "speed",
                "task_key",
                "dup_id",
            )
        ],
    )
    same_id = ibis.window(group_by=copies.request_key)
    per_id = {}
    if merge == "engine":
        per_id = {
            "id_rows": copies.rows.sum().over(same_id),
            "id_groups": copies.count().over(same_id),
            "id_cost": (copies.reported_rows.max().over(same_id) > 0).fill_null(False),
        }
    ranked = copies.mutate(
        copy_rank=rank, **per_id, **{f"largest_{c}": v for c, v in largest.items()}
    )
    in_python = ranked.filter(ranked.id_cost) if merge == "engine" else ranked
    groups = {c: in_python[c] for c in in_python.columns if c in RESULT_KEYS or c in RESULT_NUMBERS}
    first = in_python.filter(in_python.copy_rank == 0)
    branches = [
        shape(in_python, "repeated", {**groups, "request_id": in_python.dup_id,
                                      "reported_cost": in_python.reported_cost}),
        shape(first, "largest_copy", {"request_id": first.dup_id,
                                      **{c: first[f"largest_{c}"] for c in counts}}),
    ]  # fmt: skip
    if merge == "engine":
        engine = ranked.filter(~ranked.id_cost)
        branches += _engine_merge(engine, engine.filter(engine.copy_rank == 0))
    if hourly:
        branches.append(_hourly(singles, ranked.filter(ranked.copy_rank == 0)))
    return branches


def _engine_merge(engine: ir.Table, kept: ir.Table) -> list[ir.Table]:
    """One copy per id (``kept``, with the largest count of each bucket) summed at the pricing
    grain; the duplicate counts; the first ids; the keyless tasks counted once per id."""
    # As merge_repeated: a kept copy that is a call beyond its task's first re-reads all of
    # its (largest) prompt and output, else none of it.
    later = ibis.or_(*((kept[n] // kept.rows) > 0 for n in BEYOND_FIRST.values()))
    sums = kept.group_by(SUM_KEYS).aggregate(
        rows=kept.count(),
        requests=kept.largest_requests.sum(),
        requests_unknown_rows=(kept.requests_unknown_rows // kept.rows).sum(),
        **{c: kept[f"largest_{c}"].sum() for c in TOKEN_COLUMNS},
        **{
            n: ibis.cases((later, kept[f"largest_{c}"].fill_null(0)), else_=0).sum()
            for c, n in BEYOND_FIRST.items()
        },
    )
    stats = kept.aggregate(
        rows=(kept.id_rows - 1).sum(), rejected=(kept.id_groups > 1).cast("int64").sum()
    )
    samples = kept.order_by("request_key").limit(SAMPLE_LIMIT)
    # The engine counted keyless tasks once per copy; each id counts once (as its kept copy).
    surplus = engine.filter(engine.task_key.isnull())
    surplus = surplus.group_by("use_case").aggregate(n=-_or(surplus.requests, surplus.rows).sum())
    own = kept.filter(kept.task_key.isnull())
    own = own.group_by("use_case").aggregate(n=_or(own.largest_requests, 1).sum())
    summed = {**{c: sums[c] for c in sums.columns}, "reported_rows": ibis.literal(0)}
    return [
        shape(sums, "sums", summed),
        shape(stats, "repeated_count", {"rows": stats.rows, "rejected": stats.rejected}),
        shape(samples, "repeated_sample", {"request_id": samples.request_key,
                                           "rows": samples.id_rows}),
        *(shape(t, "tasks_adjust", {"use_case": t.use_case, "tasks": t.n}) for t in (surplus, own)),
    ]  # fmt: skip


def _hourly(singles: ir.Table, kept: ir.Table | None) -> ir.Table:
    """Usage per hour x model x tier x side of the cliff: the single rows, and one copy of
    each repeated id (a request of unknown count counts as one)."""
    tokens = {c: singles[c].fill_null(0) for c in TOKEN_COLUMNS}
    one = singles.select(
        *HOUR_KEYS,
        rows=singles.rows,
        requests=singles.requests.fill_null(0) + singles.requests_unknown_rows,
        **tokens,
    )
    both = one
    if kept is not None:
        copies = kept.select(
            *HOUR_KEYS,
            rows=ibis.literal(1, "int64"),
            requests=kept.largest_requests.fill_null(1),
            **{c: kept[f"largest_{c}"].fill_null(0) for c in TOKEN_COLUMNS},
        )
        both = ibis.union(one, copies.cast(one.schema()), distinct=False)
    summed = both.group_by(HOUR_KEYS).aggregate(
        rows=both.rows.sum(),
        requests=both.requests.sum(),
        **{c: both[c].sum() for c in TOKEN_COLUMNS},
    )
    return shape(summed, "hourly", {c: summed[c] for c in summed.columns})
