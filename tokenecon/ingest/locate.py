"""Find the physical line of a few rows in a large text file without reading it all.

The engine knows a rejected row's request id and timestamp but not its line: its parallel
CSV reader numbers nothing, and numbering rows costs a second full pass (on 10M rows, as much
as the analysis itself). Usage exports are nearly always written in time order, so a row can
be found by bisecting the file on its timestamp, reading a few lines at byte offsets, and then
searching a small window for its id; its line is the count of newlines before it. A row is
only reported where the line found parses back to the same id; anything not found this way
(a file not in time order, a row without id or timestamp) is left to the caller's slower scan.
"""

from __future__ import annotations

import csv
import json
import math
import mmap
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tokenecon.ingest.sources import DIGEST_CHUNK
from tokenecon.ingest.time_format import TimestampFormat, parse_formatted
from tokenecon.ingest.timestamps import EPOCH_UNITS, FIRST_TIME, LAST_TIME

GREP_CANDIDATES = 10_000
"""Most lines :func:`grep_lines` reads back before it leaves the search to the caller."""
SLACK = timedelta(seconds=1)
"""Tolerance between the engine's timestamp and the one parsed here (epoch rounding)."""
_CHUNK = 1 << 26


@dataclass(frozen=True)
class WantedRow:
    """A row to find: its request id and the UTC timestamp the engine parsed."""

    request_id: str
    timestamp: datetime


Fields = Callable[[bytes], tuple[str | None, datetime | None] | None]
"""Parses one line into (request id, timestamp); None when the line cannot be parsed."""


def csv_fields(
    id_column: int, timestamp_column: int, delimiter: str = ",", fmt: TimestampFormat | None = None
) -> Fields:
    """A line parser for CSV files with the id and timestamp at these positions (timestamps
    read as :func:`parse_timestamp` reads them, in ``fmt`` first when given)."""

    def parse(line: bytes) -> tuple[str | None, datetime | None] | None:
        try:
            row = next(csv.reader([line.decode("utf-8-sig", "replace")], delimiter=delimiter))
        except (csv.Error, StopIteration):
            return None
        if len(row) <= max(id_column, timestamp_column):
            return None
        return row[id_column] or None, parse_timestamp(row[timestamp_column], fmt)

    return parse


def jsonl_fields(id_key: str, timestamp_key: str, fmt: TimestampFormat | None = None) -> Fields:
    """A line parser for JSON Lines files with the id and timestamp under these keys (``fmt``:
    as in :func:`csv_fields`)."""

    def parse(line: bytes) -> tuple[str | None, datetime | None] | None:
        try:
            record = json.loads(line)
        except ValueError:
            return None
        if not isinstance(record, dict):
            return None
        rid, ts = record.get(id_key), record.get(timestamp_key)
        stamp = parse_timestamp(None if ts is None else str(ts), fmt)
        return (None if rid is None else str(rid)), stamp

    return parse


EPOCH = datetime(1970, 1, 1)
"""Where Unix time starts (naive UTC)."""


def parse_timestamp(text: str | None, fmt: TimestampFormat | None = None) -> datetime | None:
    """ISO 8601 (no offset means UTC) or Unix time (its unit told by its size, as the engine
    does: ``timestamps.EPOCH_UNITS``), as naive UTC; None when neither. With ``fmt``
    (``--timestamp-format``) a text in that format is read by it, as the engine reads it."""
    if not text or not text.strip():
        return None
    text = text.strip()
    if fmt is not None and re.search(fmt.regex, text):
        # in the format: read by it alone, and within the engine's range, as the engine does
        formatted = parse_formatted(text, fmt)
        return formatted if formatted and FIRST_TIME <= formatted <= LAST_TIME else None
    try:
        number = None if fmt is not None and fmt.digits else float(text)
    except ValueError:
        number = None
    if number is not None:
        for low, high, millis_per_unit in EPOCH_UNITS:
            if low < number < high:
                return EPOCH + timedelta(milliseconds=math.floor(number * millis_per_unit))
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


class _Lines:
    """Lines of a memory-mapped file, addressed by byte offset."""

    def __init__(self, data: mmap.mmap, first: int, fields: Fields) -> None:
        self.data = data
        self.first = first
        self.fields = fields

    def line_at(self, start: int) -> tuple[bytes, int]:
        """The line starting at ``start`` (without its newline) and the next line's start."""
        end = self.data.find(b"\n", start)
        end = len(self.data) if end < 0 else end
        return bytes(self.data[start:end]).rstrip(b"\r"), end + 1

    def timestamp_from(self, offset: int) -> tuple[int, datetime] | None:
        """The first parseable timestamp at or after the line that holds ``offset``."""
        start = offset if offset <= self.first else self.data.rfind(b"\n", 0, offset) + 1
        start = max(start, self.first)
        for _ in range(8):  # a few lines, in case one sits inside a quoted newline
            if start >= len(self.data):
                return None
            line, following = self.line_at(start)
            parsed = self.fields(line) if line else None
            if parsed and parsed[1] is not None:
                return start, parsed[1]
            start = following
        return None

    def bisect(self, target: datetime, descending: bool) -> int:
        """Offset of the first line whose timestamp is not before ``target`` in file order."""
        lo, hi = self.first, len(self.data)
        while lo < hi:
            mid = (lo + hi) // 2
            found = self.timestamp_from(mid)
            if found is None:
                hi = mid
                continue
            start, ts = found
            before = ts > target if descending else ts < target
            if before:
                _, following = self.line_at(start)
                lo = max(following, mid + 1)
            else:
                hi = mid
        return self.data.rfind(b"\n", 0, lo) + 1 if lo > self.first else self.first

    def find_id(self, request_id: str, start: int, end: int) -> int | None:
        """Offset of the line in [start, end) whose id is ``request_id``."""
        needle = request_id.encode()
        at = self.data.find(needle, start, end)
        while at >= 0:
            line_start = self.data.rfind(b"\n", 0, at) + 1
            line, following = self.line_at(line_start)
            parsed = self.fields(line)
            if parsed and parsed[0] == request_id:
                return line_start
            at = self.data.find(needle, max(following, at + 1), end)
        return None


def _order(lines: _Lines) -> bool | None:
    """Whether the file's timestamps descend (None when it has none at both ends)."""
    head = lines.timestamp_from(lines.first)
    tail = lines.timestamp_from(max(lines.first, len(lines.data) - 2))
    if head is None or tail is None:
        return None
    return head[1] > tail[1]


def _line_numbers(
    data: mmap.mmap, offsets: list[int], index: Sequence[int] | None
) -> dict[int, int]:
    """1-based line number of each offset: the newlines before it.

    With ``index`` (newlines before each :data:`DIGEST_CHUNK`, counted while hashing) only the
    part of one chunk is counted; without, everything before the offset is.
    """
    numbers: dict[int, int] = {}
    newlines, position = 0, 0
    for offset in sorted(set(offsets)):
        if index is not None and offset // DIGEST_CHUNK < len(index):
            chunk = offset // DIGEST_CHUNK
            newlines, position = index[chunk], chunk * DIGEST_CHUNK
        while position < offset:
            step = min(_CHUNK, offset - position)
            newlines += data[position : position + step].count(b"\n")
            position += step
        numbers[offset] = newlines + 1
    return numbers


def find_lines(
    path: Path,
    header_lines: int,
    fields: Fields,
    wanted: Sequence[WantedRow],
    newline_index: Sequence[int] | None = None,
) -> dict[int, int]:
    """Line number of each wanted row found by bisection on time, by index in ``wanted``.

    ``newline_index`` is the file's :attr:`~tokenecon.ingest.sources.FileDigest.newlines`.
    """
    if not wanted or path.stat().st_size == 0:
        return {}
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        first = 0
        for _ in range(header_lines):
            first = data.find(b"\n", first) + 1
            if first == 0:
                return {}
        lines = _Lines(data, first, fields)
        descending = _order(lines)
        if descending is None:
            return {}
        found: dict[int, int] = {}
        for index, row in enumerate(wanted):
            early, late = row.timestamp - SLACK, row.timestamp + SLACK
            if descending:
                early, late = late, early
            start = lines.bisect(early, descending)
            end = lines.bisect(late + (-SLACK if descending else SLACK), descending)
            end_line = data.find(b"\n", end)
            offset = lines.find_id(row.request_id, start, len(data) if end_line < 0 else end_line)
            if offset is not None:
                found[index] = offset
        numbers = _line_numbers(data, list(found.values()), newline_index)
        return {index: numbers[offset] for index, offset in found.items()}


def grep_lines(path: Path, words: Sequence[str]) -> list[tuple[int, str]] | None:
    """(line number, text) of the physical lines of a text file holding one of ``words`` as a
    whole word, in one pass by the system's ``grep`` (fixed strings, many at once); None where
    it cannot answer: no ``grep``, an error, a word it cannot search for, or more than
    :data:`GREP_CANDIDATES` lines. The caller checks each line (a word is a candidate only).

    A file not in time order cannot be bisected; numbering its lines in the engine is one pass
    on one thread (10M lines: about 6.4 s), where grep searches 20 ids in about 1.4 s. Lines
    are counted at each newline, as :func:`find_lines` counts them; a line's carriage return
    is left off its text.
    """
    grep = shutil.which("grep")
    if not words or grep is None or any(not w or "\n" in w or "\r" in w for w in words):
        return None
    command = [grep, "-a", "-n", "-w", "-F", "-f", "-", "--", str(path)]
    environment = {**os.environ, "LC_ALL": "C"}  # bytes, not the locale's characters
    try:
        with subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, env=environment,
        ) as process:  # fmt: skip
            assert process.stdin is not None and process.stdout is not None
            process.stdin.write("\n".join(words).encode())
            process.stdin.close()
            out: list[tuple[int, str]] = []
            for raw in process.stdout:
                number, _, text = raw.rstrip(b"\n").partition(b":")
                if len(out) >= GREP_CANDIDATES or not number.isdigit():
                    process.kill()
                    return None
                out.append((int(number), text.removesuffix(b"\r").decode("utf-8", "replace")))
            code = process.wait()
    except OSError:
        return None
    return out if code in (0, 1) else None
