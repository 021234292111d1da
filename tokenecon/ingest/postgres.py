"""A database table as a usage source (LiteLLM's spend logs in PostgreSQL): connecting to it and
naming its columns. :func:`tokenecon.ingest.readers.read_postgres` streams its rows in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenecon.errors import UsageInputError, first_line
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir


def postgres_columns(source: SourceFile) -> list[str]:
    """The column names of a database table source."""
    return list(postgres_table(source).columns)


def postgres_table(source: SourceFile) -> ir.Table:
    """The table of a database source, connected through Ibis."""
    import ibis

    assert source.url is not None and source.table is not None
    try:
        backend = ibis.connect(source.url.replace("postgresql://", "postgres://", 1))
    except Exception as exc:  # the driver's own errors: refused, auth, unknown database
        message = first_line(exc)
        raise UsageInputError(
            f"{source.display}: cannot connect: {message}", "check the postgres:// URL"
        ) from None
    try:
        return backend.table(source.table)
    except Exception:
        raise UsageInputError(
            f"{source.display}: no table {source.table!r}",
            "name the table as it is spelled in the database: --table LiteLLM_SpendLogs",
        ) from None
