"""The engine type of a JSON schema node (``text``, ``json``, a list of one node, or an
object of named nodes) that the JSON readers read with: DuckDB's and Spark's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]
"""A JSON schema as nested dicts: a field is ``"text"``, ``"json"`` (kept whole), a dict (an
object) or a one-element list (an array of that)."""


def spark_type(schema: Any) -> str:
    """The Spark SQL type of a schema node (a JSON leaf kept whole is its text)."""
    if schema in ("text", "json"):
        return "STRING"
    if isinstance(schema, list):
        return f"ARRAY<{spark_type(schema[0])}>"
    fields = ", ".join(f"`{k}`: {spark_type(v)}" for k, v in schema.items())
    return f"STRUCT<{fields}>"


def spark_schema(schema: Schema) -> str:
    """A Spark DDL schema string for top-level fields."""
    return ", ".join(f"`{k.replace('`', '``')}` {spark_type(v)}" for k, v in schema.items())


DUCKDB_LEAVES = {"text": "VARCHAR", "json": "JSON"}
"""The DuckDB type of each schema leaf (``json``: the value kept whole)."""


def duckdb_type(schema: Any) -> str:
    """The DuckDB type of a schema node."""
    if isinstance(schema, str):
        return DUCKDB_LEAVES[schema]
    if isinstance(schema, list):
        return duckdb_type(schema[0]) + "[]"
    fields = ", ".join(f'"{k}" {duckdb_type(v)}' for k, v in schema.items())
    return f"STRUCT({fields})"
