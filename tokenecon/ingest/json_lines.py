"""JSON Lines that are not valid JSON: one rejected row each, with its line, not a failed run.

DuckDB's JSON reader stops the whole read at a malformed line. With ``ignore_errors`` it
gives such a line a row whose every field is null instead (one row per non-blank line, as for
a good line), so the rows keep their count and order. :func:`with_line_errors` names those
rows in the :data:`~tokenecon.ingest.csv_shape.ROW_ERROR` column that every adapter's checks
read first (:func:`tokenecon.ingest.validate.build_canonical`); the line of each is found by
:mod:`tokenecon.aggregate.rejects`.

A line that is valid JSON yet holds none of the fields read (``{}``, an array, a string)
reads the same as a malformed one, and is rejected with the same reason. Only adapters whose
raw table keeps every line until it is checked ask for this (``lines=True`` in
:func:`tokenecon.ingest.readers.read_json`); the others stop at a malformed line as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from tokenecon.ingest.csv_shape import ROW_ERROR

if TYPE_CHECKING:
    import ibis.expr.types as ir

MALFORMED = "line is not valid JSON (or a JSON value with none of the fields read)"
"""The reject reason of a JSON line the reader could not take a field from."""


def with_line_errors(table: ir.Table, fields: Iterable[str]) -> ir.Table:
    """``table`` with a :data:`ROW_ERROR` column: :data:`MALFORMED` where every field of
    ``fields`` is null."""
    import ibis

    empty = ibis.and_(*[table[name].isnull() for name in fields])
    return table.mutate(
        **{ROW_ERROR: ibis.cases((empty, ibis.literal(MALFORMED)), else_=ibis.null("string"))}
    )
