"""Where the rejected rows are: file and line of the first few, for the error list.

Lines are physical (the header is line 1), as an editor shows them. A row is found by the
cheapest means its file allows: bisection on time in a plain text file written in time order
(:mod:`tokenecon.ingest.locate`), one scan of the file's lines for its request id, a Parquet
file's own row numbers, and only then a numbered pass over the parsed rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.aggregate.columns import SAMPLE_SEPARATOR
from tokenecon.aggregate.read import fetch_records
from tokenecon.aggregate.types import SAMPLE_LIMIT, RejectedRow
from tokenecon.engine.connect import EngineOptions, connect, is_duckdb
from tokenecon.engine.dialect import (
    lines_matching,
    lines_not_json_objects,
    parquet_rows_of,
    scan_order,
)
from tokenecon.ingest.csv_shape import csv_delimiter
from tokenecon.ingest.formats import canonical_table, json_rejects
from tokenecon.ingest.generic import ColumnPlan, ReadOptions
from tokenecon.ingest.json_lines import MALFORMED
from tokenecon.ingest.locate import WantedRow, csv_fields, find_lines, grep_lines, jsonl_fields
from tokenecon.ingest.sources import SourceFile, is_remote
from tokenecon.ingest.time_format import timestamp_format as parse_format

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend


def _by_request_id(samples: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Sample rejected rows by the request id of their :func:`~.columns.sample_key`."""
    return {s["request_id"].split(SAMPLE_SEPARATOR, 1)[1]: s for s in samples}


def locate_rejected(
    con: Backend,
    sources: Sequence[SourceFile],
    plans: Sequence[ColumnPlan],
    samples: list[dict[str, Any]],
    rows: ir.Table,
    newlines: Callable[[int], Sequence[int] | None] = lambda _: None,
    read: ReadOptions | None = None,
) -> list[RejectedRow]:
    """File and line of sample rejected rows (only when there are any).

    Rows with a request id in a plain-text file are found by bisecting the file on their
    timestamp (:mod:`tokenecon.ingest.locate`); the line is the physical one an editor shows.
    What that misses (a file not in time order) is found by id in one scan of the file's
    lines; rows without id, and Parquet or compressed files, take a numbered pass over their
    parsed rows.
    """
    if not is_duckdb(con):
        # Lines follow the file's order, which Spark does not keep: an embedded DuckDB reads
        # the (local) file again, only for rows that bisection could not place.
        local = connect(EngineOptions())

        def local_rows(source_id: int) -> ir.Table:
            table, _ = canonical_table(local, sources[source_id], source_id, read or ReadOptions())
            return table

        remote = [s for s in samples if is_remote(sources[int(s["source_id"])])]
        local_samples = [s for s in samples if s not in remote]
        unknown = [
            RejectedRow(sources[int(s["source_id"])].display, None, s["label"]) for s in remote
        ]
        return unknown + _locate(local, sources, plans, local_samples, local_rows, newlines, read)
    return _locate(con, sources, plans, samples, lambda _: rows, newlines, read)


def _locate(
    con: Backend,
    sources: Sequence[SourceFile],
    plans: Sequence[ColumnPlan],
    samples: list[dict[str, Any]],
    rows_of: Callable[[int], ir.Table],
    newlines: Callable[[int], Sequence[int] | None],
    read: ReadOptions | None = None,
) -> list[RejectedRow]:
    out: list[RejectedRow] = []
    by_source: dict[int, list[dict[str, Any]]] = {}
    for sample in samples:
        by_source.setdefault(int(sample["source_id"]), []).append(sample)
    for source_id, mine in sorted(by_source.items()):
        source = sources[source_id]
        plain = source.kind in ("csv", "jsonl", "json") and not source.compressed
        skip = None
        if source.kind == "jsonl" and not source.compressed:
            found_lines = _malformed_lines(con, source, mine)
            if found_lines is not None:
                out.extend(found_lines)
                mine, skip = [s for s in mine if s["label"] != MALFORMED], MALFORMED
                if not mine:
                    continue
        plain = plain and not source.members  # a folder of logs, a table: scan order
        keyed = [s for s in mine if s["request_id"]]
        # Rows that share a request id cannot be told apart by it: scan order finds them.
        distinct = len(_by_request_id(keyed)) == len(keyed)
        if plain and len(keyed) == len(mine) and distinct:
            found: dict[int, int] = {}
            if source.kind in ("csv", "jsonl") and plans[source_id].format == "generic":
                fmt = read.timestamp_format if read else None
                found = _lines_by_time(source, plans[source_id], keyed, newlines(source_id), fmt)
            missing = [s for s in keyed if id(s) not in found]
            if missing:
                ids = _by_request_id(missing)
                for number, sample in _lines_of_ids(con, source, ids):
                    found[id(sample)] = number
            if len(found) == len(mine):
                out.extend(RejectedRow(source.display, found[id(s)], s["label"]) for s in mine)
                continue
        if source.kind == "parquet" and not source.members and len(keyed) == len(mine):
            numbered = _rows_of_ids(con, source, plans[source_id], keyed)
            if numbered is not None:
                out.extend(RejectedRow(source.display, n, s["label"]) for n, s in numbered)
                continue
        # JSON records are no lines (and nested ones come out of the engine in no order):
        # each is found by its record key, its line and JSON path named.
        records = json_rejects(con, source, source_id, read or ReadOptions(), SAMPLE_LIMIT, skip)
        if records is not None:
            out.extend(RejectedRow(source.display, line, reason) for line, reason in records)
            continue
        out.extend(_numbered_rejects(con, source, source_id, rows_of(source_id), skip))
    unique = {(r.source, r.line, r.reason): r for r in out}
    return sorted(unique.values(), key=lambda r: (r.source, r.line or 0))[:SAMPLE_LIMIT]


def _lines_by_time(
    source: SourceFile,
    plan: ColumnPlan,
    samples: list[dict[str, Any]],
    newlines: Sequence[int] | None,
    timestamp_format: str | None = None,
) -> dict[int, int]:
    """Lines of samples found by bisection on time, keyed by ``id(sample)``; timestamps in the
    file are read as the engine read them (``--timestamp-format`` first, when given)."""
    fmt = parse_format(timestamp_format) if timestamp_format else None
    if source.kind == "csv":
        fields = csv_fields(
            plan.canonical["request_id"], plan.canonical["timestamp"], csv_delimiter(source), fmt
        )
    else:
        headers = plan.headers
        fields = jsonl_fields(
            headers[plan.canonical["request_id"]], headers[plan.canonical["timestamp"]], fmt
        )
    wanted, owners = [], []
    for sample in samples:
        stamp, _, request_id = sample["request_id"].partition(SAMPLE_SEPARATOR)
        if stamp:
            wanted.append(WantedRow(request_id, datetime.fromisoformat(stamp)))
            owners.append(sample)
    header_lines = 1 if source.kind == "csv" else 0
    found = find_lines(source.path, header_lines, fields, wanted, newlines)
    return {id(owners[index]): line for index, line in found.items()}


def _lines_of_ids(
    con: Backend, source: SourceFile, samples: dict[str, dict[str, Any]]
) -> list[tuple[int, dict[str, Any]]]:
    """(line, sample) of rows found by request id in one scan of the file's physical lines
    (by ``grep`` where it can tell, else by the engine)."""
    lines = grep_lines(source.path, list(samples))
    if lines is None:
        alternatives = "|".join(re.escape(rid) for rid in samples)
        pattern = f'(^|[,"])({alternatives})($|[,"])'
        lines = lines_matching(con, str(source.path), pattern)
    out = []
    for number, line in lines:
        for rid, sample in samples.items():
            if re.search(f'(^|[,"]){re.escape(rid)}($|[,"])', line):
                out.append((number, sample))
    return out


def _rows_of_ids(
    con: Backend, source: SourceFile, plan: ColumnPlan, samples: list[dict[str, Any]]
) -> list[tuple[int, dict[str, Any]]] | None:
    """(row, sample) of a Parquet file's rejected rows found by request id; None when an id
    is missing or stands on several rows (then only scan order can tell)."""
    ids = _by_request_id(samples)
    if len(ids) < len(samples) or "request_id" not in plan.canonical:
        return None
    column = plan.headers[plan.canonical["request_id"]]
    found = parquet_rows_of(con, str(source.path), column, list(ids))
    if sorted(value for _, value in found) != sorted(ids):
        return None
    return [(number, ids[value]) for number, value in found]


def _malformed_lines(
    con: Backend, source: SourceFile, samples: list[dict[str, Any]]
) -> list[RejectedRow] | None:
    """The lines of a JSON Lines file's malformed lines (:data:`MALFORMED` samples), found
    by their text; None when the text does not tell them all (a line DuckDB nulled)."""
    wanted = min(SAMPLE_LIMIT, sum(int(s["rows"] or 1) for s in samples if s["label"] == MALFORMED))
    if not wanted:
        return None
    found: list[RejectedRow] = []
    for path in source.members or (source.path,):
        # A folder of logs: each bad line under its own file's name, which the folder's
        # scan order could not give.
        name = str(path) if source.members else source.display
        lines = lines_not_json_objects(con, str(path), wanted - len(found))
        found += [RejectedRow(name, n, MALFORMED) for n in _with_swallowed(lines)]
        if len(found) >= wanted:
            return found[:wanted]
    return None


def _with_swallowed(lines: list[tuple[int, str]]) -> list[int]:
    """The lines, and after each that ends awaiting a value (``{"a":``) the next line: the
    engine's reader takes that line as the value and gives both a null row."""
    out: list[int] = []
    for number, text in lines:
        out.append(number)
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            awaiting = exc.msg == "Expecting value" and exc.pos >= len(text.rstrip())
            if awaiting and number + 1 not in out:
                out.append(number + 1)
        except RecursionError:  # nested too deep to tell
            pass
    return sorted(set(out))


def _numbered_rejects(
    con: Backend, source: SourceFile, source_id: int, rows: ir.Table, skip: str | None = None
) -> list[RejectedRow]:
    """Rejected rows of one source numbered in scan order (a streaming ROW_NUMBER pass),
    but those whose reason is ``skip`` (found otherwise)."""
    mine = rows.filter(rows.source_id == source_id)
    numbered = mine.mutate(position=ibis.row_number())
    rejected = numbered.reject_reason.notnull()
    if skip is not None:
        rejected = rejected & (numbered.reject_reason != skip)
    found = numbered.filter(rejected).limit(SAMPLE_LIMIT)
    first_line = 2 if source.kind == "csv" else 1
    with scan_order(con):
        return [
            RejectedRow(source.display, int(r["position"]) + first_line, r["reject_reason"])
            for r in fetch_records(con, found.select("position", "reject_reason"))
        ]
