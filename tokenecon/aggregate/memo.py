"""`aggregate_usage` with its compiled SQL reused when the same inputs are read again.

A small run is start-up bound: Ibis's import and compiling the run's expressions cost ~1 s
where DuckDB answers in milliseconds (docs/engine.md, "Start-up"). When the inputs are local
files of at most :data:`MAX_BYTES` together, the run's SQL is kept in the user's cache
(:mod:`tokenecon.engine.sqlcache`) under a key made of every file's content (usage files, each
log of a folder of agent logs, and the mapping's events files, by SHA-256), their paths, the
mapping and the options; the next run with that key sends the same SQL to a plain DuckDB
connection, reads the files afresh and files the results as :func:`~.query.aggregate_usage`
does, without importing Ibis. A folder is listed afresh by every run: a log added, removed or
rewritten (same size and time or not) makes another key.

An entry is kept only when that replay, done on the recorded results, gives exactly the
aggregates the compiled run gave (so a change to how results are filed can never be
replayed wrongly), when every file the SQL reads is one the key hashes, and when the caller's
``reusable`` holds (later steps that query the rows again, such as reconciling a reported
cost, need the Ibis expression a replay does not build).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenecon.aggregate.accounting import count_rows
from tokenecon.aggregate.merge import file_repeated, file_usage
from tokenecon.aggregate.types import AggregateOptions, UsageAggregates
from tokenecon.attribute.mapping import OutcomeMapping
from tokenecon.attribute.outcomes import event_sources
from tokenecon.engine import sqlcache
from tokenecon.ingest.sources import FileDigest, SourceFile

if TYPE_CHECKING:
    import pyarrow as pa

    from tokenecon.engine.connect import Session
    from tokenecon.engine.rows import Result

MAX_BYTES = 32 << 20
"""Inputs up to this size (together) are worth a cached SQL: above it the query, not
start-up, is the run (and hashing them first would cost more than compiling saves)."""
_QUOTE = r"'(?:[^']|'')*'"
_READS = re.compile(rf"\bread_\w+\(\s*(\[\s*{_QUOTE}(?:\s*,\s*{_QUOTE})*\s*\]|{_QUOTE}|\?)?", re.I)
"""A reading function and its file argument: one quoted path, a list of them (a folder's
logs) or a parameter (checked as one); none matched when it is neither (then nothing tells
what it reads)."""
_QUOTED = re.compile(r"'((?:[^']|'')*)'")


def aggregate_usage_cached(
    session: Session,
    sources: Sequence[SourceFile],
    mapping: OutcomeMapping | None,
    options: AggregateOptions,
    digests: Callable[[int], FileDigest],
    reusable: Callable[[UsageAggregates], bool],
) -> UsageAggregates:
    """:func:`~.query.aggregate_usage` on ``session``, its SQL replayed from the cache when
    the inputs were read before (then ``result.rows`` is None: no Ibis expression is built).

    ``digests(i)`` is the ``i``-th source's :func:`~tokenecon.ingest.sources.digest_file`
    (the report's, hashed while the engine reads): its content in the key, its newlines for
    the line numbers of rejected rows."""
    key, files = _key(session, sources, mapping, options, digests)
    if key is not None and all(s.kind == "jsonl" for s in sources):
        # Logs of at most MAX_BYTES (a key is made only then) run on one DuckDB thread, as
        # small CSV files do (engine/connect.py): the engine is not told the size of JSON
        # inputs, whose memory it sizes otherwise. Measured on Claude Code folders (replayed
        # SQL, 2 cores, loaded): 8.5 MB 0.17 -> 0.13 s of CPU, 25.6 MB 0.28 -> 0.24 s, and
        # less wall time at both (docs/benchmarks.md, "Warm agent logs").
        session.one_thread()
    if key is not None:
        entry = sqlcache.load(key)
        if entry is not None:
            replayed = _replayed(session, entry)
            if replayed is not None:
                return replayed
    from tokenecon.aggregate.query import aggregate_usage

    con = session.ibis()

    def newlines(index: int) -> Sequence[int] | None:
        return digests(index).newlines

    if key is None:
        return aggregate_usage(con, sources, mapping, options, newlines)
    with sqlcache.recording(con) as notes:
        result = aggregate_usage(con, sources, mapping, options, newlines)
    main = _main_result(notes.tables)
    if notes.replayable and main is not None and reusable(result):
        state = _state(result, notes, main, options)
        entry = sqlcache.Entry(key, _through(notes.statements, main), state)
        # Proof, not trust: the statements are replayed on a connection of their own, and the
        # entry is kept only if that gives this run's aggregates (a statement the recording
        # missed would otherwise be replayed as nothing: a confident $0.00 on the next run).
        if _reads_only(entry, files) and _same(_replayed(session, entry, fresh=True), result):
            sqlcache.store(entry)
    return result


def _main_result(tables: Sequence[pa.Table]) -> int | None:
    """Which result is the main query's (the first with the accounting ``kind`` column; the
    ones before it are the duplicate pre-pass, the ones after it locate rejected rows)."""
    for index, table in enumerate(tables):
        if "kind" in table.column_names:
            return index
    return None


def _through(statements: list[tuple[str, str, Any]], main: int) -> list[tuple[str, str, Any]]:
    """The statements up to the ``main``-th result (what follows located rejected rows)."""
    seen = -1
    for index, (kind, _, _) in enumerate(statements):
        seen += kind == "result"
        if seen == main:
            return statements[: index + 1]
    raise AssertionError("fewer results than tables")


def _key(
    session: Session,
    sources: Sequence[SourceFile],
    mapping: OutcomeMapping | None,
    options: AggregateOptions,
    digests: Callable[[int], FileDigest],
) -> tuple[str | None, set[str]]:
    """The cache key of a run, and the files it hashes; (None, ...) when not worth one.

    A source's content is its report digest (a folder's: of its members' SHA-256 in order),
    taken once for both: the key had hashed every input a second time (~6 ms of CPU for 8.5
    MB of logs, docs/benchmarks.md "Warm agent logs")."""
    if session.options.name != "duckdb" or sqlcache.cache_folder() is None:
        return None, set()
    for source in sources:
        if source.url or source.kind == "postgres":
            return None, set()
        if "tokenecon-run-" in str(source.path):  # stdin spooled to this run's folder
            return None, set()
    # A folder of logs is its member files (listed afresh by every run: a file added or
    # removed is another list, so another key), each by content like a single file.
    paths = [p for s in sources for p in s.members or (s.path,)]
    events = [(s, sorted(names)) for s, names in event_sources(mapping)]
    paths += [s.path for s, _ in events if s.path is not None]
    try:
        if sum(p.stat().st_size for p in paths) > MAX_BYTES or not all(p.is_file() for p in paths):
            return None, set()
        read = [[_described(p) for p in s.members or (s.path,)] for s in sources]
        # only once the sizes say a key is worth it: asking waits for the whole hash
        described = [
            [s.display, s.kind, s.compressed, files, digests(i).sha256]
            for i, (s, files) in enumerate(zip(sources, read, strict=True))
        ]
        described_events = [
            [
                str(s.path),
                str(s.path.resolve()),
                s.key,
                s.verified,
                names,
                sqlcache.file_digest(s.path),
            ]
            for s, names in events
            if s.path is not None
        ]
    except OSError:  # unreadable: the compiled run says so properly
        return None, set()
    parts = {
        "what": "aggregate_usage",
        "sources": described,
        "events": described_events,
        "mapping": [mapping.path, mapping.sha256] if mapping else None,
        "options": repr(replace(options, progress=None)),
    }
    files = {str(d[i]) for d in described_events for i in (0, 1)}
    files |= {name for files in read for f in files for name in f}
    return sqlcache.cache_key(parts), files


def _described(path: Path) -> list[str]:
    """A file read by the SQL as a key describes it: its path as given, made absolute (as
    Ibis names it in the SQL: through a linked folder, not the resolved path) and resolved
    (its content is its source's digest: a file rewritten with the same size and time is
    another key)."""
    return [str(path), os.path.abspath(path), str(path.resolve())]


def _state(
    result: UsageAggregates, notes: sqlcache.Recording, main: int, options: AggregateOptions
) -> dict[str, Any]:
    """What a replay needs besides the results, all of it found by reading the files whose
    content is in the key: what the compiled run decided before the main query (the sources'
    plans, the attributes no source has), the results of the queries before it (the repeated
    ids, which the main query's SQL holds), and the lines of the rejected rows it found (by
    bisecting and scanning the files in Python) for the sample rows the main query returned."""
    return {
        "plans": list(result.plans),
        "missing_attributes": list(result.missing_attributes),
        "before": [t.to_pylist() for t in notes.tables[:main]],
        "reject_sample_rows": list(result.reject_sample_rows),
        "rejected_samples": list(result.rejected_samples),
        "dated_outcomes": list(result.dated_outcomes),
        "owner_only": options.owner_only,
        "timezone": options.timezone,
    }


def _filed(state: dict[str, Any], results: Sequence[Result | None]) -> UsageAggregates | None:
    """The aggregates of a replay: the main query's records filed after ``state``; None when
    the queries before it came out otherwise than when the SQL was compiled (a query not
    run again, None, is the recorded one: sqlcache.replay)."""
    known = state["before"]
    if not results or results[-1] is None:
        return None
    if [known[i] if t is None else t.to_pylist() for i, t in enumerate(results[:-1])] != known:
        return None
    result = UsageAggregates(
        plans=list(state["plans"]), missing_attributes=list(state["missing_attributes"])
    )
    records = results[-1].to_pylist()
    count_rows(records, result)
    file_usage(records, result, bool(state.get("owner_only")))  # as aggregate_usage files them
    file_repeated(records, result)
    result.dated_outcomes = list(state["dated_outcomes"])
    if result.reject_sample_rows:
        if result.reject_sample_rows != state["reject_sample_rows"]:
            return None
        result.rejected_samples = list(state["rejected_samples"])
    return result


def _replayed(
    session: Session, entry: sqlcache.Entry, fresh: bool = False
) -> UsageAggregates | None:
    """The aggregates of ``entry``'s statements sent to the session's connection, or with
    ``fresh`` to a new one of the same settings (None when they cannot be replayed)."""
    raw = session.fresh_raw() if fresh else session.raw()
    try:
        if fresh:
            return _filed(entry.state, sqlcache.rehearse(raw, entry))
        # the queries before the main one (the duplicate pre-pass) read only what the key
        # holds: their results are the recorded ones, not queried again (~25 ms of a month)
        return _filed(entry.state, sqlcache.replay(raw, entry, len(entry.state["before"])))
    except Exception:  # an entry this code cannot use, an engine error: compile instead
        return None
    finally:
        if fresh:
            raw.close()


def _same(a: UsageAggregates | None, b: UsageAggregates) -> bool:
    if a is None:
        return False
    names = [f.name for f in fields(UsageAggregates) if f.name != "rows"]
    return all(getattr(a, n) == getattr(b, n) for n in names)


def _reads_only(entry: sqlcache.Entry, files: set[str]) -> bool:
    """Whether every file the statements read is one whose content is in the key (a path
    in a reading function, or a parameter naming a file)."""
    for text in sqlcache.statements_read(entry):
        for argument in _READS.findall(text):
            if not argument:
                return False
            for quoted in _QUOTED.findall(argument):
                if quoted.replace("''", "'") not in files:
                    return False
        if "\n" not in text and len(text) < 4096 and os.path.exists(text) and text not in files:
            return False
    return True
