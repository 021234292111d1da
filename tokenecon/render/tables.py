"""Tables that fit the terminal: split by columns, never by truncating a number.

Rich shrinks a table that is wider than the console by cutting cells short ("$18…"), which
turns figures into guesses. Here every column keeps at least the width of its widest cell
(headers may wrap at spaces), and when the columns together do not fit, the table is split
into several narrower ones that repeat the first (key) columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text

Cell = str | Text

_BORDER = 1
"""The left edge of the box."""
_PER_COLUMN = 3
"""Padding on both sides of a cell and the separator after it."""


@dataclass(frozen=True)
class Column:
    """A column: its header and alignment."""

    header: str
    justify: str = "right"


def _cell_width(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def _header_words(header: str) -> list[str]:
    """Where a header may wrap: at spaces and after a slash (``tasks/`` ``outcome``)."""
    return re.findall(r"[^\s/]*/|[^\s/]+", header)


def _min_width(column: Column, cells: Sequence[Cell]) -> int:
    widest_word = max((cell_len(w) for w in _header_words(column.header)), default=0)
    return max([widest_word, *(_cell_width(c) for c in cells)])


def _natural_width(column: Column, cells: Sequence[Cell]) -> int:
    return max([cell_len(column.header), *(_cell_width(c) for c in cells)])


def _settle(minimum: list[int], natural: list[int], width: int) -> list[int]:
    """Widths from the minimums up towards the natural widths, while the table fits."""
    spare = width - _BORDER - sum(w + _PER_COLUMN for w in minimum)
    out = list(minimum)
    for index in sorted(range(len(out)), key=lambda i: natural[i] - minimum[i]):
        grow = min(spare, natural[index] - out[index])
        out[index] += grow
        spare -= grow
    return out


def _chunks(widths: list[int], keys: int, width: int) -> list[list[int]]:
    """Column indexes of each table: the key columns, then as many others as fit."""
    key_width = _BORDER + sum(w + _PER_COLUMN for w in widths[:keys])
    chunks: list[list[int]] = []
    current: list[int] = []
    used = key_width
    for index in range(keys, len(widths)):
        need = widths[index] + _PER_COLUMN
        if current and used + need > width:
            chunks.append(current)
            current, used = [], key_width
        current.append(index)
        used += need
    if current or not chunks:
        chunks.append(current)
    return [list(range(keys)) + chunk for chunk in chunks]


def fitted_tables(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    width: int,
    keys: int = 1,
) -> list[Table]:
    """One table if it fits in ``width`` cells, else several that repeat the key columns."""
    minimum = [_min_width(c, [r[i] for r in rows]) for i, c in enumerate(columns)]
    natural = [_natural_width(c, [r[i] for r in rows]) for i, c in enumerate(columns)]
    chunks = _chunks(minimum, keys, width)
    tables = []
    for number, chunk in enumerate(chunks, start=1):
        suffix = f" ({number}/{len(chunks)})" if len(chunks) > 1 else ""
        table = Table(title=title + suffix, title_justify="left", box=box.HEAVY_HEAD)
        # Fixed widths: Rich's own shrinking would cut cells short (or crop the table).
        widths = _settle([minimum[i] for i in chunk], [natural[i] for i in chunk], width)
        for index, column_width in zip(chunk, widths, strict=True):
            column = columns[index]
            header = column.header
            if column_width < cell_len(header):
                header = " ".join(w.strip() for w in _header_words(header))
            table.add_column(
                header,
                justify=column.justify,  # type: ignore[arg-type]
                width=column_width,
            )
        for row in rows:
            table.add_row(*(row[i] for i in chunk))
        tables.append(table)
    return tables
