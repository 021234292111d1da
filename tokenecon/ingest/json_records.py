"""Where a record of a JSON source is: its JSON path and physical line, for rejected rows.

A JSON document (an API page, an OTLP export, an array of records) holds many rows on few
lines, and the rows an adapter reads sit inside nested arrays (``data[0].results[3]``) that
the engine unnests in no fixed order. So rows are not numbered by their order: when rejected
rows are located (never in the main read), the readers tag each raw row with its
:data:`RECORD` key: the number of its document (a JSON Lines line, an element of a top-level
array, the one object of a file) and its index in each array unnested on the way
(``"0.2.5"``). :func:`locate_records` walks the file's text to the record each key names,
with the standard library's JSON scanner (C speed, each container parsed once).

A step names an array field (``"data"``), or, written with a trailing ``{}``, an object whose
members are the records, keyed by name (``"breakdown.models{}"``: LiteLLM's models; the
index is then the member's position in the object, and the path names it:
``breakdown.models["gpt-4o"]``). A dotted step goes down through nested objects first.
"""

from __future__ import annotations

import gzip
import json
import json.scanner
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir

RECORD = "tokenecon_record"
"""The raw column that holds a row's record key, while :func:`numbered_records` is on."""
LARGEST_WALKED = 256 << 20
"""A JSON source larger than this is not walked: its rejected rows name their record only."""

_NUMBERED: ContextVar[bool] = ContextVar("tokenecon_numbered_records", default=False)


@contextmanager
def numbered_records() -> Iterator[None]:
    """Within the block, JSON readers tag each raw row with its :data:`RECORD` key."""
    token = _NUMBERED.set(True)
    try:
        yield
    finally:
        _NUMBERED.reset(token)


def numbering() -> bool:
    """Whether JSON readers are to tag rows with their record keys now."""
    return _NUMBERED.get()


def number_documents(table: ir.Table) -> ir.Table:
    """A JSON read's table with each row's document number as its record key (file order:
    the reader's rows, before anything reorders them)."""
    import ibis

    if not numbering():
        return table
    return table.mutate(**{RECORD: ibis.row_number().cast("string")})


def unnest_records(table: ir.Table, column: str, *, keep_empty: bool = False) -> ir.Table:
    """``table.unnest(column)``, the element's index added to the record key when numbering
    (an empty array kept by ``keep_empty`` keeps its parent's key)."""
    import ibis

    if not numbering() or RECORD not in table.columns:
        return table.unnest(column, keep_empty=keep_empty)
    offset = "tokenecon_offset"
    rows = table.unnest(column, offset=offset, keep_empty=keep_empty)
    key = ibis.coalesce(rows[RECORD] + "." + rows[offset].cast("string"), rows[RECORD])
    return rows.mutate(**{RECORD: key}).drop(offset)


def record_key(table: ir.Table) -> list[str]:
    """The record key column of a raw table, for a reader's select to keep (none when not
    numbering)."""
    return [RECORD] if RECORD in table.columns else []


def walkable(source: SourceFile) -> bool:
    """Whether :func:`locate_records` walks the source's text (one local JSON file, not too
    large)."""
    if source.members or source.kind not in ("json", "jsonl") or source.url:
        return False
    return source.path.stat().st_size <= LARGEST_WALKED


def key_path(key: str, steps: Sequence[str]) -> str:
    """A record key as words, where its text could not be walked: ``record data[0].results[3]
    of document 1``."""
    parts = key.split(".")
    path = ".".join(
        f"{step[:-2]}{{{index}}}" if step.endswith(MEMBERS) else f"{step}[{index}]"
        for step, index in zip(steps, parts[1:], strict=False)
    )
    document = f"document {int(parts[0]) + 1}" if parts[0].isdigit() else "a document"
    return f"record {path} of {document}" if path else f"record: {document}"


@dataclass(frozen=True)
class RecordPlace:
    """Where a record is: its JSON path, and its physical line (None when not known)."""

    path: str
    """``data[0].results[3]``; empty for a record that is a whole line or document."""
    line: int | None


def locate_records(
    source: SourceFile, steps: Sequence[str], keys: Iterable[str]
) -> dict[str, RecordPlace]:
    """The place of each record key in the source's text.

    ``steps`` are the array fields unnested below a document, outermost first (an API page:
    ``("data", "results")``; flat records: none). A key that the text does not lead to (a
    file changed since it was read) is left out.
    """
    keys = list(keys)
    if not walkable(source):
        return {}
    opener: Any = gzip.open if source.compressed else open
    with opener(source.path, "rt", encoding="utf-8-sig", errors="replace", newline="") as handle:
        text: str = handle.read()
    walker = _Walker(text)
    documents = walker.documents(source.kind == "jsonl")
    lines = _LineIndex(text)
    out: dict[str, RecordPlace] = {}
    for key in keys:
        parts = key.split(".")
        try:
            number = int(parts[0])
            at, path = documents[number]
            for step, index in zip(steps, parts[1:], strict=False):
                at, path = _step(walker, at, path, step, int(index))
        except (ValueError, IndexError, KeyError):
            continue
        out[key] = RecordPlace(path, lines(at))
    return out


MEMBERS = "{}"
"""The end of a step whose records are an object's members (see the module's docstring)."""


def _step(walker: _Walker, at: int, path: str, step: str, index: int) -> tuple[int, str]:
    """The offset and path of the ``index``-th record of ``step`` in the container at
    ``at`` (whose path is ``path``)."""
    field = step.removesuffix(MEMBERS)
    for name in field.split("."):
        at = walker.member(at, name)
    where = f"{path}{'.' if path else ''}{field}"
    if step.endswith(MEMBERS):
        name, at = walker.members(at)[index]
        return at, f"{where}[{json.dumps(name, ensure_ascii=False)}]"
    return walker.elements(at)[index], f"{where}[{index}]"


class _LineIndex:
    """The physical line (from 1) of an offset in a text."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __call__(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


_SPACE = " \t\n\r"


class _Walker:
    """Offsets of values in a JSON text, each container's members found once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.scan: Any = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
        self._elements: dict[int, list[int]] = {}
        self._members: dict[int, dict[str, int]] = {}
        self._listed: dict[int, list[tuple[str, int]]] = {}

    def skip(self, at: int) -> int:
        """The first offset from ``at`` that is not white space."""
        text = self.text
        while at < len(text) and text[at] in _SPACE:
            at += 1
        return at

    def end(self, at: int) -> int:
        """The offset just past the value at ``at``."""
        try:
            _, end = self.scan(self.text, at)
        except StopIteration:
            raise ValueError(f"no JSON value at {at}") from None
        return int(end)

    def documents(self, lines: bool) -> list[tuple[int, str]]:
        """Each document's offset and its path prefix, in the reader's order: the non-blank
        lines of JSON Lines; else the elements of a top-level array, or the one document."""
        if lines:
            out, start, text = [], 0, self.text
            while start < len(text):
                stop = text.find("\n", start)
                stop = len(text) if stop < 0 else stop
                at = self.skip(start)
                if at < stop:  # a blank line is no record
                    out.append((at, ""))
                start = stop + 1
            return out
        at = self.skip(0)
        if self.text.startswith("[", at):
            return [(e, f"[{i}]") for i, e in enumerate(self.elements(at))]
        return [(at, "")]

    def elements(self, at: int) -> list[int]:
        """The offsets of the elements of the array at ``at``."""
        if at not in self._elements:
            self._elements[at] = self._items(at, "[]", lambda value: (value, value))
        return self._elements[at]

    def member(self, at: int, name: str) -> int:
        """The offset of the value of member ``name`` of the object at ``at``."""
        members = self._members.get(at)
        if members is None:
            members = self._members[at] = self._object(at)
        return members[name]

    def members(self, at: int) -> list[tuple[str, int]]:
        """Each member of the object at ``at``: its name and the offset of its value, in
        document order (a repeated name too)."""
        if at not in self._listed:
            self._listed[at] = self._items(at, "{}", self._named)
        return self._listed[at]

    def _named(self, at: int) -> tuple[tuple[str, int], int]:
        """The member whose name starts at ``at``: (its name, its value's offset), and that
        offset."""
        name, after = self.scan(self.text, at)
        at = self.skip(after)
        if not self.text.startswith(":", at):
            raise ValueError("broken object")
        value = self.skip(at + 1)
        return (str(name), value), value

    def _items(self, at: int, brackets: str, item: Callable[[int], tuple[Any, int]]) -> list[Any]:
        """What ``item`` makes of each entry of the container at ``at`` (an array or an
        object, by its ``brackets``): given where the entry starts, ``item`` returns what it
        makes of the entry and where the entry's value starts."""
        text, opening, closing = self.text, brackets[0], brackets[1]
        kind = "array" if opening == "[" else "object"
        if not text.startswith(opening, at):
            raise ValueError(f"not an {kind}")
        out = []
        at = self.skip(at + 1)
        while not text.startswith(closing, at):
            made, at = item(at)
            out.append(made)
            at = self.skip(self.end(at))
            if text.startswith(",", at):
                at = self.skip(at + 1)
            elif not text.startswith(closing, at):
                raise ValueError(f"broken {kind}")
        return out

    def _object(self, at: int) -> dict[str, int]:
        out = dict[str, int]()
        for name, offset in self.members(at):
            out.setdefault(name, offset)  # the first of a repeated name
        return out
