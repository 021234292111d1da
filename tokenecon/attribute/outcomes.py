"""Outcome files named by the mapping: per-task events (read by the engine), counts per period.

A mapping can name any file, so no error here repeats a line of it: errors name the file, the
line and the column at fault (a header's names only when they look like column names).
"""

from __future__ import annotations

import csv
from datetime import date
from typing import TYPE_CHECKING

from tokenecon.attribute.fields import header_names, text_lines
from tokenecon.attribute.mapping import OutcomeMapping, OutcomeSource, whole_count
from tokenecon.errors import MappingError

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

OUTCOME_TIME_COLUMNS = ("timestamp", "time", "date", "verified_at", "created_at", "resolved_at")
"""The column of an events file that dates each outcome (the first of these it has): what
puts outcomes on the days of the time views (docs/time-views.md)."""
TRUE_WORDS = ("true", "t", "yes", "y", "1", "verified")
FALSE_WORDS = ("false", "f", "no", "n", "0", "")
HINT = "see docs/mapping.md for the outcome files"


def event_sources(mapping: OutcomeMapping | None) -> list[tuple[OutcomeSource, list[str]]]:
    """Each distinct per-task events source of the mapping, with the use cases reading it.

    Use cases that share an events file (same path, key and verified columns) share one read
    of it and one join: the cost of outcomes does not grow with the number of use cases.
    """
    shared: dict[OutcomeSource, list[str]] = {}
    for use_case in mapping.use_cases if mapping else ():
        source = use_case.outcomes
        if source is not None and source.kind == "events":
            shared.setdefault(source, []).append(use_case.name)
    return list(shared.items())


def events_table(con: Backend, source: OutcomeSource) -> ir.Table:
    """The verified task keys of a per-task outcomes CSV, as a table ``key``; where the file
    dates its outcomes (:data:`OUTCOME_TIME_COLUMNS`), also ``at``: the key's earliest time
    (UTC; null where the time is not one)."""
    import ibis

    assert source.path is not None
    with text_lines(source.path, "outcomes file") as handle:
        # The engine reads it next: check here that all of it is text, and that every row has
        # the header's fields (a ragged row would be skipped: an outcome lost without a word).
        reader = csv.reader(handle)
        header = next(reader, [])
        for row in reader:
            if row and len(row) != len(header):
                raise MappingError(
                    f"{source.path}:{reader.line_num}: {len(row)} fields where the header has "
                    f"{len(header)}",
                    f"fix that row of the outcomes file (quote a value that holds a comma); {HINT}",
                )
    for needed in (source.key, source.verified):
        if needed and needed not in header:
            raise MappingError(
                f"{source.path}:1: no column {needed!r} ({header_names(header)})",
                f"fix `key`/`verified` under `outcomes:` in the mapping; {HINT}",
            )
    from tokenecon.ingest.readers import read_csv_text
    from tokenecon.ingest.sources import SourceFile

    names = [f"c{i}" for i in range(len(header))]
    table = read_csv_text(con, SourceFile(source.path, str(source.path), "csv", False), names)
    key = table[f"c{header.index(source.key)}"].strip().nullif("")
    if source.verified:
        flag = table[f"c{header.index(source.verified)}"].strip().lower().fill_null("")
        verified = flag.isin(TRUE_WORDS)
    else:
        verified = ibis.literal(True)
    kept = table.filter(verified & key.notnull())
    named = [c for c in OUTCOME_TIME_COLUMNS if c in header]
    if not named:
        return kept.select(key=key).distinct()
    from tokenecon.ingest.timestamps import parse_timestamp_column

    text = kept.select(key=key, at=kept[f"c{header.index(named[0])}"].strip().nullif(""))
    dated = parse_timestamp_column(text, "at", "at")
    return dated.group_by("key").aggregate(at=dated.at.min())


def count_for_period(source: OutcomeSource, start: date | None, end: date | None) -> int:
    """Sum of a counts CSV (``period,count``; period YYYY-MM or YYYY-MM-DD) inside [start, end]."""
    assert source.path is not None
    total = 0
    with text_lines(source.path, "outcomes file") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or not {"period", "count"} <= set(reader.fieldnames):
            raise MappingError(
                f"{source.path}:1: expected columns period,count "
                f"({header_names(list(reader.fieldnames or []))})",
                f"a counts file looks like: period,count / 2026-10,420; {HINT}",
            )
        for line, row in enumerate(reader, start=2):
            period = (row["period"] or "").strip()
            try:
                first = date.fromisoformat(period + "-01" if len(period) == 7 else period)
            except ValueError:
                raise MappingError(
                    f"{source.path}:{line}: column period is not a month (YYYY-MM) or a day "
                    "(YYYY-MM-DD)",
                    HINT,
                ) from None
            where = f"{source.path}:{line}: column count"
            try:
                count = whole_count((row["count"] or "").strip(), where)
            except MappingError as exc:  # says the value: say only what is wrong with it
                raise MappingError(f"{where} is not a whole number from 0 to 10^15", HINT) from exc
            if start and end and not _overlaps(first, len(period) == 7, start, end):
                continue
            total += count
    return total


def _overlaps(first: date, whole_month: bool, start: date, end: date) -> bool:
    if not whole_month:
        return start <= first <= end
    last_month = (first.year, first.month)
    return (start.year, start.month) <= last_month <= (end.year, end.month)
