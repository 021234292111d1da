"""The generic adapter: any CSV, JSONL or Parquet file whose columns are (or alias) canonical ones.

Detect the header, map columns to the canonical record, then build one Ibis expression that
parses and validates every row inside the engine. Nothing is read row by row in Python: every
source column is read as text, cast with TRY_CAST, and a row that fails a check gets a reject
reason instead of being dropped, so that every input row is accounted for.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from tokenecon.errors import OptionError, UsageInputError
from tokenecon.ingest.canonical import (
    ALIASES,
    CANONICAL_COLUMNS,
    IGNORED_COLUMNS,
    STRING_COLUMNS,
    TOKEN_COLUMNS,
    normalise_header,
)
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

CONVENTIONS = ("inclusive", "exclusive")


@dataclass(frozen=True)
class ReadOptions:
    """How to interpret a generic file."""

    column_map: Mapping[str, str] = field(default_factory=dict)
    """``--map source_column=canonical`` overrides (source names as written or normalised)."""
    input_convention: str = "inclusive"
    """Whether a plain ``input_tokens`` column includes cache reads and writes."""


@dataclass(frozen=True)
class ColumnPlan:
    """Which source column feeds which canonical column, and what was left aside."""

    canonical: dict[str, int]
    """Canonical name -> position of the source column."""
    extra: dict[str, int]
    """Other columns by normalised name: usable in mapping rules as ``tags.<name>``."""
    headers: list[str]
    """The source's column names as written."""
    notes: list[str]
    """Human remarks (duplicate mappings, ignored columns)."""


def parse_column_map(pairs: list[str]) -> dict[str, str]:
    """Parse ``--map col=canonical`` options."""
    out: dict[str, str] = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        target = target.strip()
        if not sep or not source.strip() or target not in CANONICAL_COLUMNS:
            raise OptionError(
                f"--map {pair!r}: expected SOURCE_COLUMN=CANONICAL",
                f"CANONICAL is one of {', '.join(CANONICAL_COLUMNS)}",
            )
        out[source.strip()] = target
    return out


def read_headers(source: SourceFile) -> list[str]:
    """The column names of a source, read from its first line (or its schema)."""
    if source.kind == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(source.path).names)
    opener: Any = gzip.open if source.compressed else open
    with opener(source.path, "rt", encoding="utf-8-sig", newline="") as handle:
        if source.kind == "csv":
            first = handle.readline()
            headers = next(csv.reader(io.StringIO(first)), [])
            if not any(h.strip() for h in headers):
                raise UsageInputError(f"{source.display}: the first line is not a CSV header")
            return [h.strip() for h in headers]
        keys: dict[str, None] = {}
        for number, line in enumerate(handle, start=1):
            if number > 200:
                break
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageInputError(
                    f"{source.display}:{number}:{exc.colno}: not valid JSON ({exc.msg})",
                    "a JSONL file has one JSON object per line",
                ) from None
            if not isinstance(record, dict):
                raise UsageInputError(f"{source.display}:{number}: expected a JSON object")
            keys.update(dict.fromkeys(record))
        return list(keys)


def plan_columns(source: SourceFile, headers: list[str], options: ReadOptions) -> ColumnPlan:
    """Map source columns to canonical ones (``--map`` first, then names, then aliases)."""
    overrides = {normalise_header(k): v for k, v in options.column_map.items()}
    overrides.update(options.column_map)
    canonical: dict[str, int] = {}
    extra: dict[str, int] = {}
    notes: list[str] = []
    for position, header in enumerate(headers):
        norm = normalise_header(header)
        target = overrides.get(header) or overrides.get(norm)
        if target is None:
            if norm in CANONICAL_COLUMNS:
                target = norm
            elif norm in ALIASES:
                target = ALIASES[norm]
            elif norm in IGNORED_COLUMNS:
                notes.append(f"column {header!r} ignored (derived from the buckets)")
                continue
        if target is None or target in canonical:
            if target is not None:
                notes.append(
                    f"column {header!r} would map to {target}, already taken by "
                    f"{headers[canonical[target]]!r}: kept as tags.{norm}"
                )
            extra.setdefault(norm or f"column_{position}", position)
            continue
        canonical[target] = position
    _check_usable(source, headers, canonical)
    return ColumnPlan(canonical, extra, headers, notes)


def _check_usable(source: SourceFile, headers: list[str], canonical: dict[str, int]) -> None:
    found = ", ".join(headers[:12]) + (" ..." if len(headers) > 12 else "")
    for needed in ("timestamp", "model"):
        if needed not in canonical:
            raise UsageInputError(
                f"{source.display}: no {needed} column (found: {found})",
                f"name the column that holds it: --map YOUR_COLUMN={needed}",
            )
    if not any(c in canonical for c in (*TOKEN_COLUMNS, "input_tokens")):
        raise UsageInputError(
            f"{source.display}: no token columns (found: {found})",
            "map them, e.g. --map in=input_tokens --map out=output_tokens",
        )
    if "input_tokens" in canonical and "uncached_input_tokens" in canonical:
        raise UsageInputError(
            f"{source.display}: both input_tokens and uncached_input_tokens columns",
            "keep one: --map the other to a tag name",
        )


def scan(con: Backend, source: SourceFile, headers: list[str]) -> ir.Table:
    """An Ibis table over the file with every column as text, named c0, c1, ...

    CSV and Parquet columns are taken by position, JSON Lines keys by name.
    """
    from tokenecon.engine import read_parquet_text, read_text_csv, read_text_jsonl

    path = str(source.path)
    try:
        if source.kind == "parquet":
            return read_parquet_text(con, path)
        if source.kind == "jsonl":
            return read_text_jsonl(con, path, headers)
        return read_text_csv(con, path, len(headers), source.compressed)
    except Exception as exc:  # the engines raise their own error types for unreadable files
        raise UsageInputError(f"{source.display}: cannot read: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def canonical_table(
    con: Backend, source: SourceFile, source_id: int, options: ReadOptions
) -> tuple[ir.Table, ColumnPlan]:
    """The canonical, validated rows of one file, plus the column plan that built them."""
    import ibis

    if options.input_convention not in CONVENTIONS:
        raise OptionError(
            f"--input-convention {options.input_convention!r} is not one of "
            f"{', '.join(CONVENTIONS)}"
        )
    headers = read_headers(source)
    plan = plan_columns(source, headers, options)
    raw = scan(con, source, headers)

    def text(name: str) -> ir.StringValue:
        position = plan.canonical.get(name)
        if position is None:
            return ibis.null("string")
        column: ir.StringValue = raw[f"c{position}"]
        # No TRIM: with its whitespace set it costs more than the CSV scan itself, and
        # TRY_CAST already ignores surrounding spaces in numbers and timestamps.
        return column.nullif("")

    return build_canonical(raw, text, plan, source_id, options), plan


def build_canonical(
    raw: ir.Table, text: Any, plan: ColumnPlan, source_id: int, options: ReadOptions
) -> ir.Table:
    """Parse, convert and check canonical columns from text; see :func:`canonical_table`.

    Two projections: the first parses each column once, the second checks the parsed values,
    so that no cast is evaluated twice per row.
    """
    import ibis

    parsed: dict[str, Any] = {"source_id": ibis.literal(source_id, "int32")}
    for name in (*TOKEN_COLUMNS, "input_tokens", "requests"):
        if name in plan.canonical:
            parsed[f"{name}__text"] = text(name)
            parsed[name] = text(name).try_cast("float64")
    parsed["timestamp__text"] = text("timestamp")
    parsed["timestamp"] = _parse_timestamp(text("timestamp"))
    parsed["reported_cost__text"] = text("reported_cost")
    parsed["reported_cost"] = text("reported_cost").try_cast("decimal(38, 12)")
    tier = text("service_tier").lower()
    parsed["service_tier"] = ibis.cases(
        (tier.isnull() | tier.isin(["default", "standard", "on_demand", "auto"]), "standard"),
        else_=tier,
    )
    for name in ("provider", "model", *STRING_COLUMNS[3:]):
        parsed[name] = text(name)
    for name, position in plan.extra.items():
        parsed[f"x_{name}"] = raw[f"c{position}"].nullif("")
    stage = raw.select(**parsed)

    checks: list[tuple[ir.BooleanValue, ir.StringValue]] = [
        (stage.timestamp__text.isnull(), ibis.literal("timestamp: empty")),
        (
            stage.timestamp.isnull(),
            "timestamp: '"
            + stage.timestamp__text
            + "' is not a date-time (ISO 8601 or Unix seconds)",
        ),
        (stage.model.isnull(), ibis.literal("model: empty")),
    ]
    numbers: dict[str, ir.IntegerValue] = {}
    for name in (*TOKEN_COLUMNS, "input_tokens", "requests"):
        if name in plan.canonical:
            checks += _number_checks(name, stage[f"{name}__text"], stage[name])
            numbers[name] = stage[name].cast("int64")
        else:
            numbers[name] = ibis.null("int64")
    checks.append(
        (
            stage.reported_cost__text.notnull() & stage.reported_cost.isnull(),
            "reported_cost: '" + stage.reported_cost__text + "' is not a number",
        )
    )
    tokens = {name: numbers[name] for name in TOKEN_COLUMNS}
    if "input_tokens" in plan.canonical:
        tokens["uncached_input_tokens"] = _uncached_from_input(options, numbers, checks)
    reasoning, output = tokens["reasoning_tokens"], tokens["output_tokens"]
    checks.append(
        (
            reasoning > output.fill_null(0),
            "reasoning_tokens "
            + reasoning.cast("string")
            + " > output_tokens "
            + output.fill_null(0).cast("string"),
        )
    )
    checks.append(
        (
            ibis.and_(*[tokens[c].isnull() for c in TOKEN_COLUMNS[:5]]),
            ibis.literal("no token counts: every token column is empty"),
        )
    )
    requests = numbers["requests"] if "requests" in plan.canonical else ibis.literal(1, "int64")
    columns: dict[str, Any] = {
        "source_id": stage.source_id,
        "timestamp": stage.timestamp,
        "provider": stage.provider,
        "model": stage.model,
        **tokens,
        "requests": requests,
        "reported_cost": stage.reported_cost,
        "service_tier": stage.service_tier,
        **{name: stage[name] for name in STRING_COLUMNS[3:]},
        **{name: stage[name] for name in stage.columns if name.startswith("x_")},
        "reject_reason": ibis.cases(*checks, else_=ibis.null("string")),
    }
    return stage.select(**columns)


def _number_checks(
    name: str, value: ir.StringValue, parsed: ir.FloatingValue
) -> list[tuple[ir.BooleanValue, ir.StringValue]]:
    quoted = "'" + value + "'"
    return [
        (value.notnull() & parsed.isnull(), f"{name}: " + quoted + " is not a number"),
        (
            parsed != parsed.cast("int64").cast("float64"),
            f"{name}: " + quoted + " is not a whole number",
        ),
        (parsed < 0, f"{name}: " + quoted + " is negative"),
    ]


def _uncached_from_input(
    options: ReadOptions,
    numbers: dict[str, ir.IntegerValue],
    checks: list[tuple[ir.BooleanValue, ir.StringValue]],
) -> ir.IntegerValue:
    """Uncached input from a plain ``input_tokens`` column under the chosen convention."""
    total = numbers["input_tokens"]
    if options.input_convention == "exclusive":
        return total
    cached = (
        numbers["cache_read_tokens"].fill_null(0)
        + numbers["cache_write_tokens"].fill_null(0)
        + numbers["cache_write_1h_tokens"].fill_null(0)
    )
    uncached = total - cached
    checks.append(
        (
            uncached < 0,
            "cache_read_tokens + cache_write_tokens "
            + cached.cast("string")
            + " > input_tokens "
            + total.cast("string")
            + " (inclusive input; --input-convention exclusive if cached tokens are apart)",
        )
    )
    return uncached


def _parse_timestamp(value: ir.StringValue) -> ir.TimestampValue:
    """ISO 8601 (no offset means UTC) or Unix seconds, as a UTC timestamp."""
    import ibis

    # The offset-aware cast costs twice the plain one: use it only where an offset is written
    # (a trailing +hh:mm or -hh:mm after the time); `Z` and no offset both mean UTC.
    tail = value.right(6)
    has_offset = tail.contains("+") | ((value.length() > 19) & tail.contains("-"))
    iso = ibis.cases(
        (has_offset, value.try_cast("timestamp('UTC')").cast("timestamp")),
        else_=value.try_cast("timestamp"),
    )
    epoch = value.try_cast("float64")
    from_epoch = ibis.cases(
        (
            (epoch > 0) & (epoch < 1e11),
            # The epoch plus an interval: portable (Spark has no from-unix in milliseconds) and
            # a plain timestamp on both engines (DuckDB's to_timestamp gives one with a zone).
            ibis.literal(datetime(1970, 1, 1))
            + (epoch * 1000).floor().cast("int64").as_interval("ms"),
        ),
        else_=ibis.null("timestamp"),
    )
    return ibis.coalesce(iso, from_epoch)
