"""A cheap look at a source for format detection: the header, or the first JSON records."""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
from dataclasses import dataclass
from typing import Any

from tokenecon.errors import UsageInputError, broken_json, first_line
from tokenecon.ingest.canonical import normalise_header
from tokenecon.ingest.csv_shape import delimiter_of
from tokenecon.ingest.sources import SourceFile, is_remote

HEAD_BYTES = 1 << 16
"""How much of a file detection reads."""
FIRST_RECORDS = 20
"""How many JSON Lines records detection parses."""
WHOLE_DOCUMENT = 64 << 20
"""A JSON document up to this size is parsed whole for detection (bigger ones by their head)."""

BROKEN_JSON_HINT = (
    "fix the file at that place or export it again whole; a JSON source is one JSON document "
    "(an object or an array of objects), or JSON Lines with one object per line, where a "
    "broken line is one rejected row (docs/sources.md)"
)
"""What fixes a JSON document that does not parse."""


@dataclass(frozen=True)
class Probe:
    """A cheap look at a source: enough to recognise its format without reading it all."""

    source: SourceFile
    headers: tuple[str, ...] = ()
    """Normalised column names (CSV, Parquet, table) or the first records' keys (JSON)."""
    raw_headers: tuple[str, ...] = ()
    """The column names as written."""
    records: tuple[dict[str, Any], ...] = ()
    """The first JSON records (JSON Lines) or the document itself (a JSON file)."""
    text: str = ""
    """The first kilobytes of the file as text."""
    broken: str = ""
    """Where and why a JSON document does not parse (``file:line:col: not valid JSON
    (...)``), empty when it does or was too large to parse whole."""
    metadata: tuple[tuple[bytes, bytes], ...] = ()
    """A local Parquet file's key-value metadata (the footer is read once, with the names)."""

    def has(self, *names: str) -> bool:
        """Whether every one of ``names`` is a column (or a key of the first records)."""
        return all(n in self.headers for n in names)

    def any_of(self, *names: str) -> bool:
        """Whether at least one of ``names`` is a column."""
        return any(n in self.headers for n in names)


_REMOTE: dict[SourceFile, Probe] = {}
"""Probes of remote files, taken through the engine (:func:`probe_remote`)."""


def probe_source(source: SourceFile) -> Probe:
    """Headers (CSV, Parquet, table) or first records (JSON) and the head of the text.

    Cached per source and file version: detection, the readers and messages all look at it."""
    if is_remote(source):
        if source not in _REMOTE:
            raise UsageInputError(f"{source.display}: a remote file is read through Spark only")
        return _REMOTE[source]
    version = None
    if source.kind != "postgres":
        stat = source.path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
    try:
        return _probe(source, version)
    except UsageInputError:
        raise
    except (OSError, EOFError, UnicodeDecodeError, ValueError) as exc:
        # A corrupt gzip stream (EOFError), bytes that are not UTF-8 past the checked head, a
        # file that is no Parquet (pyarrow's ArrowInvalid is a ValueError).
        raise UsageInputError(
            f"{source.display}: cannot read: {first_line(exc)}",
            "export the file again, whole; usage files are UTF-8 CSV, JSON or Parquet, "
            "optionally gzip-compressed (docs/sources.md)",
        ) from None


@functools.lru_cache(maxsize=256)
def _probe(source: SourceFile, version: object) -> Probe:
    if source.kind == "parquet":
        import pyarrow.parquet as pq

        schema = pq.read_schema(source.path)
        names = list(schema.names)
        metadata = tuple((schema.metadata or {}).items())
        return Probe(
            source, tuple(normalise_header(n) for n in names), tuple(names), metadata=metadata
        )
    if source.kind == "postgres":
        from tokenecon.ingest.postgres import postgres_columns

        names = postgres_columns(source)
        return Probe(source, tuple(normalise_header(n) for n in names), tuple(names))
    head = _head(source)
    if source.kind == "csv":
        raw = csv_headers(source)
        return Probe(source, tuple(normalise_header(h) for h in raw), tuple(raw), text=head)
    records, broken = _records(source, head)
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    return Probe(
        source, tuple(normalise_header(k) for k in keys), tuple(keys), tuple(records), head,
        broken,
    )  # fmt: skip


def csv_headers(source: SourceFile) -> list[str]:
    """The header line of a CSV (BOM stripped)."""
    if is_remote(source):
        return list(probe_source(source).raw_headers)
    opener: Any = gzip.open if source.compressed else open
    with opener(source.path, "rt", encoding="utf-8-sig", newline="") as handle:
        first = handle.readline()
    headers = next(csv.reader(io.StringIO(first), delimiter=delimiter_of(first)), [])
    if not any(h.strip() for h in headers):
        raise UsageInputError(f"{source.display}: the first line is not a CSV header")
    return [h.strip() for h in headers]


def probe_remote(con: Any, source: SourceFile) -> Probe:
    """The probe of a remote file (``s3a://``...), read by Spark: the schema of Parquet, else
    the first lines of text."""
    if source in _REMOTE:
        return _REMOTE[source]
    session = con._session
    url = source.url
    try:
        if source.kind == "parquet":
            names = list(session.read.parquet(url).columns)
            probe = Probe(source, tuple(normalise_header(n) for n in names), tuple(names))
        else:
            rows = session.read.text(url, wholetext=source.kind == "json").limit(FIRST_RECORDS * 5)
            lines = [str(r.value) for r in rows.collect()]
            probe = _text_probe(source, lines)
    except Exception as exc:  # Spark's own errors: no such path, no credentials
        message = first_line(exc)
        raise UsageInputError(f"{source.display}: cannot read: {message}") from None
    _REMOTE[source] = probe
    return probe


def _text_probe(source: SourceFile, lines: list[str]) -> Probe:
    head = "\n".join(lines)[:HEAD_BYTES].lstrip("\ufeff")
    if not head.strip():
        raise UsageInputError(f"{source.display} is empty", "export the usage again")
    if source.kind == "csv":
        raw = [h.strip() for h in next(csv.reader(io.StringIO(head)), [])]
        return Probe(source, tuple(normalise_header(h) for h in raw), tuple(raw), text=head)
    records: list[dict[str, Any]] = []
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        items = record if isinstance(record, list) else [record]
        records += [r for r in items if isinstance(r, dict)]
    records = records[:FIRST_RECORDS]
    keys: dict[str, None] = {}
    for record in records:
        keys.update(dict.fromkeys(record))
    return Probe(
        source, tuple(normalise_header(k) for k in keys), tuple(keys), tuple(records), head
    )


def _head(source: SourceFile) -> str:
    opener: Any = gzip.open if source.compressed else open
    with opener(source.path, "rb") as handle:
        data: bytes = handle.read(HEAD_BYTES)
    return data.decode("utf-8-sig", errors="replace")


def _records(source: SourceFile, head: str) -> tuple[list[dict[str, Any]], str]:
    """The first records: JSON Lines line by line (whole lines, however long), a document
    whole; and, for a document that does not parse, where it breaks."""
    if source.kind == "json":
        size = source.path.stat().st_size
        if size <= WHOLE_DOCUMENT:
            opener: Any = gzip.open if source.compressed else open
            try:
                with opener(source.path, "rt", encoding="utf-8-sig") as handle:
                    document = json.load(handle)
            except json.JSONDecodeError as exc:
                return [], broken_json(source.display, exc)
            except UnicodeDecodeError:
                return [], ""
            except RecursionError:  # nested deeper than the parser goes: the engine's turn
                return [], ""
            items = document if isinstance(document, list) else [document]
            return [r for r in items[:FIRST_RECORDS] if isinstance(r, dict)], ""
        return [], ""
    out: list[dict[str, Any]] = []
    opener = gzip.open if source.compressed else open
    with opener(source.path, "rt", encoding="utf-8-sig", errors="replace") as handle:
        for number, line in enumerate(handle):
            if number >= FIRST_RECORDS * 5 or len(out) >= FIRST_RECORDS:
                break
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(record, dict):
                out.append(record)
    return out, ""


def looks_like(probe: Probe) -> str:
    """A one-line description of a source's shape, for messages and ``tokenecon sources``."""
    kinds = {
        "csv": "CSV with columns",
        "parquet": "Parquet with columns",
        "jsonl": "JSON Lines with keys",
        "json": "a JSON document with keys",
        "postgres": "a database table with columns",
    }
    names = list(probe.raw_headers)
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    members = f"{len(probe.source.members)} .jsonl files; first: " if probe.source.members else ""
    return f"{members}{kinds.get(probe.source.kind, probe.source.kind)} {shown or '(none)'}"


LARGEST_PARSED = 256 << 20
"""A JSON document the engine could not read is parsed again to say where it breaks, up to
this size (the engine's byte offset is not the file's)."""


def json_break(source: SourceFile) -> str:
    """Where a JSON document breaks (``file:line:col: not valid JSON (...)``), or empty."""
    if source.kind != "json" or source.members or source.url:
        return ""
    try:
        if source.path.stat().st_size > LARGEST_PARSED:
            return ""
        with source.path.open("rb") as handle:
            data = handle.read()
        if source.compressed:
            data = gzip.decompress(data)
        json.loads(data.decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        return broken_json(source.display, exc)
    except (OSError, EOFError, UnicodeDecodeError, RecursionError, ValueError):
        return ""
    return ""
