"""CSV files separated by tabs or semicolons (a TSV, a spreadsheet's CSV saved where the
comma is the decimal mark) are read as they are, rejected rows with their lines; the
separator is read from the header line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sources import report

from tokenecon.ingest.csv_shape import delimiter_of

# gpt-4.1 in tests/fixtures/book.yaml: $2.00 input, $8.00 output per 1M tokens
ROWS = [
    ["timestamp", "provider", "model", "input_tokens", "output_tokens", "reported_cost"],
    ["2026-10-01T09:00:00Z", "openai", "gpt-4.1", "1000", "100", ""],
    ["2026-10-01T09:01:00Z", "openai", "gpt-4.1", "2000"],  # a short row
    ["2026-10-01T09:02:00Z", "openai", "gpt-4.1", "3000", "300", "0,12"],  # a decimal comma
    ["2026-10-01T09:03:00Z", "openai", "gpt-4.1", "4000", "400", ""],
]


@pytest.mark.parametrize(("separator", "name"), [("\t", "usage.tsv"), (";", "usage.csv")])
def test_tab_and_semicolon_files(tmp_path: Path, separator: str, name: str) -> None:
    usage = tmp_path / name
    usage.write_text("".join(separator.join(r) + "\r\n" for r in ROWS))
    r = report(str(usage))
    # rows 2 and 5: 5000 in, 500 out: 5000 x 2.00 + 500 x 8.00 = 14000 per 1M = $0.014
    assert r["totals"]["cost"] == "0.014000"
    assert (r["totals"]["rows_read"], r["totals"]["rows_rejected"]) == (4, 2)
    assert {x["line"]: x["reason"] for x in r["rejected"]["rows"]} == {
        3: "row has fewer fields than the header's 6",
        4: "reported_cost: '0,12' is not a number",
    }


def test_the_separator_comes_from_the_header() -> None:
    assert delimiter_of("a,b;c\tb\n") == ","
    assert delimiter_of("a\tb;c\n") == "\t"
    assert delimiter_of("a;b|c\n") == ";"
    assert delimiter_of("a|b\n") == "|"
    assert delimiter_of("timestamp\n") == ","
