"""Turn command-line usage arguments (paths, globs, `-`) into a list of readable files."""

from __future__ import annotations

import glob
import gzip
import hashlib
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tokenecon.errors import UsageInputError

FORMATS = ("csv", "jsonl", "parquet")


@dataclass(frozen=True)
class SourceFile:
    """One usage file to read."""

    path: Path
    """Where the bytes are (a spooled temp file for stdin)."""
    display: str
    """How messages and the report name it."""
    kind: str
    """csv, jsonl or parquet."""
    compressed: bool
    """Whether it is gzip-compressed."""


def expand_sources(arguments: list[str]) -> list[SourceFile]:
    """Resolve paths, globs and ``-`` (stdin, spooled to a temp file) in the order given."""
    if not arguments:
        raise UsageInputError("no usage file given", "pass a file, a glob or - for stdin")
    out: list[SourceFile] = []
    for arg in arguments:
        if arg == "-":
            out.append(_spool_stdin())
            continue
        matches = sorted(glob.glob(arg)) if any(ch in arg for ch in "*?[") else [arg]
        if not matches:
            raise UsageInputError(f"no file matches {arg!r}", "check the glob and quote it")
        for match in matches:
            path = Path(match)
            if path.is_dir():
                raise UsageInputError(
                    f"{path} is a directory", f"pass the files inside it, e.g. '{path}/*.csv'"
                )
            if not path.exists():
                raise UsageInputError(f"usage file {path} does not exist", "check the path")
            out.append(_describe(path, match))
    return out


def _describe(path: Path, display: str) -> SourceFile:
    with path.open("rb") as handle:
        head = handle.read(4)
    compressed = head[:2] == b"\x1f\x8b"
    if head == b"PAR1":
        return SourceFile(path, display, "parquet", False)
    first = _first_char(path, compressed)
    kind = "jsonl" if first in "{[" else "csv"
    return SourceFile(path, display, kind, compressed)


def _first_char(path: Path, compressed: bool) -> str:
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors="replace") as handle:
            for line in handle:
                stripped = line.strip()
                if stripped:
                    return stripped[0]
    except (OSError, EOFError) as exc:
        raise UsageInputError(f"cannot read {path}: {exc}") from None
    raise UsageInputError(f"{path} is empty", "export the usage again: the file has no rows")


def _spool_stdin() -> SourceFile:
    spool = tempfile.NamedTemporaryFile(prefix="tokenecon-stdin-", delete=False)  # noqa: SIM115
    with spool:
        shutil.copyfileobj(sys.stdin.buffer, spool)
    return _describe(Path(spool.name), "<stdin>")


DIGEST_CHUNK = 1 << 22
"""Bytes read at a time while hashing; also the spacing of :attr:`FileDigest.newlines`."""


@dataclass(frozen=True)
class FileDigest:
    """A file's content hash and, for plain text, where its lines are."""

    sha256: str
    newlines: tuple[int, ...] | None
    """Newlines before each :data:`DIGEST_CHUNK`-sized chunk (None: not counted). Reading the
    file to hash it is the moment to count them: a rejected row's line number is then the
    count at its chunk plus the newlines of one chunk, instead of a pass over the file."""


def digest_file(source: SourceFile) -> FileDigest:
    """Content hash of a usage file for the report's inputs, and its newline index if plain."""
    digest = hashlib.sha256()
    count = source.kind != "parquet" and not source.compressed
    newlines: list[int] = []
    seen = 0
    with source.path.open("rb") as handle:
        while chunk := handle.read(DIGEST_CHUNK):
            digest.update(chunk)
            if count:
                newlines.append(seen)
                seen += chunk.count(b"\n")
    return FileDigest(digest.hexdigest(), tuple(newlines) if count else None)
