"""The execution engine behind the Ibis expressions: DuckDB embedded by default.

Ibis and DuckDB are imported here, lazily, so that `tokenecon --help` stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tokenecon.errors import OptionError

if TYPE_CHECKING:
    from ibis.backends.duckdb import Backend as DuckDBBackend

ENGINES = ("duckdb",)


@dataclass(frozen=True)
class EngineOptions:
    """How to run the pipeline."""

    name: str = "duckdb"
    """Which engine: only ``duckdb`` for now."""
    memory_limit: str | None = None
    """DuckDB memory limit (e.g. ``2GB``); DuckDB's default is 80% of RAM."""
    temp_directory: str | None = None
    """Where DuckDB spills when memory runs short."""
    threads: int | None = None
    """Worker threads (default: all cores)."""


def connect(options: EngineOptions) -> DuckDBBackend:
    """An Ibis connection to a fresh in-memory engine, in UTC."""
    if options.name not in ENGINES:
        raise OptionError(
            f"unknown engine {options.name!r}", f"--engine takes one of {', '.join(ENGINES)}"
        )
    import ibis

    config: dict[str, Any] = {}
    if options.memory_limit:
        config["memory_limit"] = options.memory_limit
    if options.temp_directory:
        config["temp_directory"] = options.temp_directory
    if options.threads:
        config["threads"] = options.threads
    con = ibis.duckdb.connect(**config)
    # Timestamps are handled as UTC. Without ICU, DuckDB is UTC-only; with it, say so.
    try:
        con.raw_sql("LOAD icu; SET TimeZone = 'UTC'")
    except Exception:  # noqa: BLE001 - ICU is optional; without it DuckDB works in UTC
        pass
    return con
