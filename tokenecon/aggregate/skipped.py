"""CSV rows the fast read skipped: counted as read and rejected, each with its file and line.

A CSV too big to check before it is read (:mod:`tokenecon.ingest.csv_shape`, the ``rejects``
read) is read by DuckDB's fast reader, which sets a row with more or fewer fields than the
header aside in its rejects table instead of stopping. Once the usage is read,
:func:`add_engine_rejects` files those rows into the accounting, so that ``read = priced +
unpriced + rejected + duplicate`` still holds, and finds each one's physical line from its byte
offset. An error there that is not one row's (a quote left open swallows the rows after it)
refuses the file, as does any skipped row of a file that is not usage (an outcomes file).
"""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenecon.aggregate.types import SAMPLE_LIMIT, RejectedRow, RowAccounting
from tokenecon.engine.connect import is_duckdb
from tokenecon.errors import UsageInputError
from tokenecon.ingest.csv_shape import REJECTS_SCANS, REJECTS_TABLE, ROW_REASONS
from tokenecon.ingest.sources import SourceFile, location

if TYPE_CHECKING:
    from ibis.backends import BaseBackend


def add_engine_rejects(
    con: BaseBackend, sources: Sequence[SourceFile], accounting: RowAccounting
) -> None:
    """Count the CSV rows the fast read skipped (:mod:`tokenecon.ingest.csv_shape`, the
    ``rejects`` read) as read and rejected, each with its file and line, after the usage was
    read; refuse a file whose skipped rows say more than a wrong number of fields (a quote
    left open swallows the rows after it)."""
    if not is_duckdb(con) or not any(s.kind == "csv" for s in sources):
        return
    skipped = _skipped_rows(con)
    if not skipped:
        return
    # The engine names each file by its absolute path (Ibis makes it absolute).
    ids = {_same_file(location(s)): i for i, s in enumerate(sources)}
    counts: dict[tuple[int, str], int] = {}
    samples: list[RejectedRow] = []
    for path, rows in skipped.items():
        source_id = ids.get(_same_file(path))
        if source_id is None:
            _refuse_other_file(path, rows)
            continue
        source = sources[source_id]
        lines = physical_lines(source, [r[0] for r in rows])
        for (_, error, message, total), line in zip(rows, lines, strict=True):
            reason = _skipped_reason(source, line, error, message)
            counts[source_id, reason] = counts.get((source_id, reason), 0) + total
            samples.append(RejectedRow(source.display, line, reason))
    _file_skipped(accounting, counts, samples)


def _same_file(path: str) -> str:
    return os.path.realpath(path)


def _skipped_rows(con: BaseBackend) -> dict[str, list[tuple[int, str, str, int]]]:
    """Per file, the rows the engine skipped: (byte offset, error, message, how many rows
    that row stands for: 1, or for the last sample the rows past the sample limit)."""
    backend: Any = con
    # The name inline, not a parameter: DuckDB's parameter binding imports pandas (0.8 s).
    exists = backend.con.execute(
        f"SELECT count(*) FROM duckdb_tables() WHERE table_name = '{REJECTS_TABLE}'"
    ).fetchall()
    if not exists[0][0]:
        return {}
    sql = f"""
        WITH skipped AS (
            SELECT s.file_path, e.line_byte_position AS position,
                   min(e.error_type) AS error, min(e.error_message) AS message
            FROM {REJECTS_TABLE} e JOIN {REJECTS_SCANS} s USING (scan_id, file_id)
            GROUP BY s.file_path, e.line_byte_position
        ), numbered AS (
            SELECT *, row_number() OVER (PARTITION BY file_path, error ORDER BY position) AS n,
                   count(*) OVER (PARTITION BY file_path, error) AS total
            FROM skipped
        )
        SELECT file_path, position, error, message,
               CASE WHEN n = {SAMPLE_LIMIT} THEN total - {SAMPLE_LIMIT} + 1 ELSE 1 END
        FROM numbered WHERE n <= {SAMPLE_LIMIT} ORDER BY file_path, position
    """
    out: dict[str, list[tuple[int, str, str, int]]] = {}
    for path, position, error, message, count in backend.con.execute(sql).fetchall():
        out.setdefault(str(path), []).append((int(position), str(error), str(message), int(count)))
    return out


def physical_lines(source: SourceFile, offsets: Sequence[int]) -> list[int]:
    """The physical line (from 1) of each byte offset of a local file (read decompressed)."""
    opener: Any = gzip.open if source.compressed else open
    out: list[int] = []
    wanted = sorted(set(offsets))
    found: dict[int, int] = {}
    newlines, start = 0, 0
    with opener(source.path, "rb") as handle:
        for offset in wanted:
            while start < offset:
                chunk = handle.read(min(1 << 20, offset - start))
                if not chunk:
                    break
                newlines += chunk.count(b"\n")
                start += len(chunk)
            found[offset] = newlines + 1
    out = [found[o] for o in offsets]
    return out


def _refuse_other_file(path: str, rows: list[tuple[int, str, str, int]]) -> None:
    """A file that is not usage (an outcomes file the mapping names) has no rejected rows to
    count them in: a row the fast read skipped there refuses it, at its line."""
    offset, error, message, _ = rows[0]
    other = SourceFile(Path(path), path, "csv", path.endswith(".gz"))
    (line,) = physical_lines(other, [offset])
    raise UsageInputError(
        f"{path}:{line}: cannot read: {error.lower()} ({message})",
        "every row of an outcomes file needs the header's fields (docs/mapping.md)",
    )


def _skipped_reason(source: SourceFile, line: int, error: str, message: str) -> str:
    template = ROW_REASONS.get(error)
    if template is None:
        raise UsageInputError(
            f"{source.display}:{line}: cannot read: {error.lower()} ({message})",
            "a quote left open swallows the rows after it: close or remove it (docs/sources.md)",
        )
    expected = re.search(r"Expected Number of Columns: (\d+)", message)
    return template.format(count=expected.group(1) if expected else "?")


def _file_skipped(
    accounting: RowAccounting, counts: dict[tuple[int, str], int], samples: list[RejectedRow]
) -> None:
    reasons = dict(accounting.reject_reasons)
    for (source_id, reason), n in counts.items():
        accounting.rows_per_source[source_id] = accounting.rows_per_source.get(source_id, 0) + n
        accounting.rows_read += n
        accounting.rows_rejected += n
        reasons[reason] = reasons.get(reason, 0) + n
    accounting.reject_reasons = sorted(reasons.items(), key=lambda x: (-x[1], x[0]))
    merged = {(r.source, r.line, r.reason): r for r in [*accounting.rejected_samples, *samples]}
    accounting.rejected_samples = sorted(merged.values(), key=lambda r: (r.source, r.line or 0))[
        :SAMPLE_LIMIT
    ]
