"""`tokenecon convert`: the canonical, validated usage as one Parquet file, or as FOCUS 1.2 CSV.

The usage is read exactly as `analyze` reads it (the same adapters, validation, duplicate rule
and ``--since``/``--until``), then written by the engine, never row by row in Python. The
passes over the usage: analyze's repeated-id pre-pass, one accounting query (rows read,
rejected with reasons and samples, outside the period, repeated ids, the models present), the
copies of repeated ids computed once (only when there are any), and the write itself.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenecon.aggregate.query import (
    SAMPLE_LIMIT,
    RejectedRow,
    attribute_resolver,
    billable_tokens,
    fetch_records,
    in_period,
    is_repeated_id,
    locate_rejected,
    repeated_request_ids,
    sample_key,
    watch_pass,
)
from tokenecon.attribute.mapping import OutcomeMapping
from tokenecon.attribute.rules import task_key_expression, use_case_expression
from tokenecon.engine.connect import connect, is_duckdb, spark_cached, write_table
from tokenecon.errors import OptionError, UnknownModelError, UsageInputError, first_line
from tokenecon.ingest.canonical import (
    ALIASES,
    BILLABLE_TOKEN_COLUMNS,
    CANONICAL_COLUMNS,
    IGNORED_COLUMNS,
    STRING_COLUMNS,
    TOKEN_COLUMNS,
)
from tokenecon.ingest.formats import canonical_table
from tokenecon.ingest.generic import ColumnPlan, ReadOptions
from tokenecon.ingest.sources import (
    SourceFile,
    digest_file,
    local_files,
)
from tokenecon.report.analyze import AnalyzeOptions, prepare_inputs

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

PARQUET_COLUMNS = (
    "timestamp", "provider", "model", *TOKEN_COLUMNS, "requests", "reported_cost",
    *STRING_COLUMNS[2:], "source",
)  # fmt: skip
"""The columns of the canonical Parquet file, in order (docs/usage-record.md names;
`context_window` too, which prices bucket rows against the long-context cliff). Other fields an
adapter keeps (``tags.<name>`` in mapping rules) follow under their own names."""


@dataclass(frozen=True)
class UnpricedModel:
    """Usage of one model that the FOCUS file carries without a cost."""

    model: str
    """As reported."""
    reason: str
    """``unknown model``, ``no price for M before D``, or ``no reported cost``."""
    requests: int
    """Canonical rows (requests or buckets) without a cost."""
    rows: int
    """Their FOCUS rows (with empty cost columns under ``--allow-unpriced``)."""
    tokens: int
    """Their tokens."""


@dataclass
class Conversion:
    """What `tokenecon convert` did: the accounting of every row read, and what it wrote."""

    output: Path
    focus: bool
    """True: a FOCUS CSV; False: the canonical Parquet file."""
    rows_read: int = 0
    rows_written: int = 0
    """Canonical rows: one per kept request or bucket (the Parquet file's rows)."""
    rows_rejected: int = 0
    rows_duplicate: int = 0
    rows_filtered: int = 0
    """Valid rows outside ``--since``/``--until``."""
    reject_reasons: list[tuple[str, int]] = field(default_factory=list)
    rejected_samples: list[RejectedRow] = field(default_factory=list)
    duplicate_samples: list[tuple[str, int]] = field(default_factory=list)
    """Repeated request ids and how many valid copies each had (the first 20)."""
    focus_rows: int | None = None
    """Rows of the FOCUS file (one per canonical row x token type, plus request rows)."""
    unpriced: list[UnpricedModel] = field(default_factory=list)
    """Models whose usage has no cost (FOCUS only; written only with ``--allow-unpriced``)."""
    inexact_prices: int = 0
    """Per-token prices with more than 20 decimals, rounded half-up to 1e-20."""
    sources: list[dict[str, Any]] = field(default_factory=list)
    """Each input: ``path``, ``format``, ``rows`` read, adapter ``notes``."""
    rows_per_source: dict[int, int] = field(default_factory=dict, repr=False)
    reject_sample_rows: list[dict[str, Any]] = field(default_factory=list, repr=False)
    """The accounting query's first rejected rows, before their lines are found."""

    @property
    def balanced(self) -> bool:
        """rows read = written + rejected + duplicate + outside the period."""
        parts = self.rows_written + self.rows_rejected + self.rows_duplicate + self.rows_filtered
        return self.rows_read == parts

    @property
    def rows_unpriced(self) -> int:
        """Canonical rows written without a cost (FOCUS under ``--allow-unpriced``)."""
        return sum(u.requests for u in self.unpriced)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the summary on stderr."""
        return {
            "output": str(self.output),
            "format": "focus_csv" if self.focus else "parquet",
            "rows_read": self.rows_read,
            "rows_written": self.rows_written,
            "rows_rejected": self.rows_rejected,
            "rows_duplicate": self.rows_duplicate,
            "rows_outside_period": self.rows_filtered,
            "rows_priced": self.rows_written - self.rows_unpriced if self.focus else None,
            "rows_unpriced": self.rows_unpriced if self.focus else None,
            "focus_rows": self.focus_rows,
            "rejected": {
                "reasons": [{"reason": r, "rows": n} for r, n in self.reject_reasons],
                "rows": [
                    {"source": r.source, "line": r.line, "reason": r.reason}
                    for r in self.rejected_samples
                ],
            },
            "duplicates": [{"request_id": i, "copies": n} for i, n in self.duplicate_samples],
            "unpriced": [
                {
                    "model": u.model,
                    "reason": u.reason,
                    "requests": u.requests,
                    "rows": u.rows,
                    "tokens": u.tokens,
                }
                for u in self.unpriced
            ],
            "inexact_prices": self.inexact_prices,
            "sources": self.sources,
        }


def convert_usage(
    usage: Sequence[str],
    options: AnalyzeOptions,
    output: Path,
    *,
    focus: bool = False,
    allow_unpriced: bool = False,
) -> Conversion:
    """Read, validate and deduplicate the usage; write it to ``output``; account for every row.

    With ``focus``, usage without a cost (a model the book does not price on that day, and no
    reported cost that ``--cost-source`` takes) stops the conversion before anything is
    written, unless ``allow_unpriced``: then its rows carry empty cost columns and
    ``x_CostSource=unpriced``, and :attr:`Conversion.unpriced` lists them.
    """
    inputs = prepare_inputs(usage, options)
    book, mapping, sources, read = inputs.book, inputs.mapping, inputs.sources, inputs.read
    _check_output(output, focus, sources)
    # DuckDB's own memory default: convert holds and sorts every row, unlike analyze's sums.
    con = connect(options.engine)
    result = Conversion(output=output, focus=focus)
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The newline index of each file (read while the engine works) finds rejected lines.
        futures = [pool.submit(digest_file, s) for s in sources]
        rows, plans, extras = _canonical_rows(con, sources, read, mapping if focus else None)
        has_ids = any("request_id" in p.canonical for p in plans)
        with watch_pass(con, sources, options.progress, "repeated ids"):
            repeated = repeated_request_ids(con, rows) if has_ids else []
        rows = _flagged(con, rows, repeated, options)
        models = _account(con, sources, rows, options, result)
        if result.reject_sample_rows:
            result.rejected_samples = locate_rejected(
                con, sources, plans, result.reject_sample_rows, rows,
                lambda i: futures[i].result().newlines, read,
            )  # fmt: skip
        digests = [f.result().sha256 for f in futures]
    result.sources = [
        {"path": s.display, "sha256": digests[i], "format": p.format,
         "rows": result.rows_per_source.get(i, 0), "notes": p.notes, "estimated": p.estimated}
        for i, (s, p) in enumerate(zip(sources, plans, strict=True))
    ]  # fmt: skip
    kept = _kept(con, rows, bool(repeated))
    if focus:
        from tokenecon.convert.focus import focus_table, price_tables, unpriced_usage

        tables = price_tables(book, models)
        result.inexact_prices = tables.inexact
        expression = focus_table(con, kept, book, tables, options.cost_source)
        if tables.maybe_unpriced or options.cost_source == "reported":
            with watch_pass(con, sources, options.progress, "unpriced usage"):
                result.unpriced = unpriced_usage(con, expression, tables, options.cost_source)
        if result.unpriced and not allow_unpriced:
            raise _unpriced_error(result.unpriced)
        result.focus_rows = _write(con, expression.table, output, "csv", sources, options)
        result.rows_written = result.rows_read - (
            result.rows_rejected + result.rows_duplicate + result.rows_filtered
        )
    else:
        metadata = {"tokenecon": json.dumps(_provenance(result, read, options), sort_keys=True)}
        result.rows_written = _write(
            con, _parquet_table(kept, extras), output, "parquet", sources, options, metadata
        )
    return result


def _unpriced_error(unpriced: list[UnpricedModel]) -> UnknownModelError:
    """FOCUS requires a cost on every row: usage without one stops --focus (nothing written)."""
    shown = "; ".join(
        f"{u.model} ({u.reason}): {u.requests:,} request{'s' if u.requests != 1 else ''}, "
        f"{u.tokens:,} tokens"
        for u in unpriced[:5]
    )
    more = f"; and {len(unpriced) - 5} more" if len(unpriced) > 5 else ""
    return UnknownModelError(
        f"--focus: usage without a cost (FOCUS needs a BilledCost on every row): {shown}{more}",
        "price the model in a --prices book, or let --cost-source auto take the source's own "
        "cost; --allow-unpriced writes these rows with empty cost columns "
        "(x_CostSource=unpriced)",
    )


USAGE_SCHEMA = "tokenecon.usage/v1"
"""Names the canonical Parquet layout in the file's metadata."""


def _provenance(result: Conversion, read: ReadOptions, options: AnalyzeOptions) -> dict[str, Any]:
    """The Parquet file's ``tokenecon`` metadata: what it was made from, and how."""
    return {
        "schema": USAGE_SCHEMA,
        "sources": [
            {k: s[k] for k in ("path", "sha256", "format", "rows", "estimated")}
            for s in result.sources
        ],
        "input_convention": read.input_convention,
        "since": options.since.isoformat() if options.since else None,
        "until": options.until.isoformat() if options.until else None,
        "rows_read": result.rows_read,
        "rows_rejected": result.rows_rejected,
        "rows_duplicate": result.rows_duplicate,
        "rows_outside_period": result.rows_filtered,
    }


def _check_output(output: Path, focus: bool, sources: list[SourceFile]) -> None:
    """-o names a new or replaceable file in an existing folder, and not one of the inputs."""
    shown = str(output)
    if output.is_dir():
        raise OptionError(f"-o {shown} is a directory", "name a file: -o usage.parquet")
    folder = output.parent
    if not folder.is_dir():
        raise OptionError(
            f"-o {shown}: the folder {folder} does not exist", "create it, or name another -o"
        )
    if not os.access(folder, os.W_OK):
        raise OptionError(f"-o {shown}: cannot write in {folder}", "name another -o")
    suffix = output.suffix.lower()
    if focus and suffix == ".parquet":
        raise OptionError(
            f"-o {shown}: --focus writes CSV", "name it .csv, or drop --focus for Parquet"
        )
    if not focus and suffix in (".csv", ".gz", ".json", ".jsonl"):
        raise OptionError(
            f"-o {shown}: convert writes Parquet", "name it .parquet, or add --focus for CSV"
        )
    target = output.resolve()
    for source in sources:
        if target in {p.resolve() for p in local_files(source)}:
            raise OptionError(f"-o {shown} is one of the inputs", "name another -o")


def _canonical_rows(
    con: BaseBackend,
    sources: Sequence[SourceFile],
    read: ReadOptions,
    mapping: OutcomeMapping | None,
) -> tuple[ir.Table, list[ColumnPlan], list[str]]:
    """Every source's canonical rows under one schema, with ``source`` (its display name), the
    other fields the adapters keep (``x_<name>``), and, given a mapping, each row's use case
    and task key (``mapped_use_case``, ``mapped_task``)."""
    import ibis

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


def _flagged(
    con: BaseBackend, rows: ir.Table, repeated: list[str], options: AnalyzeOptions
) -> ir.Table:
    """The rows with ``in_window`` (within --since/--until) and ``repeated`` (a valid row in the
    period whose request id occurs more than once)."""
    in_window = in_period(rows, options.since, options.until).fill_null(False)
    is_repeated = is_repeated_id(con, rows, repeated, "tokenecon_convert_ids")
    valid = rows.reject_reason.isnull() & in_window
    return rows.mutate(in_window=in_window, repeated=(valid & is_repeated).fill_null(False))


_ACCOUNT_KEYS = {"kind": "string", "label": "string", "key": "string", "source_id": "int64"}


def _branch(table: ir.Table, kind: str, values: dict[str, Any]) -> ir.Table:
    import ibis

    out = {
        name: (ibis.literal(kind) if name == "kind" else values.get(name, ibis.null(dtype))).cast(
            dtype
        )
        for name, dtype in _ACCOUNT_KEYS.items()
    }
    out["rows"] = values["rows"].cast("int64")
    out["rejected"] = values.get("rejected", ibis.null("int64")).cast("int64")
    out["first_day"] = values.get("first_day", ibis.null("date")).cast("date")
    return table.select(**out)


def _account(
    con: BaseBackend,
    sources: Sequence[SourceFile],
    rows: ir.Table,
    options: AnalyzeOptions,
    result: Conversion,
) -> dict[str, date]:
    """Count every row in one query (read, rejected, outside the period, repeated copies) and
    return the models of the rows kept, each with its first day."""
    import ibis

    valid = rows.reject_reason.isnull()
    prepared = rows.mutate(
        sample_key=ibis.cases((rows.reject_reason.notnull(), sample_key(rows)), else_=None),
        dup=ibis.cases((rows.repeated, rows.request_id), else_=None),
        kept_model=ibis.cases((valid & rows.in_window, rows.model), else_=None),
    )
    grain = prepared.group_by(
        ["source_id", "reject_reason", "in_window", "sample_key", "dup", "kept_model"]
    ).aggregate(rows=prepared.count(), first_at=prepared.timestamp.min())
    if not is_duckdb(con):
        grain = spark_cached(con, grain)  # read by every branch: computed once
    per_source = grain.group_by("source_id").aggregate(
        rows=grain.rows.sum(),
        rejected=(grain.rows * grain.reject_reason.notnull().cast("int64")).sum(),
    )
    rejected = grain.filter(grain.reject_reason.notnull())
    reasons = rejected.group_by("reject_reason").aggregate(n=rejected.rows.sum())
    samples = rejected.order_by(["source_id", "sample_key", "reject_reason"]).limit(SAMPLE_LIMIT)
    outside = grain.filter(grain.reject_reason.isnull() & ~grain.in_window)
    copies = grain.filter(grain.dup.notnull())
    per_id = copies.group_by("dup").aggregate(n=copies.rows.sum())
    models = grain.filter(grain.kept_model.notnull())
    per_model = models.group_by("kept_model").aggregate(first_at=models.first_at.min())
    branches = [
        _branch(per_source, "source", {"source_id": per_source.source_id, "rows": per_source.rows,
                                       "rejected": per_source.rejected}),
        _branch(reasons, "reject", {"label": reasons.reject_reason, "rows": reasons.n}),
        _branch(samples, "reject_sample", {"label": samples.reject_reason,
                                          "key": samples.sample_key,
                                          "source_id": samples.source_id, "rows": samples.rows}),
        _branch(outside.aggregate(n=outside.rows.sum()), "filtered", {"rows": ibis._.n}),
        _branch(per_id, "repeated", {"key": per_id.dup, "rows": per_id.n}),
        _branch(per_model, "model", {"key": per_model.kept_model, "rows": ibis.literal(0),
                                    "first_day": per_model.first_at.date()}),
    ]  # fmt: skip
    with watch_pass(con, sources, options.progress, "usage"):
        records = fetch_records(con, ibis.union(*branches, distinct=False))
    return _unpack(records, result)


def _unpack(records: list[dict[str, Any]], result: Conversion) -> dict[str, date]:
    models: dict[str, date] = {}
    result.rows_per_source = {}
    result.reject_sample_rows = []
    repeated: list[tuple[str, int]] = []
    for r in records:
        kind, rows = r["kind"], int(r["rows"] or 0)
        if kind == "source":
            result.rows_per_source[int(r["source_id"])] = rows
            result.rows_read += rows
            result.rows_rejected += int(r["rejected"] or 0)
        elif kind == "reject":
            result.reject_reasons.append((r["label"], rows))
        elif kind == "reject_sample":
            result.reject_sample_rows.append(
                {"label": r["label"], "request_id": r["key"], "source_id": r["source_id"]}
            )
        elif kind == "filtered":
            result.rows_filtered += rows
        elif kind == "repeated":
            repeated.append((r["key"], rows))
        elif kind == "model":
            models[r["key"]] = r["first_day"]
    result.reject_reasons.sort(key=lambda x: (-x[1], x[0]))
    result.reject_sample_rows.sort(
        key=lambda s: (s["source_id"], s["request_id"] or "", s["label"])
    )
    result.rows_duplicate = sum(n - 1 for _, n in repeated)
    result.duplicate_samples = sorted(r for r in repeated if r[1] > 1)[:SAMPLE_LIMIT]
    return models


def _kept(con: BaseBackend, rows: ir.Table, any_repeated: bool) -> ir.Table:
    """The valid rows in the period, one per request id.

    Copies of a repeated id are re-sent lines: each token bucket (and ``requests``) keeps its
    largest count, the other fields are those of the largest copy (most billable tokens; ties
    go to the last model, day and tier in text order, then the latest timestamp and the first
    source) — analyze's rule. The copies are few: computed once into an engine table.
    """
    import ibis

    single = rows.filter(rows.reject_reason.isnull() & rows.in_window & ~rows.repeated)
    if not any_repeated:
        return single.drop("in_window", "repeated")
    from tokenecon.ingest.readers import materialize

    copies = materialize(con, "repeated_copies", rows.filter(rows.repeated))
    billable = billable_tokens(copies)
    largest_first = ibis.window(
        group_by="request_id",
        order_by=[
            ibis.desc(billable), ibis.desc(copies.model), ibis.desc(copies.timestamp.date()),
            ibis.desc(copies.service_tier), ibis.desc(copies.timestamp), copies.source_id,
            ibis.desc(copies.reported_cost),
        ],
    )  # fmt: skip
    same_id = ibis.window(group_by="request_id")
    ranked = copies.mutate(
        copy_rank=ibis.row_number().over(largest_first),
        **{c: copies[c].max().over(same_id) for c in (*TOKEN_COLUMNS, "requests")},
    )
    single = single.drop("in_window", "repeated")
    merged = ranked.filter(ranked.copy_rank == 0).drop("copy_rank", "in_window", "repeated")
    # (the stored table's types can be more precise: timestamp(6))
    return ibis.union(single, merged.cast(single.schema()), distinct=False)


def parquet_name(extra: str) -> str:
    """The column an adapter's extra field gets in the Parquet file: its own name, so that a
    generic read of the file finds it as ``tags.<name>`` again, unless that name would be read
    as a canonical column (then ``x_<name>``)."""
    taken = set(PARQUET_COLUMNS) | set(CANONICAL_COLUMNS) | set(ALIASES) | IGNORED_COLUMNS
    return f"x_{extra}" if extra in taken or extra.startswith("x_") else extra


def _parquet_table(kept: ir.Table, extras: list[str]) -> ir.Table:
    """The canonical columns, sorted by time (then every column, so that the same input gives
    the same file); ``timestamp`` a UTC instant (read back as UTC by any Parquet reader). A
    cost-only row (a cost report's line) has 0 in each billable bucket, not
    null, so that the generic reader takes it as a row that carries no tokens."""
    import ibis

    cost_only = ibis.and_(*[kept[c].isnull() for c in TOKEN_COLUMNS])
    values: dict[str, Any] = {}
    for name in PARQUET_COLUMNS:
        if name in BILLABLE_TOKEN_COLUMNS:
            values[name] = ibis.cases((cost_only, ibis.literal(0, "int64")), else_=kept[name])
        elif name == "timestamp":  # an instant: Parquet's TIMESTAMP adjusted to UTC
            values[name] = kept.timestamp.cast("timestamp('UTC')")
        else:
            values[name] = kept[name]
    for extra in extras:
        values[parquet_name(extra)] = kept[f"x_{extra}"]
    table = kept.select(**values)
    first = ["timestamp", "source", "request_id"]
    return table.order_by([*first, *(c for c in table.columns if c not in first)])


def _write(
    con: BaseBackend,
    table: ir.Table,
    output: Path,
    kind: str,
    sources: Sequence[SourceFile],
    options: AnalyzeOptions,
    metadata: dict[str, str] | None = None,
) -> int:
    """Write into a temporary file beside ``output``, then move it in place (no half-written
    file is ever left under the name asked for)."""
    import tempfile

    handle, staging = tempfile.mkstemp(
        prefix=".tokenecon-", suffix=output.suffix, dir=output.parent
    )
    os.close(handle)
    try:
        with watch_pass(con, sources, options.progress, "rows to write"):
            written = write_table(con, table, staging, kind, metadata)
        os.replace(staging, output)
    except OSError as exc:
        raise OptionError(
            f"cannot write -o {output}: {exc.strerror or exc}", "name another -o"
        ) from None
    except Exception as exc:  # the engine's own error types
        message = first_line(exc)
        hint = "name another -o"
        if "out of memory" in message.lower():
            hint = "raise --memory-limit, or give --temp-directory DIR where the engine may spill"
        raise UsageInputError(f"cannot write -o {output}: {message}", hint) from None
    finally:
        if os.path.exists(staging):
            os.unlink(staging)
    return written
