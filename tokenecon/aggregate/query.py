"""One pass over the usage: validate, deduplicate, attribute and sum inside the engine.

Everything the report needs is computed by a single query: the parsed rows are a common table
expression that several aggregations read (sums by use case x model x day x tier, tasks per use
case, rejected rows, duplicates, outcomes joined to tasks), glued with UNION ALL into one small
result. Pricing then happens in Python on those sums (see :mod:`tokenecon.price.apply`),
exactly, with Decimal: a price is constant within a model, a UTC day, a service tier and a side
of the long-context cliff, so summing tokens at that grain first loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tokenecon.attribute.mapping import OutcomeMapping
from tokenecon.attribute.outcomes import events_table
from tokenecon.attribute.rules import residency_expression, task_key_expression, use_case_expression
from tokenecon.engine.connect import is_duckdb, small_table, spark_cached
from tokenecon.errors import UsageInputError, first_line
from tokenecon.ingest.canonical import ATTRIBUTE_COLUMNS, BILLABLE_TOKEN_COLUMNS, TOKEN_COLUMNS
from tokenecon.ingest.formats import canonical_table
from tokenecon.ingest.generic import ColumnPlan, ReadOptions
from tokenecon.ingest.model_names import BEDROCK_PREFIX, DATE_SUFFIX, VENDOR_DOT
from tokenecon.ingest.sources import SourceFile, is_remote
from tokenecon.progress import Reporter, ScanProgress

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

DECLARED_ABOVE = 1 << 40
"""Prompt class of a bucket row whose source says it ran above the long-context cliff."""
UNKNOWN_PROMPT = -1
"""Prompt class of a bucket row that cannot be tested against a per-request threshold."""
SAMPLE_LIMIT = 20
"""How many rejected rows and duplicate ids are listed by name."""
INLINE_IDS = 1000
"""Up to this many repeated request ids are written into the query as a list."""


@dataclass(frozen=True)
class UsageGroup:
    """Summed usage at the pricing grain."""

    use_case: str | None
    model: str
    day: date
    service_tier: str
    prompt_class: int
    """0: below every cliff; N: the largest cliff threshold the prompt exceeds; -1: unknown."""
    by_value: str | None
    rows: int
    requests: int
    requests_unknown_rows: int
    tokens: dict[str, int]
    reported_cost: Decimal | None
    reported_rows: int
    in_region: bool | None = None
    """For use cases that declare ``residency:``: ran in an allowed region (None: unknown)."""


@dataclass(frozen=True)
class RejectedRow:
    """A row that failed validation, with where it is."""

    source: str
    line: int | None
    """Physical line (header = 1); None for a remote file Spark reads (no local copy)."""
    reason: str


@dataclass
class UsageAggregates:
    """What the engine returns: small tables, ready for pricing and decomposition."""

    groups: list[UsageGroup] = field(default_factory=list)
    tasks: dict[str, int] = field(default_factory=dict)
    """Distinct tasks per use case (keyed tasks + keyless requests)."""
    outcomes_matched: dict[str, int] = field(default_factory=dict)
    """Verified outcome keys that match a task of the use case in the usage."""
    outcomes_in_file: dict[str, int] = field(default_factory=dict)
    """Verified outcome keys in the use case's file, matched or not."""
    rows_read: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    rows_filtered: int = 0
    duplicates_conflicting: int = 0
    """Duplicate ids whose copies disagree on token counts (the largest counts are kept)."""
    duplicate_samples: list[tuple[str, int]] = field(default_factory=list)
    reject_sample_rows: list[dict[str, Any]] = field(default_factory=list)
    reject_reasons: list[tuple[str, int]] = field(default_factory=list)
    rejected_samples: list[RejectedRow] = field(default_factory=list)
    rows_per_source: dict[int, int] = field(default_factory=dict)
    plans: list[ColumnPlan] = field(default_factory=list)
    missing_attributes: list[str] = field(default_factory=list)
    """Attributes the mapping names that no input file has."""
    model_tasks: dict[tuple[str, str], int] = field(default_factory=dict)
    """Tasks per (use case, model as reported) that made at least one call on the model, for
    use cases with per-task outcome events (only with ``per_model_yields``)."""
    model_outcomes: dict[tuple[str, str], int] = field(default_factory=dict)
    """Verified outcome keys per (use case, model) matching a task that used the model."""
    rows: Any = None
    """The parsed rows (an Ibis expression), for follow-up queries such as reconciliation."""


@dataclass(frozen=True)
class AggregateOptions:
    """What to read and how to slice it."""

    read: ReadOptions = field(default_factory=ReadOptions)
    by: str | None = None
    """Extra breakdown attribute (``--by``)."""
    since: datetime | None = None
    until: datetime | None = None
    thresholds: tuple[int, ...] = ()
    """Distinct long-context thresholds of the price book."""
    reported_cost: bool = True
    """Whether any source reports a cost (set by :func:`aggregate_usage`)."""
    sources: int = 0
    """How many files are read (set by :func:`aggregate_usage`)."""
    residency: bool = True
    """Whether any use case declares ``residency:`` (set by :func:`aggregate_usage`)."""
    progress: Reporter | None = None
    """Told how far each pass over the usage is (the CLI draws a bar on a terminal)."""
    per_model_yields: bool = False
    """Also count tasks and verified outcomes per use case x model (for `whatif`)."""


_KEYS = {
    "kind": "string", "use_case": "string", "task_key": "string", "model": "string",
    "service_tier": "string", "by_value": "string", "label": "string",
    "request_id": "string", "day": "date", "prompt_class": "int64", "source_id": "int64",
    "in_region": "boolean", "has_cost": "boolean",
}  # fmt: skip
_NUMBERS = (
    "rows", "requests", "requests_unknown_rows", "tasks", "rejected", *TOKEN_COLUMNS,
    "reported_rows",
)  # fmt: skip


def _shape(table: ir.Table, kind: str, values: dict[str, Any]) -> ir.Table:
    """Project a branch onto the common result schema (missing columns are typed nulls)."""
    import ibis

    out: dict[str, Any] = {}
    for name, dtype in _KEYS.items():
        out[name] = values.get(name, ibis.null(dtype)) if name != "kind" else ibis.literal(kind)
        out[name] = out[name].cast(dtype)
    for name in _NUMBERS:
        out[name] = values.get(name, ibis.null("int64")).cast("int64")
    out["reported_cost"] = values.get("reported_cost", ibis.null("decimal(38, 12)")).cast(
        "decimal(38, 12)"
    )
    return table.select(**out)


def attribute_resolver(table: ir.Table, plan: ColumnPlan) -> Any:
    """The function mapping rules use to reach a canonical column or a tag of ``table``."""
    import ibis

    from tokenecon.ingest.canonical import normalise_header

    # `tags.feature` also finds a source column named feature that was read as a canonical one
    renamed = {normalise_header(plan.headers[p]): c for c, p in plan.canonical.items()}

    def resolve(attribute: str) -> ir.StringValue:
        if attribute in ATTRIBUTE_COLUMNS:
            return table[attribute]
        key = attribute.removeprefix("tags.")
        if f"x_{key}" in table.columns:
            return table[f"x_{key}"]
        if renamed.get(key) in ATTRIBUTE_COLUMNS:
            return table[renamed[key]]
        if attribute == "tags":
            return table["tags"]
        # A key inside the JSON tags column ({"feature": "triage"}); null where absent. The
        # text test first: parsing JSON on every row cost 2 s of 12 on 10M rows.
        tags = table["tags"]
        tag = tags.cast("json")[key]
        value = tag.cast("string").re_replace(r'^"(.*)"$', r"\1")
        return ibis.cases((tags.contains(f'"{key}"'), value), else_=ibis.null("string"))

    return resolve


def billable_tokens(rows: ir.Table) -> ir.IntegerValue:
    """Each row's billable tokens: its input buckets and output (a missing bucket is 0)."""
    import ibis

    return sum((rows[c].fill_null(0) for c in BILLABLE_TOKEN_COLUMNS), ibis.literal(0, "int64"))


def prompt_class(rows: ir.Table, thresholds: Sequence[int]) -> ir.IntegerValue:
    """The side of the long-context cliff of each row: for one request, the largest threshold
    its prompt exceeds (0 below every one); for a bucket of requests, the side its source
    declares in ``context_window``, else unknown."""
    import ibis

    prompt = sum((rows[c].fill_null(0) for c in TOKEN_COLUMNS[:4]), ibis.literal(0, "int64"))
    per_request = [(prompt > t, ibis.literal(t, "int64")) for t in sorted(thresholds, reverse=True)]
    exact = ibis.cases(*per_request, else_=ibis.literal(0, "int64")) if per_request else 0
    window = rows["context_window"].lower().replace(" ", "")
    declared_below = window.startswith("0-") | window.contains("≤") | window.contains("<")
    declared_above = window.contains(">") | window.contains("-1m") | window.startswith("200k")
    return ibis.cases(
        (rows["requests"] == 1, exact),
        (declared_below, ibis.literal(0, "int64")),
        (declared_above, ibis.literal(DECLARED_ABOVE, "int64")),
        else_=ibis.literal(UNKNOWN_PROMPT, "int64"),
    )


def _rows(
    con: Backend,
    sources: Sequence[SourceFile],
    mapping: OutcomeMapping | None,
    options: AggregateOptions,
    result: UsageAggregates,
) -> tuple[ir.Table, bool]:
    """The parsed, attributed rows of every source, and whether any has request ids."""
    import ibis

    tables = []
    has_request_ids = False
    seen_attributes: set[str] = set()
    for source_id, source in enumerate(sources):
        table, plan = canonical_table(con, source, source_id, options.read)
        result.plans.append(plan)
        has_request_ids |= "request_id" in plan.canonical
        seen_attributes |= set(plan.canonical) | {f"tags.{x}" for x in plan.extra}
        resolve = attribute_resolver(table, plan)
        if "tags" in plan.canonical:
            seen_attributes.add("tags.*")
        use_case = use_case_expression(mapping, resolve)
        by_value = resolve(options.by) if options.by else ibis.null("string")
        table = table.mutate(use_case=use_case, by_value=by_value)
        table = table.mutate(
            task_key=task_key_expression(mapping, table.use_case, attribute_resolver(table, plan))
        )
        table = table.mutate(
            in_region=residency_expression(mapping, table.use_case, attribute_resolver(table, plan))
        )
        keep = [
            "source_id", "timestamp", "model", *TOKEN_COLUMNS, "requests",
            "reported_cost", "service_tier", "context_window", "request_id", "use_case",
            "task_key", "by_value", "reject_reason", "in_region",
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
    return rows, has_request_ids


def repeated_request_ids(con: Backend, rows: ir.Table) -> list[str]:
    """Request ids that occur more than once (a narrow pre-pass: only the id column is parsed).

    Grouping every id costs less than carrying every column through a dedup aggregation, and
    duplicates are rare, so the main query then keeps only these ids apart.
    """
    keyed = rows.filter(rows.request_id.notnull())
    counted = keyed.group_by("request_id").aggregate(n=keyed.count())
    repeated = counted.filter(counted.n > 1).select("request_id").order_by("request_id")
    return [r["request_id"] for r in fetch_records(con, repeated)]


GRAIN = [
    "use_case", "task_key", "model", "day", "service_tier", "prompt_class", "by_value",
    "reject_reason", "source_id", "in_window", "dup_id", "in_region", "has_cost",
]  # fmt: skip
"""The grain of the one big aggregation: every output is a roll-up of it.

The source's provider column is left out: as a key it cost 2 s of 9 on 10M rows, and the
price book names the provider of every priced model."""
SUM_KEYS = [
    "use_case", "model", "day", "service_tier", "prompt_class", "by_value", "in_region", "has_cost",
]  # fmt: skip
"""The grain at which prices are constant (the ``sums`` result). ``has_cost`` keeps rows whose
source recorded a cost apart from rows that have none, so that neither is priced as the other."""


EXACT_SUM_LIMIT = 2**53
"""Whole numbers below this add up exactly as doubles (see :func:`_exact_sum`)."""


def _exact_sum(column: ir.IntegerColumn) -> ir.IntegerScalar:
    """Sum of whole numbers through a double: exact below 2**53 (9e15 tokens in one group).

    DuckDB sums BIGINT into a 128-bit state; a double state is half as wide, and the grain
    of 10M rows holds millions of groups (peak RSS 2.39 GB -> 1.87 GB). :func:`_unpack`
    refuses a sum that reaches the limit rather than report a rounded one.
    """
    return column.cast("float64").sum().cast("int64")


def in_period(rows: ir.Table, since: datetime | None, until: datetime | None) -> ir.BooleanValue:
    """Whether each row's timestamp lies within ``--since`` (inclusive) and ``--until``
    (exclusive); null where the timestamp is."""
    import ibis

    inside = ibis.literal(True)
    if since:
        inside &= rows.timestamp >= since
    if until:
        inside &= rows.timestamp < until
    return inside


def is_repeated_id(con: Backend, rows: ir.Table, ids: list[str], name: str) -> ir.BooleanValue:
    """Whether each row's request id is one of ``ids`` (the repeated ones).

    Up to :data:`INLINE_IDS` ids are a literal list, which costs the engine less per row than
    a semi-join against a table (10M rows, 20 ids: 3.5 s of CPU less); more go into an engine
    table ``name`` (not an inline memtable, which Spark's cache() would compile before Ibis
    registers it).
    """
    import ibis

    if len(ids) > INLINE_IDS:
        table = small_table(con, name, {"request_id": ids})
        return rows.request_id.isin(table.request_id)
    if ids:
        return rows.request_id.isin(ids)
    return ibis.literal(False)


def _grain(rows: ir.Table, is_repeated: ir.BooleanValue, options: AggregateOptions) -> ir.Table:
    """Rows summed at :data:`GRAIN`.

    Rejected rows keep their request id in ``dup_id`` (so samples can be located), and rows of
    a repeated id keep their id and token counts there: identical copies collapse into one
    group whose sums are k times one copy, differing copies stay apart.
    """
    import ibis

    in_window = in_period(rows, options.since, options.until)
    content = rows.request_id
    for column in (*TOKEN_COLUMNS, "requests"):
        content = content + "|" + rows[column].cast("string").fill_null("")
    prepared = rows.mutate(
        day=rows.timestamp.date(),
        prompt_class=prompt_class(rows, options.thresholds),
        in_window=in_window.fill_null(False),
        has_cost=rows.reported_cost.notnull(),
        dup_id=ibis.cases(
            (rows.reject_reason.notnull(), sample_key(rows)),
            (is_repeated & in_window, content),
            else_=ibis.null("string"),
        ),
    )
    sums: dict[str, Any] = {
        "rows": prepared.count(),
        "requests": _exact_sum(prepared.requests),
        "requests_unknown_rows": prepared.count() - prepared.requests.count(),
        **{c: _exact_sum(prepared[c]) for c in TOKEN_COLUMNS},
    }
    if options.reported_cost:
        # Decimal sums are the costliest aggregate: only where a source reports cost.
        sums["reported_cost"] = prepared.reported_cost.sum()
        sums["reported_rows"] = prepared.reported_cost.count()
    # Keys that are one value for every row (no --by, no --since/--until, one file) are left
    # out of the hash aggregation and put back as constants: hashing them costs time for nothing.
    constant: dict[str, Any] = {}
    if not options.by:
        constant["by_value"] = ibis.null("string")
    if not (options.since or options.until):
        constant["in_window"] = ibis.literal(True)
    if options.sources == 1:
        constant["source_id"] = ibis.literal(0, "int32")
    if not options.residency:
        constant["in_region"] = ibis.null("boolean")
    if not options.reported_cost:
        constant["has_cost"] = ibis.literal(False)
    keys = [k for k in GRAIN if k not in constant]
    grain = prepared.group_by(keys).aggregate(**sums)
    if constant:
        grain = grain.mutate(**constant)
    if not options.reported_cost:
        grain = grain.mutate(
            reported_cost=ibis.null("decimal(38, 12)"), reported_rows=ibis.literal(0, "int64")
        )
    return grain


SAMPLE_SEPARATOR = "\x1f"


def sample_key(rows: ir.Table) -> ir.StringValue:
    """A rejected row's timestamp and request id: what finds its line, and sorts by time."""
    stamp = rows.timestamp.cast("string").fill_null("")
    return stamp + SAMPLE_SEPARATOR + rows.request_id


def _by_request_id(samples: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Sample rejected rows by the request id of their :func:`sample_key`."""
    return {s["request_id"].split(SAMPLE_SEPARATOR, 1)[1]: s for s in samples}


def _branches(con: Backend, grain: ir.Table, mapping: OutcomeMapping | None) -> list[ir.Table]:
    """Roll-ups of the grain, each shaped to the common result schema."""
    import ibis

    by_source = grain.group_by("source_id").aggregate(
        rows=grain.rows.sum(),
        rejected=(grain.rows * grain.reject_reason.notnull().cast("int64")).sum(),
    )
    branches = [
        _shape(
            by_source,
            "source",
            {
                "source_id": by_source.source_id,
                "rows": by_source.rows,
                "rejected": by_source.rejected,
            },
        ),
    ]
    rejected = grain.filter(grain.reject_reason.notnull())
    reasons = rejected.group_by("reject_reason").aggregate(n=rejected.rows.sum())
    branches.append(_shape(reasons, "reject", {"label": reasons.reject_reason, "rows": reasons.n}))
    # The earliest rejected rows of each file (exports are written in time order).
    samples = rejected.order_by(["source_id", "dup_id", "reject_reason"]).limit(SAMPLE_LIMIT)
    branches.append(
        _shape(
            samples,
            "reject_sample",
            {
                "label": samples.reject_reason,
                "request_id": samples.dup_id,
                "source_id": samples.source_id,
                "rows": samples.rows,
            },
        )
    )
    valid = grain.filter(grain.reject_reason.isnull())
    outside = valid.filter(~valid.in_window)
    branches.append(_shape(outside.aggregate(n=outside.rows.sum()), "filtered", {"rows": ibis._.n}))
    kept = valid.filter(valid.in_window)
    single = kept.filter(kept.dup_id.isnull())
    sums = single.group_by(SUM_KEYS).aggregate(
        rows=single.rows.sum(),
        requests=single.requests.sum(),
        requests_unknown_rows=single.requests_unknown_rows.sum(),
        **{c: single[c].sum() for c in TOKEN_COLUMNS},
        reported_cost=single.reported_cost.sum(),
        reported_rows=single.reported_rows.sum(),
    )
    branches.append(_shape(sums, "sums", {c: sums[c] for c in sums.columns}))
    repeated = kept.filter(kept.dup_id.notnull())
    branches.append(
        _shape(
            repeated,
            "repeated",
            {
                **{c: repeated[c] for c in repeated.columns if c in _KEYS or c in _NUMBERS},
                "request_id": repeated.dup_id,
                "reported_cost": repeated.reported_cost,
            },
        )
    )
    keyless = ibis.cases((kept.task_key.isnull(), kept.requests.fill_null(kept.rows)), else_=0)
    tasks = kept.group_by("use_case").aggregate(tasks=kept.task_key.nunique() + keyless.sum())
    branches.append(_shape(tasks, "tasks", {"use_case": tasks.use_case, "tasks": tasks.tasks}))
    for use_case in mapping.use_cases if mapping else ():
        source = use_case.outcomes
        if source is None or source.kind != "events":
            continue
        events = events_table(con, source)
        mine = kept.filter(kept.use_case == use_case.name)
        matched = events.inner_join(mine.select(key=mine.task_key).distinct(), "key")
        for kind, table in (("outcomes_matched", matched), ("outcomes_file", events)):
            branches.append(
                _shape(
                    table.aggregate(n=table.count()),
                    kind,
                    {"use_case": ibis.literal(use_case.name), "rows": ibis._.n},
                )
            )
    return branches


def _bare_model(model: ir.StringValue) -> ir.StringValue:
    """The model name without provider prefix and snapshot suffix (as the price book strips
    them), so that a task calling one model under two spellings counts once."""
    bare = model.lower().re_replace(r"^.*/", "")
    bare = bare.re_replace(BEDROCK_PREFIX.pattern, "").re_replace(VENDOR_DOT.pattern, "")
    for _ in range(3):  # "-v1:0" after a date, a date after "-latest"...
        bare = bare.re_replace(DATE_SUFFIX.pattern, "")
    return bare


def _yield_branches(
    con: Backend, grain: ir.Table, mapping: OutcomeMapping | None
) -> list[ir.Table]:
    """Tasks and verified outcomes per use case x model, for use cases with outcome events.

    A task that called several models counts under each of them; spellings of one model are
    counted together under the first spelling. Only `whatif` asks for these (route quality
    and the quality-vs-cost frontier): analyze does not pay for them.
    """
    import ibis

    with_events = [
        u
        for u in (mapping.use_cases if mapping else ())
        if u.outcomes and u.outcomes.kind == "events"
    ]
    if not with_events:
        return []
    kept = grain.filter(grain.reject_reason.isnull() & grain.in_window)
    kept = kept.filter(kept.use_case.isin([u.name for u in with_events]))
    # Spellings are normalised once per distinct model, not once per grain row.
    names = kept.select("model").distinct()
    kept = kept.inner_join(names.mutate(bare=_bare_model(names.model)), "model")
    keyless = ibis.cases((kept.task_key.isnull(), kept.requests.fill_null(kept.rows)), else_=0)
    tasks = kept.group_by(["use_case", "bare"]).aggregate(
        tasks=kept.task_key.nunique() + keyless.sum(), model=kept.model.min()
    )
    branches = [
        _shape(
            tasks,
            "model_tasks",
            {"use_case": tasks.use_case, "model": tasks.model, "tasks": tasks.tasks},
        )
    ]
    for use_case in with_events:
        assert use_case.outcomes is not None
        events = events_table(con, use_case.outcomes)
        mine = kept.filter(kept.use_case == use_case.name)
        pairs = mine.select("bare", key=mine.task_key).distinct()
        matched = pairs.inner_join(events, "key")
        counts = matched.group_by("bare").aggregate(n=matched.count())
        names = tasks.filter(tasks.use_case == use_case.name).select("bare", "model")
        named = counts.inner_join(names, "bare")
        branches.append(
            _shape(
                named,
                "model_outcomes",
                {"use_case": ibis.literal(use_case.name), "model": named.model, "rows": named.n},
            )
        )
    return branches


def watch_pass(
    con: Backend, sources: Sequence[SourceFile], report: Reporter | None, phase: str
) -> AbstractContextManager[None]:
    """Report the progress of one pass over ``sources`` to ``report``, if any."""
    from tokenecon.engine.connect import watching
    from tokenecon.ingest.sources import estimate_rows, source_bytes

    if report is None:
        return watching(con, None)
    total = sum(source_bytes(s) for s in sources)
    estimates = [estimate_rows(s) for s in sources]
    rows = None if None in estimates else sum(e or 0 for e in estimates)

    def tell(fraction: float) -> None:
        report(ScanProgress(phase, fraction, total, rows))

    return watching(con, tell, total)


def fetch_records(con: Backend, expr: ir.Table) -> list[dict[str, Any]]:
    """The rows of a small result table, with the engine's read errors as a typed input error."""
    try:
        return list(con.to_pyarrow(expr).to_pylist())
    except Exception as exc:  # the engine reports unreadable content (quotes, encodings) here
        message = first_line(exc)
        raise UsageInputError(
            f"cannot read the usage: {message}",
            "check the file named above; --map and --input-convention adjust columns",
        ) from None


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
    import ibis

    result = UsageAggregates()
    rows, has_request_ids = _rows(con, sources, mapping, options, result)
    result.rows = rows
    options = replace(
        options,
        reported_cost=any("reported_cost" in p.canonical for p in result.plans),
        sources=len(sources),
        residency=bool(mapping and any(u.residency for u in mapping.use_cases)),
    )
    with watch_pass(con, sources, options.progress, "repeated ids"):
        duplicate_ids = repeated_request_ids(con, rows) if has_request_ids else []
    repeated = is_repeated_id(con, rows, duplicate_ids, "tokenecon_repeated_ids")
    grain = _grain(rows, repeated, options)
    if not is_duckdb(con):
        # DuckDB computes the grain once for every branch that reads it (a materialized CTE);
        # Spark would scan the usage again per branch unless the grain is cached.
        grain = spark_cached(con, grain)
    branches = _branches(con, grain, mapping)
    if options.per_model_yields:
        branches += _yield_branches(con, grain, mapping)
    query = ibis.union(*branches, distinct=False)
    with watch_pass(con, sources, options.progress, "usage"):
        records = fetch_records(con, query)
    _unpack(records, result)
    if result.reject_sample_rows:
        result.rejected_samples = locate_rejected(
            con, sources, result.plans, result.reject_sample_rows, rows, newlines, options.read
        )
    return result


def _usage_group(r: dict[str, Any], rows: int, tokens: dict[str, int]) -> UsageGroup:
    return UsageGroup(
        use_case=r["use_case"],
        model=r["model"],
        day=r["day"],
        service_tier=r["service_tier"],
        prompt_class=int(r["prompt_class"]),
        by_value=r["by_value"],
        rows=rows,
        requests=int(r["requests"] or 0),
        requests_unknown_rows=int(r["requests_unknown_rows"] or 0),
        tokens=tokens,
        reported_cost=r["reported_cost"],
        reported_rows=int(r["reported_rows"] or 0),
        in_region=r.get("in_region"),
    )


def _check_exact(r: dict[str, Any]) -> None:
    """Refuse token sums too large to have been added exactly (see :func:`_exact_sum`)."""
    if any((r[c] or 0) >= EXACT_SUM_LIMIT for c in (*TOKEN_COLUMNS, "requests")):
        raise UsageInputError(
            f"more than 2^53 tokens of {r['model']} on {r['day']} in one group: too many to "
            "add up exactly",
            "split the usage into shorter periods with --since/--until",
        )


def _unpack(records: list[dict[str, Any]], result: UsageAggregates) -> None:
    repeated: list[dict[str, Any]] = []
    for r in records:
        kind = r["kind"]
        if kind in ("sums", "repeated"):
            _check_exact(r)
        if kind == "source":
            result.rows_per_source[int(r["source_id"])] = int(r["rows"])
            result.rows_read += int(r["rows"])
            result.rows_rejected += int(r["rejected"] or 0)
        elif kind == "reject":
            result.reject_reasons.append((r["label"], int(r["rows"])))
        elif kind == "reject_sample":
            result.reject_sample_rows.append(r)
        elif kind == "filtered":
            result.rows_filtered += int(r["rows"] or 0)
        elif kind == "sums":
            tokens = {c: int(r[c]) if r[c] is not None else 0 for c in TOKEN_COLUMNS}
            result.groups.append(_usage_group(r, int(r["rows"]), tokens))
        elif kind == "repeated":
            repeated.append(r)
        elif kind == "tasks":
            result.tasks[r["use_case"]] = int(r["tasks"] or 0)
        elif kind == "outcomes_matched":
            result.outcomes_matched[r["use_case"]] = int(r["rows"])
        elif kind == "outcomes_file":
            result.outcomes_in_file[r["use_case"]] = int(r["rows"])
        elif kind == "model_tasks":
            result.model_tasks[(r["use_case"], r["model"])] = int(r["tasks"] or 0)
        elif kind == "model_outcomes":
            result.model_outcomes[(r["use_case"], r["model"])] = int(r["rows"])
    _merge_repeated(repeated, result)
    result.groups = _combine(result.groups)
    result.reject_reasons.sort(key=lambda x: (-x[1], x[0]))


def _per_copy(r: dict[str, Any]) -> dict[str, Any]:
    """One copy's values from a group of k identical copies (sums are k times one copy)."""
    k = int(r["rows"])
    copy = dict(r)
    for column in (*TOKEN_COLUMNS, "requests"):
        copy[column] = int(r[column]) // k if r[column] is not None else None
    copy["reported_cost"] = r["reported_cost"] / k if r["reported_cost"] is not None else None
    copy["reported_rows"] = int(r["reported_rows"] or 0) // k
    copy["requests_unknown_rows"] = int(r["requests_unknown_rows"] or 0) // k
    return copy


def _billable(r: Mapping[str, Any]) -> int:
    return sum(int(r[c] or 0) for c in BILLABLE_TOKEN_COLUMNS)


def _key_text(r: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(str(r[k]) for k in SUM_KEYS)


def _merge_repeated(repeated: list[dict[str, Any]], result: UsageAggregates) -> None:
    """Keep one copy per repeated request id, counted once.

    Copies are re-sent lines; where they differ, the largest count of each bucket is kept (a
    streamed partial never under-prices the call) and the use case, model and day are those of
    the largest copy. Keyless tasks were counted once per copy by the engine; the surplus is
    taken back here.
    """
    by_id: dict[str, list[dict[str, Any]]] = {}
    for r in repeated:
        by_id.setdefault(str(r["request_id"]).split("|", 1)[0], []).append(r)
    for request_id, groups in sorted(by_id.items()):
        count = sum(int(g["rows"]) for g in groups)
        copies = [_per_copy(g) for g in groups]
        largest = max(copies, key=lambda c: (_billable(c), _key_text(c)))
        keep = dict(largest)
        for column in (*TOKEN_COLUMNS, "requests"):
            values = [int(c[column]) for c in copies if c[column] is not None]
            keep[column] = max(values) if values else None
        tokens = {c: int(keep[c] or 0) for c in TOKEN_COLUMNS}
        result.groups.append(_usage_group(keep, 1, tokens))
        result.rows_duplicate += count - 1
        if len(groups) > 1:
            result.duplicates_conflicting += 1
        if len(result.duplicate_samples) < SAMPLE_LIMIT:
            result.duplicate_samples.append((request_id, count))
        for g in groups:
            if g["task_key"] is None and g["use_case"] in result.tasks:
                result.tasks[g["use_case"]] -= int(g["requests"] or g["rows"])
        if keep["task_key"] is None and keep["use_case"] in result.tasks:
            result.tasks[keep["use_case"]] += int(keep["requests"] or 1)


def _combine(groups: list[UsageGroup]) -> list[UsageGroup]:
    """Merge groups with the same key (kept copies of repeated ids join their group)."""
    merged: dict[tuple[Any, ...], UsageGroup] = {}
    for g in groups:
        key = (
            g.use_case, g.model, g.day, g.service_tier, g.prompt_class, g.by_value, g.in_region,
            g.reported_rows > 0,
        )  # fmt: skip
        if key not in merged:
            merged[key] = g
            continue
        m = merged[key]
        costs = [c for c in (m.reported_cost, g.reported_cost) if c is not None]
        merged[key] = replace(
            m,
            rows=m.rows + g.rows,
            requests=m.requests + g.requests,
            requests_unknown_rows=m.requests_unknown_rows + g.requests_unknown_rows,
            tokens={c: m.tokens[c] + g.tokens[c] for c in TOKEN_COLUMNS},
            reported_cost=sum(costs, Decimal(0)) if costs else None,
            reported_rows=m.reported_rows + g.reported_rows,
        )
    return sorted(merged.values(), key=_group_order)


def _group_order(g: UsageGroup) -> tuple[Any, ...]:
    return (
        g.use_case or "", g.model, g.day, g.service_tier, g.prompt_class, g.by_value or "",
        (g.in_region is None, g.in_region is True), g.reported_rows > 0,
    )  # fmt: skip


def locate_rejected(
    con: Backend,
    sources: Sequence[SourceFile],
    plans: Sequence[ColumnPlan],
    samples: list[dict[str, Any]],
    rows: ir.Table,
    newlines: Callable[[int], Sequence[int] | None] = lambda _: None,
    read: ReadOptions | None = None,
) -> list[RejectedRow]:
    """File and line of sample rejected rows (only when there are any).

    Rows with a request id in a plain-text file are found by bisecting the file on their
    timestamp (:mod:`tokenecon.ingest.locate`); the line is the physical one an editor shows.
    What that misses (a file not in time order) is found by id in one scan of the file's
    lines; rows without id, and Parquet or compressed files, take a numbered pass over their
    parsed rows.
    """
    if not is_duckdb(con):
        # Lines follow the file's order, which Spark does not keep: an embedded DuckDB reads
        # the (local) file again, only for rows that bisection could not place.
        from tokenecon.engine.connect import EngineOptions, connect

        local = connect(EngineOptions())

        def local_rows(source_id: int) -> ir.Table:
            table, _ = canonical_table(local, sources[source_id], source_id, read or ReadOptions())
            return table

        remote = [s for s in samples if is_remote(sources[int(s["source_id"])])]
        local_samples = [s for s in samples if s not in remote]
        unknown = [
            RejectedRow(sources[int(s["source_id"])].display, None, s["label"]) for s in remote
        ]
        return unknown + _locate(local, sources, plans, local_samples, local_rows, newlines)
    return _locate(con, sources, plans, samples, lambda _: rows, newlines)


def _locate(
    con: Backend,
    sources: Sequence[SourceFile],
    plans: Sequence[ColumnPlan],
    samples: list[dict[str, Any]],
    rows_of: Callable[[int], ir.Table],
    newlines: Callable[[int], Sequence[int] | None],
) -> list[RejectedRow]:
    out: list[RejectedRow] = []
    by_source: dict[int, list[dict[str, Any]]] = {}
    for sample in samples:
        by_source.setdefault(int(sample["source_id"]), []).append(sample)
    for source_id, mine in sorted(by_source.items()):
        source = sources[source_id]
        plain = source.kind in ("csv", "jsonl", "json") and not source.compressed
        plain = plain and not source.members  # a folder of logs, a table: scan order
        keyed = [s for s in mine if s["request_id"]]
        if plain and len(keyed) == len(mine):
            found: dict[int, int] = {}
            if source.kind in ("csv", "jsonl") and plans[source_id].format == "generic":
                found = _lines_by_time(source, plans[source_id], keyed, newlines(source_id))
            missing = [s for s in keyed if id(s) not in found]
            if missing:
                ids = _by_request_id(missing)
                for number, sample in _lines_of_ids(con, source, ids):
                    found[id(sample)] = number
            if len(found) == len(mine):
                out.extend(RejectedRow(source.display, found[id(s)], s["label"]) for s in mine)
                continue
        if source.kind == "parquet" and not source.members and len(keyed) == len(mine):
            numbered = _rows_of_ids(con, source, plans[source_id], keyed)
            if numbered is not None:
                out.extend(RejectedRow(source.display, n, s["label"]) for n, s in numbered)
                continue
        out.extend(_numbered_rejects(con, source, source_id, rows_of(source_id)))
    unique = {(r.source, r.line, r.reason): r for r in out}
    return sorted(unique.values(), key=lambda r: (r.source, r.line or 0))[:SAMPLE_LIMIT]


def _lines_by_time(
    source: SourceFile,
    plan: ColumnPlan,
    samples: list[dict[str, Any]],
    newlines: Sequence[int] | None,
) -> dict[int, int]:
    """Lines of samples found by bisection on time, keyed by ``id(sample)``."""
    from tokenecon.ingest.locate import WantedRow, csv_fields, find_lines, jsonl_fields

    if source.kind == "csv":
        fields = csv_fields(plan.canonical["request_id"], plan.canonical["timestamp"])
    else:
        headers = plan.headers
        fields = jsonl_fields(
            headers[plan.canonical["request_id"]], headers[plan.canonical["timestamp"]]
        )
    wanted, owners = [], []
    for sample in samples:
        stamp, _, request_id = sample["request_id"].partition(SAMPLE_SEPARATOR)
        if stamp:
            wanted.append(WantedRow(request_id, datetime.fromisoformat(stamp)))
            owners.append(sample)
    header_lines = 1 if source.kind == "csv" else 0
    found = find_lines(source.path, header_lines, fields, wanted, newlines)
    return {id(owners[index]): line for index, line in found.items()}


def _lines_of_ids(
    con: Backend, source: SourceFile, samples: dict[str, dict[str, Any]]
) -> list[tuple[int, dict[str, Any]]]:
    """(line, sample) of rows found by request id in one scan of the file's physical lines."""
    import re

    from tokenecon.engine.connect import lines_matching

    alternatives = "|".join(re.escape(rid) for rid in samples)
    pattern = f'(^|[,"])({alternatives})($|[,"])'
    out = []
    for number, line in lines_matching(con, str(source.path), pattern):
        for rid, sample in samples.items():
            if re.search(f'(^|[,"]){re.escape(rid)}($|[,"])', line):
                out.append((number, sample))
    return out


def _rows_of_ids(
    con: Backend, source: SourceFile, plan: ColumnPlan, samples: list[dict[str, Any]]
) -> list[tuple[int, dict[str, Any]]] | None:
    """(row, sample) of a Parquet file's rejected rows found by request id; None when an id
    is missing or stands on several rows (then only scan order can tell)."""
    from tokenecon.engine.connect import parquet_rows_of

    ids = _by_request_id(samples)
    if len(ids) < len(samples) or "request_id" not in plan.canonical:
        return None
    column = plan.headers[plan.canonical["request_id"]]
    found = parquet_rows_of(con, str(source.path), column, list(ids))
    if sorted(value for _, value in found) != sorted(ids):
        return None
    return [(number, ids[value]) for number, value in found]


def _numbered_rejects(
    con: Backend, source: SourceFile, source_id: int, rows: ir.Table
) -> list[RejectedRow]:
    """Rejected rows of one source numbered in scan order (a streaming ROW_NUMBER pass)."""
    import ibis

    from tokenecon.engine.connect import scan_order

    mine = rows.filter(rows.source_id == source_id)
    numbered = mine.mutate(position=ibis.row_number())
    found = numbered.filter(numbered.reject_reason.notnull()).limit(SAMPLE_LIMIT)
    first_line = 2 if source.kind == "csv" else 1
    with scan_order(con):
        return [
            RejectedRow(source.display, int(r["position"]) + first_line, r["reject_reason"])
            for r in fetch_records(con, found.select("position", "reject_reason"))
        ]
