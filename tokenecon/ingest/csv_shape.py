"""CSV rows with more or fewer fields than the header: one rejected row each, not a failed run.

DuckDB's fast (parallel) CSV reader stops the whole read at such a row. Its tolerant mode
(padding short rows, one spare column for long ones) cannot run in parallel when a quoted
field holds a newline, and it swallows the rest of a file after an unterminated quote. So a
file is read tolerantly only when it needs it and it is safe: it is small enough to check
first (:data:`CHECK_LIMIT`), the check finds a row of the wrong length, and no quote is left
open. Otherwise the fast read stands (a ragged row in a bigger file is then an error naming
its line).
"""

from __future__ import annotations

import csv
import functools
import gzip
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenecon.ingest.sources import SourceFile, is_remote

if TYPE_CHECKING:
    import ibis.expr.types as ir

CHECK_LIMIT = 8 << 20
"""Files up to this size are checked for ragged rows before the engine reads them (about
0.1 s for 8 MiB; a bigger file is read fast, and a ragged row in it stops the read)."""
ROW_ERROR = "tokenecon_row_error"
"""A raw CSV table's column that says why a row's shape is wrong (null: it is right)."""
OVERFLOW = "tokenecon_overflow"
"""The spare column a long row's extra fields fall into."""
NO_NULL = "\u2400tokenecon-no-null\u2400"
"""A null string no real field holds: empty fields stay empty, a short row's padding is null."""


def is_ragged(source: SourceFile) -> bool:
    """Whether a local CSV of at most :data:`CHECK_LIMIT` bytes has a row of another length
    than its header, and no quote left open (which only the strict read refuses whole)."""
    if source.kind != "csv" or is_remote(source):
        return False
    stat = source.path.stat()
    if stat.st_size > CHECK_LIMIT:
        return False
    return _is_ragged(source.path, source.compressed, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _is_ragged(path: Path, compressed: bool, mtime: int, size: int) -> bool:
    opener: Any = gzip.open if compressed else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle, strict=True)
            width = len(next(rows, []))
            ragged = False
            for row in rows:
                if row and len(row) != width:
                    ragged = True
            return ragged
    except (csv.Error, OSError, EOFError, UnicodeDecodeError):
        return False  # the strict read reports it


def tolerant_options(names: list[str]) -> dict[str, Any]:
    """DuckDB ``read_csv`` options that keep ragged rows (with a spare column)."""
    return {
        "columns": {**dict.fromkeys(names, "VARCHAR"), OVERFLOW: "VARCHAR"},
        "null_padding": True,
        "strict_mode": False,
        "parallel": False,
        "nullstr": NO_NULL,
    }


def with_row_errors(table: ir.Table, names: list[str]) -> ir.Table:
    """The tolerant read with a :data:`ROW_ERROR` column, empty fields null again, and no
    spare column."""
    import ibis

    count = len(names)
    error = ibis.cases(
        (table[OVERFLOW].notnull(), f"row has more fields than the header's {count}"),
        (table[names[-1]].isnull(), f"row has fewer fields than the header's {count}"),
        else_=ibis.null("string"),
    )
    columns = {name: table[name].nullif("") for name in names}
    return table.select(**columns, **{ROW_ERROR: error})
