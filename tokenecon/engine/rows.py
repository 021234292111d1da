"""A replayed query's result as Python rows, pyarrow not imported where it would change nothing.

A run whose SQL is cached (:mod:`.sqlcache`) reads each result as Python values
(``to_pylist``). Through Arrow that costs importing pyarrow, and numpy with it: ~0.1 s of CPU,
a quarter of a warm run on the example month (docs/benchmarks.md, "Start-up"). DuckDB converts
a result to Python values itself (``fetchall``), and for the types below its values are the
ones Arrow's ``to_pylist`` gives (the same ``str``, ``int``, ``bool``, ``float``, ``date``,
naive ``datetime`` and ``Decimal`` of the same exponent): the recorded Arrow type of each
column names the DuckDB type that must come back, and a result whose columns come back
otherwise is fetched through Arrow and cast as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

_DUCKDB_TYPES = {
    "string": "VARCHAR",
    "large_string": "VARCHAR",
    "int64": "BIGINT",
    "int32": "INTEGER",
    "bool": "BOOLEAN",
    "double": "DOUBLE",
    "date32[day]": "DATE",
    "timestamp[us]": "TIMESTAMP",
}
"""An Arrow type, and the DuckDB type whose Python values are those of the Arrow type's
``to_pylist`` (Arrow's type as DuckDB gives it for that DuckDB type, so no cast either)."""

Columns = list[tuple[str, str]]
Result: TypeAlias = "Rows | pa.Table"
"""A replayed result: both have ``column_names`` and ``to_pylist()``."""


def duckdb_columns(schema: pa.Schema) -> Columns | None:
    """Each column of ``schema`` (a result's Arrow schema, as the pipeline uses it) with the
    DuckDB type that gives the same Python values; None if a column's type has none here."""
    import pyarrow as pa

    if len(set(schema.names)) != len(schema.names):
        return None  # (a row as a dict keeps one of two same-named columns)
    columns = []
    for field in schema:
        name = _DUCKDB_TYPES.get(str(field.type))
        if name is None and pa.types.is_decimal128(field.type):
            name = f"DECIMAL({field.type.precision},{field.type.scale})"
        if name is None:
            return None
        columns.append((field.name, name))
    return columns


class Rows:
    """A result as DuckDB's Python values: what the pipeline reads of an Arrow table."""

    def __init__(self, column_names: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        self.column_names = list(column_names)
        self.num_rows = len(rows)
        self._rows = rows

    def to_pylist(self) -> list[dict[str, Any]]:
        """Each row as a dict of column name to value, as ``pyarrow.Table.to_pylist``."""
        names = self.column_names
        return [dict(zip(names, row, strict=True)) for row in self._rows]


def fetch(
    raw: duckdb.DuckDBPyConnection, sql: str, schema: bytes, columns: Columns | None
) -> Rows | pa.Table:
    """The result of ``sql`` typed as recorded: ``schema`` is its Arrow schema (IPC bytes),
    ``columns`` what :func:`duckdb_columns` said of it. As :class:`Rows` when DuckDB types
    every column as ``columns`` says, else as an Arrow table cast to ``schema``."""
    # Executed once, its types read from the result: a relation (``raw.sql``) binds and
    # plans the query to give its types, then again to run it (the 41 KB main query of a
    # Claude Code folder: ~0.07 s of CPU through a relation, ~0.055 s executed).
    raw.execute(sql)
    if columns is not None and _described(raw.description) == columns:
        return Rows([d[0] for d in raw.description], raw.fetchall())
    import pyarrow as pa

    wanted = pa.ipc.read_schema(pa.py_buffer(schema))
    table = raw.fetch_arrow_table()
    return table if table.schema == wanted else table.cast(wanted)


def _described(description: Sequence[Sequence[Any]] | None) -> Columns:
    return [(d[0], str(d[1])) for d in description or ()]
