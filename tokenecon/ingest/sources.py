"""Turn usage arguments (paths, directories, globs, `-`, database URLs) into sources."""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tokenecon.errors import UsageInputError

KINDS = ("csv", "jsonl", "json", "parquet", "postgres")
DATABASE_SCHEMES = ("postgres://", "postgresql://")


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
    """The database URL of a table source."""
    table: str | None = None
    """The table of a database source (``--table``)."""


def expand_sources(arguments: list[str], table: str | None = None) -> list[SourceFile]:
    """Resolve paths, directories, globs, ``-`` (stdin) and database URLs in the order given."""
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
        matches = sorted(glob.glob(arg)) if any(ch in arg for ch in "*?[") else [arg]
        if not matches:
            raise UsageInputError(f"no file matches {arg!r}", "check the glob and quote it")
        for match in matches:
            path = Path(match)
            if path.is_dir():
                out.append(_directory(path, match))
                continue
            if not path.exists():
                raise UsageInputError(f"usage file {path} does not exist", "check the path")
            out.append(_describe(path, match))
    return out


def _database(url: str, table: str | None) -> SourceFile:
    if not table:
        raise UsageInputError(f"{redact(url)}: which table?", "name it: --table LiteLLM_SpendLogs")
    return SourceFile(Path("."), f"{redact(url)}#{table}", "postgres", False, url=url, table=table)


def redact(url: str) -> str:
    """A database URL without its password."""
    return re.sub(r"(://[^:/@]+):[^@/]*@", r"\1:***@", url)


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
    with path.open("rb") as handle:
        head = handle.read(4)
    compressed = head[:2] == b"\x1f\x8b"
    if head == b"PAR1":
        return SourceFile(path, display, "parquet", False)
    first = _first_line(path, compressed)
    if first[0] not in "{[":
        return SourceFile(path, display, "csv", compressed)
    try:
        record = json.loads(first)
    except json.JSONDecodeError:
        return SourceFile(path, display, "json", compressed)
    kind = "jsonl" if isinstance(record, dict) else "json"
    return SourceFile(path, display, kind, compressed)


def _first_line(path: Path, compressed: bool) -> str:
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
            for line in handle:
                stripped = line.strip()
                if stripped:
                    return stripped
    except (OSError, EOFError) as exc:
        raise UsageInputError(f"cannot read {path}: {exc}") from None
    raise UsageInputError(f"{path} is empty", "export the usage again: the file has no rows")


def _spool_stdin() -> SourceFile:
    spool = tempfile.NamedTemporaryFile(prefix="tokenecon-stdin-", delete=False)  # noqa: SIM115
    with spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
    return _describe(Path(spool.name), "<stdin>")


def file_sha256(path: Path) -> str:
    """Content hash of a file, for the report's inputs."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def source_sha256(source: SourceFile) -> str | None:
    """Content hash of a source: a file's, a directory's files' in order; None for a table."""
    if source.kind == "postgres":
        return None
    if not source.members:
        return file_sha256(source.path)
    digest = hashlib.sha256()
    for member in source.members:
        digest.update(file_sha256(member).encode())
    return digest.hexdigest()
