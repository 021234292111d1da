"""Connecting to the execution engine behind the Ibis expressions: DuckDB embedded by default,
or Spark; the session settings (UTC, memory limit, spill directory, threads).

Everything engine-specific lives in this package and in :mod:`tokenecon.ingest.readers`
(reading files): connecting here, the progress of a running query in :mod:`.progress`, and
the few statements that differ between the engines (small tables, numbered scans, writing a
file) in :mod:`.dialect`. The rest of the pipeline is Ibis expressions that run unchanged on
either engine. The command line imports this package only once a command runs, so that
`tokenecon --help` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass, replace
from importlib import resources
from typing import TYPE_CHECKING, Any

from tokenecon.errors import OptionError, first_line
from tokenecon.scratch import scratch_directory

if TYPE_CHECKING:
    import duckdb
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend
    from ibis.backends.duckdb import Backend as DuckDBBackend

ENGINES = ("duckdb", "spark")


@dataclass(frozen=True)
class EngineOptions:
    """How to run the pipeline."""

    name: str = "duckdb"
    """``duckdb`` (embedded, the default) or ``spark``."""
    memory_limit: str | None = None
    """DuckDB memory limit (e.g. ``2GB``; DuckDB's default is 80% of RAM); Spark driver memory."""
    temp_directory: str | None = None
    """Where DuckDB spills when memory runs short (Spark: ``spark.local.dir``)."""
    threads: int | None = None
    """Worker threads (default: all cores; one for inputs up to :data:`ONE_THREAD_BYTES`)."""
    spark_master: str = "local[*]"
    """Spark master URL, for ``spark``."""


ONE_THREAD_BYTES = 8 << 20
"""Inputs up to this size run on one DuckDB thread unless told otherwise (see
:func:`duckdb_session`)."""
LOCAL_DRIVER_MEMORY = "2g"
"""Spark's driver (and, in local mode, executor) memory unless --memory-limit says."""
MEMORY_FLOOR = 1_000_000_000
"""The least memory tokenecon gives DuckDB by default, in bytes."""
INPUT_SHARE = 0.6
"""The default memory limit as a share of the inputs' size (above :data:`MEMORY_FLOOR`)."""
DUCKDB_SHARE_OF_RAM = 0.8
"""DuckDB's own default memory limit, as a share of physical memory."""


def default_memory_limit(input_bytes: int) -> str | None:
    """DuckDB's memory limit when the user sets none: :data:`INPUT_SHARE` of the inputs' size,
    at least :data:`MEMORY_FLOOR`, at most DuckDB's own default (80% of RAM); None when the
    size is unknown (a database table).

    DuckDB takes what its limit allows whether or not the query needs it, and the process
    needs a few hundred MB besides (Python, Ibis, Arrow: ~270 MB once imported). 10M rows
    (1.7 GB of CSV), measured in one run on a loaded 2-core machine: a limit of the file's
    size peaked at 1,885 MiB and 55.2 s of CPU, 1.2 GB at 1,467 MiB and 58.5 s of CPU (the
    grain and the duplicate pre-pass spill a little); DuckDB's default (80% of 24 GB) peaked
    at 2.2 GB in the same time. On a quiet machine, two runs each: 1.2 GB peaked at 1,498 and
    1,586 MiB (over the 1.5 GB a 10M-row run is allowed), 1.1 GB at 1,379 and 1,443 MiB,
    1.0 GB at 1,266 and 1,289 MiB for 3% more CPU (owners.yaml: 1,415 against 1,680 MiB, 6%):
    hence a floor of 1 GB and 60% of the input (the file's 70%, 1,177 MB, was the 1.2 GB case).
    The memory a run needs grows with the distinct request ids and tasks, so with the
    input's size.
    """
    if input_bytes <= 0:
        return None
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # no sysconf: leave DuckDB its own default
        return None
    wanted = max(MEMORY_FLOOR, int(input_bytes * INPUT_SHARE))
    limit = min(int(ram * DUCKDB_SHARE_OF_RAM), wanted)
    return f"{limit // 1_000_000}MB"


def connect(options: EngineOptions, input_bytes: int = 0) -> BaseBackend:
    """An Ibis connection to a fresh engine session, in UTC. ``input_bytes`` (the size of the
    inputs, 0 if unknown) sizes DuckDB's default memory limit (:func:`default_memory_limit`)."""
    if options.name not in ENGINES:
        raise OptionError(
            f"unknown engine {options.name!r}", f"--engine takes one of {', '.join(ENGINES)}"
        )
    if options.name == "spark":
        return _connect_spark(options)
    return _connect_duckdb(options, input_bytes)


def _connect_duckdb(options: EngineOptions, input_bytes: int = 0) -> DuckDBBackend:
    return ibis_backend(duckdb_session(options, input_bytes))


def duckdb_session(options: EngineOptions, input_bytes: int = 0) -> duckdb.DuckDBPyConnection:
    """A plain DuckDB connection with tokenecon's session settings, Ibis not imported: what a
    run whose SQL is cached (:mod:`.sqlcache`) runs on, and what :func:`ibis_backend` wraps
    otherwise, so both paths run in the same session."""
    import duckdb

    # Results are sorted where order matters; not preserving scan order frees the engine
    # (measured: the main query on 10M rows 10.5 s -> 9.2 s).
    config: dict[str, Any] = {"preserve_insertion_order": False}
    memory_limit = options.memory_limit or default_memory_limit(input_bytes)
    if memory_limit:
        config["memory_limit"] = memory_limit
    # Not DuckDB's default `.tmp` of the working folder, which two runs there would share.
    config["temp_directory"] = options.temp_directory or scratch_directory("spill-")
    if options.threads:
        config["threads"] = options.threads
    elif 0 < input_bytes <= ONE_THREAD_BYTES:
        # A small file is one buffer of DuckDB's readers, scanned by one thread anyway; a second
        # thread only adds per-thread hash tables to merge. Measured on the example month
        # (2.5 MB, 2 cores, loaded): replaying its queries 0.56 -> 0.37 s, 0.18 -> 0.12 s of CPU;
        # a 2-row CSV 0.18 -> 0.14 s.
        config["threads"] = 1
    con = duckdb.connect(":memory:", config=config)
    # DuckDB's own progress bar writes to stdout, where --json output must stand alone.
    con.execute("SET enable_progress_bar = false")
    # Hand memory back to the system after each query instead of caching up to 128 MB per
    # thread: the duplicate pre-pass's hash table otherwise stays in the peak of the main query
    # (10M rows: peak RSS 2.47 GB -> 1.98 GB, time unchanged).
    con.execute("SET allocator_flush_threshold = '16MB'")
    # And let DuckDB's allocator thread return what a finished query freed: without it the
    # main query's ~1 GB stayed in the process while its result became Python records (10M
    # rows with a people file: 1,370 MB held after the query, peak 1,480-1,615 MB; with it,
    # 1,257 MB and a peak of 1,299 MB; two runs each: CPU within 1%).
    con.execute("SET allocator_background_threads = true")
    # Timestamps are handled as UTC. Without ICU, DuckDB is UTC-only; with it, say so.
    with contextlib.suppress(Exception):  # ICU is optional; without it DuckDB works in UTC
        con.execute("LOAD icu; SET TimeZone = 'UTC'")
    # As Ibis sets it on every connection (it does again in ibis_backend): a replayed query
    # runs in the same session as a compiled one. Names never resolve to Python variables.
    con.execute("SET python_enable_replacements = false")
    return con


def ibis_backend(con: duckdb.DuckDBPyConnection) -> DuckDBBackend:
    """Ibis over a connection from :func:`duckdb_session` (Ibis sets UTC and turns DuckDB's
    lookup of Python variables as tables off, as it does on any connection it opens)."""
    from tokenecon.engine.lazy import lazy_sql_compilers

    lazy_sql_compilers()
    from ibis.backends.duckdb import Backend

    return Backend.from_connection(con)


def _connect_spark(options: EngineOptions) -> BaseBackend:
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise OptionError(
            "--engine spark needs PySpark",
            "pip install -e '.[spark]' in the tokenecon checkout (and a Java 17+)",
        ) from None
    builder = (
        SparkSession.builder.master(options.spark_master)
        .appName("tokenecon")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        # A text that does not fit a --timestamp-format pattern is null (a rejected row), not
        # an error because Spark 2's parser would have read it
        .config("spark.sql.legacy.timeParserPolicy", "CORRECTED")
        # Python functions (token counting) run in workers with this interpreter and its
        # packages, not whatever `python3` is on the PATH.
        .config("spark.pyspark.python", sys.executable)
        .config("spark.pyspark.driver.python", sys.executable)
    )
    if options.spark_master.startswith("local"):
        # A handful of partitions suits one machine; the default 200 costs seconds on small data.
        builder = builder.config("spark.sql.shuffle.partitions", "8")
        builder = builder.config("spark.driver.bindAddress", "127.0.0.1")
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # no "resolves to a loopback" warning
    log4j = resources.files("tokenecon.data") / "spark" / "log4j2.properties"
    builder = builder.config(
        "spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log4j}"
    )
    if options.memory_limit:
        builder = builder.config("spark.driver.memory", options.memory_limit)
    elif options.spark_master.startswith("local"):
        # Spark's own 1 GB ran out of heap after a few dozen runs in one process (the test
        # suite: "Java heap space" while compiling and caching the usage query's plans).
        builder = builder.config("spark.driver.memory", LOCAL_DRIVER_MEMORY)
    if options.temp_directory:
        builder = builder.config("spark.local.dir", options.temp_directory)
    # The workers' interpreter is read from the environment when the JVM starts.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # The JVM writes its start-up chatter to the stderr it inherits: give it a log file.
    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (the JVM keeps writing to it)
        prefix="tokenecon-spark-", suffix=".log", delete=False
    )
    saved = os.dup(2)
    try:
        os.dup2(log.fileno(), 2)
        session = builder.getOrCreate()
    except Exception as exc:  # no Java, a bad master URL: Spark raises its own types
        message = first_line(exc)
        raise OptionError(
            f"cannot start Spark at {options.spark_master}: {message}",
            f"check --spark-master and that Java 17+ is installed (JAVA_HOME); Spark's log: "
            f"{log.name}",
        ) from None
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    session.sparkContext.setLogLevel("ERROR")
    from tokenecon.engine.lazy import lazy_sql_compilers

    lazy_sql_compilers()
    import ibis

    return ibis.pyspark.connect(session)


class Session:
    """A run's engine, connected on first use: a plain DuckDB connection for SQL that is
    already compiled (:mod:`.sqlcache`), wrapped in Ibis only when an expression is built (Ibis
    and sqlglot are ~0.5 s of imports)."""

    def __init__(self, options: EngineOptions, input_bytes: int = 0) -> None:
        if options.name not in ENGINES:
            raise OptionError(
                f"unknown engine {options.name!r}", f"--engine takes one of {', '.join(ENGINES)}"
            )
        self.options = options
        self._input_bytes = input_bytes
        self._raw: duckdb.DuckDBPyConnection | None = None
        self._ibis: BaseBackend | None = None

    def one_thread(self) -> None:
        """Run DuckDB on one worker thread from now on, unless ``--threads`` said otherwise:
        for inputs so small that a second thread costs more CPU than it saves time (see
        :mod:`tokenecon.aggregate.memo`, which decides it for JSON Lines by their size)."""
        if self.options.threads or self.options.name != "duckdb":
            return
        self.options = replace(self.options, threads=1)
        if self._raw is not None:
            self._raw.execute("SET threads = 1")

    def raw(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection (DuckDB engine only)."""
        if self._raw is None:
            self._raw = duckdb_session(self.options, self._input_bytes)
        return self._raw

    def fresh_raw(self) -> duckdb.DuckDBPyConnection:
        """A new DuckDB connection with the settings of :meth:`raw` (the caller closes it)."""
        return duckdb_session(self.options, self._input_bytes)

    def ibis(self) -> BaseBackend:
        """The Ibis backend: over :meth:`raw` for DuckDB, a Spark session for Spark."""
        if self._ibis is None:
            if self.options.name == "spark":
                self._ibis = _connect_spark(self.options)
            else:
                self._ibis = ibis_backend(self.raw())
        return self._ibis


def is_duckdb(con: BaseBackend) -> bool:
    """Whether ``con`` is the embedded DuckDB engine."""
    return bool(con.name == "duckdb")


def spark_cached(con: BaseBackend, table: ir.Table) -> ir.Table:
    """A Spark table computed once and kept (Python functions it calls registered first:
    Ibis registers them when it executes a query, not when it caches one)."""
    con._register_udfs(table)
    cached: ir.Table = table.cache()
    return cached
