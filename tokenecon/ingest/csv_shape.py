"""CSV rows with more or fewer fields than the header: one rejected row each, not a failed run.

DuckDB's fast (parallel) CSV reader stops the whole read at such a row. Its tolerant mode
(padding short rows, one spare column for long ones) cannot run in parallel when a quoted
field holds a newline, and it swallows the rest of a file after an unterminated quote. So a
file is read in one of three ways (:func:`read_shape`):

- ``strict``: a file small enough to check first (:data:`CHECK_LIMIT`) whose rows all have
  the header's length (or that leaves a quote open: the strict read refuses it whole);
- ``tolerant``: such a file with a row of the wrong length: read with a spare column, each
  ragged row kept and rejected with its reason (:func:`with_row_errors`);
- ``rejects``: a file not checked (bigger, compressed past the limit, remote): the fast read
  skips a ragged row and records it in the engine's rejects table (:data:`REJECTS_TABLE`);
  :mod:`tokenecon.aggregate.skipped` counts those rows as rejected, with their lines, once
  the usage is read. Any other error recorded there (a quote left open) refuses the file.
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
0.1 s for 8 MiB); a bigger file is read fast, its ragged rows skipped into the engine's
rejects table."""
ROW_ERROR = "tokenecon_row_error"
"""A raw table's column that says why a row cannot be read (null: it can): a CSV row of the
wrong length, a JSON line that is not valid JSON (:mod:`.json_lines`)."""
REJECTS_TABLE = "tokenecon_csv_rejects"
"""DuckDB's table of the rows the fast read skipped (one per connection, every CSV scan)."""
REJECTS_SCANS = "tokenecon_csv_scans"
"""DuckDB's table of the scans behind :data:`REJECTS_TABLE` (which file each one read)."""
ROW_REASONS = {
    "MISSING COLUMNS": "row has fewer fields than the header's {count}",
    "TOO MANY COLUMNS": "row has more fields than the header's {count}",
    "INVALID ENCODING": "row is not valid UTF-8",
}
"""The engine's rejected-row errors that are one rejected row each, and what they say
(others, such as a quote left open, swallow the rows after them: the file is refused)."""
OVERFLOW = "tokenecon_overflow"
"""The spare column a long row's extra fields fall into."""
NO_NULL = "\u2400tokenecon-no-null\u2400"
"""A null string no real field holds: empty fields stay empty, a short row's padding is null."""


SEPARATORS = ("\t", ";", "|")
"""Field separators other than the comma, in the order they are tried (:func:`delimiter_of`)."""


def delimiter_of(header: str) -> str:
    """The field separator of a CSV, read from its header line: a comma, unless the header has
    none and has a tab (a TSV), a semicolon (a spreadsheet's CSV where the comma is the decimal
    mark) or a vertical bar."""
    if "," not in header:
        for separator in SEPARATORS:
            if separator in header:
                return separator
    return ","


def csv_delimiter(source: SourceFile) -> str:
    """The field separator of a local CSV (:func:`delimiter_of` its first line); a comma for
    a remote one."""
    if is_remote(source) or source.kind != "csv":
        return ","
    stat = source.path.stat()
    return _delimiter(source.path, source.compressed, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _delimiter(path: Path, compressed: bool, mtime: int, size: int) -> str:
    opener: Any = gzip.open if compressed else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            return delimiter_of(handle.readline())
    except (OSError, EOFError, UnicodeDecodeError):
        return ","  # the read reports it


def read_shape(source: SourceFile) -> str:
    """How to read a CSV: ``strict``, ``tolerant`` or ``rejects`` (see the module)."""
    if is_remote(source):
        return "rejects"
    stat = source.path.stat()
    if stat.st_size > CHECK_LIMIT:
        return "rejects"
    ragged = _is_ragged(
        source.path, source.compressed, stat.st_mtime_ns, stat.st_size, csv_delimiter(source)
    )
    return "tolerant" if ragged else "strict"


def shape_options(shape: str, names: list[str]) -> dict[str, Any]:
    """DuckDB ``read_csv`` options of a read of that shape, columns included."""
    if shape == "tolerant":
        return tolerant_options(names)
    columns = {"columns": dict.fromkeys(names, "VARCHAR")}
    if shape == "rejects":
        return {
            **columns,
            "ignore_errors": True,
            "store_rejects": True,
            "rejects_table": REJECTS_TABLE,
            "rejects_scan": REJECTS_SCANS,
        }
    return columns


@functools.lru_cache(maxsize=64)
def _is_ragged(path: Path, compressed: bool, mtime: int, size: int, delimiter: str) -> bool:
    opener: Any = gzip.open if compressed else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle, strict=True, delimiter=delimiter)
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
