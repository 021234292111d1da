"""Where every row went, counted inside the query that reads the usage: `analyze` and
`convert` each build a grain (rows summed by source, reject reason, period test and a key
column ``dup_id``), and the same roll-ups of it give rows read per source, rejected per
reason, the first rejected rows, and the valid rows outside the period.

Every branch of such a query is projected onto one result schema (:func:`shape`), glued with
UNION ALL and read back as one small table; :func:`count_rows` files the accounting records.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from tokenecon.aggregate.types import BEYOND_FIRST, SAMPLE_LIMIT, RowAccounting
from tokenecon.engine.connect import is_duckdb, spark_cached
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.ingest.sources import SourceFile
from tokenecon.progress import Reporter

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

RESULT_KEYS = {
    "kind": "string", "use_case": "string", "task_key": "string", "model": "string",
    "service_tier": "string", "by_value": "string", "label": "string",
    "request_id": "string", "day": "date", "prompt_class": "int64", "source_id": "int64",
    "in_region": "boolean", "has_cost": "boolean", "hour": "timestamp", "billing_geo": "string",
    "speed": "string",
}  # fmt: skip
"""The key columns of the result schema, with their types."""
RESULT_NUMBERS = (
    "rows", "requests", "requests_unknown_rows", "tasks", "rejected", *TOKEN_COLUMNS,
    "reported_rows", "copy_rank", *BEYOND_FIRST.values(),
)  # fmt: skip
"""The count columns of the result schema (and ``reported_cost``, a decimal)."""
ACCOUNTING_KINDS = ("source", "reject", "reject_sample", "filtered")


def shape(table: ir.Table, kind: str, values: dict[str, Any]) -> ir.Table:
    """Project a branch onto the common result schema (missing columns are typed nulls)."""
    import ibis  # here, not at the top: a replayed run files records without Ibis (memo.py)

    out: dict[str, Any] = {}
    for name, dtype in RESULT_KEYS.items():
        out[name] = values.get(name, ibis.null(dtype)) if name != "kind" else ibis.literal(kind)
        out[name] = out[name].cast(dtype)
    for name in RESULT_NUMBERS:
        out[name] = values.get(name, ibis.null("int64")).cast("int64")
    out["reported_cost"] = values.get("reported_cost", ibis.null("decimal(38, 12)")).cast(
        "decimal(38, 12)"
    )
    return table.select(**out)


def accounting_branches(grain: ir.Table) -> list[ir.Table]:
    """Rows read and rejected per source, rejected rows per reason, the first rejected rows
    (their ``dup_id`` is the :func:`~.columns.sample_key`), valid rows outside the period.

    ``grain`` has ``source_id``, ``reject_reason``, ``in_window``, ``dup_id`` and ``rows``.
    """
    import ibis

    by_source = grain.group_by("source_id").aggregate(
        rows=grain.rows.sum(),
        rejected=(grain.rows * grain.reject_reason.notnull().cast("int64")).sum(),
    )
    rejected = grain.filter(grain.reject_reason.notnull())
    reasons = rejected.group_by("reject_reason").aggregate(n=rejected.rows.sum())
    # The earliest rejected rows of each file (exports are written in time order).
    samples = rejected.order_by(["source_id", "dup_id", "reject_reason"]).limit(SAMPLE_LIMIT)
    # One filter, not the valid rows filtered again: a filtered table that two branches read
    # is a second materialized copy of the grain (see query._branches).
    outside = grain.filter(grain.reject_reason.isnull() & ~grain.in_window)
    return [
        shape(
            by_source,
            "source",
            {"source_id": by_source.source_id, "rows": by_source.rows,
             "rejected": by_source.rejected},
        ),
        shape(reasons, "reject", {"label": reasons.reject_reason, "rows": reasons.n}),
        shape(
            samples,
            "reject_sample",
            {"label": samples.reject_reason, "request_id": samples.dup_id,
             "source_id": samples.source_id, "rows": samples.rows},
        ),
        shape(outside.aggregate(n=outside.rows.sum()), "filtered", {"rows": ibis._.n}),
    ]  # fmt: skip


def count_rows(records: list[dict[str, Any]], accounting: RowAccounting) -> None:
    """File the records of :func:`accounting_branches` into ``accounting`` (other kinds are
    left to the caller): reasons most frequent first, samples by source and time."""
    for r in records:
        kind = r["kind"]
        if kind == "source":
            accounting.rows_per_source[int(r["source_id"])] = int(r["rows"])
            accounting.rows_read += int(r["rows"])
            accounting.rows_rejected += int(r["rejected"] or 0)
        elif kind == "reject":
            accounting.reject_reasons.append((r["label"], int(r["rows"])))
        elif kind == "reject_sample":
            accounting.reject_sample_rows.append(r)
        elif kind == "filtered":
            accounting.rows_filtered += int(r["rows"] or 0)
    accounting.reject_reasons.sort(key=lambda x: (-x[1], x[0]))
    accounting.reject_sample_rows.sort(
        key=lambda s: (s["source_id"], s["request_id"] or "", s["label"])
    )


def account_rows(
    con: BaseBackend,
    sources: Sequence[SourceFile],
    rows: ir.Table,
    progress: Reporter | None,
    accounting: RowAccounting,
) -> dict[str, date]:
    """Count every row of ``rows`` (flagged by :func:`~.read.flag_rows`) in one query: read,
    rejected, outside the period, copies of repeated ids; return the models of the rows kept,
    each with its first day. For a reader that keeps every row (`convert`); `analyze` adds
    the same roll-ups to its own query instead (:func:`accounting_branches`)."""
    import ibis

    from tokenecon.aggregate.columns import sample_key
    from tokenecon.aggregate.read import fetch_records, watch_pass

    valid = rows.reject_reason.isnull()
    prepared = rows.mutate(
        dup_id=ibis.cases(
            (rows.reject_reason.notnull(), sample_key(rows)),
            (rows.repeated, rows.request_id),
            else_=ibis.null("string"),
        ),
        kept_model=ibis.cases((valid & rows.in_window, rows.model), else_=None),
    )
    grain = prepared.group_by(
        ["source_id", "reject_reason", "in_window", "dup_id", "kept_model"]
    ).aggregate(rows=prepared.count(), first_at=prepared.timestamp.min())
    if not is_duckdb(con):
        grain = spark_cached(con, grain)  # read by every branch: computed once
    copies = grain.filter(grain.reject_reason.isnull() & grain.dup_id.notnull())
    per_id = copies.group_by("dup_id").aggregate(n=copies.rows.sum())
    models = grain.filter(grain.kept_model.notnull())
    per_model = models.group_by("kept_model").aggregate(first_at=models.first_at.min())
    branches = [
        *accounting_branches(grain),
        shape(per_id, "repeated", {"request_id": per_id.dup_id, "rows": per_id.n}),
        shape(per_model, "model", {"model": per_model.kept_model, "rows": ibis.literal(0),
                                   "day": per_model.first_at.date()}),
    ]  # fmt: skip
    with watch_pass(con, sources, progress, "usage"):
        records = fetch_records(con, ibis.union(*branches, distinct=False))
    count_rows(records, accounting)
    repeated = [(r["request_id"], int(r["rows"])) for r in records if r["kind"] == "repeated"]
    accounting.rows_duplicate = sum(n - 1 for _, n in repeated)
    accounting.duplicate_samples = sorted(r for r in repeated if r[1] > 1)[:SAMPLE_LIMIT]
    return {r["model"]: r["day"] for r in records if r["kind"] == "model"}
