"""`--timestamp-format`: times a spreadsheet rewrote on its locale's clocks are read at their UTC
instants when the user names the layout; without it the hint names the layout (both orders
when the values do not tell); a bad layout is exit 2; the engine and the Python twin that finds
rejected rows' lines read every text alike."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import FIXTURES, run_cli
from test_errors import check_error

from tokenecon.engine.connect import EngineOptions, connect
from tokenecon.engine.dialect import small_table
from tokenecon.ingest.locate import WantedRow, csv_fields, find_lines, parse_timestamp
from tokenecon.ingest.time_format import fitting_formats, timestamp_format
from tokenecon.ingest.timestamps import parse_timestamp_column

BOOK = ("--prices", str(FIXTURES / "book.yaml"), "--no-default-prices")
HEADER = "timestamp,model,input_tokens,output_tokens,request_id\n"
# gpt-4.1 in tests/fixtures/book.yaml: $2.00 input, $8.00 output per 1M tokens
TOKENS = [(1_000_000, 0), (0, 250_000), (125_000, 62_500), (500_000, 0)]
"""$2.00, $2.00, $0.25 + $0.50 = $0.75 and $1.00."""
INSTANTS = [
    datetime(2026, 10, 1, 9, 0),
    datetime(2026, 10, 13, 17, 30),
    datetime(2026, 10, 13, 23, 59),
    datetime(2026, 10, 2, 0, 0),  # written in ISO 8601 in every file: still read
]
LAYOUTS = {
    "%m/%d/%Y %H:%M": ["10/1/2026 9:00", "10/13/2026 17:30", "10/13/2026 23:59"],
    "%d/%m/%Y %H:%M": ["1/10/2026 9:00", "13/10/2026 17:30", "13/10/2026 23:59"],
    "%m/%d/%Y %I:%M %p": ["10/1/2026 9:00 AM", "10/13/2026 5:30 PM", "10/13/2026 11:59 pm"],
    "%d.%m.%y %H:%M": ["01.10.26 09:00", "13.10.26 17:30", "13.10.26 23:59"],
    # on the clocks of UTC+2: the last row is the 14th there and the 13th in UTC
    "%d/%m/%Y %H:%M %z": ["1/10/2026 11:00 +02:00", "13/10/2026 19:30 +0200",
                          "14/10/2026 1:59 +02:00"],
}  # fmt: skip


def sheet(path: Path, stamps: list[str]) -> Path:
    """A CSV of the four rows of :data:`TOKENS` at these timestamps, then the ISO row."""
    rows = [*stamps, "2026-10-02T00:00:00Z"]
    path.write_text(
        HEADER
        + "".join(
            f"{stamp},gpt-4.1,{i},{o},r{n}\n"
            for n, (stamp, (i, o)) in enumerate(zip(rows, TOKENS, strict=True))
        )
    )
    return path


def analyze(*args: str) -> dict:
    result = run_cli("analyze", *args, *BOOK, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_spreadsheets_times_read_at_their_utc_instants(tmp_path: Path, layout: str) -> None:
    usage = sheet(tmp_path / "sheet.csv", LAYOUTS[layout])
    report = analyze(str(usage), "--timestamp-format", layout, "--by", "day")
    assert (report["totals"]["rows_read"], report["totals"]["rows_rejected"]) == (4, 0)
    days = {row["value"]: row["cost"] for row in report["breakdown"]["rows"]}
    # 1 Oct: $2.00; 2 Oct (the ISO row): $1.00; 13 Oct: $2.00 + $0.75
    assert days == {"2026-10-01": "2.000000", "2026-10-02": "1.000000", "2026-10-13": "2.750000"}
    assert report["totals"]["cost"] == "5.750000"
    out = tmp_path / "usage.parquet"
    result = run_cli("convert", str(usage), "-o", str(out), "--timestamp-format", layout)
    assert result.exit_code == 0, result.output
    stamps = {r["request_id"]: r["timestamp"] for r in pq.read_table(out).to_pylist()}
    assert [stamps[f"r{n}"].replace(tzinfo=None) for n in range(4)] == INSTANTS


@pytest.mark.parametrize(
    ("value", "hint", "not_named"),
    [
        ("10/13/2026 17:30", '--timestamp-format "%m/%d/%Y %H:%M"', "%d/%m/%Y"),
        ("13/10/2026 17:30", '--timestamp-format "%d/%m/%Y %H:%M"', "%m/%d/%Y"),
        ("13.10.2026", '--timestamp-format "%d.%m.%Y"', "%m.%d.%Y"),
    ],
)
def test_without_the_flag_the_hint_names_the_layout(
    tmp_path: Path, value: str, hint: str, not_named: str
) -> None:
    usage = sheet(tmp_path / "sheet.csv", [value] * 3)
    usage.write_text("".join(usage.read_text().splitlines(True)[:4]))  # no ISO row
    result = run_cli("analyze", str(usage), *BOOK)
    check_error(result, "every row read was rejected (3 of 3)", hint, "--map COLUMN=field")
    assert f"'{value}' is not a date-time (ISO 8601 or Unix time)" in result.stderr
    assert not_named not in result.stderr


def test_when_no_value_tells_day_from_month_both_layouts_are_named(tmp_path: Path) -> None:
    usage = tmp_path / "sheet.csv"
    usage.write_text(HEADER + "10/1/2026 9:00 AM,gpt-4.1,1,1,a\n11/2/2026 9:00 PM,gpt-4.1,1,1,b\n")
    result = run_cli("analyze", str(usage), *BOOK)
    check_error(
        result,
        "they do not tell whether the month or the day comes first",
        '"%m/%d/%Y %I:%M %p" if the month does, "%d/%m/%Y %I:%M %p" if the day does',
    )


def test_a_value_that_tells_decides_for_the_ambiguous_ones() -> None:
    assert fitting_formats(["10/1/2026 9:00", "1/13/2026 9:00"]) == ["%m/%d/%Y %H:%M"]
    assert fitting_formats(["10/1/2026 9:00", "13/1/2026 9:00"]) == ["%d/%m/%Y %H:%M"]
    # values that disagree decide nothing: both are named
    assert fitting_formats(["1/13/2026", "13/1/2026"]) == ["%m/%d/%Y", "%d/%m/%Y"]
    assert fitting_formats(["1/5/26 9:05:00.25PM"])[0] == "%m/%d/%y %I:%M:%S.%f%p"
    assert fitting_formats(["yesterday", "2026-13-01", "13/13/2026"]) == []


@pytest.mark.parametrize(
    ("layout", "named"),
    [
        ("%m/%d/%Y %H:%M:%Q", "%Q is not a code it reads"),
        ("%m/%d %H:%M", "it needs a year"),
        ("%m/%d/%Y %I:%M", "%I (hour 1-12) and %p (AM or PM) go together"),
        ("%m/%d/%Y %H:%M %", "it ends with a lone %"),
        ("%d/%d/%Y", "%d is there twice"),
        ("%Y%m%d%H%M%S%f", "%f needs a separator before it"),
        ("", "it is empty"),
    ],
)
def test_a_bad_layout_is_refused_before_any_reading(layout: str, named: str) -> None:
    # the usage does not exist: the layout is refused first
    result = run_cli("analyze", "no-such-file.csv", "--timestamp-format", layout)
    check_error(result, f"--timestamp-format {layout!r}: {named}", "the codes read are %Y")


def test_spark_patterns() -> None:
    assert timestamp_format("%m/%d/%Y %H:%M").spark == "M'/'d'/'yyyy' 'H':'m"
    assert timestamp_format("%d.%m.%y %I:%M %p").spark == "d'.'M'.'yy' 'h':'m' 'a"
    # numbers side by side have their two digits, on Spark as in the expression
    assert timestamp_format("%Y%m%d %H%M").spark == "yyyyMMdd' 'HHmm"
    assert timestamp_format("%Y-%m-%dT%H:%M:%S.%f%z").spark.endswith("'.'SSSSSS[xxx][xx]")
    assert timestamp_format("%d %b %Y, 100%% o'clock").spark == "d' 'MMM' 'yyyy', 100% o''clock'"


EDGES = {
    "%m/%d/%Y %H:%M": [
        "10/13/2026 17:30", " 1/5/2026 9:05 ", "01/05/2026 09:5", "13/10/2026 17:30",
        "010/13/2026 17:30", "10/13/2026  17:30", "2/30/2026 1:00", "2/29/2028 1:00",
        "10/13/2026 24:00", "10/13/2026 17:30:00", "10/13/02026 17:30", "2026-10-13T17:30:00Z",
        "2026-10-13 17:30:00+02:00", "1791900000", "1791900000000", "1/1/1969 0:00", "", "x",
    ],
    "%Y%m%d": ["20261013", "2026113", "20260230", "19691231", "2026-10-13"],
    "%d.%m.%y %I:%M %p": ["13.10.26 5:30 PM", "13.10.26 0:30 AM", "13.10.26 13:30 pm",
                          "13.10.85 5:30 PM", "13.10.68 5:30 am", "13.10.26 5:30 p.m."],
    "%d %b %Y %H:%M:%S.%f %z": ["13 oct 2026 17:30:00.5 -0530",
                                "13 OCT 2026 17:30:00.123456 +05:30",
                                "13 Oct 2026 17:30:00.1234567 +05:30", "13 Oct 2026 17:30:00.5 Z",
                                "13 Oct 2026 17:30:00.5 +05", "13 Sept 2026 17:30:00.5 +05:30"],
}  # fmt: skip


@pytest.mark.parametrize("layout", EDGES)
def test_the_engine_and_the_line_finder_read_every_text_alike(layout: str) -> None:
    """The line finder bisects the file on time: it must read each timestamp as the engine
    did, or a rejected row's line is not found by time."""
    fmt = timestamp_format(layout)
    values = EDGES[layout]
    con = connect(EngineOptions())
    table = small_table(con, "edges", {"text": values})
    parsed = parse_timestamp_column(table, "text", "at", fmt).select("text", "at")
    engine = {r["text"]: r["at"] for r in con.to_pyarrow(parsed).to_pylist()}
    twin = {v: parse_timestamp(v, fmt) for v in values}
    assert engine == twin
    read = {v for v, at in twin.items() if at is not None}
    expected = {
        "%m/%d/%Y %H:%M": {
            " 1/5/2026 9:05 ", "10/13/2026 17:30", "01/05/2026 09:5", "2/29/2028 1:00",
            "2026-10-13T17:30:00Z", "2026-10-13 17:30:00+02:00", "1791900000", "1791900000000",
        },
        # in the layout and no day (20260230) or before 1970 (19691231), or digits not in it
        # (2026113): no Unix time
        "%Y%m%d": {"20261013", "2026-10-13"},
        "%d.%m.%y %I:%M %p": {"13.10.26 5:30 PM", "13.10.68 5:30 am"},
        "%d %b %Y %H:%M:%S.%f %z": {"13 oct 2026 17:30:00.5 -0530",
                                    "13 OCT 2026 17:30:00.123456 +05:30"},
    }[layout]  # fmt: skip
    assert read == expected
    if layout == "%d %b %Y %H:%M:%S.%f %z":
        assert twin["13 oct 2026 17:30:00.5 -0530"] == datetime(2026, 10, 13, 23, 0, 0, 500000)


def dated_rows(path: Path, rows: int) -> Path:
    """A time-ordered US-layout CSV with a note that spans two lines; row i is ``r{i}``, with
    a negative count at rows 1234 and 4321 and a day that does not exist at 2500."""
    start = datetime(2026, 10, 1)
    lines = []
    for i in range(rows):
        at = start + timedelta(minutes=i)
        stamp = f"{at.month}/{at.day}/{at.year} {at.hour}:{at.minute:02d}"
        stamp = "2/30/2026 1:00" if i == 2500 else stamp
        output = -5 if i in (1234, 4321) else 10
        note = '"two\nlines"' if i == 3 else "x"
        lines.append(f"{stamp},gpt-4.1,100,{output},r{i},{note}")
    path.write_text(HEADER.replace("\n", ",note\n") + "\n".join(lines) + "\n")
    return path


def line_of(path: Path, request_id: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if f",{request_id}," in line:
            return number
    raise AssertionError(request_id)


def test_rejected_rows_in_such_a_file_get_their_lines(tmp_path: Path) -> None:
    usage = dated_rows(tmp_path / "sheet.csv", 5000)
    report = analyze(str(usage), "--timestamp-format", "%m/%d/%Y %H:%M")
    lines = {r["line"]: r["reason"] for r in report["rejected"]["rows"]}
    assert lines == {
        line_of(usage, "r1234"): "output_tokens: '-5' is negative",
        line_of(usage, "r2500"): "timestamp: '2/30/2026 1:00' is not a date-time "
        "(%m/%d/%Y %H:%M, ISO 8601 or Unix time)",
        line_of(usage, "r4321"): "output_tokens: '-5' is negative",
    }
    assert line_of(usage, "r1234") == 1234 + 3  # the header, and the note's second line


def test_the_line_finder_bisects_in_the_layout(tmp_path: Path) -> None:
    usage = dated_rows(tmp_path / "sheet.csv", 5000)
    wanted = [
        WantedRow("r1234", datetime(2026, 10, 1, 20, 34)),
        WantedRow("r4", datetime(2026, 10, 1, 0, 4)),
    ]
    fields = csv_fields(4, 0, ",", timestamp_format("%m/%d/%Y %H:%M"))
    assert find_lines(usage, 1, fields, wanted) == {0: 1237, 1: 7}  # the note's two lines
    # without the layout no line reads as a time: bisection finds nothing (grep takes over)
    assert find_lines(usage, 1, csv_fields(4, 0), wanted) == {}
