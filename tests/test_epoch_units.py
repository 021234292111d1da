"""Unix times in seconds, milliseconds, microseconds or nanoseconds, told apart by size, the
same in the engine and in the Python that finds rejected lines by time."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from sources import report

from tokenecon.ingest.locate import parse_timestamp

# 1759309200 s = 2025-10-01T09:00:00Z
STAMPS = ["1759309200", "1759309200000", "1759309200000000", "1759309200000000000",
          "1759309200.5", "1759309200999"]  # fmt: skip


def test_python_twin_reads_every_unit() -> None:
    nine = datetime(2025, 10, 1, 9)
    assert [parse_timestamp(s) for s in STAMPS] == [
        nine, nine, nine, nine, nine.replace(microsecond=500000),
        nine.replace(microsecond=999000),
    ]  # fmt: skip
    assert parse_timestamp("1e25") is None and parse_timestamp("-5") is None
    # seconds past the year 5138 (a broken time) are no time in any unit, not 1978 in ms
    assert parse_timestamp("253402300800") is None


def test_engine_reads_every_unit_in_text_and_typed_columns(tmp_path: Path) -> None:
    text = tmp_path / "usage.csv"
    rows = [f"{s},openai,gpt-4.1,1000,100\n" for s in [*STAMPS, "1e25"]]
    text.write_text("timestamp,provider,model,input_tokens,output_tokens\n" + "".join(rows))
    typed = tmp_path / "usage.parquet"
    pq.write_table(
        pa.table({"timestamp": [1759309200, 1759309200000, 1759309200000000],
                  "model": ["gpt-4.1"] * 3, "input_tokens": [1000] * 3,
                  "output_tokens": [100] * 3}),
        typed,
    )  # fmt: skip
    for path, kept in ((text, 6), (typed, 3)):
        r = report(str(path), "--by", "day")
        assert r["period"]["start"] == r["period"]["end"] == "2025-10-01"
        assert r["totals"]["rows_read"] - r["totals"]["rows_rejected"] == kept
    r = report(str(text))
    assert r["rejected"]["rows"] == [
        {"source": str(text), "line": 8,
         "reason": "timestamp: '1e25' is not a date-time (ISO 8601 or Unix time)"},
    ]  # fmt: skip


def test_the_parse_in_steps_reads_every_text_as_the_python_twin() -> None:
    """`parse_timestamp_column` (each step a projection of its own, as queries use it): every
    Unix unit, ISO 8601 with and without an offset, a date; out-of-range and broken texts are
    no time. The same as the Python twin that finds rejected lines by time."""
    import ibis

    from tokenecon.engine.connect import EngineOptions, connect
    from tokenecon.engine.results import arrow_result
    from tokenecon.ingest.timestamps import parse_timestamp_column

    texts = [
        *STAMPS, "1e25", "-5", "253402300800", "2026-10-01T02:45:35Z", "2026-10-01 02:45:35",
        "2026-10-01T04:45:35+02:00", "2026-10-01T02:45:35-05:30", "2026-10-01", "10000-01-01",
        "infinity", "yesterday", "", None,
    ]  # fmt: skip
    nine, utc = datetime(2025, 10, 1, 9), datetime(2026, 10, 1, 2, 45, 35)
    expected = [
        nine, nine, nine, nine, nine.replace(microsecond=500000), nine.replace(microsecond=999000),
        None, None, None, utc, utc, utc, datetime(2026, 10, 1, 8, 15, 35), datetime(2026, 10, 1),
        None, None, None, None, None,
    ]  # fmt: skip
    con = connect(EngineOptions())
    table = ibis.memtable(
        {"n": list(range(len(texts))), "t": texts}, schema={"n": "int64", "t": "string"}
    )
    got = arrow_result(con, parse_timestamp_column(table, "t", "at").order_by("n"))
    assert got.column("at").to_pylist() == expected
    assert [parse_timestamp(t) for t in texts] == expected
