"""Engine-specific reading: the few places that know DuckDB's and Spark's readers.

Adapters describe what they need (a CSV's columns as text, a JSON file's fields and their
nesting) and these functions turn that into a raw Ibis table on the engine at hand. JSON
schemas are given as plain nested dicts, turned here into DuckDB type strings or Spark DDL.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tokenecon.engine.connect import is_duckdb, spark_cached
from tokenecon.errors import UsageInputError, first_line
from tokenecon.ingest.canonical import normalise_header
from tokenecon.ingest.csv_shape import (
    csv_delimiter,
    read_shape,
    shape_options,
    with_row_errors,
)
from tokenecon.ingest.json_records import number_documents
from tokenecon.ingest.postgres import postgres_table
from tokenecon.ingest.probe import BROKEN_JSON_HINT, csv_headers, json_break, probe_source
from tokenecon.ingest.schema_types import (
    DUCKDB_LEAVES,
    Schema,
    duckdb_type,
    spark_schema,
    spark_type,
)
from tokenecon.ingest.sources import SourceFile, local_files, location

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend


MAX_JSON_OBJECT = 1 << 30
"""Largest JSON document (an API page can be big)."""
MIN_JSON_OBJECT = 1 << 20
"""The least object size given to DuckDB's reader (a record fits in its file, at least)."""


def named_headers(headers: Sequence[str]) -> list[str]:
    """Normalised, unique column names for a header (``Prompt Tokens`` -> ``prompt_tokens``)."""
    out: list[str] = []
    for position, header in enumerate(headers):
        name = normalise_header(header) or f"column_{position}"
        while name in out:
            name += "_"
        out.append(name)
    return out


def read_csv_text(con: Backend, source: SourceFile, names: list[str] | None = None) -> ir.Table:
    """A CSV with every column as text (no type sniffing), named by its normalised header or,
    given ``names``, by position."""
    names = names or named_headers(csv_headers(source))
    if not is_duckdb(con):
        return _guard(
            source,
            lambda: con.read_csv(
                location(source),
                header=True,
                inferSchema=False,
                schema=spark_schema(dict.fromkeys(names, "text")),
                sep=csv_delimiter(source),
                quote='"',
                escape='"',
                # A quoted field may hold a newline; Spark then reads each file whole.
                multiLine=True,
                mode="PERMISSIVE",
            ),
        )
    shape = read_shape(source)
    table = _guard(
        source,
        lambda: con.read_csv(
            location(source),
            header=True,
            auto_detect=False,
            delim=csv_delimiter(source),
            quote='"',
            escape='"',
            compression="gzip" if source.compressed else "none",
            **shape_options(shape, names),
        ),
    )
    return with_row_errors(table, names) if shape == "tolerant" else table


def read_parquet_typed(con: Backend, source: SourceFile) -> ir.Table:
    """A Parquet file with its own column types, named c0, c1, ... by position.

    Parquet is typed already: numbers and timestamps are validated as they are (a whole-number
    check still applies to floats), which spares casting every value to text and back.
    """
    table = _guard(source, lambda: con.read_parquet(location(source)))
    return table.rename({f"c{i}": n for i, n in enumerate(table.columns)})


def read_json(
    con: Backend,
    source: SourceFile,
    schema: Schema,
    *,
    filename: bool = False,
    lines: bool = False,
) -> ir.Table:
    """JSON records (JSON Lines, or a document / an array of documents) with the given fields.

    Only the named fields are read; a field missing from a record is null, fields not named
    are ignored, leaves named ``text`` are read as text whatever their JSON type. With
    ``filename`` a column ``filename`` names each record's file (a directory source). With
    ``lines``, a JSON Lines line that is not valid JSON is a row that says so
    (:mod:`tokenecon.ingest.json_lines`) instead of an error that stops the read. While
    rejected rows are being located, each row carries its document's number
    (:mod:`tokenecon.ingest.json_records`).
    """
    paths = [str(p) for p in source.members] if source.members else location(source)
    tolerant = lines and source.kind == "jsonl"
    if not is_duckdb(con):
        table = _guard(source, lambda: _spark_json(con, source, paths, schema, filename))
        if tolerant:
            from tokenecon.ingest.json_lines import with_line_errors

            # Spark's PERMISSIVE mode nulls a malformed line's fields as DuckDB's
            # ignore_errors does: named the same, it is rejected, not unnested away unseen
            table = with_line_errors(table, list(schema))
        return table
    options: dict[str, Any] = {"filename": True} if filename else {}
    if tolerant:
        options["ignore_errors"] = True
    table = _guard(
        source,
        lambda: con.read_json(
            paths,
            columns={k: duckdb_type(v) for k, v in schema.items()},
            # line by line: with "auto", a broken first line that leaves an object open made
            # the reader take the file for one document and refuse it whole
            format="newline_delimited" if tolerant else "auto",
            maximum_object_size=largest_object(source),
            **options,
        ),
    )
    if tolerant:
        from tokenecon.ingest.json_lines import with_line_errors

        table = with_line_errors(table, list(schema))
    return number_documents(table)


def largest_object(source: SourceFile) -> int:
    """The largest JSON record DuckDB's reader must take: the largest file's size (no record
    is bigger than its file), within 1 MiB .. :data:`MAX_JSON_OBJECT`.

    The reader holds a buffer of twice this size per thread, counted against the memory
    limit: a fixed 1 GiB made every JSON read need 2 GiB (``--memory-limit 250MB`` failed on
    a folder of 400 KB session logs), which a folder's largest log bounds instead. A gzip
    file's records can be larger than the file: those keep the maximum.
    """
    files = local_files(source)
    if source.compressed or not files:
        return MAX_JSON_OBJECT
    try:
        largest = max(f.stat().st_size for f in files)
    except OSError:  # gone since it was listed: the reader says so
        return MAX_JSON_OBJECT
    return min(MAX_JSON_OBJECT, max(MIN_JSON_OBJECT, largest + 1))


def _spark_json(
    con: Backend, source: SourceFile, paths: Any, schema: Schema, filename: bool
) -> ir.Table:
    """JSON on Spark: lines are records unless the file is one document (an API page)."""
    from pyspark.sql import functions as F

    session = con._session
    reader = session.read.schema(spark_schema(schema))
    frame = reader.json(paths, multiLine=source.kind == "json", mode="PERMISSIVE")
    if filename:
        frame = frame.withColumn("filename", F.input_file_name())
    name = f"tokenecon_json_{uuid.uuid4().hex[:8]}"
    frame.createOrReplaceTempView(name)
    return con.table(name)


def read_flat(con: Backend, source: SourceFile, fields: Mapping[str, str]) -> ir.Table:
    """A table of flat records (CSV, JSON, Parquet or a database table), columns named by their
    normalised names. ``fields`` are the wanted columns by normalised name, each ``text`` or
    ``json``; a column the source lacks is left out (headers drift), others are ignored.
    """
    if source.kind == "csv":
        return read_csv_text(con, source)
    if source.kind == "postgres":
        return read_postgres(con, source, fields)
    if source.kind == "parquet":
        table = _guard(source, lambda: con.read_parquet(location(source)))
        return table.rename({normalise_header(c): c for c in table.columns})
    present = {normalise_header(k): k for k in probe_source(source).raw_headers}
    schema = {present[n]: kind for n, kind in fields.items() if n in present}
    table = read_json(con, source, schema, lines=True)
    return table.rename({normalise_header(c): c for c in table.columns})


def read_postgres(con: Backend, source: SourceFile, fields: Mapping[str, str]) -> ir.Table:
    """The wanted columns of a database table, streamed into the engine as Arrow batches.

    Only the named columns travel (JSON ones as text); rows are read once, in batches, into a
    temporary engine table that the pipeline's queries then share.
    """
    remote = postgres_table(source)
    present = {normalise_header(c): c for c in remote.columns}
    wanted = {n: present[n] for n in fields if n in present}
    selection = {n: remote[c].cast("string") for n, c in wanted.items()}
    name = "pg_" + normalise_header(source.table or "table")
    batches = remote.select(**selection).to_pyarrow_batches(chunk_size=100_000)
    return load_arrow_stream(con, name, batches)


def _json_type(schema: Any) -> Any:
    import ibis.expr.datatypes as dt

    if schema == "text":
        return dt.string
    if schema == "json":
        return dt.json
    if isinstance(schema, list):
        return dt.Array(_json_type(schema[0]))
    return dt.Struct({k: _json_type(v) for k, v in schema.items()})


def invalid_json(value: Any) -> ir.BooleanValue:
    """Whether a text value is there but is not JSON (a JSON-typed value never is; Spark's
    parsers give null for bad text on their own)."""
    import ibis
    import ibis.expr.datatypes as dt

    if not hasattr(value, "type") or not value.type().is_string() or on_duckdb(value) is not True:
        return ibis.literal(False)

    def json_valid(value: str) -> bool:  # type: ignore[empty-body]
        """DuckDB's json_valid."""

    function = ibis.udf.scalar.builtin(
        json_valid, name="json_valid", signature=((dt.string,), dt.boolean)
    )
    bad: ir.BooleanValue = value.notnull() & (value != "") & ~function(value)
    return bad


def as_json(value: Any) -> ir.JSONValue:
    """A text or JSON value as JSON; text that is not JSON as null (its row is rejected by
    the adapter that reads tokens from it, see :func:`invalid_json`)."""
    import ibis

    if hasattr(value, "type") and value.type().is_string():
        value = ibis.cases((invalid_json(value), ibis.null("string")), else_=value)
    converted: ir.JSONValue = value.cast("json")
    return converted


def json_struct(value: ir.Value, schema: Schema, duckdb: bool | None = None) -> ir.StructValue:
    """A JSON text column parsed once into a struct of the given fields (missing ones null).

    Reading several fields with JSON paths parses the document once per path; this parses it
    once per row. DuckDB's ``json_transform`` (Spark: ``from_json``). ``duckdb`` says the
    engine where the value cannot (a lambda's argument is bound to no table).
    """
    parsed: ir.StructValue = _json_parse(value, schema, duckdb)
    return parsed


def json_array(value: ir.Value, item: Schema, duckdb: bool | None = None) -> ir.ArrayValue:
    """A JSON text column holding an array, parsed once into an array of structs of the given
    fields, as :func:`json_struct` parses an object. A value that is no array is null on
    DuckDB; Spark's ``from_json`` reads an object as an array of that one object, so a caller
    picks its elements by a field that only the array's elements carry."""
    parsed: ir.ArrayValue = _json_parse(value, [item], duckdb)
    return parsed


def _json_parse(value: ir.Value, schema: Schema | list[Any], duckdb: bool | None) -> Any:
    import ibis
    import ibis.expr.datatypes as dt

    if (on_duckdb(value) if duckdb is None else duckdb) is False:
        return spark_from_json(value, _json_type(schema), spark_type(schema))

    structure = json.dumps(_structure(schema))

    def json_transform(value: Any, structure: str) -> Any:
        """DuckDB's json_transform."""

    function = ibis.udf.scalar.builtin(
        json_transform,
        name="json_transform",
        signature=((dt.json, dt.string), _json_type(schema)),
    )
    return function(as_json(value), structure)


def on_duckdb(value: Any) -> bool | None:
    """Whether an expression runs on DuckDB; None for one bound to no table (a literal)."""
    try:
        backend = value._find_backend()
    except Exception:  # Ibis: "depends on no backends"
        return None
    return is_duckdb(backend)


def spark_json_text(value: Any) -> ir.StringValue:
    """A JSON value as its text on Spark, where JSON is already text (Ibis would unwrap it
    with a function Spark does not have)."""
    import ibis
    import ibis.expr.datatypes as dt

    def string(value: Any) -> str:  # type: ignore[empty-body]
        """Spark's string() cast."""

    function = ibis.udf.scalar.builtin(string, name="string", signature=((dt.json,), dt.string))
    text: ir.StringValue = function(value)
    return text


def json_string_array(value: Any) -> ir.ArrayValue:
    """A JSON array of strings (as text or JSON) as an array of strings (null: not an array)."""
    import ibis
    import ibis.expr.datatypes as dt

    engine = on_duckdb(value)
    if engine is None:
        return ibis.null(dt.Array(dt.string))
    if engine:
        items: ir.ArrayValue = as_json(value).array.map(lambda e: e.str)
        return items
    parsed: ir.ArrayValue = spark_from_json(value, dt.Array(dt.string), "ARRAY<STRING>")
    return parsed


def spark_from_json(value: Any, ibis_type: Any, spark_ddl: str) -> Any:
    """Spark's ``from_json(value, ddl)``: JSON text parsed into the given type."""
    import ibis
    import ibis.expr.datatypes as dt

    def from_json(value: Any, structure: str) -> Any:
        """Spark's from_json."""

    function = ibis.udf.scalar.builtin(
        from_json, name="from_json", signature=((dt.string, dt.string), ibis_type)
    )
    return function(value.cast("string"), spark_ddl)


def _structure(schema: Any) -> Any:
    if isinstance(schema, str):
        return DUCKDB_LEAVES[schema]
    if isinstance(schema, list):
        return [_structure(schema[0])]
    return {k: _structure(v) for k, v in schema.items()}


def materialize(con: Backend, name: str, table: ir.Table) -> ir.Table:
    """Compute a table once into a temporary engine table (DuckDB spills it if need be)."""
    try:
        if not is_duckdb(con):
            return spark_cached(con, table)
        # A fresh name each time (Ibis cannot overwrite a temporary DuckDB table).
        unique = f"tokenecon_{name}_{uuid.uuid4().hex[:8]}"
        return con.create_table(unique, table, temp=True)
    except Exception as exc:  # the engine reports unreadable content here
        message = first_line(exc)
        raise UsageInputError(f"cannot read the usage: {message}") from None


def load_arrow_stream(con: Backend, name: str, batches: Any) -> ir.Table:
    """Materialise a stream of Arrow record batches as an engine table (read once, in batches)."""
    if not is_duckdb(con):
        session = con._session
        session.createDataFrame(batches.read_all()).createOrReplaceTempView(name)
        return con.table(name)
    con.con.register(f"{name}_stream", batches)
    con.raw_sql(f'CREATE OR REPLACE TEMP TABLE "{name}" AS SELECT * FROM "{name}_stream"')
    con.con.unregister(f"{name}_stream")
    return con.table(name)


def _guard(source: SourceFile, read: Any) -> ir.Table:
    try:
        table: ir.Table = read()
    except Exception as exc:  # DuckDB raises its own error types for unreadable files
        message = first_line(exc)
        where = json_break(source) if "JSON" in message else ""
        if where:
            raise UsageInputError(where, BROKEN_JSON_HINT) from None
        raise UsageInputError(f"{source.display}: cannot read: {message}") from None
    return table
