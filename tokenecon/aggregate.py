"""One pass over the usage: validate, deduplicate, attribute and sum inside the engine.

Everything the report needs is computed by a single query: the parsed rows are a common table
expression that several aggregations read (sums by use case x model x day x tier, tasks per use
case, rejected rows, duplicates, outcomes joined to tasks), glued with UNION ALL into one small
result. Pricing then happens in Python on those sums (see :mod:`tokenecon.price`), exactly, with
Decimal: a price is constant within a model, a UTC day, a service tier and a side of the
long-context cliff, so summing tokens at that grain first loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tokenecon.attribute import task_key_expression, use_case_expression
from tokenecon.errors import UsageInputError
from tokenecon.ingest.canonical import ATTRIBUTE_COLUMNS, BILLABLE_TOKEN_COLUMNS, TOKEN_COLUMNS
from tokenecon.ingest.generic import ColumnPlan, ReadOptions, canonical_table
from tokenecon.ingest.outcomes import events_table
from tokenecon.ingest.sources import SourceFile
from tokenecon.mapping import OutcomeMapping

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

DECLARED_ABOVE = 1 << 40
"""Prompt class of a bucket row whose source says it ran above the long-context cliff."""
UNKNOWN_PROMPT = -1
"""Prompt class of a bucket row that cannot be tested against a per-request threshold."""
SAMPLE_LIMIT = 20
"""How many rejected rows and duplicate ids are listed by name."""


@dataclass(frozen=True)
class UsageGroup:
    """Summed usage at the pricing grain."""

    use_case: str | None
    model: str
    provider: str | None
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
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class RejectedRow:
    """A row that failed validation, with where it is."""

    source: str
    line: int
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
    reject_reasons: list[tuple[str, int]] = field(default_factory=list)
    rejected_samples: list[RejectedRow] = field(default_factory=list)
    rows_per_source: dict[int, int] = field(default_factory=dict)
    plans: list[ColumnPlan] = field(default_factory=list)
    missing_attributes: list[str] = field(default_factory=list)
    """Attributes the mapping names that no input file has."""


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


_KEYS = {
    "kind": "string", "use_case": "string", "model": "string", "provider": "string",
    "service_tier": "string", "by_value": "string", "label": "string", "day": "date",
    "prompt_class": "int64", "source_id": "int64",
}  # fmt: skip
_NUMBERS = (
    "rows", "extra_copies", "conflicting", "requests", "requests_unknown_rows", "tasks",
    *TOKEN_COLUMNS, "reported_rows",
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
    out["first_seen"] = values.get("first_seen", ibis.null("timestamp")).cast("timestamp")
    out["last_seen"] = values.get("last_seen", ibis.null("timestamp")).cast("timestamp")
    return table.aggregate(**out) if kind in ("totals",) else table.select(**out)


def _resolver(table: ir.Table, plan_extra: set[str]) -> Any:
    import ibis

    def resolve(attribute: str) -> ir.StringValue:
        if attribute in ATTRIBUTE_COLUMNS:
            return table[attribute]
        key = attribute.removeprefix("tags.")
        if f"x_{key}" in table.columns:
            return table[f"x_{key}"]
        if attribute == "tags":
            return table["tags"]
        # A key inside the JSON tags column ({"feature": "triage"}); null where absent.
        tag = table["tags"].cast("json")[key]
        return ibis.cases(
            (tag.isnull(), ibis.null("string")),
            else_=tag.cast("string").re_replace(r'^"(.*)"$', r"\1"),
        )

    return resolve


def _prompt_class(rows: ir.Table, thresholds: Sequence[int]) -> ir.IntegerValue:
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
        resolve = _resolver(table, set(plan.extra))
        if "tags" in plan.canonical:
            seen_attributes.add("tags.*")
        use_case = use_case_expression(mapping, resolve)
        by_value = resolve(options.by) if options.by else ibis.null("string")
        table = table.mutate(use_case=use_case, by_value=by_value)
        table = table.mutate(task_key=task_key_expression(mapping, table.use_case, _resolver(table, set())))
        keep = [
            "source_id", "timestamp", "model", "provider", *TOKEN_COLUMNS, "requests",
            "reported_cost", "service_tier", "context_window", "request_id", "use_case",
            "task_key", "by_value", "reject_reason",
        ]  # fmt: skip
        tables.append(table.select(*keep))
    if mapping:
        result.missing_attributes = [
            a for a in mapping.attributes
            if a not in seen_attributes and not (a.startswith("tags.") and "tags.*" in seen_attributes)
        ]  # fmt: skip
    rows = tables[0] if len(tables) == 1 else ibis.union(*tables, distinct=False)
    return rows, has_request_ids


def _dedupe(valid: ir.Table, has_request_ids: bool, thresholds: Sequence[int]) -> ir.Table:
    """One row per request id (ids absent: every row is its own request)."""
    import ibis

    prepared = valid.mutate(
        day=valid.timestamp.date(),
        prompt_class=_prompt_class(valid, thresholds),
        billable=sum(
            (valid[c].fill_null(0) for c in BILLABLE_TOKEN_COLUMNS), ibis.literal(0, "int64")
        ),
    )
    columns = [
        "use_case", "task_key", "model", "provider", "day", "service_tier", "prompt_class",
        "by_value", *TOKEN_COLUMNS, "requests", "reported_cost", "request_id",
    ]  # fmt: skip
    single = prepared.mutate(
        first_seen=prepared.timestamp,
        last_seen=prepared.timestamp,
        copies=ibis.literal(1, "int64"),
        conflicting=ibis.literal(0, "int64"),
    )
    single_cols = [*columns, "first_seen", "last_seen", "copies", "conflicting"]
    if not has_request_ids:
        return single.select(*single_cols)
    keyed = prepared.filter(prepared.request_id.notnull())
    # Copies of one request id are assumed to be re-sent lines; where they disagree, the largest
    # count of each bucket is kept (a streamed partial never under-prices) and they are counted.
    grouped = keyed.group_by("request_id").aggregate(
        **{c: keyed[c].min() for c in columns[:8]},
        **{c: keyed[c].max() for c in (*TOKEN_COLUMNS, "requests", "reported_cost")},
        first_seen=keyed.timestamp.min(),
        last_seen=keyed.timestamp.max(),
        copies=keyed.count(),
        conflicting=(keyed.billable.min() != keyed.billable.max()).cast("int64"),
    )
    unkeyed = single.filter(single.request_id.isnull()).select(*single_cols)
    return ibis.union(grouped.select(*single_cols), unkeyed, distinct=False)


def _branches(
    con: Backend,
    rows: ir.Table,
    has_request_ids: bool,
    mapping: OutcomeMapping | None,
    options: AggregateOptions,
) -> list[ir.Table]:
    import ibis

    branches = [
        _shape(
            rows.group_by("source_id").aggregate(
                rows=rows.count(),
                rejected=rows.reject_reason.notnull().cast("int64").sum(),
            ),
            "source",
            {"source_id": ibis._.source_id, "rows": ibis._.rows, "extra_copies": ibis._.rejected},
        ),
    ]
    rejected = rows.filter(rows.reject_reason.notnull())
    reasons = rejected.group_by("reject_reason").aggregate(n=rejected.count())
    branches.append(_shape(reasons, "reject", {"label": reasons.reject_reason, "rows": reasons.n}))

    valid = rows.filter(rows.reject_reason.isnull())
    in_window = ibis.literal(True)
    if options.since:
        in_window &= valid.timestamp >= options.since
    if options.until:
        in_window &= valid.timestamp < options.until
    if options.since or options.until:
        outside = valid.filter(~in_window)
        branches.append(_shape(outside.aggregate(n=outside.count()), "filtered", {"rows": ibis._.n}))
        valid = valid.filter(in_window)

    deduped = _dedupe(valid, has_request_ids, options.thresholds)
    sums = deduped.group_by(
        ["use_case", "model", "provider", "day", "service_tier", "prompt_class", "by_value"]
    ).aggregate(
        rows=deduped.count(),
        extra_copies=(deduped.copies - 1).sum(),
        conflicting=deduped.conflicting.sum(),
        requests=deduped.requests.sum(),
        requests_unknown_rows=deduped.requests.isnull().cast("int64").sum(),
        **{c: deduped[c].sum() for c in TOKEN_COLUMNS},
        reported_cost=deduped.reported_cost.sum(),
        reported_rows=deduped.reported_cost.notnull().cast("int64").sum(),
        first_seen=deduped.first_seen.min(),
        last_seen=deduped.last_seen.max(),
    )
    branches.append(
        _shape(sums, "sums", {c: sums[c] for c in sums.columns})
    )
    keyless = ibis.cases((deduped.task_key.isnull(), deduped.requests.fill_null(1)), else_=0)
    tasks = deduped.group_by("use_case").aggregate(
        tasks=deduped.task_key.nunique() + keyless.sum()
    )
    branches.append(_shape(tasks, "tasks", {"use_case": tasks.use_case, "tasks": tasks.tasks}))
    if has_request_ids:
        dups = deduped.filter(deduped.copies > 1).order_by("request_id").limit(SAMPLE_LIMIT)
        branches.append(
            _shape(dups, "duplicate", {"label": dups.request_id, "rows": dups.copies})
        )
    for use_case in mapping.use_cases if mapping else ():
        source = use_case.outcomes
        if source is None or source.kind != "events":
            continue
        events = events_table(con, source)
        mine = deduped.filter(deduped.use_case == use_case.name)
        task_ids = mine.select(
            key=mine.task_key if use_case.task_key else mine.request_id
        ).distinct()
        matched = events.inner_join(task_ids, "key")
        branches.append(
            _shape(
                matched.aggregate(n=matched.count()),
                "outcomes_matched",
                {"use_case": ibis.literal(use_case.name), "rows": ibis._.n},
            )
        )
        branches.append(
            _shape(
                events.aggregate(n=events.count()),
                "outcomes_file",
                {"use_case": ibis.literal(use_case.name), "rows": ibis._.n},
            )
        )
    return branches


def aggregate_usage(
    con: Backend,
    sources: Sequence[SourceFile],
    mapping: OutcomeMapping | None,
    options: AggregateOptions,
) -> UsageAggregates:
    """Run the single aggregation query and unpack its result."""
    import ibis

    result = UsageAggregates()
    rows, has_request_ids = _rows(con, sources, mapping, options, result)
    query = ibis.union(
        *_branches(con, rows, has_request_ids, mapping, options), distinct=False
    )
    try:
        frame = con.to_pyarrow(query).to_pylist()
    except Exception as exc:  # the engine reports unreadable content (quotes, encodings) here
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise UsageInputError(
            f"cannot read the usage: {message}",
            "check the file named above; --map and --input-convention adjust columns",
        ) from None
    _unpack(frame, result)
    if result.rows_rejected:
        result.rejected_samples = _rejected_rows(sources, rows)
    return result


def _unpack(records: list[dict[str, Any]], result: UsageAggregates) -> None:
    for r in records:
        kind = r["kind"]
        if kind == "source":
            result.rows_per_source[int(r["source_id"])] = int(r["rows"])
            result.rows_read += int(r["rows"])
            result.rows_rejected += int(r["extra_copies"] or 0)
        elif kind == "reject":
            result.reject_reasons.append((r["label"], int(r["rows"])))
        elif kind == "filtered":
            result.rows_filtered += int(r["rows"] or 0)
        elif kind == "sums":
            result.rows_duplicate += int(r["extra_copies"] or 0)
            result.duplicates_conflicting += int(r["conflicting"] or 0)
            result.groups.append(
                UsageGroup(
                    use_case=r["use_case"],
                    model=r["model"],
                    provider=r["provider"],
                    day=r["day"],
                    service_tier=r["service_tier"],
                    prompt_class=int(r["prompt_class"]),
                    by_value=r["by_value"],
                    rows=int(r["rows"]),
                    requests=int(r["requests"] or 0),
                    requests_unknown_rows=int(r["requests_unknown_rows"] or 0),
                    tokens={c: int(r[c]) if r[c] is not None else 0 for c in TOKEN_COLUMNS},
                    reported_cost=r["reported_cost"],
                    reported_rows=int(r["reported_rows"] or 0),
                    first_seen=r["first_seen"],
                    last_seen=r["last_seen"],
                )
            )
        elif kind == "tasks":
            result.tasks[r["use_case"]] = int(r["tasks"] or 0)
        elif kind == "duplicate":
            result.duplicate_samples.append((r["label"], int(r["rows"])))
        elif kind == "outcomes_matched":
            result.outcomes_matched[r["use_case"]] = int(r["rows"])
        elif kind == "outcomes_file":
            result.outcomes_in_file[r["use_case"]] = int(r["rows"])
    result.groups.sort(key=_group_order)
    result.reject_reasons.sort(key=lambda x: (-x[1], x[0]))
    result.duplicate_samples.sort()


def _group_order(g: UsageGroup) -> tuple[Any, ...]:
    return (g.use_case or "", g.model, g.day, g.service_tier, g.prompt_class, g.by_value or "")


def _rejected_rows(sources: Sequence[SourceFile], rows: ir.Table) -> list[RejectedRow]:
    """File and line of the first rejected rows (a second pass, only when there are any).

    Engines number rows in scan order; a CSV's header is line 1, so data row n is line n + 1
    (a quoted field spanning lines makes the real line later: the reason names the value).
    """
    import ibis

    numbered = rows.mutate(position=ibis.row_number().over(group_by="source_id"))
    found = (
        numbered.filter(numbered.reject_reason.notnull())
        .order_by(["source_id", "position"])
        .limit(SAMPLE_LIMIT)
        .to_pyarrow()
        .to_pylist()
    )
    out = []
    for r in found:
        source = sources[int(r["source_id"])]
        first_line = 2 if source.kind == "csv" else 1
        out.append(RejectedRow(source.display, int(r["position"]) + first_line, r["reject_reason"]))
    return out
