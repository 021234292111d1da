"""Times in the engine: ISO 8601 text or Unix time (its unit told by its size), or text in the
user's ``--timestamp-format`` (:mod:`.time_format`), as a UTC timestamp between 1970 and the
end of 9999; the Python twin that finds rejected lines by time is
:func:`tokenecon.ingest.locate.parse_timestamp`."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokenecon.ingest.time_format import TimestampFormat


def parse_timestamp_column(
    table: ir.Table, text: str, name: str, fmt: TimestampFormat | None = None
) -> ir.Table:
    """``table`` with the column ``name`` (replaced or added): its text column ``text`` parsed
    as ISO 8601 (no offset means UTC) or Unix time (seconds, or milli-, micro- or nanoseconds
    told apart by size: :data:`EPOCH_UNITS`), as a UTC timestamp, each step in a projection of
    its own. With ``fmt`` (``--timestamp-format``) a text written in that format is read by it
    alone: one the format cannot read (February 30th) or outside 1970-9999 is no time, never
    read again as ISO 8601 or Unix time; a format of digits alone (``%Y%m%d``) leaves no text
    to Unix time.

    An expression used twice in one projection is written out twice in the SQL, and the parse
    uses each step many times: the example month's main query held its outcome times' parse
    207 times over, and DuckDB's search for the repeats was most of its planning."""
    import ibis

    helpers: list[str] = []
    if fmt is None:
        staged = table.mutate(**{name: _iso_timestamp(table[text])})
        staged = staged.mutate(**{name: within_range(staged[name])})
        untried = staged[name].isnull()
    else:
        from tokenecon.ingest.time_format import formatted_timestamp, in_format

        matched = "timestamp__in_format"
        helpers.append(matched)
        staged = table.mutate(**{matched: in_format(table[text], fmt)})
        staged = staged.mutate(
            **{
                name: ibis.cases(
                    (staged[matched], within_range(formatted_timestamp(staged[text], fmt))),
                    else_=within_range(_iso_timestamp(staged[text])),
                )
            }
        )
        untried = staged[name].isnull() & ~staged[matched].fill_null(False)
        if fmt.digits:
            return staged.drop(*helpers)
    # Unix time only where ISO 8601 failed: read for every row, the number cast cost as much
    # as a count's.
    epoch = "timestamp__epoch"
    staged = staged.mutate(
        **{
            epoch: ibis.cases(
                (untried, staged[text].try_cast("float64")),
                else_=ibis.null("float64"),
            )
        }
    )
    staged = staged.mutate(**{name: ibis.coalesce(staged[name], from_epoch(staged[epoch]))})
    return staged.drop(epoch, *helpers)


def _iso_timestamp(value: ir.StringValue) -> ir.TimestampValue:
    import ibis

    # The offset-aware cast costs twice the plain one: use it only where an offset is written
    # (a trailing +hh:mm or -hh:mm after the time); `Z` and no offset both mean UTC.
    tail = value.right(6)
    has_offset = tail.contains("+") | ((value.length() > 19) & tail.contains("-"))
    return ibis.cases(
        (has_offset, value.try_cast("timestamp('UTC')").cast("timestamp")),
        else_=value.try_cast("timestamp"),
    )


def from_epoch(epoch: ir.FloatingValue) -> ir.TimestampValue:
    """A Unix time as a timestamp, its unit told by its size (:data:`EPOCH_UNITS`); null when
    it is no time (zero or less, or past 1e20)."""
    import ibis

    # The epoch plus an interval: portable (Spark has no from-unix in milliseconds) and a plain
    # timestamp on both engines (DuckDB's to_timestamp gives one with a zone).
    millis = ibis.cases(
        *(
            ((epoch > low) & (epoch < high), (epoch * millis_per_unit).floor())
            for low, high, millis_per_unit in EPOCH_UNITS
        ),
        else_=ibis.null("float64"),
    )
    stamp: ir.TimestampValue = ibis.literal(datetime(1970, 1, 1)) + millis.cast(
        "int64"
    ).as_interval("ms")
    return stamp


def typed_timestamp(value: ir.Value) -> ir.TimestampValue:
    """A typed (not text) time column as a UTC timestamp: timestamps (with a zone:
    converted), dates, or Unix time (:func:`from_epoch`). Text goes through
    :func:`parse_timestamp_column`."""
    if value.type().is_numeric():
        return from_epoch(value.cast("float64"))
    return within_range(value.cast("timestamp"))


EPOCH_LIMIT = 1e11
"""Unix seconds below this (the year 5138) are a time in seconds."""
EPOCH_UNITS = (
    (0.0, EPOCH_LIMIT, 1e3),
    (946_684_800e3, 1e14, 1.0),
    (946_684_800e6, 1e17, 1e-3),
    (946_684_800e9, 1e20, 1e-6),
)
"""(from, below, milliseconds per unit): a Unix time below 1e11 is in seconds (to the year
5138); milliseconds (JavaScript's Date.now()), microseconds and nanoseconds are read from the
year 2000 on, so that each unit's range is apart from the others and the size of a number
tells its unit: a count of seconds past the year 5138 (a broken time) is no time in any unit,
never a millisecond time of the 1970s. Anything else is not a time."""
FIRST_TIME = datetime(1970, 1, 1)
LAST_TIME = datetime(9999, 12, 31, 23, 59, 59)


def within_range(stamp: ir.TimestampValue) -> ir.TimestampValue:
    """A timestamp between 1970 and the end of 9999, else null (rejected as not a date-time):
    ``infinity`` and the year 10000 parse, but no report can show them."""
    import ibis

    inside = (stamp >= FIRST_TIME) & (stamp <= LAST_TIME)
    return ibis.cases((inside, stamp), else_=ibis.null("timestamp"))
