"""Small results back from the engine, and how expressions are compiled: the Arrow fetch that
does not import pandas, and compiling without Ibis's select fusing."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tokenecon.engine.connect import is_duckdb

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend


def arrow_result(con: BaseBackend, expr: ir.Expr) -> Any:
    """An expression's (small) result as Arrow, as ``con.to_pyarrow(expr)`` gives it.

    On DuckDB this is Ibis's own ``to_pyarrow`` without its import of the DuckDB result
    converters, whose module imports pandas (0.8 s of a 2.5 s run on a small file) for a
    conversion this path never does; the Arrow typing is the same (DuckDB's null columns
    become Arrow nulls, the rest :class:`ibis.formats.pyarrow.PyArrowData`).
    """
    if not is_duckdb(con):
        return con.to_pyarrow(expr)
    from tokenecon.engine.sqlcache import active

    with unfused_selects():
        relation = con._to_duckdb_relation(expr)
    recording = active(con)
    sql = recording.last_sql if recording else None
    raw = relation.to_arrow_table()
    result = expr.__pyarrow_result__(raw, data_mapper=_arrow_mapper())
    if recording is not None:
        if hasattr(result, "schema"):
            recording.result(sql, raw, result)
        else:  # a scalar (a forced format's row count): not kept
            recording.replayable = False
    return result


def arrow_of(expr: ir.Expr) -> Any:
    """:func:`arrow_result` on the backend ``expr`` is bound to, as ``expr.to_pyarrow()`` gives
    it (without pandas, which Ibis's DuckDB result converters import)."""
    return arrow_result(expr._find_backend(), expr)


@contextmanager
def unfused_selects() -> Iterator[None]:
    """Compile without Ibis's fusing of consecutive selects, within the block.

    Fusing is Ibis's costliest rewrite (quadratic in the graph: 1.0 of 3.2 s on the example
    month, 1.6 s at any size); DuckDB's optimizer flattens the nested selects itself, and
    a column computed once in a select is not inlined into every select that reads it.
    """
    import ibis

    before = ibis.options.sql.fuse_selects
    ibis.options.sql.fuse_selects = False
    try:
        yield
    finally:
        ibis.options.sql.fuse_selects = before


@functools.cache
def _arrow_mapper() -> type:
    import pyarrow as pa
    from ibis.formats.pyarrow import PyArrowData

    class DuckDBArrow(PyArrowData):
        @classmethod
        def convert_scalar(cls, scalar: pa.Scalar, dtype: Any) -> pa.Scalar:
            return pa.scalar(None) if dtype.is_null() else super().convert_scalar(scalar, dtype)

        @classmethod
        def convert_column(cls, column: pa.Array, dtype: Any) -> pa.Array:
            return (
                pa.nulls(len(column)) if dtype.is_null() else super().convert_column(column, dtype)
            )

    return DuckDBArrow
