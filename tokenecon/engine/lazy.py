"""Importing Ibis's DuckDB backend without every other SQL engine's compiler.

``ibis.backends.sql.compilers`` imports the compilers of all twenty engines Ibis supports
(Athena, BigQuery, Trino, ...) when its DuckDB backend is loaded: 0.25-0.3 s of a 1.7 s run
on a 2-row CSV, for classes tokenecon never uses. :func:`lazy_sql_compilers` puts that package
in place first with the same submodules, each imported when first named (``sc.duckdb``,
``sc.pyspark``, ``sc.DuckDBCompiler``), so only the engines a run uses are loaded.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

PACKAGE = "ibis.backends.sql.compilers"
_CLASSES = {
    "AthenaCompiler": "athena",
    "BigQueryCompiler": "bigquery",
    "ClickHouseCompiler": "clickhouse",
    "DataFusionCompiler": "datafusion",
    "DatabricksCompiler": "databricks",
    "DruidCompiler": "druid",
    "DuckDBCompiler": "duckdb",
    "ExasolCompiler": "exasol",
    "FlinkCompiler": "flink",
    "ImpalaCompiler": "impala",
    "MSSQLCompiler": "mssql",
    "MaterializeCompiler": "materialize",
    "MySQLCompiler": "mysql",
    "OracleCompiler": "oracle",
    "PostgresCompiler": "postgres",
    "PySparkCompiler": "pyspark",
    "RisingWaveCompiler": "risingwave",
    "SQLiteCompiler": "sqlite",
    "SnowflakeCompiler": "snowflake",
    "TrinoCompiler": "trino",
}
"""What the real package's ``__init__`` exports, and the submodule of each."""


def lazy_sql_compilers() -> None:
    """Install ``ibis.backends.sql.compilers`` as a package whose submodules load on first use
    (nothing happens if it is imported already, or if Ibis has moved it)."""
    if PACKAGE in sys.modules:
        return
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except ImportError:
        return
    if spec is None or not spec.submodule_search_locations:
        return
    package = importlib.util.module_from_spec(spec)  # the package, its __init__ not run

    def __getattr__(name: str) -> object:
        submodule = _CLASSES.get(name, name)
        if submodule.startswith("_") and name not in _CLASSES:
            raise AttributeError(name)
        try:
            module = importlib.import_module(f"{PACKAGE}.{submodule}")
        except ModuleNotFoundError:
            raise AttributeError(f"module {PACKAGE!r} has no attribute {name!r}") from None
        return getattr(module, name) if name in _CLASSES else module

    package.__getattr__ = __getattr__  # type: ignore[method-assign]
    package.__all__ = list(_CLASSES)  # type: ignore[attr-defined]
    sys.modules[PACKAGE] = package
    parent: ModuleType = sys.modules["ibis.backends.sql"]
    parent.compilers = package  # type: ignore[attr-defined]
