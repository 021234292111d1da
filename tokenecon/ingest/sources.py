"""Turn usage arguments (paths, directories, globs, `-`, database URLs) into sources."""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tokenecon.errors import UsageInputError
from tokenecon.ingest.spool import as_utf8, spool, spool_path
from tokenecon.progress import count_hashed
from tokenecon.redact import redact_passwords

KINDS = ("csv", "jsonl", "json", "parquet", "postgres")
DATABASE_SCHEMES = ("postgres://", "postgresql://")
REMOTE = re.compile(r"^(s3a?|s3n|hdfs|gs|abfss?|wasbs?|file)://", re.IGNORECASE)
"""Paths Spark reads itself (object stores, HDFS, file:// URIs)."""


@dataclass(frozen=True)
class SourceFile:
    """One usage source: a file, a directory of JSON Lines logs, or a database table."""

    path: Path
    """Where the bytes are (a spooled temp file for stdin; the directory for a log folder)."""
    display: str
    """How messages and the report name it (a database URL without its password)."""
    kind: str
    """csv, jsonl (one JSON object per line), json (a document), parquet or postgres."""
    compressed: bool
    """Whether it is gzip-compressed."""
    members: tuple[Path, ...] = ()
    """The log files of a directory source (read together as one source)."""
    url: str | None = None
    """The database URL of a table source, or the URL of a remote file (``s3a://``...)."""
    table: str | None = None
    """The table of a database source (``--table``)."""


def expand_sources(
    arguments: list[str], table: str | None = None, remote: bool = False
) -> list[SourceFile]:
    """Resolve paths, directories, globs, ``-`` (stdin) and database URLs in the order given.

    With ``remote`` (the Spark engine), ``s3a://``, ``hdfs://`` and other such paths, globs
    included, pass through to Spark as they are."""
    if not arguments:
        raise UsageInputError("no usage file given", "pass a file, a glob or - for stdin")
    out: list[SourceFile] = []
    for arg in arguments:
        if arg == "-":
            out.append(_spool_stdin())
            continue
        if arg.startswith(DATABASE_SCHEMES):
            out.append(_database(arg, table))
            continue
        if REMOTE.match(arg):
            out.append(_remote(arg, remote))
            continue
        matches = sorted(glob.glob(arg)) if any(ch in arg for ch in "*?[") else [arg]
        if not matches:
            raise UsageInputError(f"no file matches {arg!r}", "check the glob and quote it")
        for match in matches:
            # `~/...` as the found agent logs are named (a shell expands it before we see it)
            path = Path(match).expanduser() if match.startswith("~/") else Path(match)
            if path.is_dir():
                out.append(_directory(path, match))
                continue
            if not path.exists():
                raise UsageInputError(f"usage file {path} does not exist", "check the path")
            out.append(_describe(path, match))
    return out


def _remote(url: str, allowed: bool) -> SourceFile:
    if not allowed:
        raise UsageInputError(
            f"{url}: the embedded engine reads local files only", "read it with --engine spark"
        )
    name = url.lower().removesuffix(".gz")
    kind = next((k for k in ("parquet", "jsonl", "json") if name.endswith("." + k)), "csv")
    kind = "jsonl" if name.endswith(".ndjson") else kind
    return SourceFile(Path("."), url, kind, url.lower().endswith(".gz"), url=url)


def location(source: SourceFile) -> str:
    """Where an engine reads a source from: its URL when remote, else its local path."""
    return source.url if source.url and source.kind != "postgres" else str(source.path)


def is_remote(source: SourceFile) -> bool:
    """Whether only the engine (Spark) can read the source: no local file to open."""
    return bool(source.url) and source.kind != "postgres"


def _database(url: str, table: str | None) -> SourceFile:
    if not table:
        raise UsageInputError(f"{redact(url)}: which table?", "name it: --table LiteLLM_SpendLogs")
    return SourceFile(Path("."), f"{redact(url)}#{table}", "postgres", False, url=url, table=table)


def redact(url: str) -> str:
    """A database URL without its password (``?password=`` and passwords holding ``/`` or
    ``@`` included)."""
    return redact_passwords(url)


def _directory(path: Path, display: str) -> SourceFile:
    """A folder of JSON Lines logs (Claude Code projects, Codex sessions), subfolders included."""
    members = tuple(sorted(p for p in path.rglob("*.jsonl") if p.is_file()))
    if not members:
        raise UsageInputError(
            f"{path} is a directory with no .jsonl logs",
            f"pass the files inside it, e.g. '{path}/*.csv'",
        )
    return SourceFile(members[0], display, "jsonl", False, members=members)


def _describe(path: Path, display: str) -> SourceFile:
    if not path.is_file():  # a pipe (`<(cat f)`): detection would consume what the engine reads
        path = spool_path(path)
    with path.open("rb") as handle:
        head = handle.read(4)
    compressed = head[:2] == b"\x1f\x8b"
    if head == b"PAR1":
        return SourceFile(path, display, "parquet", False)
    if not compressed:
        path = as_utf8(path, display)
    first = _first_line(path, compressed)
    if first[0] not in "{[":
        return SourceFile(path, display, "csv", compressed)
    try:
        record = json.loads(first)
    except json.JSONDecodeError:
        # A first line that does not parse alone: a document spread over lines, or JSON
        # Lines whose first line is broken (one rejected row, not a refused file).
        kind = "jsonl" if _later_lines_are_objects(path, compressed) else "json"
        return SourceFile(path, display, kind, compressed)
    kind = "jsonl" if isinstance(record, dict) else "json"
    return SourceFile(path, display, kind, compressed)


def _later_lines_are_objects(path: Path, compressed: bool, lines: int = 20) -> bool:
    """Whether most of the first lines after the first are whole JSON objects on their own
    (JSON Lines), which few lines of a document spread over lines are (its innermost
    objects can be)."""
    opener = gzip.open if compressed else open
    seen = whole = 0
    with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
        next(handle, None)
        for line in handle:
            if not line.strip():
                continue
            if seen == lines:
                break
            seen += 1
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                continue
            whole += isinstance(record, dict) and bool(record)
    return whole * 2 > seen


def _first_line(path: Path, compressed: bool) -> str:
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
            for line in handle:
                stripped = line.strip()
                if stripped:
                    return stripped
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise UsageInputError(
            f"cannot read {path}: {exc}", "export the file again, whole (docs/sources.md)"
        ) from None
    raise UsageInputError(f"{path} is empty", "export the usage again: the file has no rows")


def _spool_stdin() -> SourceFile:
    """Stdin, copied into the run's scratch folder (removed when the run ends)."""
    return _describe(spool(sys.stdin.buffer, "stdin"), "<stdin>")


DIGEST_CHUNK = 1 << 22
"""Bytes read at a time while hashing; also the spacing of :attr:`FileDigest.newlines`."""


@dataclass(frozen=True)
class FileDigest:
    """A source's content hash and, for a plain text file, where its lines are."""

    sha256: str | None
    """None for a database table."""
    newlines: tuple[int, ...] | None
    """Newlines before each :data:`DIGEST_CHUNK`-sized chunk (None: not counted). Reading the
    file to hash it is the moment to count them: a rejected row's line number is then the
    count at its chunk plus the newlines of one chunk, instead of a pass over the file."""


def _hash_file(path: Path, count_lines: bool) -> tuple[str, tuple[int, ...] | None]:
    digest = hashlib.sha256()
    newlines: list[int] = []
    seen = 0
    with path.open("rb") as handle:
        while chunk := handle.read(DIGEST_CHUNK):
            digest.update(chunk)
            count_hashed(len(chunk))
            if count_lines:
                newlines.append(seen)
                seen += chunk.count(b"\n")
    return digest.hexdigest(), tuple(newlines) if count_lines else None


def file_sha256(path: Path) -> str:
    """Content hash of a file."""
    return _hash_file(path, count_lines=False)[0]


def digest_file(source: SourceFile) -> FileDigest:
    """Content hash of a source for the report's inputs (a directory's: of its files' hashes in
    order; none for a table or a remote file), and the newline index of a plain text file."""
    if source.kind == "postgres" or is_remote(source):
        return FileDigest(None, None)
    if source.members:
        digest = hashlib.sha256()
        for member in source.members:
            digest.update(file_sha256(member).encode())
        return FileDigest(digest.hexdigest(), None)
    plain = source.kind in ("csv", "jsonl") and not source.compressed
    sha256, newlines = _hash_file(source.path, plain)
    return FileDigest(sha256, newlines)


def local_files(source: SourceFile) -> tuple[Path, ...]:
    """The local files a source reads: a directory's logs, else its one file; none for a
    database table or a remote file."""
    if source.kind == "postgres" or is_remote(source):
        return ()
    return source.members or (source.path,)


def source_bytes(source: SourceFile) -> int:
    """Bytes a source's files hold (0 for a database table or a remote file)."""
    return sum(path.stat().st_size for path in local_files(source))


def scan_bytes(sources: Sequence[SourceFile]) -> int:
    """Bytes of CSV and Parquet inputs, what sizes the engine's memory by default; 0 (unknown)
    when any input is of another kind: DuckDB's JSON reader buffers whole documents (up to
    1 GiB each, twice over) and a database table has no file size."""
    if any(s.kind not in ("csv", "parquet") for s in sources):
        return 0
    return sum(source_bytes(s) for s in sources)


def estimate_rows(source: SourceFile) -> int | None:
    """Rows in a source: exact for Parquet, from the first MiB's lines for plain text, else None."""
    if source.kind == "parquet":
        import pyarrow.parquet as pq

        try:
            return int(pq.read_metadata(source.path).num_rows)
        except Exception:  # pyarrow's ArrowInvalid: a broken file, refused where it is read
            return None
    if source.compressed or source.kind == "postgres" or is_remote(source):
        return None
    sample_path = source.members[0] if source.members else source.path
    with sample_path.open("rb") as handle:
        sample = handle.read(1 << 20)
    lines = sample.count(b"\n")
    if not lines:
        return None
    return round(source_bytes(source) * lines / len(sample))
