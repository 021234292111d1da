"""Duplicate request ids are counted once, whether few (a list in the query) or many (a table)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from tokenecon.aggregate.read import INLINE_IDS


def report(path: Path) -> dict:
    result = run_cli("analyze", str(path), "--prices", str(FIXTURES / "book.yaml"),
                     "--no-default-prices", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("repeated", [3, INLINE_IDS + 7])
def test_copies_count_once(tmp_path: Path, repeated: int) -> None:
    rows = ["timestamp,model,uncached_input_tokens,output_tokens,request_id"]
    for i in range(2000):
        line = f"2026-10-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z,gpt-4.1-mini,1000,100,r{i}"
        rows.append(line)
        if i < repeated:
            rows.append(line)  # a re-sent log line
    usage = tmp_path / "usage.csv"
    usage.write_text("\n".join(rows) + "\n")
    totals = report(usage)["totals"]
    assert totals["rows_read"] == 2000 + repeated
    assert totals["rows_duplicate"] == repeated
    assert totals["requests"] == 2000
    # 2000 calls of 1000 input at $0.40 and 100 output at $1.60 per 1M: 2000 * 0.00056
    assert totals["cost"] == "1.120000"
