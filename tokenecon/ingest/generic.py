"""The generic adapter: any CSV, JSONL or Parquet file whose columns are (or alias) canonical ones.

The fallback when no named format matches. It maps columns to the canonical record by name,
alias or ``--map`` and hands them, as text, to :func:`tokenecon.ingest.validate.build_canonical`,
which parses and validates every row inside the engine: a row that fails a check gets a reject
reason instead of being dropped, so that every input row is accounted for.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from typing import TYPE_CHECKING, Any

from tokenecon.errors import OptionError, UsageInputError, broken_json
from tokenecon.ingest.canonical import (
    ALIASES,
    CANONICAL_COLUMNS,
    IGNORED_COLUMNS,
    TOKEN_COLUMNS,
    normalise_header,
)
from tokenecon.ingest.convention import decide_convention
from tokenecon.ingest.csv_shape import delimiter_of
from tokenecon.ingest.formats.base import Format, Normalized
from tokenecon.ingest.options import CONVENTIONS, ColumnPlan, ReadOptions, parse_column_map
from tokenecon.ingest.probe import Probe
from tokenecon.ingest.sources import SourceFile
from tokenecon.ingest.validate import GENERIC_INCLUSIVE_HINT

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend


def read_headers(source: SourceFile) -> list[str]:
    """The column names of a source, read from its first line (or its schema)."""
    from tokenecon.ingest.sources import is_remote

    if is_remote(source):
        from tokenecon.ingest.probe import probe_source

        return list(probe_source(source).raw_headers)
    if source.kind == "parquet":
        import pyarrow.parquet as pq

        return list(pq.read_schema(source.path).names)
    opener: Any = gzip.open if source.compressed else open
    with opener(source.path, "rt", encoding="utf-8-sig", newline="") as handle:
        if source.kind == "csv":
            first = handle.readline()
            headers = next(csv.reader(io.StringIO(first), delimiter=delimiter_of(first)), [])
            if not any(h.strip() for h in headers):
                raise UsageInputError(f"{source.display}: the first line is not a CSV header")
            return [h.strip() for h in headers]
        keys: dict[str, None] = {}
        if source.kind == "json":
            try:
                document = json.load(handle)
            except json.JSONDecodeError as exc:
                raise UsageInputError(
                    broken_json(source.display, exc),
                    "a JSON source is one JSON document (an object or an array of objects), or "
                    "JSON Lines with one object per line (docs/sources.md)",
                ) from None
            records = document if isinstance(document, list) else [document]
            for record in records[:200]:
                if isinstance(record, dict):
                    keys.update(dict.fromkeys(record))
            return list(keys)
        first_error = None
        for number, line in enumerate(handle, start=1):
            if number > 200:
                break
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                # One bad line is one rejected row (docs/sources.md): only a file with no
                # object in its first lines is refused.
                first_error = first_error or UsageInputError(
                    broken_json(source.display, exc, number),
                    "a JSONL file has one JSON object per line",
                )
                continue
            if not isinstance(record, dict):
                first_error = first_error or UsageInputError(
                    f"{source.display}:{number}: expected a JSON object",
                    "a JSONL file has one JSON object per line",
                )
                continue
            keys.update(dict.fromkeys(record))
        if not keys and first_error is not None:
            raise first_error
        return list(keys)


def plan_columns(
    source: SourceFile, headers: list[str], options: ReadOptions, *, require_tokens: bool = True
) -> ColumnPlan:
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
    notes += unread_token_columns(headers, extra)
    _check_usable(source, headers, canonical, require_tokens)
    return ColumnPlan(canonical, extra, headers, notes)


def unread_token_columns(headers: list[str], extra: dict[str, int]) -> list[str]:
    """A note for each column whose name says it holds token counts but that feeds no bucket
    (read only as a tag): its counts would otherwise be silently left out of cost."""
    notes = []
    for name, position in extra.items():
        if "token" in name and name not in IGNORED_COLUMNS:
            notes.append(
                f"column {headers[position]!r} looks like token counts but maps to no token "
                f"bucket: not counted; map it, e.g. --map {headers[position]}=output_tokens "
                "(docs/usage-record.md)"
            )
    return notes


def _check_usable(
    source: SourceFile, headers: list[str], canonical: dict[str, int], require_tokens: bool
) -> None:
    found = ", ".join(headers[:12]) + (" ..." if len(headers) > 12 else "")
    for needed in ("timestamp", "model"):
        if needed not in canonical:
            raise UsageInputError(
                f"{source.display}: no {needed} column (found: {found})",
                f"name the column that holds it: --map YOUR_COLUMN={needed}",
            )
    if require_tokens and not any(c in canonical for c in (*TOKEN_COLUMNS, "input_tokens")):
        raise UsageInputError(
            f"{source.display}: no token columns (found: {found})",
            "map them, e.g. --map in=input_tokens --map out=output_tokens",
        )
    if "input_tokens" in canonical and "uncached_input_tokens" in canonical:
        raise UsageInputError(
            f"{source.display}: both input_tokens and uncached_input_tokens columns",
            "keep one: --map the other to a tag name",
        )


def scan(con: Backend, source: SourceFile, positions: int) -> ir.Table:
    """An Ibis table over the file, columns named c0, c1, ... by position: every column as text
    for CSV, Parquet's own types for Parquet."""
    from tokenecon.ingest.readers import read_csv_text, read_parquet_typed

    if source.kind == "parquet":
        return read_parquet_typed(con, source)
    return read_csv_text(con, source, [f"c{i}" for i in range(positions)])


class GenericFormat(Format):
    """Any file whose columns carry canonical names or their aliases (the fallback)."""

    name = "generic"
    title = "Canonical columns or aliases (--map)"
    inclusive_hint = GENERIC_INCLUSIVE_HINT

    def detect(self, probe: Probe) -> bool:
        """Always: the generic adapter is the fallback; its checks say what is missing."""
        return True

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """Every column as text, named c0, c1, ... by position (JSON keys by name)."""
        headers = read_headers(source)
        if source.kind in ("jsonl", "json"):
            # JSON keys are read by name, not position.
            from tokenecon.ingest.readers import read_json

            raw = read_json(con, source, dict.fromkeys(headers, "text"), lines=True)
            return raw.rename({f"c{i}": h for i, h in enumerate(headers)})
        return scan(con, source, len(headers))

    def plan(self, source: SourceFile, options: ReadOptions) -> ColumnPlan:
        """Which column feeds which canonical column."""
        if options.input_convention not in CONVENTIONS:
            raise OptionError(
                f"--input-convention {options.input_convention!r} is not one of "
                f"{', '.join(CONVENTIONS)}"
            )
        return plan_columns(source, read_headers(source), options)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """The planned columns as text; other columns as extras."""
        plan = self.plan(source, options)
        # No TRIM: with its whitespace set it costs more than the CSV scan itself, and
        # TRY_CAST already ignores surrounding spaces in numbers and timestamps.
        columns = {name: _blank_is_null(raw[f"c{p}"]) for name, p in plan.canonical.items()}
        extras = {name: _as_text(raw[f"c{p}"]) for name, p in plan.extra.items()}
        convention, said = decide_convention(raw, plan, options)
        return Normalized(
            columns=columns,
            sources={name: plan.headers[p] for name, p in plan.canonical.items()},
            extras=extras,
            convention=convention,
            notes=[*plan.notes, *said],
        )


def _blank_is_null(value: ir.Value) -> ir.Value:
    """A text column with empty values as null; a typed (Parquet) column as it is."""
    return value.nullif("") if value.type().is_string() else value


def _as_text(value: ir.Value) -> ir.StringValue:
    """A column as text for mapping rules (``tags.<name>``), empty as null."""
    text = value if value.type().is_string() else value.cast("string")
    return text.nullif("")


GENERIC = GenericFormat()

__all__ = ["GENERIC", "ColumnPlan", "GenericFormat", "ReadOptions", "parse_column_map"]
