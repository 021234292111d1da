"""The few statements that differ between DuckDB and Spark beyond connecting: small tables the
engine holds, scans that number rows in file order, and writing one result file.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenecon.engine.connect import is_duckdb

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend
    from ibis.backends.duckdb import Backend as DuckDBBackend


LITERAL_LIMIT = 100_000
"""Up to this many values a small table is written as a literal (fast to start, slower to
parse: 1M ids take 2.6 s as a literal against 0.3 s through Arrow, plus pandas' import)."""


def small_table(
    con: BaseBackend, name: str, columns: Mapping[str, Sequence[str | None]]
) -> ir.Table:
    """A small table of text columns (None: null) held by the engine (not inlined in each
    query)."""
    if is_duckdb(con):
        if sum(len(v) for v in columns.values()) <= LITERAL_LIMIT:
            # A JSON literal: an Arrow table, a memtable or a query parameter would import
            # pandas (pyarrow and DuckDB's Python client check for a DataFrame), 0.8 s of a
            # small run.
            lists = [json.dumps(list(v)).replace("'", "''") for v in columns.values()]
            selects = ", ".join(
                f"""unnest(from_json('{text}', '["VARCHAR"]')) AS "{k}\""""
                for k, text in zip(columns, lists, strict=True)
            )
            con.con.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT {selects}')
            return con.table(name)
        import ibis
        import pyarrow as pa

        data = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
        # (Ibis 12 fails on a raw Arrow table here: hand it a memtable.)
        return con.create_table(name, ibis.memtable(data), temp=True)
    import pyarrow as pa

    data = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
    # Ibis's PySpark backend has no temporary tables: a temporary view of a DataFrame.
    from pyspark.sql.types import StringType, StructField, StructType

    session = con._session
    # Text typed explicitly: a column of nulls alone (an empty table's row) would be inferred
    # as another type, and a join of text to it fails.
    schema = StructType([StructField(k, StringType(), True) for k in columns])
    session.createDataFrame(data.to_pandas(), schema=schema).createOrReplaceTempView(name)
    return con.table(name)


@contextmanager
def scan_order(con: DuckDBBackend) -> Iterator[None]:
    """Within the block, rows come out in file order (row numbers mean lines)."""
    con.raw_sql("SET preserve_insertion_order = true")
    try:
        yield
    finally:
        con.raw_sql("SET preserve_insertion_order = false")


_NUMBERED_LINES = """
    SELECT row_number() OVER () AS number, line
    FROM read_csv(?, columns = {'line': 'VARCHAR'}, header = false,
                  auto_detect = false, delim = '\x01', quote = '', escape = '',
                  strict_mode = false, null_padding = true)
"""
"""Every physical line of a text file with its number (one parameter: the path).

Engine-specific on purpose: a streaming ROW_NUMBER() OVER () over the file read as whole lines
is one pass (10M lines: ~4.5 s); the portable Ibis window carries a frame clause that makes
DuckDB buffer every row first (~14 s)."""


def _numbered_lines(
    con: DuckDBBackend, path: str, where: str, params: list[object]
) -> list[tuple[int, str]]:
    """(line number, text) of the lines of ``path`` kept by ``where`` (SQL over ``number`` and
    ``line``, then ORDER BY and any LIMIT), in file order; ``params`` fill its placeholders."""
    sql = f"SELECT number, line FROM ({_NUMBERED_LINES}) WHERE {where}"
    with scan_order(con):
        rows = con.con.execute(sql, [path, *params]).fetchall()
    return [(int(number), str(line)) for number, line in rows]


def lines_matching(con: DuckDBBackend, path: str, pattern: str) -> list[tuple[int, str]]:
    """(line number, text) of the physical lines of a text file that match an RE2 pattern, in
    one pass over the file."""
    return _numbered_lines(con, path, "regexp_matches(line, ?) ORDER BY number", [pattern])


def lines_not_json_objects(con: DuckDBBackend, path: str, limit: int) -> list[tuple[int, str]]:
    """(line number, text) of the first ``limit`` physical lines of a JSON Lines file whose
    text is not a JSON object (malformed JSON, an array, a string), blank lines left out. One
    pass, as :func:`lines_matching`."""
    where = """trim(coalesce(line, '')) <> ''
        AND coalesce(json_type(TRY_CAST(line AS JSON)), '') <> 'OBJECT'
        ORDER BY number LIMIT ?"""
    return _numbered_lines(con, path, where, [limit])


def parquet_rows_of(
    con: DuckDBBackend, path: str, column: str, values: Sequence[str]
) -> list[tuple[int, str]]:
    """(row number from 1, value) of the rows of a Parquet file whose ``column`` holds one of
    ``values``.

    Engine-specific on purpose: DuckDB's ``file_row_number`` numbers rows in one narrow scan of
    that column (10M rows: ~1 s), where a ROW_NUMBER() over the parsed rows keeps scan order
    for every column (~4.6 s).
    """
    sql = f"""
        SELECT file_row_number + 1, CAST({_sql_name(column)} AS VARCHAR) AS value
        FROM read_parquet(?, file_row_number = true)
        WHERE CAST({_sql_name(column)} AS VARCHAR) IN (SELECT unnest(?))
        ORDER BY 1
    """
    rows = con.con.execute(sql, [path, list(values)]).fetchall()
    return [(int(number), str(value)) for number, value in rows]


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


WRITE_FORMATS = ("parquet", "csv")


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def write_table(
    con: BaseBackend,
    table: ir.Table,
    path: str,
    kind: str,
    metadata: dict[str, str] | None = None,
) -> int:
    """Write ``table`` as one Parquet or CSV file (with a header) at ``path``; the rows written.

    DuckDB writes the file itself (``COPY``). Spark writes part files into a staging folder
    beside ``path`` (in the order of the query's ``ORDER BY``), joined here into one file:
    Parquet row group by row group, CSV part after part under one header. Timestamps go to
    Parquet as microseconds, as DuckDB writes them. ``metadata`` becomes the Parquet file's
    key-value metadata.
    """
    if kind not in WRITE_FORMATS:
        raise ValueError(kind)
    con._run_pre_execute_hooks(table)
    if is_duckdb(con):
        options = "FORMAT parquet" if kind == "parquet" else "FORMAT csv, HEADER true"
        if metadata and kind == "parquet":
            pairs = ", ".join(f'"{k}": {_sql_text(v)}' for k, v in metadata.items())
            options += f", KV_METADATA {{{pairs}}}"
        sql = f"COPY ({con.compile(table)}) TO {_sql_text(path)} ({options})"
        written = con.con.execute(sql).fetchone()
        return int(written[0]) if written else 0
    return _write_spark(con, table, path, kind, metadata or {})


def _write_spark(
    con: BaseBackend, table: ir.Table, path: str, kind: str, metadata: dict[str, str]
) -> int:
    target = Path(path)
    staging = Path(tempfile.mkdtemp(prefix=".tokenecon-parts-", dir=target.parent))
    try:
        frame = con._session.sql(con.compile(table))
        if kind == "parquet":
            con._session.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            frame.write.mode("overwrite").parquet(str(staging))
            return _join_parquet(sorted(staging.glob("part-*.parquet")), target, metadata)
        frame.write.mode("overwrite").csv(
            str(staging), header=False, quote='"', escape='"', nullValue="", emptyValue='""',
            ignoreLeadingWhiteSpace=False, ignoreTrailingWhiteSpace=False, lineSep="\n",
            encoding="UTF-8",
        )  # fmt: skip
        return _join_csv(sorted(staging.glob("part-*.csv")), table.columns, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _join_parquet(parts: list[Any], target: Any, metadata: dict[str, str]) -> int:
    import pyarrow.parquet as pq

    if not parts:
        raise RuntimeError("Spark wrote no Parquet part")
    rows = 0
    schema = pq.read_schema(parts[0])
    extra = {k.encode(): v.encode() for k, v in metadata.items()}
    schema = schema.with_metadata({**(schema.metadata or {}), **extra})
    with pq.ParquetWriter(target, schema) as writer:
        for part in parts:
            handle = pq.ParquetFile(part)
            for group in range(handle.num_row_groups):
                chunk = handle.read_row_group(group).replace_schema_metadata(schema.metadata)
                writer.write_table(chunk)
                rows += chunk.num_rows
    return rows


def _join_csv(parts: list[Any], columns: Any, target: Any) -> int:
    rows = 0
    with open(target, "wb") as out:
        out.write((",".join(columns) + "\n").encode())
        for part in parts:
            with open(part, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    out.write(chunk)
                    rows += chunk.count(b"\n")
    return rows
