"""Files that are not what they seem: other encodings, broken compression or Parquet, pipes and
stdin. Read right, or refused with the file, a hint and exit 2; never a traceback, and no copy
of the usage left behind."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

BOOK = str(FIXTURES / "book.yaml")
ROW = "2026-10-01T00:00:00Z,gpt-4.1,100,50"


def analyze(*args: str):
    return run_cli("analyze", *args, "--prices", BOOK, "--no-default-prices")


def refused(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr


def test_utf16_exports_are_read(tmp_path: Path) -> None:
    # Excel's "Unicode text" is UTF-16 with a byte-order mark: read through a UTF-8 copy.
    usage = tmp_path / "usage.csv"
    usage.write_text(f"timestamp,model,input_tokens,output_tokens\n{ROW}\n", encoding="utf-16")
    result = analyze(str(usage))
    assert result.exit_code == 0, result.output
    assert "1 read = 1 priced" in result.stdout


def test_latin1_is_refused_at_its_line(tmp_path: Path) -> None:
    usage = tmp_path / "latin1.csv"
    usage.write_bytes(
        f"timestamp,model,input_tokens,output_tokens,user\n{ROW},Jos\xe9\n".encode("latin-1")
    )
    refused(
        analyze(str(usage)), f"{usage}:2: not UTF-8 text (byte 0xe9)", "iconv", "docs/sources.md"
    )


def test_a_truncated_gzip_is_refused(tmp_path: Path) -> None:
    whole = gzip.compress((FIXTURES / "small.csv").read_bytes())
    usage = tmp_path / "usage.csv.gz"
    usage.write_bytes(whole[: len(whole) // 2])
    refused(analyze(str(usage)), str(usage), "Compressed file ended", "docs/sources.md")


def test_a_broken_parquet_is_refused(tmp_path: Path) -> None:
    usage = tmp_path / "usage.parquet"
    usage.write_bytes(b"PAR1" + b"\0" * 64)
    refused(analyze(str(usage)), str(usage), "cannot read", "docs/sources.md")


def _tokenecon(
    args: list[str], tmp: Path, stdin: bytes | None = None
) -> subprocess.CompletedProcess:
    """The CLI in its own process (so that what it leaves behind at exit can be seen), with
    its temp directory and working folder in ``tmp``."""
    env = {**os.environ, "TMPDIR": str(tmp / "tmp"), "PYTHONPATH": str(ROOT)}
    (tmp / "tmp").mkdir(exist_ok=True)
    code = "from tokenecon.cli.main import run; run()"
    return subprocess.run(
        [sys.executable, "-c", code, *args, "--prices", BOOK, "--no-default-prices"],
        input=stdin, capture_output=True, cwd=tmp, env=env, timeout=120, check=False,
    )  # fmt: skip


def test_stdin_and_spills_leave_nothing_behind(tmp_path: Path) -> None:
    small = (FIXTURES / "small.csv").read_bytes()
    result = _tokenecon(["analyze", "-"], tmp_path, stdin=small)
    assert result.returncode == 0, result.stderr
    assert b"12 read" in result.stdout
    # the copy of stdin and the engine's spill folder were the run's own, and are gone; no
    # DuckDB `.tmp` in the working folder for a second run to share
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (tmp_path / ".tmp").exists()


def test_a_pipe_is_read_once(tmp_path: Path) -> None:
    # `analyze <(cat usage.csv)`: detection must not consume what the engine then reads
    read, write = os.pipe()
    os.write(write, (FIXTURES / "small.csv").read_bytes())
    os.close(write)
    try:
        result = analyze(f"/dev/fd/{read}")
    finally:
        os.close(read)
    assert result.exit_code == 0, result.output
    assert "12 read = 7 priced" in result.stdout


def test_one_bad_value_is_one_rejected_row_with_its_line(tmp_path: Path) -> None:
    # Each of these stopped the whole run with an engine error and no file or line.
    usage = tmp_path / "bad.csv"
    usage.write_text(
        "timestamp,model,input_tokens,output_tokens\n"
        "2026-10-01T00:00:00Z,gpt-4.1,NaN,5\n"
        "2026-10-01T00:00:00Z,gpt-4.1,99999999999999999999,5\n"
        "10000-10-01T00:00:00Z,gpt-4.1,1,5\n"
        "Infinity,gpt-4.1,1,5\n"
        "2026-10-01T00:00:00Z,gpt-4.1,1\n"
        "2026-10-01T00:00:00Z,gpt-4.1,1,5,6\n"
        "2026-10-01T00:00:00Z,gpt-4.1,100,50\n"
    )
    result = run_cli(
        "analyze", str(usage), "--json", "--prices", BOOK, "--no-default-prices"
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)
    assert (r["totals"]["rows_read"], r["totals"]["rows_rejected"]) == (7, 6)
    assert r["totals"]["cost"] == "0.000600"  # the one good row: 100*2 + 50*8 per 1M
    lines = {row["line"]: row["reason"] for row in r["rejected"]["rows"]}
    assert lines == {
        2: "input_tokens: 'NaN' is not a finite number",
        3: "input_tokens: '99999999999999999999' is too large (2^63 or more)",
        4: "timestamp: '10000-10-01T00:00:00Z' is not a date-time (ISO 8601 or Unix time)",
        5: "timestamp: 'Infinity' is not a date-time (ISO 8601 or Unix time)",
        6: "row has fewer fields than the header's 4",
        7: "row has more fields than the header's 4",
    }
    assert {row["source"] for row in r["rejected"]["rows"]} == {str(usage)}


def test_a_broken_json_cell_is_one_rejected_row(tmp_path: Path) -> None:
    # LiteLLM's metadata (where its cache counts are) and Langfuse's usage_details, broken in
    # one row: that row is rejected with its line; the engine's cast no longer stops the run.
    import csv

    cases = [
        ("litellm_spendlogs.csv", "metadata", '{"usage_object": {bad json', "metadata"),
        ("langfuse_observations.csv", "usage_details", '{"input": 5,', "usage_details"),
    ]
    for name, column, broken, field in cases:
        rows = list(csv.reader((FIXTURES / "sources" / name).open(encoding="utf-8-sig")))
        header = [h.lower().replace("_", "") for h in rows[0]]
        rows[1][header.index(column.replace("_", ""))] = broken
        usage = tmp_path / name
        with usage.open("w", newline="") as out:
            csv.writer(out).writerows(rows)
        result = analyze(str(usage))
        assert result.exit_code == 0, result.output
        assert f"{usage}:2: {field}: not valid JSON" in result.stdout.replace("\n", "")


def test_bad_numbers_in_parquet_are_rejected_rows(tmp_path: Path) -> None:
    from datetime import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    usage = tmp_path / "usage.parquet"
    pq.write_table(
        pa.table(
            {
                "timestamp": [datetime(2026, 10, 1)] * 3,
                "model": ["gpt-4.1"] * 3,
                "input_tokens": [float("nan"), 1e30, 100.0],
                "output_tokens": pa.array([1, 2, 50], pa.int64()),
            }
        ),
        usage,
    )
    result = run_cli("analyze", str(usage), "--json", "--prices", BOOK, "--no-default-prices")
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)
    assert (r["totals"]["rows_read"], r["totals"]["rows_rejected"]) == (3, 2)
    reasons = sorted(row["reason"] for row in r["rejected"]["rows"])
    assert reasons == [
        "input_tokens: '1e+30' is too large (2^63 or more)",
        "input_tokens: 'nan' is not a finite number",
    ]


@pytest.mark.parametrize(
    ("name", "optional"),
    [
        ("openrouter_activity.csv", "tokens_reasoning"),
        ("openrouter_activity.csv", "cancelled"),
        ("anthropic_console_usage.csv", "usage_input_tokens_cache_write_1h"),
        ("anthropic_console_usage.csv", "context_window"),
        ("focus.csv", "Tags"),
    ],
)
def test_exports_without_an_optional_column_are_read(
    tmp_path: Path, name: str, optional: str
) -> None:
    import csv

    rows = list(csv.reader((FIXTURES / "sources" / name).open(encoding="utf-8-sig")))
    drop = rows[0].index(optional)
    usage = tmp_path / name
    with usage.open("w", newline="") as out:
        csv.writer(out).writerows([r[:drop] + r[drop + 1 :] for r in rows])
    result = analyze(str(usage))
    assert result.exit_code == 0, result.output
    assert "0 rejected" in result.stdout


def test_a_json_document_that_breaks_is_refused_with_its_line(tmp_path: Path) -> None:
    # The first line is no whole object, nor is the next, so the file reads as one JSON
    # document; it broke with exit 3 (an unguarded json.load) before. (A first broken line
    # followed by whole objects is JSON Lines: tests/test_json_rows.py.)
    usage = tmp_path / "usage.jsonl"
    usage.write_text('{"timestamp": "2026-10-01T00:00:00Z",\n "model": "gpt-4o"\n')
    refused(analyze(str(usage), "--format", "generic"), f"{usage}:3:1: not valid JSON")
    refused(analyze(str(usage)), "not valid JSON", "one JSON document")
