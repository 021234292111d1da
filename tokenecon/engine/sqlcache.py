"""Compiled SQL kept between runs, so that a run whose inputs were read before skips Ibis.

On a small input a run is imports and compiling, not the query: importing Ibis and sqlglot and
compiling the expressions of `analyze` cost ~1 s where DuckDB runs the query in well under
0.1 s (docs/engine.md, "Start-up"). A run under :func:`recording` notes every statement it
sends to DuckDB (the views over the files, the queries whose results come back) and the Arrow
type of each result; :func:`store` keeps that list in the user's cache folder. A later run with
the same key (:func:`cache_key`) sends the same statements to a plain DuckDB connection
(:func:`replay`) without importing Ibis at all. The data is always read afresh: only the SQL
is reused.

The key is the caller's description of everything the SQL depends on (input files by content,
options, mapping), plus this package's code and the versions of Ibis, sqlglot, DuckDB and
pyarrow: any change makes a new key. Entries are written atomically (a temporary file renamed
into place, so concurrent runs never read half an entry); an unreadable or foreign entry is
ignored and the run compiles as if there were none.

Where: ``TOKENECON_CACHE_DIR``, else ``$XDG_CACHE_HOME/tokenecon``, else ``~/.cache/tokenecon``
(an ``sql`` folder inside, and ``yaml`` for parsed YAML files:
:func:`tokenecon.engine.yamlcache.kept_yaml`).
``TOKENECON_CACHE_DIR=off`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenecon.engine.rows import Result, duckdb_columns, fetch

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    from ibis.backends import BaseBackend


ENTRY_FORMAT = 2
"""Bumped whenever the layout of an entry changes."""
MAX_ENTRIES = 256
"""Entries kept; beyond this the least recently used are removed."""
ENV = "TOKENECON_CACHE_DIR"


def cache_folder() -> Path | None:
    """Where entries live (see the module docs); None when the cache is off."""
    given = os.environ.get(ENV)
    if given is not None:
        return None if given.strip().lower() in ("", "off", "0", "no") else Path(given) / "sql"
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no home folder to be found: no cache
            return None
    return Path(base) / "tokenecon" / "sql"


def file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@functools.cache
def _code_version() -> list[Any]:
    """What the compiled SQL (and a kept parse) depends on besides the caller's key:
    tokenecon's own modules and those of Ibis, sqlglot, DuckDB, pyarrow and PyYAML (each
    file's name, size and modification time: an upgrade or an edit rewrites them; read once
    per process, without importlib.metadata, whose scan of the installed packages cost more
    than the rest)."""
    import importlib.util

    root = Path(__file__).resolve().parent.parent
    files = _modules(str(root))
    for name in ("ibis", "sqlglot", "duckdb", "pyarrow", "yaml"):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None or not spec.origin:
            files.append((name, 0, 0))
            continue
        folder = Path(spec.origin).parent
        for path in sorted([folder / "__init__.py", *folder.glob("*version*.py")]):
            with contextlib.suppress(OSError):
                stat = path.stat()
                files.append((str(path), stat.st_size, stat.st_mtime_ns))
    return [ENTRY_FORMAT, str(root), hashlib.sha256(repr(files).encode()).hexdigest()]


def _modules(root: str) -> list[tuple[str, int, int]]:
    """Each ``.py`` file under ``root`` (symbolic links to folders not followed), as
    (path inside ``root``, size, modification time), sorted. (os.scandir: pathlib's rglob
    and a Path per file took ~3 ms of every run's ~200 files.)"""
    files, folders = [], [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                elif entry.name.endswith(".py"):
                    stat = entry.stat()
                    files.append((entry.path[len(root) + 1 :], stat.st_size, stat.st_mtime_ns))
    return sorted(files)


def cache_key(parts: Any) -> str:
    """The key of an entry: ``parts`` (JSON-able: the caller's description of what the SQL
    depends on) with the code and library versions."""
    text = json.dumps([_code_version(), parts], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Entry:
    """What a recorded run sent to DuckDB, in order, and what the caller keeps beside it."""

    key: str
    statements: list[tuple[str, str, Any]] = field(default_factory=list)
    """``("execute", sql, parameters)`` or ``("result", sql, (arrow schema as IPC bytes,
    DuckDB's types of it: :func:`.rows.duckdb_columns`))``."""
    state: Any = None
    """The caller's own values (plain data), returned by :func:`load` with the statements."""


def _shelf(kind: str) -> Path | None:
    """The folder of one kind of entry: ``sql`` (compiled SQL, the shipped price book),
    ``yaml`` (parsed files, :mod:`.yamlcache`), side by side."""
    folder = cache_folder()
    return None if folder is None else folder.with_name(kind)


def load(key: str, kind: str = "sql") -> Entry | None:
    """The entry stored under ``key``; None if there is none or it cannot be read."""
    folder = _shelf(kind)
    if folder is None:
        return None
    path = folder / f"{key}.entry"
    try:
        # Pickle, from a folder only this user writes (made 0700), like Python's own caches.
        entry = pickle.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except Exception:  # a truncated, corrupt or foreign file: compile as if there were none
        return None
    if not isinstance(entry, Entry) or entry.key != key:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used
    return entry


def store(entry: Entry, kind: str = "sql") -> None:
    """Keep ``entry`` (atomically; a failure to write is not an error: the next run compiles)."""
    folder = _shelf(kind)
    if folder is None:
        return
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temp = tempfile.mkstemp(prefix=".entry-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, folder / f"{entry.key}.entry")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
        _prune(folder)


def _prune(folder: Path) -> None:
    entries = list(folder.glob("*.entry"))
    if len(entries) <= MAX_ENTRIES:
        return
    aged = []
    for path in entries:
        with contextlib.suppress(OSError):
            aged.append((path.stat().st_mtime, path))
    for _, path in sorted(aged)[: len(aged) - MAX_ENTRIES]:
        with contextlib.suppress(OSError):
            path.unlink()


class Recording:
    """The statements a run sends to DuckDB through Ibis (see :func:`recording`)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, str, Any]] = []
        self.replayable = True
        """False once the run did something a list of statements cannot repeat (registered a
        Python object or function, a statement with parameters of other types...)."""
        self.last_sql: str | None = None
        self.tables: list[pa.Table] = []
        """The results, in order, as the pipeline got them."""
        self.past_main = False
        """Whether the main query's result (the first with the accounting ``kind`` column)
        came back: what follows it is not replayed (aggregate/memo.py), so not checked."""

    def result(self, sql: str | None, raw: pa.Table, converted: pa.Table) -> None:
        """A query whose result came back: ``raw`` as DuckDB gave it, ``converted`` as the
        pipeline uses it (replay casts to its type, so the two must agree)."""
        self.tables.append(converted)
        if self.past_main:
            return
        self.past_main = "kind" in converted.column_names
        if sql is None or not raw.cast(converted.schema).equals(converted):
            self.replayable = False
            return
        typed = _typed(sql, raw.schema, converted.schema)
        schema = converted.schema
        described = (schema.serialize().to_pybytes(), duckdb_columns(schema))
        self.statements.append(("result", typed, described))


class _Recorder:
    """Stands in for the DuckDB connection inside an Ibis backend, noting what is sent."""

    def __init__(self, raw: duckdb.DuckDBPyConnection, recording: Recording) -> None:
        self._raw = raw
        self._recording = recording
        self._last: Any = None

    def execute(self, query: Any, parameters: Any = None, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(query, str) or not _plain(parameters):
            self._recording.replayable = False
        else:
            self._recording.statements.append(("execute", query, parameters))
        self._last = query
        out = self._raw.execute(query, parameters, *args, **kwargs)
        # DuckDB's execute returns the connection itself, and Ibis goes on with it (create
        # a table, then insert into it): what is sent next must be noted too, or a replay
        # would create the table and never fill it.
        return self if out is self._raw else out

    def sql(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        # A relation: Ibis reads schemas (DESCRIBE) and results this way. A result is noted
        # by :func:`~tokenecon.engine.results.arrow_result`; the rest only read.
        plain = isinstance(query, str) and not args and not kwargs  # (no parameters)
        self._recording.last_sql = query if plain else None
        if not isinstance(query, str) or not query.lstrip().upper().startswith(
            ("SELECT", "WITH", "DESCRIBE", "(")
        ):
            self._recording.replayable = False
        return self._raw.sql(query, *args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._raw, name)
        if self._recording.past_main:
            return value
        if name in _FETCHES and self._last in _NAMES_ONLY:
            return value  # the database's own name: the same on every run
        if name in _FETCHES and _inserts(self._last):
            return value  # the count of rows an INSERT stored (Ibis's create_table drops it)
        if callable(value):
            # register, create_function, from_arrow, a fetch of a result the replay would
            # not check...
            self._recording.replayable = False
        return value


_FETCHES = frozenset({"fetchone", "fetchall", "fetchmany", "fetch_arrow_table", "arrow"})
_NAMES_ONLY = frozenset({"SELECT CURRENT_DATABASE()", "SELECT CURRENT_SCHEMA()"})


def _inserts(query: Any) -> bool:
    return isinstance(query, str) and query.lstrip()[:12].upper() == "INSERT INTO "


def _typed(sql: str, raw: pa.Schema, wanted: pa.Schema) -> str:
    """``sql`` with DuckDB's whole-number decimals (its sums of integers) cast to BIGINT where
    the pipeline wants int64, so that a replay gets the wanted types from DuckDB itself
    instead of importing pyarrow's compute kernels (~0.1 s) to cast them."""
    import pyarrow as pa

    if raw.names != wanted.names or _ordered(sql):
        return sql  # (a projection over an ordered query need not keep its order)
    columns, changed = [], False
    for have, want in zip(raw, wanted, strict=True):
        name = '"' + have.name.replace('"', '""') + '"'
        whole = pa.types.is_decimal(have.type) and have.type.scale == 0
        if whole and want.type == pa.int64():
            columns.append(f"CAST({name} AS BIGINT) AS {name}")
            changed = True
        else:
            columns.append(name)
    return f"SELECT {', '.join(columns)} FROM ({sql}) AS replayed" if changed else sql


def _ordered(sql: str) -> bool:
    """Whether ``sql`` has an ORDER BY of its own (outside parentheses and quotes)."""
    depth, quote, outer = 0, "", []
    for char in sql:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            outer.append(char)
    return "ORDER BY" in " ".join("".join(outer).upper().split())


def _plain(parameters: Any) -> bool:
    if parameters is None:
        return True
    if not isinstance(parameters, list | tuple):
        return False
    return all(
        isinstance(p, str | int | float | bool) or p is None
        or (isinstance(p, list | tuple) and all(isinstance(x, str | int) for x in p))
        for p in parameters
    )  # fmt: skip


_ACTIVE: dict[int, Recording] = {}


def active(con: Any) -> Recording | None:
    """The recording running on the backend ``con``, if any."""
    return _ACTIVE.get(id(con))


@contextlib.contextmanager
def recording(con: BaseBackend) -> Iterator[Recording]:
    """Note the statements sent through the DuckDB backend ``con`` within the block."""
    notes = Recording()
    raw = con.con
    con.con = _Recorder(raw, notes)
    _ACTIVE[id(con)] = notes
    try:
        yield notes
    finally:
        con.con = raw
        _ACTIVE.pop(id(con), None)


def replay(raw: duckdb.DuckDBPyConnection, entry: Entry, known: int = 0) -> list[Result | None]:
    """Send an entry's statements to ``raw`` in order; the results, typed as when recorded
    (DuckDB's Python rows where they are Arrow's, without importing pyarrow: :mod:`.rows`).

    The first ``known`` results are not queried again (None in their place): the caller has
    them, because they follow from what the key holds (the same files, by content, read by
    the same SQL on the same DuckDB). A query has no effect on the ones after it, so leaving
    one out changes nothing else; :func:`rehearse` runs them all."""
    return _send(raw, entry, known)


def rehearse(raw: duckdb.DuckDBPyConnection, entry: Entry) -> list[Result | None]:
    """:func:`replay` before an entry is stored, on a connection of its own, every query
    run: what a later run would get, to compare with what the compiled run got."""
    return _send(raw, entry, 0)


def _send(raw: duckdb.DuckDBPyConnection, entry: Entry, known: int) -> list[Result | None]:
    results: list[Result | None] = []
    for kind, sql, extra in entry.statements:
        if kind == "execute":
            raw.execute(sql, extra)
        elif len(results) < known:
            results.append(None)
        else:
            results.append(fetch(raw, sql, *extra))
    return results


def statements_read(entry: Entry) -> Sequence[str]:
    """The text of every statement of ``entry``, and the text of every parameter of one (for
    checks on what it reads)."""
    texts = []
    for kind, sql, extra in entry.statements:
        texts.append(sql)
        if kind == "execute" and extra:
            texts += [p for p in extra if isinstance(p, str)]
    return texts
