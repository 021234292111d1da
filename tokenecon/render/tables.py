"""Tables that fit the terminal by choosing columns, never by truncating a number or splitting.

Rich shrinks a table that is wider than the console by cutting cells short ("$18…"), which
turns figures into guesses; splitting it into "(1/2)" and "(2/2)" makes a row hard to read.
Here every column keeps at least the width of its widest cell (headers may wrap at spaces),
and when the columns together do not fit, the least important ones are left out (those with
the lowest ``rank``; by default the rightmost first) and the caption names them.
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
WRAPPED_MIN = 24
"""The narrowest a wrapping column gets: a description in 24 cells stays a few lines."""
_EMOJI_CODE = re.compile(r":\S*?:")
"""What every emoji code Rich replaces looks like (``:name:``, rich/_emoji_replace.py)."""


@dataclass(frozen=True)
class Column:
    """A column: its header and alignment."""

    header: str
    justify: str = "right"
    rank: int | None = None
    """Which columns stay when not all fit: higher stays longer (default: leftmost first)."""
    wraps: bool = False
    """Text that may wrap at its spaces (a description), so that the column narrows to
    :data:`WRAPPED_MIN` cells (or its longest word) before it is left out."""


def _cell_width(cell: Cell) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


def _as_text(cell: Cell, style: str = "") -> Cell:
    """``cell`` as the Text Rich would make of it, made here where Rich would change nothing
    (no ``[`` of markup, nothing like an emoji code): Rich otherwise parses every cell for
    markup and emoji, and imports its table of 4,000 emoji to do so (~10 ms of a 20 ms
    report, docs/benchmarks.md "Start-up"). The output is the same, byte for byte."""
    if isinstance(cell, str) and "[" not in cell and _EMOJI_CODE.search(cell) is None:
        return Text(cell, style=style)
    return cell


def _header_words(header: str) -> list[str]:
    """Where a header may wrap: at spaces and after a slash (``tasks/`` ``outcome``)."""
    return re.findall(r"[^\s/]*/|[^\s/]+", header)


def _min_width(column: Column, cells: Sequence[Cell]) -> int:
    widest_word = max((cell_len(w) for w in _header_words(column.header)), default=0)
    if column.wraps:
        words = (cell_len(w) for c in cells for w in str(c).split())
        return max(widest_word, WRAPPED_MIN, *words)
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


def _chosen(widths: list[int], ranks: list[int], keys: int, width: int) -> list[int]:
    """Indexes of the columns shown: the key columns, then the best-ranked that fit."""
    shown = list(range(len(widths)))
    others = sorted(range(keys, len(widths)), key=lambda i: (ranks[i], -i))
    while others and _BORDER + sum(widths[i] + _PER_COLUMN for i in shown) > width:
        shown.remove(others.pop(0))
    return shown


DIFF_WIDER = "--width or --format json"
"""How `tokenecon diff` shows the columns a table leaves out."""


def fitted_tables(
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    width: int,
    keys: int = 1,
    wider: str = "--width, --json or --html",
) -> list[Table]:
    """The table, in ``width`` cells: columns that do not fit are left out and named in the
    caption with ``wider``, the command's ways to see them (a list, so that a renderer can
    print a table or none)."""
    minimum = [_min_width(c, [r[i] for r in rows]) for i, c in enumerate(columns)]
    natural = [_natural_width(c, [r[i] for r in rows]) for i, c in enumerate(columns)]
    ranks = [-i if c.rank is None else c.rank for i, c in enumerate(columns)]
    chosen = _chosen(minimum, ranks, keys, width)
    left_out = [columns[i].header for i in range(len(columns)) if i not in chosen]
    caption = f"not shown at {width} columns: {', '.join(left_out)} ({wider})" if left_out else None
    table = Table(
        # The styles Rich gives a title and a caption it is given as text.
        title=_as_text(title, "table.title"),
        title_justify="left",
        box=box.HEAVY_HEAD,
        caption=_as_text(caption, "table.caption") if caption else None,
        caption_justify="left",
    )
    # Fixed widths: Rich's own shrinking would cut cells short (or crop the table).
    widths = _settle([minimum[i] for i in chosen], [natural[i] for i in chosen], width)
    for index, column_width in zip(chosen, widths, strict=True):
        column = columns[index]
        header = column.header
        if column_width < cell_len(header):
            header = " ".join(w.strip() for w in _header_words(header))
        table.add_column(_as_text(header), justify=column.justify, width=column_width)  # type: ignore[arg-type]
    for row in rows:
        table.add_row(*(_as_text(row[i]) for i in chosen))
    return [table]
