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
