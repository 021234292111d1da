"""The read path `analyze` and `convert` share: every source's canonical rows, the request ids
that occur more than once, and the rule that keeps one copy of a repeated id.

The canonical rows are read by the format adapters (:mod:`tokenecon.ingest.formats`): all
their columns for `convert` (:func:`canonical_rows`), the columns `analyze` sums with each
row's attribution (:func:`attributed_rows`). The rest is the same for both commands: the
narrow pre-pass that finds repeated ids, the flags of a row (in the period, a copy of a
repeated id), the duplicate rule (:func:`rank_copies`: `analyze` ranks groups of identical
copies with it, `convert` the rows themselves in :func:`keep_one_copy`), the progress of a
pass, and reading a small result.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.aggregate.columns import attribute_resolver, in_period, local_date
from tokenecon.aggregate.types import (
    LOCAL_DAY_SEPARATOR,
    NO_VALUE,
    AggregateOptions,
    UsageAggregates,
)
from tokenecon.attribute.mapping import OutcomeMapping
from tokenecon.attribute.rules import (
    residency_expression,
    task_key_expression,
    use_case_expression,
    use_case_lookups,
)
from tokenecon.engine.connect import is_duckdb
from tokenecon.engine.dialect import small_table
from tokenecon.engine.progress import watching
from tokenecon.engine.results import arrow_result, unfused_selects
from tokenecon.errors import UsageInputError, first_line
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS, STRING_COLUMNS, TOKEN_COLUMNS
from tokenecon.ingest.formats import canonical_table
from tokenecon.ingest.formats.anthropic import billing_geo_expression, speed_expression
from tokenecon.ingest.generic import ColumnPlan, ReadOptions
from tokenecon.ingest.readers import materialize
from tokenecon.ingest.sources import SourceFile, estimate_rows, source_bytes
from tokenecon.progress import Reporter, ScanProgress

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

INLINE_IDS = 1000
"""Up to this many repeated request ids are written into the query as a list."""


def canonical_rows(
    con: BaseBackend,
    sources: Sequence[SourceFile],
    read: ReadOptions,
    mapping: OutcomeMapping | None,
) -> tuple[ir.Table, list[ColumnPlan], list[str]]:
    """Every source's canonical rows under one schema, with ``source`` (its display name), the
    other fields the adapters keep (``x_<name>``), and, given a mapping, each row's use case
    and task key (``mapped_use_case``, ``mapped_task``); the plans; the extra fields' names."""
    tables, plans = [], []
    for source_id, source in enumerate(sources):
        table, plan = canonical_table(con, source, source_id, read)
        if mapping is not None:
            table = table.mutate(
                mapped_use_case=use_case_expression(mapping, attribute_resolver(table, plan))
            )
            table = table.mutate(
                mapped_task=task_key_expression(
                    mapping, table.mapped_use_case, attribute_resolver(table, plan)
                )
            )
        tables.append((table.mutate(source=ibis.literal(source.display)), plan))
        plans.append(plan)
    extras: list[str] = []
    for table, _ in tables:
        extras += [c for c in table.columns if c.startswith("x_") and c not in extras]
    base = [
        "source_id", "timestamp", "provider", "model", *TOKEN_COLUMNS, "requests",
        "reported_cost", *STRING_COLUMNS[2:], "source", "reject_reason",
    ]  # fmt: skip
    mapped = ["mapped_use_case", "mapped_task"] if mapping is not None else []
    shaped = []
    for table, _ in tables:
        values = {c: table[c] for c in (*base, *mapped)}
        values |= {c: table[c] if c in table.columns else ibis.null("string") for c in extras}
        shaped.append(table.select(**values))
    rows = shaped[0] if len(shaped) == 1 else ibis.union(*shaped, distinct=False)
    return rows, plans, [c.removeprefix("x_") for c in extras]


def attributed_rows(
    con: BaseBackend,
    sources: Sequence[SourceFile],
    mapping: OutcomeMapping | None,
    options: AggregateOptions,
    result: UsageAggregates,
) -> tuple[ir.Table, bool, ir.Table]:
    """`analyze`'s rows: the columns it sums of every source, with each row's use case, task
    key, ``--by`` value and residency (:mod:`tokenecon.attribute.rules`); whether any source
    has request ids; and the rows unattributed (source id, request id, reject reason), for the
    duplicate pre-pass (the engine cannot prune a use-case CASE whose long value lists it runs
    as joins: 50 use cases made the pre-pass on the attributed rows 3x slower) and for
    numbering rejected rows in scan order (which a use-case lookup join does not keep). The
    sources' column plans and the attributes no source has go into ``result``."""
    tables, ids = [], []
    has_request_ids = False
    seen_attributes: set[str] = set()
    for source_id, source in enumerate(sources):
        table, plan = canonical_table(con, source, source_id, options.read)
        ids.append(table.select("source_id", "request_id", "reject_reason"))
        result.plans.append(plan)
        has_request_ids |= "request_id" in plan.canonical
        seen_attributes |= set(plan.canonical) | {f"tags.{x}" for x in plan.extra}
        if "tags" in plan.canonical:
            seen_attributes.add("tags.*")
        table, looked_up = _join_lookups(con, table, plan, mapping, source_id)
        resolve = attribute_resolver(table, plan)
        use_case = use_case_expression(mapping, resolve, looked_up)
        by_value = resolve(options.by) if options.by else ibis.null("string")
        if options.timezone:
            # the local day rides in the --by key: the grain (and pricing) stays per UTC day
            local = local_date(table.timestamp, options.timezone)
            by_value = local + LOCAL_DAY_SEPARATOR + by_value.fill_null(NO_VALUE)
        table = table.mutate(use_case=use_case, by_value=by_value)
        table = table.mutate(
            task_key=task_key_expression(mapping, table.use_case, attribute_resolver(table, plan))
        )
        table = table.mutate(
            in_region=residency_expression(
                mapping, table.use_case, attribute_resolver(table, plan)
            ),
            billing_geo=billing_geo_expression(table, plan),
            speed=speed_expression(table, plan),
        )
        keep = [
            "source_id", "timestamp", "model", *TOKEN_COLUMNS, "requests",
            "reported_cost", "service_tier", "context_window", "request_id", "use_case",
            "task_key", "by_value", "reject_reason", "in_region", "billing_geo", "speed",
        ]  # fmt: skip
        tables.append(table.select(*keep))
    if mapping:
        result.missing_attributes = [
            a
            for a in mapping.attributes
            if a not in seen_attributes
            and not (a.startswith("tags.") and "tags.*" in seen_attributes)
        ]
    rows = tables[0] if len(tables) == 1 else ibis.union(*tables, distinct=False)
    id_rows = ids[0] if len(ids) == 1 else ibis.union(*ids, distinct=False)
    return rows, has_request_ids, id_rows


def _join_lookups(
    con: BaseBackend,
    table: ir.Table,
    plan: ColumnPlan,
    mapping: OutcomeMapping | None,
    source_id: int,
) -> tuple[ir.Table, dict[int, ir.StringValue]]:
    """``table`` left-joined to each value -> use case lookup of the mapping
    (:func:`~tokenecon.attribute.rules.use_case_lookups`): one probe per row for a run of use
    cases instead of one per use case. Returns the looked-up column of each run by its first
    use case's index."""
    found: dict[int, str] = {}
    for number, lookup in enumerate(use_case_lookups(mapping)):
        value, name = f"_lookup_value_{number}", f"_lookup_use_case_{number}"
        stored = small_table(
            con,
            f"tokenecon_use_cases_{source_id}_{number}_{uuid.uuid4().hex[:8]}",
            {value: list(lookup.names), name: list(lookup.names.values())},
        )
        key = attribute_resolver(table, plan)(lookup.attribute)
        joined = table.left_join(stored, key == stored[value])
        table = joined.select(*[table[c] for c in table.columns], stored[name])
        found[lookup.first] = name
    return table, {first: table[name] for first, name in found.items()}


@contextmanager
def lookups_built_small(con: BaseBackend) -> Iterator[None]:
    """Within the block, DuckDB builds each join's hash table on the side the query names.

    A CSV read without sniffing has no row estimate (DuckDB assumes a few dozen rows), so
    the optimizer would hash the whole usage and probe it with the 500 rows of a use-case
    lookup (:func:`_join_lookups`): 1M rows, 50 use cases, 1.9 s of CPU against 0.3 s. The
    query's other joins already name the smaller side second.
    """
    if not is_duckdb(con):
        yield
        return
    con.raw_sql("SET disabled_optimizers = 'build_side_probe_side'")
    try:
        yield
    finally:
        con.raw_sql("RESET disabled_optimizers")


def repeated_request_ids(con: BaseBackend, rows: ir.Table) -> list[str]:
    """Request ids that occur more than once (a narrow pre-pass: only the id column is parsed).

    Grouping every id costs less than carrying every column through a dedup aggregation, and
    duplicates are rare, so the main query then keeps only these ids apart.
    """
    keyed = rows.filter(rows.request_id.notnull())
    counted = keyed.group_by("request_id").aggregate(n=keyed.count())
    repeated = counted.filter(counted.n > 1).select("request_id").order_by("request_id")
    return [r["request_id"] for r in fetch_records(con, repeated)]


def is_repeated_id(
    con: BaseBackend, rows: ir.Table, ids: list[str] | ir.Table, name: str
) -> ir.BooleanValue:
    """Whether each row's request id is one of ``ids`` (the repeated ones; or an engine table
    of them, :func:`~.repeated.repeated_ids_table`).

    Up to :data:`INLINE_IDS` ids are a literal list, which costs the engine less per row than
    a semi-join against a table (10M rows, 20 ids: 3.5 s of CPU less); more go into an engine
    table ``name`` (not an inline memtable, which Spark's cache() would compile before Ibis
    registers it).
    """
    if not isinstance(ids, list):
        return rows.request_id.isin(ids.request_id)
    if len(ids) > INLINE_IDS:
        table = small_table(con, name, {"request_id": ids})
        return rows.request_id.isin(table.request_id)
    if ids:
        return rows.request_id.isin(ids)
    return ibis.literal(False)


def flag_rows(
    con: BaseBackend,
    rows: ir.Table,
    repeated: list[str] | ir.Table,
    since: datetime | None,
    until: datetime | None,
) -> ir.Table:
    """The rows with ``in_window`` (within ``--since``/``--until``) and ``repeated`` (a valid
    row in the period whose request id is one of ``repeated``, the ids that occur more than
    once: :func:`repeated_request_ids`)."""
    in_window = in_period(rows, since, until).fill_null(False)
    is_repeated = is_repeated_id(con, rows, repeated, "tokenecon_repeated_ids")
    valid = rows.reject_reason.isnull() & in_window
    return rows.mutate(in_window=in_window, repeated=(valid & is_repeated).fill_null(False))


def rank_copies(
    request_id: ir.StringValue,
    counts: Mapping[str, ir.IntegerValue],
    model: ir.StringValue,
    day: ir.DateValue,
    service_tier: ir.StringValue,
    ties: Sequence[Any] = (),
) -> tuple[ir.IntegerValue, dict[str, ir.IntegerValue]]:
    """The duplicate rule, for `analyze` and `convert` alike: which copy of a repeated request
    id is kept, and its counts.

    Copies are re-sent lines; where they differ, each token bucket (and ``requests``) keeps
    its largest count (a streamed partial never under-prices the call), and the other fields
    are those of the largest copy: most billable tokens, ties to the last model, day and tier
    in text order, then ``ties``. Returns each copy's rank among its id's copies (0: the copy
    kept) and, per name of ``counts`` (one copy's token counts and requests), the largest count
    of the id's copies.
    """
    billable = sum(
        (counts[c].fill_null(0) for c in BILLABLE_TOKEN_COLUMNS), ibis.literal(0, "int64")
    )
    largest_first = ibis.window(
        group_by=request_id,
        order_by=[
            ibis.desc(billable), ibis.desc(model), ibis.desc(day), ibis.desc(service_tier), *ties
        ],
    )  # fmt: skip
    same_id = ibis.window(group_by=request_id)
    largest = {name: count.max().over(same_id) for name, count in counts.items()}
    return ibis.row_number().over(largest_first), largest


def keep_one_copy(con: BaseBackend, rows: ir.Table, any_repeated: bool) -> ir.Table:
    """The valid rows in the period, one per request id (``rows`` carry the flags
    ``in_window`` and ``repeated``, which the result drops).

    Of the copies of a repeated id, the one :func:`rank_copies` ranks first is kept, with the
    largest count of each bucket; remaining ties go to the latest timestamp, then the first
    source. The copies are few: computed once into an engine table.
    """
    single = rows.filter(rows.reject_reason.isnull() & rows.in_window & ~rows.repeated)
    if not any_repeated:
        return single.drop("in_window", "repeated")
    copies = materialize(con, "repeated_copies", rows.filter(rows.repeated))
    rank, largest = rank_copies(
        copies.request_id,
        {c: copies[c] for c in (*TOKEN_COLUMNS, "requests")},
        copies.model,
        copies.timestamp.date(),
        copies.service_tier,
        ties=[ibis.desc(copies.timestamp), copies.source_id, ibis.desc(copies.reported_cost)],
    )
    ranked = copies.mutate(copy_rank=rank, **largest)
    single = single.drop("in_window", "repeated")
    merged = ranked.filter(ranked.copy_rank == 0).drop("copy_rank", "in_window", "repeated")
    # (the stored table's types can be more precise: timestamp(6))
    return ibis.union(single, merged.cast(single.schema()), distinct=False)


def watch_pass(
    con: BaseBackend, sources: Sequence[SourceFile], report: Reporter | None, phase: str
) -> AbstractContextManager[None]:
    """Report the progress of one pass over ``sources`` to ``report``, if any."""
    if report is None:
        return watching(con, None)
    total = sum(source_bytes(s) for s in sources)
    estimates = [estimate_rows(s) for s in sources]
    rows = None if None in estimates else sum(e or 0 for e in estimates)

    def tell(fraction: float) -> None:
        report(ScanProgress(phase, fraction, total, rows))

    return watching(con, tell, total)


def fetch_records(con: BaseBackend, expr: ir.Table) -> list[dict[str, Any]]:
    """The rows of a small result table, with the engine's read errors as a typed input error."""
    return list(_fetched(con, expr).to_pylist())


def _fetched(con: BaseBackend, expr: ir.Table) -> Any:
    """A result as Arrow, with the engine's read errors as a typed input error."""
    try:
        return arrow_result(con, expr)
    except Exception as exc:  # the engine reports unreadable content (quotes, encodings) here
        raise _unreadable(exc) from None


def fetch_records_apart(
    con: BaseBackend, expr: ir.Table, kind: str
) -> tuple[list[dict[str, Any]], dict[str, list[Any]]]:
    """:func:`fetch_records`, with the rows of ``kind`` apart as columns (a list per column)
    instead of records: a record per row is a dictionary per row (245k per-user sums of 1M
    rows: 1.1 s to convert, and the memory of 245k dictionaries)."""
    import pyarrow.compute as pc

    table = _fetched(con, expr)
    mine = pc.fill_null(pc.equal(table["kind"], kind), False)
    apart = table.filter(mine)
    records = table.filter(pc.invert(mine)).to_pylist()
    return records, {name: _python_values(apart[name]) for name in apart.column_names}


def _python_values(column: Any) -> list[Any]:
    """An Arrow column's values as Python objects. Dates and times are made once per distinct
    value (Arrow makes each in Python: 245k dates of 31 days took 0.21 s, this 0.01 s)."""
    import pyarrow as pa

    if not pa.types.is_temporal(column.type):
        return list(column.to_pylist())
    encoded = column.combine_chunks().dictionary_encode()
    distinct = encoded.dictionary.to_pylist()
    return [None if i is None else distinct[i] for i in encoded.indices.to_pylist()]


def worth_parsing_once(con: BaseBackend, sources: Sequence[SourceFile]) -> bool:
    """Whether the rows are better computed once (:func:`parse_once`) than parsed twice."""
    return is_duckdb(con) and any(s.kind not in ("csv", "parquet", "postgres") for s in sources)


def parse_once(con: BaseBackend, rows: ir.Table) -> ir.Table:
    """The rows computed once into an engine table, where parsing them twice costs more.

    JSON sources are parsed whole (DuckDB's reader parses each document before picking its
    fields), and coding-agent logs repeat nearly every id (one line per content block): the
    narrow duplicate pre-pass would parse them a second time for nothing. The narrow rows
    are kept instead (a few columns). CSV and Parquet keep the pre-pass (docs/engine.md).
    """
    try:
        name = f"tokenecon_rows_{uuid.uuid4().hex[:8]}"
        with unfused_selects():
            return con.create_table(name, rows, temp=True)
    except Exception as exc:
        raise _unreadable(exc) from None


def _unreadable(exc: Exception) -> UsageInputError:
    return UsageInputError(
        f"cannot read the usage: {first_line(exc)}",
        "check the file named above; --map and --input-convention adjust columns",
    )
