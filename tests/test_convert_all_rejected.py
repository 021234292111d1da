"""`convert --focus` of a file whose rows are all rejected: a FOCUS file of its header alone and
the rejected rows accounted for, exit 0 (as the Parquet conversion does), not an engine error
blamed on -o."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from conftest import FIXTURES, run_cli

from tokenecon.convert.focus import FOCUS_COLUMNS


def test_every_row_rejected_writes_an_empty_focus_file(tmp_path: Path) -> None:
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,input_tokens,output_tokens\n"
        "yesterday,gpt-4.1,10,5\n"
        "2026-10-01T09:00:00Z,gpt-4.1,x,5\n"
    )
    out = tmp_path / "focus.csv"
    result = run_cli("convert", str(usage), "--focus", "-o", str(out), "--json", "--prices",
                     str(FIXTURES / "book.yaml"), "--no-default-prices")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open(newline="")))
    assert rows == [list(FOCUS_COLUMNS)]
    document = json.loads(result.stdout)
    assert (document["rows_read"], document["rows_rejected"], document["focus_rows"]) == (2, 2, 0)
    assert [r["line"] for r in document["rejected"]["rows"]] == [2, 3]
