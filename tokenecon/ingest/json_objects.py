"""JSON arrays and objects unwrapped inside a query, on DuckDB and on Spark.

Some APIs key their records by name rather than list them: LiteLLM's daily activity has
``"models": {"gpt-4o": {...}, "claude-sonnet-4-5": {...}}``. A reader's schema cannot name
such members ahead of time, so they are read as JSON and unwrapped here into an array of
``{name, value}`` entries (the value still JSON) that an adapter unnests with Ibis. The
engine-specific functions live here, on top of :mod:`tokenecon.ingest.readers`: DuckDB's
``json_keys`` and ``json_extract(…, '$.*')`` zipped in one pass (never a member looked up by
name per row, which parses the object again for each of its members), Spark's ``from_json``
into a map.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.readers import as_json, on_duckdb, spark_from_json, spark_json_text

if TYPE_CHECKING:
    import ibis.expr.types as ir


def _entries_type() -> Any:
    import ibis.expr.datatypes as dt

    return dt.Array(dt.Struct({"name": dt.string, "value": dt.json}))


def _duckdb(name: str, inputs: tuple[Any, ...], output: Any) -> Any:
    """A DuckDB built-in function of one or two arguments as an Ibis function."""
    import ibis

    def one(a: Any) -> Any:
        """A DuckDB built-in."""

    def two(a: Any, b: Any) -> Any:
        """A DuckDB built-in."""

    function = one if len(inputs) == 1 else two
    return ibis.udf.scalar.builtin(function, name=name, signature=(inputs, output))


def json_type(value: Any, duckdb: bool | None = None) -> ir.StringValue:
    """The JSON type of a value: ``OBJECT``, ``ARRAY``, ``VARCHAR``, ``UBIGINT``... on DuckDB;
    on Spark only ``OBJECT``, ``ARRAY`` or ``VALUE`` (from the text's first character). Null
    for a null value. ``duckdb`` as for :func:`json_entries`."""
    import ibis
    import ibis.expr.datatypes as dt

    engine = on_duckdb(value) if duckdb is None else duckdb
    if engine is None:
        return ibis.null("string")
    if engine:
        kind: ir.StringValue = _duckdb("json_type", (dt.json,), dt.string)(as_json(value))
        return kind
    text = value.cast("string") if value.type().is_string() else spark_json_text(value)
    head = text.strip().substr(0, 1)
    return ibis.cases(
        (head == "{", "OBJECT"), (head == "[", "ARRAY"), (text.notnull(), "VALUE"),
        else_=ibis.null("string"),
    )  # fmt: skip


def json_elements(value: Any) -> ir.ArrayValue:
    """The elements of a JSON array, each as JSON (on Spark its text); null when the value
    is no array."""
    import ibis
    import ibis.expr.datatypes as dt

    engine = on_duckdb(value)
    if engine is None:
        return ibis.null(dt.Array(dt.json))
    if engine:
        extract = _duckdb("json_extract", (dt.json, dt.string), dt.Array(dt.json))
        return ibis.cases(
            (json_type(value) == "ARRAY", extract(as_json(value), "$[*]")),
            else_=ibis.null(dt.Array(dt.json)),
        )
    # Spark has no JSON type: an element is its JSON text
    elements: ir.ArrayValue = spark_from_json(value, dt.Array(dt.string), "ARRAY<STRING>")
    return elements


def json_entries(value: Any, duckdb: bool | None = None) -> ir.ArrayValue:
    """The members of a JSON object as ``{name, value}`` entries in document order (the
    value as JSON, on Spark its text); null when the value is no object. ``duckdb`` says the
    engine where the value cannot (a lambda's argument is bound to no table)."""
    import ibis
    import ibis.expr.datatypes as dt

    engine = on_duckdb(value) if duckdb is None else duckdb
    entries = _entries_type()
    if engine is None:
        return ibis.null(entries)
    if engine:
        parsed = as_json(value)
        names = _duckdb("json_keys", (dt.json,), dt.Array(dt.string))(parsed)
        values = _duckdb("json_extract", (dt.json, dt.string), dt.Array(dt.json))(parsed, "$.*")
        # list_zip gives unnamed fields: typed as f0, f1 here, then cast to named ones
        unnamed = dt.Array(dt.Struct({"f0": dt.string, "f1": dt.json}))
        zipped = _duckdb("list_zip", (names.type(), values.type()), unnamed)(names, values)
        return ibis.cases(
            (json_type(value, engine) == "OBJECT", zipped.cast(entries)), else_=ibis.null(entries)
        )
    # Spark has no JSON type: a member's value is its JSON text
    members = spark_from_json(value, dt.Map(dt.string, dt.string), "MAP<STRING, STRING>")
    zipped = members.keys().zip(members.values())
    named: ir.ArrayValue = zipped.map(lambda e: ibis.struct({"name": e.f1, "value": e.f2}))
    return named
