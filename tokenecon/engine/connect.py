"""The execution engine behind the Ibis expressions: DuckDB embedded by default, or Spark.

Everything engine-specific lives here and in :mod:`tokenecon.ingest.readers` (reading files):
connecting, progress, small tables, writing a result file, the few DuckDB-only scans that
number rows. The rest of the pipeline is Ibis expressions that run unchanged on either engine.
Ibis, DuckDB and PySpark are imported lazily, so that `tokenecon --help` stays fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from tokenecon.engine.scratch import scratch_directory
from tokenecon.errors import OptionError, first_line

if TYPE_CHECKING:
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
    """Worker threads (default: all cores)."""
    spark_master: str = "local[*]"
    """Spark master URL, for ``spark``."""


MEMORY_FLOOR = 1_600_000_000
"""The least memory tokenecon gives DuckDB by default, in bytes."""
DUCKDB_SHARE_OF_RAM = 0.8
"""DuckDB's own default memory limit, as a share of physical memory."""


def default_memory_limit(input_bytes: int) -> str | None:
    """DuckDB's memory limit when the user sets none: the inputs' size, at least
    :data:`MEMORY_FLOOR`, at most DuckDB's own default (80% of RAM); None when the size is
    unknown (a database table).

    DuckDB takes what its limit allows whether or not the query needs it: on 10M rows (1.7 GB
    of CSV) the run peaked at 2.2 GB with 80% of 24 GB and at 1.8 GB with a 1.7 GB limit, in
    the same time; at 1.2 GB the duplicate pre-pass spills and the run takes 25% longer. The
    memory a run needs grows with the distinct request ids, so with the input's size.
    """
    if input_bytes <= 0:
        return None
    try:
        ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # no sysconf: leave DuckDB its own default
        return None
    limit = min(int(ram * DUCKDB_SHARE_OF_RAM), max(MEMORY_FLOOR, input_bytes))
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
    import ibis

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
    con = ibis.duckdb.connect(**config)
    # DuckDB's own progress bar writes to stdout, where --json output must stand alone.
    con.raw_sql("SET enable_progress_bar = false")
    # Hand memory back to the system after each query instead of caching up to 128 MB per
    # thread: the duplicate pre-pass's hash table otherwise stays in the peak of the main query
    # (10M rows: peak RSS 2.47 GB -> 1.98 GB, time unchanged).
    con.raw_sql("SET allocator_flush_threshold = '16MB'")
    # Timestamps are handled as UTC. Without ICU, DuckDB is UTC-only; with it, say so.
    with contextlib.suppress(Exception):  # ICU is optional; without it DuckDB works in UTC
        con.raw_sql("LOAD icu; SET TimeZone = 'UTC'")
    return con


def _connect_spark(options: EngineOptions) -> BaseBackend:
    import ibis

    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise OptionError(
            "--engine spark needs PySpark", "pip install 'tokenecon[spark]' (and a Java 17+)"
        ) from None
    builder = (
        SparkSession.builder.master(options.spark_master)
        .appName("tokenecon")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
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
    return ibis.pyspark.connect(session)


def is_duckdb(con: BaseBackend) -> bool:
    """Whether ``con`` is the embedded DuckDB engine."""
    return bool(con.name == "duckdb")


def spark_cached(con: BaseBackend, table: ir.Table) -> ir.Table:
    """A Spark table computed once and kept (Python functions it calls registered first:
    Ibis registers them when it executes a query, not when it caches one)."""
    con._register_udfs(table)
    cached: ir.Table = table.cache()
    return cached


def small_table(con: BaseBackend, name: str, columns: dict[str, list[str]]) -> ir.Table:
    """A small table of text columns held by the engine (not inlined in each query)."""
    import ibis
    import pyarrow as pa

    data = pa.table({k: pa.array(v, pa.string()) for k, v in columns.items()})
    if is_duckdb(con):
        # (Ibis 12 fails on a raw Arrow table here: hand it a memtable.)
        return con.create_table(name, ibis.memtable(data), temp=True)
    # Ibis's PySpark backend has no temporary tables: a temporary view of a DataFrame.
    session = con._session
    session.createDataFrame(data.to_pandas()).createOrReplaceTempView(name)
    return con.table(name)


def query_fraction(con: BaseBackend) -> float | None:
    """How far the running query is (0 to 1), None when the engine cannot say."""
    if is_duckdb(con):
        percent = float(con.con.query_progress())  # -1: no query running
        return percent / 100 if percent >= 0 else None
    tracker = con._session.sparkContext.statusTracker()
    stages = [tracker.getStageInfo(i) for i in tracker.getActiveStageIds()]
    tasks = [(s.numCompletedTasks, s.numTasks) for s in stages if s and s.numTasks]
    if not tasks:
        return None
    return sum(done for done, _ in tasks) / sum(total for _, total in tasks)


def _bytes_read() -> int | None:
    """Bytes this process has read so far (Linux), None elsewhere."""
    try:
        with open("/proc/self/io", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


@contextmanager
def watching(
    con: BaseBackend, report: Callable[[float], None] | None, bytes_total: int = 0
) -> Iterator[None]:
    """Within the block, ``report`` gets the running query's progress every 0.2 s, then 1.0.

    On DuckDB the progress is the bytes the process has read since the block began (less what
    hashing read) over ``bytes_total``: DuckDB's own estimate stays at 0 while it computes a
    shared subquery, which the main query is. Elsewhere it is the engine's own estimate.
    """
    from tokenecon.progress import bytes_hashed

    if report is None:
        yield
        return
    start = _bytes_read() if is_duckdb(con) and bytes_total else None
    hashed = bytes_hashed()
    if is_duckdb(con) and start is None:
        # DuckDB tracks progress only with its bar on; it must not print it (stdout is ours).
        con.raw_sql("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
    stop = threading.Event()

    def fraction() -> float | None:
        if start is None:
            return query_fraction(con)
        now = _bytes_read()
        if now is None:
            return None
        return (now - start - (bytes_hashed() - hashed)) / bytes_total

    def poll() -> None:
        while not stop.wait(0.2):
            done = fraction()
            if done is not None:
                report(max(0.0, min(done, 0.99)))

    thread = threading.Thread(target=poll, name="tokenecon-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        report(1.0)


@contextmanager
def scan_order(con: DuckDBBackend) -> Iterator[None]:
    """Within the block, rows come out in file order (row numbers mean lines)."""
    con.raw_sql("SET preserve_insertion_order = true")
    try:
        yield
    finally:
        con.raw_sql("SET preserve_insertion_order = false")


def lines_matching(con: DuckDBBackend, path: str, pattern: str) -> list[tuple[int, str]]:
    """(line number, text) of the physical lines of a text file that match an RE2 pattern.

    Engine-specific on purpose: a streaming ROW_NUMBER() OVER () over the file read as whole
    lines is one pass (10M lines: ~4.5 s); the portable Ibis window carries a frame clause that
    makes DuckDB buffer every row first (~14 s).
    """
    sql = """
        SELECT number, line FROM (
            SELECT row_number() OVER () AS number, line
            FROM read_csv(?, columns = {'line': 'VARCHAR'}, header = false,
                          auto_detect = false, delim = '\x01', quote = '', escape = '',
                          strict_mode = false, null_padding = true)
        ) WHERE regexp_matches(line, ?)
        ORDER BY number
    """
    with scan_order(con):
        rows = con.con.execute(sql, [path, pattern]).fetchall()
    return [(int(number), str(line)) for number, line in rows]


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
    import shutil
    from pathlib import Path

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
