"""Inputs that cannot be read in place: stdin, a pipe (``analyze <(cat f)``), a UTF-16 file.

Detection reads a source's head and the engine reads it again, so a stream is first copied
into the run's scratch folder (removed when the run ends). Text must be UTF-8: UTF-16 (with
its byte-order mark, as Excel's "Unicode text" writes it) is turned into a UTF-8 copy; any
other encoding is refused with the line of the first byte that is not UTF-8.
"""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path
from typing import BinaryIO

from tokenecon.errors import UsageInputError
from tokenecon.scratch import scratch_directory

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
HEAD = 1 << 16
"""Bytes whose encoding is checked before anything else reads the file."""
ENCODING_HINT = (
    "save the export as UTF-8 (e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8.csv); docs/sources.md"
)


def spool(stream: BinaryIO, name: str) -> Path:
    """A copy of a stream (stdin, a pipe) in the run's scratch folder."""
    target = Path(scratch_directory("input-")) / name
    with target.open("wb") as out:
        shutil.copyfileobj(stream, out)
    return target


def spool_path(path: Path) -> Path:
    """A copy of what a pipe or other non-regular file yields, read once."""
    try:
        with path.open("rb") as stream:
            return spool(stream, path.name or "pipe")
    except OSError as exc:
        raise UsageInputError(f"cannot read {path}: {exc.strerror or exc}") from None


def as_utf8(path: Path, display: str) -> Path:
    """The path of the file's text as UTF-8: itself, or a UTF-8 copy of a UTF-16 file.

    Raises :class:`UsageInputError` when the head is neither (Latin-1, Windows-1252...)."""
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    if head.startswith(UTF16_BOMS):
        return _transcode(path, display)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        truncated = exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
        if not truncated:
            line = head[: exc.start].count(b"\n") + 1
            raise UsageInputError(
                f"{display}:{line}: not UTF-8 text (byte 0x{head[exc.start]:02x}); "
                "usage files are read as UTF-8",
                ENCODING_HINT,
            ) from None
    return path


def _transcode(path: Path, display: str) -> Path:
    target = Path(scratch_directory("utf8-")) / path.name
    try:
        with path.open("r", encoding="utf-16") as text, target.open("w", encoding="utf-8") as out:
            shutil.copyfileobj(text, out)
    except UnicodeError as exc:
        raise UsageInputError(
            f"{display}: starts as UTF-16 but cannot be decoded as such ({exc})", ENCODING_HINT
        ) from None
    return target
