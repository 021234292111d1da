"""``--timestamp-format``: timestamp text in a layout the user names with strptime codes (a CSV
saved by a spreadsheet writes ``10/13/2026 17:30`` where ISO 8601 was), read the same on
DuckDB, on Spark and in Python.

One supported subset of codes (:data:`CODES`) is checked once and turned into three things: the
format itself (DuckDB's ``try_strptime`` and Python's ``strptime`` take it as written), a Java
datetime pattern for Spark's ``to_timestamp``, and an anchored regular expression every value
must match first. The engines' parsers differ at the edges (Spark reads ``010`` as a month,
DuckDB a double space, Python ``Z`` as an offset); the expression, the same on all three, says
which texts are in the format, and the parser only reads them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tokenecon.errors import OptionError

if TYPE_CHECKING:
    import ibis.expr.types as ir

_MONTHS = "january february march april may june july august september october november december"
_NAMES = _MONTHS.split()


@dataclass(frozen=True)
class _Code:
    """One strptime code: what it reads, its Spark pattern and the texts it accepts."""

    means: str
    spark: str
    pattern: str
    fixed: tuple[str, str] | None = None
    """(Spark pattern, expression) of exactly two digits, when it stands next to another number
    (``%Y%m%d``): a variable width there has no single reading (``2026113``)."""


CODES: dict[str, _Code] = {
    "Y": _Code("year, four digits", "yyyy", r"[0-9]{4}"),
    # 69-99 are 1969-1999 to Python and DuckDB but 2069-2099 to Spark: refused on all three
    "y": _Code("year 2000-2068, two digits", "yy", r"[0-5][0-9]|6[0-8]"),
    "m": _Code("month 1-12", "M", r"1[0-2]|0[1-9]|[1-9]", ("MM", r"1[0-2]|0[1-9]")),
    "d": _Code("day 1-31", "d", r"3[01]|[12][0-9]|0[1-9]|[1-9]", ("dd", r"3[01]|[12][0-9]|0[1-9]")),
    "H": _Code("hour 0-23", "H", r"2[0-3]|[01][0-9]|[0-9]", ("HH", r"2[0-3]|[01][0-9]")),
    "I": _Code("hour 1-12, with %p", "h", r"1[0-2]|0[1-9]|[1-9]", ("hh", r"1[0-2]|0[1-9]")),
    "M": _Code("minute", "m", r"[0-5][0-9]|[0-9]", ("mm", r"[0-5][0-9]")),
    # no leap second 60: Python and DuckDB read it, Spark does not
    "S": _Code("second", "s", r"[0-5][0-9]|[0-9]", ("ss", r"[0-5][0-9]")),
    "f": _Code("fraction of a second, 1-6 digits", "SSSSSS", r"[0-9]{1,6}"),
    "p": _Code("AM or PM", "a", r"(?i:am|pm)"),
    "b": _Code("English month name, 3 letters", "MMM", f"(?i:{'|'.join(n[:3] for n in _NAMES)})"),
    "B": _Code("English month name", "MMMM", f"(?i:{'|'.join(_NAMES)})"),
    # +hh:mm or +hhmm (Spark tries each layout in turn); DuckDB's +hh and Python's Z are not
    # read by the other two
    "z": _Code("UTC offset, +hh:mm or +hhmm", "[xxx][xx]", r"[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9]"),
}
"""The strptime codes ``--timestamp-format`` reads, and ``%%`` for a percent sign."""
_NUMBERS = set("YymdHIMSf")
_SPECIAL = set("\\.^$|?*+()[]{}")


@dataclass(frozen=True)
class TimestampFormat:
    """A checked ``--timestamp-format``."""

    text: str
    """As given: strptime codes, read as written by DuckDB and Python."""
    spark: str
    """The same layout as a Spark (Java) datetime pattern."""
    regex: str
    """The texts in this layout, anchored; the same expression on every engine."""
    offset: bool
    """Whether it reads a UTC offset (``%z``); without one the time is UTC."""
    digits: bool = False
    """Whether its texts are digits alone (``%Y%m%d``): then a number not in it is a broken
    date, never Unix time (``2026113`` is no count of seconds)."""


def _pieces(text: str) -> list[tuple[str, str]]:
    """(kind, value) pieces of a format: ("code", letter) or ("text", literal), literal text
    in one piece between codes (Spark's quoted runs cannot be adjacent: 'a''b' is a'b)."""
    pieces: list[tuple[str, str]] = []
    at = 0
    while at < len(text):
        piece = ("text", text[at])
        if text[at] == "%":
            code = text[at + 1 : at + 2]
            if not code:
                raise _bad(text, "it ends with a lone %")
            if code != "%" and code not in CODES:
                raise _bad(text, f"%{code} is not a code it reads")
            piece = ("text", "%") if code == "%" else ("code", code)
            at += 1
        at += 1
        if piece[0] == "text" and pieces and pieces[-1][0] == "text":
            pieces[-1] = ("text", pieces[-1][1] + piece[1])
        else:
            pieces.append(piece)
    return pieces


def _bad(text: str, why: str) -> OptionError:
    codes = ", ".join(f"%{c} ({code.means})" for c, code in CODES.items())
    return OptionError(
        f"--timestamp-format {text!r}: {why}",
        f"the codes read are {codes}, and %% for a percent sign; other characters are literal "
        '(e.g. --timestamp-format "%m/%d/%Y %H:%M"; docs/usage-record.md#timestamps)',
    )


@functools.cache
def timestamp_format(text: str) -> TimestampFormat:
    """``text`` checked (raises an :class:`OptionError`, exit 2, naming what is wrong) and
    translated for each engine."""
    if not text.strip():
        raise _bad(text, "it is empty")
    pieces = _pieces(text)
    codes = [value for kind, value in pieces if kind == "code"]
    for code in codes:
        if codes.count(code) > 1:
            raise _bad(text, f"%{code} is there twice")
    for needed, names in (("a year", "Yy"), ("a month", "mbB"), ("a day", "d")):
        if sum(code in names for code in codes) != 1:
            listed = " or ".join(f"%{c}" for c in names)
            raise _bad(text, f"it needs {needed}: one of {listed}")
    if ("I" in codes) != ("p" in codes):
        raise _bad(text, "%I (hour 1-12) and %p (AM or PM) go together: one without the other "
                   "leaves the hour unknown or unused")  # fmt: skip
    if "H" in codes and "I" in codes:
        raise _bad(text, "%H and %I both give the hour")
    spark: list[str] = []
    regex: list[str] = []
    for index, (kind, value) in enumerate(pieces):
        if kind == "text":
            spark.append("'" + value.replace("'", "''") + "'")
            regex.append("".join("\\" + c if c in _SPECIAL else c for c in value))
            continue
        read = CODES[value]
        beside = [pieces[i] for i in (index - 1, index + 1) if 0 <= i < len(pieces)]
        touching = any(k == "code" and v in _NUMBERS for k, v in beside)
        if touching and value == "f":
            raise _bad(text, "%f needs a separator before it (a '.' or ',')")
        pattern, expression = read.fixed if touching and read.fixed else (read.spark, read.pattern)
        spark.append(pattern)
        regex.append(f"(?:{expression})")
    return TimestampFormat(
        text=text,
        spark="".join(spark),
        regex="^" + "".join(regex) + "$",
        offset="z" in codes,
        digits=all(kind == "code" and value in _NUMBERS for kind, value in pieces),
    )


def check_timestamp_format(text: str | None) -> str | None:
    """``--timestamp-format`` checked (:func:`timestamp_format`), as given; None for none."""
    if text is None:
        return None
    timestamp_format(text)
    return text


def parse_formatted(text: str, fmt: TimestampFormat) -> datetime | None:
    """``text`` (trimmed) read in ``fmt`` as a naive UTC time, as the engines read it; None
    when it is not in that format."""
    text = text.strip()
    if not re.search(fmt.regex, text):
        return None
    try:
        parsed = datetime.strptime(text, fmt.text)
    except ValueError:  # a day the month does not have
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def in_format(value: ir.StringValue, fmt: TimestampFormat) -> ir.BooleanValue:
    """Whether ``value`` (text, trimmed) is written in ``fmt``, by :attr:`~TimestampFormat.regex`
    (null for null)."""
    matches: ir.BooleanValue = value.strip().re_search(fmt.regex)
    return matches


def formatted_timestamp(value: ir.StringValue, fmt: TimestampFormat) -> ir.TimestampValue:
    """``value`` (text, trimmed) read in ``fmt`` as a UTC timestamp in the engine, for a text
    :func:`in_format`; null where the engine cannot read it (a day the month does not have)."""
    import ibis
    import ibis.expr.datatypes as dt

    from tokenecon.ingest.readers import on_duckdb

    trimmed = value.strip()
    if on_duckdb(value) is False:
        # (Spark's own time zone is UTC: an offset is converted to it, no offset is UTC.)
        def to_timestamp(text: str, pattern: str) -> datetime:  # type: ignore[empty-body]
            """Spark's to_timestamp (null on a mismatch: the session's parser policy)."""

        spark = ibis.udf.scalar.builtin(
            to_timestamp, name="to_timestamp", signature=((dt.string, dt.string), dt.timestamp)
        )
        parsed: ir.TimestampValue = spark(trimmed, fmt.spark)
    else:
        # DuckDB gives a TIMESTAMPTZ for a format with %z, a TIMESTAMP otherwise
        kind = dt.Timestamp(timezone="UTC") if fmt.offset else dt.timestamp

        def try_strptime(text: str, format: str) -> datetime:  # type: ignore[empty-body]
            """DuckDB's try_strptime."""

        duckdb = ibis.udf.scalar.builtin(
            try_strptime, name="try_strptime", signature=((dt.string, dt.string), kind)
        )
        parsed = duckdb(trimmed, fmt.text).cast("timestamp")
    return parsed


_LOCAL_DATE = re.compile(
    r"^(?P<a>[0-9]{1,2})(?P<sep>[/.-])(?P<b>[0-9]{1,2})(?P=sep)(?P<year>[0-9]{4}|[0-9]{2})"
    r"(?: (?P<hour>[0-9]{1,2}):[0-9]{2}(?P<seconds>:[0-9]{2}(?P<fraction>\.[0-9]{1,6})?)?"
    r"(?P<gap> ?)(?P<ampm>[AaPp][Mm])?)?$"
)
"""A date as a spreadsheet writes it on its locale's clocks: day and month in some order, then
the year, then perhaps a time (``10/13/2026 17:30``, ``13.10.2026``, ``1/5/26 9:05:00 PM``)."""


def fitting_formats(values: list[str]) -> list[str]:
    """The ``--timestamp-format`` layouts that read rejected timestamp ``values`` written as a
    spreadsheet writes dates (the first such value's layout): month first or day first when a
    value tells them apart (a number above 12), both when none does or when values disagree
    (the user chooses: never guessed). Empty when no value looks like such a date."""
    orders: dict[tuple[str, str], set[str]] = {}
    for value in values:
        found = _LOCAL_DATE.match(value.strip())
        if found is None:
            continue
        a, b = int(found["a"]), int(found["b"])
        if not (1 <= a <= 31 and 1 <= b <= 31) or (a > 12 and b > 12):
            continue
        told = orders.setdefault((found["sep"], _rest(found)), set())
        if a > 12:
            told.add("day")
        elif b > 12:
            told.add("month")
    if not orders:
        return []
    (sep, rest), told = next(iter(orders.items()))
    layouts = {"month": f"%m{sep}%d{sep}{rest}", "day": f"%d{sep}%m{sep}{rest}"}
    return [layout for first, layout in layouts.items() if len(told) != 1 or first in told]


def _rest(found: re.Match[str]) -> str:
    """The layout of a :data:`_LOCAL_DATE` value after its day and month."""
    layout = "%Y" if len(found["year"]) == 4 else "%y"
    if found["hour"] is None:
        return layout
    layout += " %I:%M" if found["ampm"] else " %H:%M"
    if found["seconds"]:
        layout += ":%S" + (".%f" if found["fraction"] else "")
    return layout + (found["gap"] + "%p" if found["ampm"] else "")
