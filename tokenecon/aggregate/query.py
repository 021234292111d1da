"""One pass over the usage: validate, deduplicate, attribute and sum inside the engine.

Everything the report needs is computed by a single query: the parsed rows are a common table
expression that several aggregations read (sums by use case x model x day x tier, tasks per use
case, rejected rows, duplicates, outcomes joined to tasks), glued with UNION ALL into one small
result. Pricing then happens in Python on those sums (see :mod:`tokenecon.price.apply`),
exactly, with Decimal: a price is constant within a model, a UTC day, a service tier and a side
of the long-context cliff, so summing tokens at that grain first loses nothing.

The result types are in :mod:`.types`, the shared read path in :mod:`.read`, the accounting
roll-ups in :mod:`.accounting`, the filing of the result (and the merge of repeated ids) in
:mod:`.merge`, and the location of rejected rows in :mod:`.rejects`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.aggregate.accounting import (
    accounting_branches,
    count_rows,
    shape,
)
from tokenecon.aggregate.columns import bare_model, local_date, prompt_class, sample_key
from tokenecon.aggregate.merge import SUM_KEYS, file_repeated, file_usage
from tokenecon.aggregate.read import (
    attributed_rows,
    fetch_records,
    fetch_records_apart,
    flag_rows,
    lookups_built_small,
    parse_once,
    repeated_request_ids,
    watch_pass,
    worth_parsing_once,
)
from tokenecon.aggregate.rejects import locate_rejected
from tokenecon.aggregate.repeated import merge_where, repeated_branches, repeated_ids_table
from tokenecon.aggregate.skipped import add_engine_rejects
from tokenecon.aggregate.task_grain import collapsed, task_firsts
from tokenecon.aggregate.types import (
    BEYOND_FIRST,
    AggregateOptions,
    UsageAggregates,
)
from tokenecon.attribute.mapping import OutcomeMapping
from tokenecon.attribute.outcomes import event_sources, events_table
from tokenecon.engine.connect import is_duckdb, spark_cached
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.ingest.formats.anthropic import states_billing_geo, states_speed
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend


GRAIN = [
    "use_case", "task_key", "model", "day", "service_tier", "prompt_class", "by_value",
    "reject_reason", "source_id", "in_window", "dup_id", "in_region", "has_cost", "billing_geo",
    "speed",
]  # fmt: skip
"""The grain of the one big aggregation: every output is a roll-up of it.

The source's provider column is left out: as a key it cost 2 s of 9 on 10M rows, and the
price book names the provider of every priced model."""


def exact_sum(column: ir.IntegerColumn) -> ir.IntegerScalar:
    """Sum of whole numbers through a double: exact below 2**53 (9e15 tokens in one group).

    DuckDB sums BIGINT into a 128-bit state; a double state is half as wide, and the grain
    of 10M rows holds millions of groups (peak RSS 2.39 GB -> 1.87 GB).
    :func:`~.merge.check_exact` refuses a sum that reaches the limit rather than report a
    rounded one.
    """
    return column.cast("float64").sum().cast("int64")


def _grain(rows: ir.Table, options: AggregateOptions) -> tuple[ir.Table, dict[str, Any]]:
    """Rows (flagged by :func:`~.read.flag_rows`) summed at :data:`GRAIN`, without the columns
    that are one value for every row: those are returned apart, to be put back once the grain
    is summed over tasks (:func:`~.task_grain.collapsed`).

    Rejected rows keep their request id in ``dup_id`` (so samples can be located), and rows of
    a repeated id keep their id and token counts there: identical copies collapse into one
    group whose sums are k times one copy, differing copies stay apart.
    """
    content = rows.request_id
    for column in (*TOKEN_COLUMNS, "requests"):
        content = content + "|" + rows[column].cast("string").fill_null("")
    prepared = rows.mutate(
        day=rows.timestamp.date(),
        prompt_class=prompt_class(rows, options.thresholds),
        has_cost=rows.reported_cost.notnull(),
        dup_id=ibis.cases(
            (rows.reject_reason.notnull(), sample_key(rows)),
            (rows.repeated, content),
            else_=ibis.null("string"),
        ),
    )
    if options.tasks:
        # Calls of a task are kept apart by their instant, so that the first call of each task
        # can be found from the grain (:mod:`.task_grain`), not by a window over the rows.
        valid = prepared.reject_reason.isnull() & prepared.in_window
        prepared = prepared.mutate(
            first_key=ibis.cases(
                (prepared.task_key.notnull() & valid, prepared.timestamp),
                else_=ibis.null(prepared.timestamp.type()),
            )
        )
    if options.hourly:
        # The hour of a single row is a key; the copies of a repeated id take their earliest
        # hour (as a key it would split identical copies into conflicting ones).
        hour = prepared.timestamp.truncate("h")
        prepared = prepared.mutate(
            hour=hour,
            hour_key=ibis.cases((prepared.dup_id.isnull(), hour), else_=ibis.null(hour.type())),
        )
    sums: dict[str, Any] = {
        "rows": prepared.count(),
        "requests": exact_sum(prepared.requests),
        "requests_unknown_rows": prepared.count() - prepared.requests.count(),
        **{c: exact_sum(prepared[c]) for c in TOKEN_COLUMNS},
    }
    if options.reported_cost:
        # Decimal sums are the costliest aggregate: only where a source reports cost.
        sums["reported_cost"] = prepared.reported_cost.sum()
        sums["reported_rows"] = prepared.reported_cost.count()
    # Keys that are one value for every row (no --by, no --since/--until, one file) are left
    # out of the hash aggregation and put back as constants: hashing them costs time for nothing,
    # and a grain at the task level is a materialized table of millions of rows, which columns
    # of constants widened past DuckDB's memory limit (10M rows: 741 MB spilled with them,
    # 534 MB without).
    constant: dict[str, Any] = {}
    if not (options.by or options.timezone):  # --timezone puts the local day in by_value
        constant["by_value"] = ibis.null("string")
    if not (options.since or options.until):
        constant["in_window"] = ibis.literal(True)
    if options.sources == 1:
        constant["source_id"] = ibis.literal(0, "int32")
    if not options.residency:
        constant["in_region"] = ibis.null("boolean")
    if not options.billing_geo:
        constant["billing_geo"] = ibis.null("string")
    if not options.speed:
        constant["speed"] = ibis.null("string")
    if not options.reported_cost:
        constant["has_cost"] = ibis.literal(False)
    keys = [k for k in GRAIN if k not in constant]
    if options.tasks:
        keys.append("first_key")
    if options.hourly:
        keys.append("hour_key")
        sums["hour"] = prepared.hour.min()
    if not options.tasks:  # else task_grain.collapsed adds them
        constant |= {name: ibis.literal(0, "int64") for name in BEYOND_FIRST.values()}
    if not options.reported_cost:
        constant |= {
            "reported_cost": ibis.null("decimal(38, 12)"),
            "reported_rows": ibis.literal(0, "int64"),
        }
    return prepared.group_by(keys).aggregate(**sums), constant


Events = list[tuple["ir.Table", list[str]]]
"""Each distinct outcome events table of the mapping, with the use cases that read it."""


def _events(con: Backend, mapping: OutcomeMapping | None) -> Events:
    """One table per distinct events file: read once, whatever the number of use cases."""
    return [(events_table(con, source), names) for source, names in event_sources(mapping)]


def _branches(
    grain: ir.Table,
    firsts: ir.Table | None,
    events: Events,
    hourly: bool,
    merge: str,
    timezone: str | None = None,
) -> list[ir.Table]:
    """Roll-ups of the grain (:func:`~.task_grain.collapsed`) and of the tasks' firsts
    (:func:`~.task_grain.task_firsts`), each shaped to the common result schema."""
    branches = accounting_branches(grain)
    # Each branch filters the grain with its own predicate: a filtered table that several
    # branches read becomes a CTE of its own, which DuckDB materializes, a copy of the whole
    # grain (two such copies cost 1.4 s of CPU of 14 on 1M rows, and their memory).
    kept_rows = grain.reject_reason.isnull() & grain.in_window
    single = grain.filter(kept_rows & grain.dup_id.isnull())
    sums = single.group_by(SUM_KEYS).aggregate(
        rows=single.rows.sum(),
        requests=single.requests.sum(),
        requests_unknown_rows=single.requests_unknown_rows.sum(),
        **{c: single[c].sum() for c in (*TOKEN_COLUMNS, *BEYOND_FIRST.values())},
        reported_cost=single.reported_cost.sum(),
        reported_rows=single.reported_rows.sum(),
    )
    branches.append(shape(sums, "sums", {c: sums[c] for c in sums.columns}))
    copies = grain.filter(kept_rows & grain.dup_id.notnull())
    branches += repeated_branches(single, copies, hourly, merge)
    # Tasks per use case: keyless requests from the grain, plus the distinct (use case, task)
    # pairs, which the outcome joins read as well: one hash of the pairs, where a distinct
    # count and the joins' own distinct pairs were two (1.5 s of CPU each on 1M rows).
    kept = grain.filter(kept_rows)
    keyless = ibis.cases((~kept.keyed, kept.requests.fill_null(kept.rows)), else_=0)
    tasks = kept.group_by("use_case").aggregate(tasks=keyless.sum())
    if firsts is not None:
        pairs = firsts.select("use_case", key=firsts.task_key)
    else:
        keyed = grain.filter(kept_rows & grain.task_key.notnull())
        pairs = keyed.select("use_case", key=keyed.task_key).distinct()
    per_use_case = pairs.group_by("use_case").aggregate(tasks=pairs.count())
    for table in (tasks, per_use_case):  # file_usage adds the two
        branches.append(shape(table, "tasks", {"use_case": table.use_case, "tasks": table.tasks}))
    for table, names in events:
        # One join per events file for all the use cases that share it, not one per use case.
        joined = pairs.filter(pairs.use_case.isin(names)).inner_join(table, "key")
        matched = joined.group_by("use_case").aggregate(n=joined.count())
        in_file = table.aggregate(n=table.count())
        in_file = in_file.mutate(use_case=ibis.literal(names, type="array<string>").unnest())
        if "at" in table.columns:  # dated outcomes: also counted per day (docs/time-views.md)
            at = joined.at
            day = local_date(at, timezone) if timezone else at.date().cast("string")
            dated = joined.mutate(day_text=day)
            daily = dated.group_by(["use_case", "day_text"]).aggregate(n=dated.count())
            branches.append(
                shape(daily, "outcomes_day", {"use_case": daily.use_case,
                                              "by_value": daily.day_text, "rows": daily.n})
            )  # fmt: skip
        for kind, table in (("outcomes_matched", matched), ("outcomes_file", in_file)):
            branches.append(shape(table, kind, {"use_case": table.use_case, "rows": table.n}))
    return branches


def _yield_branches(grain: ir.Table, events: Events) -> list[ir.Table]:
    """Tasks and verified outcomes per use case x model, for use cases with outcome events.

    A task that called several models counts under each of them; spellings of one model are
    counted together under the first spelling. Only `whatif` asks for these (route quality
    and the quality-vs-cost frontier): analyze does not pay for them.
    """
    if not events:
        return []
    kept = grain.filter(grain.reject_reason.isnull() & grain.in_window)
    kept = kept.filter(kept.use_case.isin([n for _, names in events for n in names]))
    # Spellings are normalised once per distinct model, not once per grain row.
    names = kept.select("model").distinct()
    kept = kept.inner_join(names.mutate(bare=bare_model(names.model)), "model")
    keyless = ibis.cases((kept.task_key.isnull(), kept.requests.fill_null(kept.rows)), else_=0)
    tasks = kept.group_by(["use_case", "bare"]).aggregate(
        tasks=kept.task_key.nunique() + keyless.sum(), model=kept.model.min()
    )
    branches = [
        shape(
            tasks,
            "model_tasks",
            {"use_case": tasks.use_case, "model": tasks.model, "tasks": tasks.tasks},
        )
    ]
    for table, names in events:
        mine = kept.filter(kept.use_case.isin(names))
        pairs = mine.select("use_case", "bare", key=mine.task_key).distinct()
        matched = pairs.inner_join(table, "key")
        counts = matched.group_by(["use_case", "bare"]).aggregate(n=matched.count())
        named = counts.inner_join(tasks.select("use_case", "bare", "model"), ["use_case", "bare"])
        branches.append(
            shape(
                named,
                "model_outcomes",
                {"use_case": named.use_case, "model": named.model, "rows": named.n},
            )
        )
    return branches


def aggregate_usage(
    con: Backend,
    sources: Sequence[SourceFile],
    mapping: OutcomeMapping | None,
    options: AggregateOptions,
    newlines: Callable[[int], Sequence[int] | None] = lambda _: None,
) -> UsageAggregates:
    """Run the aggregation (a narrow duplicate pre-pass, then one query) and unpack it.

    ``newlines(source_id)`` gives a plain file's newline index (see
    :class:`~tokenecon.ingest.sources.FileDigest`), if one is at hand, to number rejected rows.
    """
    result = UsageAggregates()
    rows, has_request_ids, id_rows = attributed_rows(con, sources, mapping, options, result)
    parsed_once = has_request_ids and worth_parsing_once(con, sources)
    if parsed_once:
        with watch_pass(con, sources, options.progress, "usage"), lookups_built_small(con):
            rows = id_rows = parse_once(con, rows)
    result.rows = rows
    options = replace(
        options,
        hourly=bool(result.plans) and all(p.format in options.hourly_formats for p in result.plans),
        reported_cost=any("reported_cost" in p.canonical for p in result.plans),
        sources=len(sources),
        residency=bool(mapping and any(u.residency for u in mapping.use_cases)),
        billing_geo=any(states_billing_geo(p) for p in result.plans),
        speed=any(states_speed(p) for p in result.plans),
        tasks=bool(mapping and any(u.task_key for u in mapping.use_cases)),
    )
    with watch_pass(con, sources, options.progress, "repeated ids"):
        duplicate_ids: list[str] | ir.Table = []
        if parsed_once:  # agent logs repeat nearly every id: no round trip through Python
            duplicate_ids = repeated_ids_table(con, id_rows)
        elif has_request_ids:
            duplicate_ids = repeated_request_ids(con, id_rows)
    flagged = flag_rows(con, rows, duplicate_ids, options.since, options.until)
    grain, constant = _grain(flagged, options)
    if not is_duckdb(con):
        # DuckDB computes the grain once for every branch that reads it (a materialized CTE);
        # Spark would scan the usage again per branch unless the grain is cached.
        grain = spark_cached(con, grain)
    firsts = task_firsts(grain)
    over_tasks = collapsed(grain, firsts).mutate(**constant)
    events = _events(con, mapping)
    branches = _branches(
        over_tasks, firsts, events, options.hourly, merge_where(duplicate_ids), options.timezone
    )
    result.dated_outcomes = sorted(n for t, names in events if "at" in t.columns for n in names)
    if options.per_model_yields:
        branches += _yield_branches(grain.mutate(**constant), events)
    query = ibis.union(*branches, distinct=False)
    with watch_pass(con, sources, options.progress, "usage"), lookups_built_small(con):
        if options.owner_only:  # hundreds of thousands of per-user sums: as columns
            records, owned_sums = fetch_records_apart(con, query, "sums")
        else:
            records, owned_sums = fetch_records(con, query), None
    count_rows(records, result)
    file_usage(records, result, options.owner_only, owned_sums)
    file_repeated(records, result)
    if result.reject_sample_rows:
        result.rejected_samples = locate_rejected(
            con, sources, result.plans, result.reject_sample_rows, id_rows, newlines, options.read
        )
    add_engine_rejects(con, sources, result)
    return result
