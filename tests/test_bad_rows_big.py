"""A bad row in a big file is one rejected row with its file and line, as in a small one.

A CSV larger than the size checked before reading (8 MiB) is read by the fast reader, which
skips a ragged row into the engine's rejects table; a JSON Lines line past the first 200 (the
lines that name the columns) used to stop the run. Each is now one rejected row, the rest is
read, and ``read = priced + unpriced + rejected + duplicate`` holds.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from tokenecon.ingest import csv_shape

BOOK = str(FIXTURES / "book.yaml")
HEADER = "timestamp,model,input_tokens,output_tokens,request_id,note\n"


def good_row(i: int) -> str:
    minute, second = divmod(i % 3600, 60)
    return f"2026-10-01T{i // 3600 % 24:02d}:{minute:02d}:{second:02d}Z,gpt-4.1,100,50,r{i},\n"


def report(*args: str) -> dict:
    result = run_cli("analyze", *args, "--json", "--prices", BOOK, "--no-default-prices")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def adds_up(totals: dict) -> None:
    parts = ("rows_priced", "rows_unpriced", "rows_rejected", "rows_duplicate")
    assert totals["rows_read"] == sum(totals[p] for p in parts) + totals["rows_outside_period"]


def write_ragged(path: Path, rows: int, opener=open) -> dict[int, str]:
    """``rows`` good rows, a quoted field across two lines near the start, a short and a long
    row further on; returns the physical line of each bad row and its reason."""
    bad = {}
    with opener(path, "wt", newline="") as out:
        out.write(HEADER)
        line = 2
        for i in range(rows):
            if i == 5:
                # a quoted newline: the physical line count runs one ahead of the row count
                out.write(f'2026-10-01T00:00:05Z,gpt-4.1,100,50,q{i},"two\nlines"\n')
                line += 2
                continue
            if i == rows // 2:
                out.write("2026-10-01T00:00:00Z,gpt-4.1,100\n")
                bad[line] = "row has fewer fields than the header's 6"
            elif i == rows - 3:
                out.write("2026-10-01T00:00:00Z,gpt-4.1,100,50,x,y,z\n")
                bad[line] = "row has more fields than the header's 6"
            else:
                out.write(good_row(i))
            line += 1
    return bad


def test_a_ragged_row_past_8_mib_is_one_rejected_row(tmp_path: Path) -> None:
    usage = tmp_path / "big.csv"
    rows = (csv_shape.CHECK_LIMIT // len(good_row(99_999))) + 2_000
    bad = write_ragged(usage, rows)
    assert usage.stat().st_size > csv_shape.CHECK_LIMIT  # read by the fast reader
    r = report(str(usage))
    totals = r["totals"]
    assert (totals["rows_read"], totals["rows_rejected"]) == (rows, 2)
    assert totals["rows_priced"] == rows - 2
    adds_up(totals)
    # each good row: 100 input at $2/1M + 50 output at $8/1M = $0.0006
    assert totals["cost"] == f"{(rows - 2) * 6 / 10_000:.6f}"
    assert {row["line"]: row["reason"] for row in r["rejected"]["rows"]} == bad
    assert {row["source"] for row in r["rejected"]["rows"]} == {str(usage)}
    assert sorted((x["reason"], x["rows"]) for x in r["rejected"]["reasons"]) == sorted(
        (reason, 1) for reason in bad.values()
    )


@pytest.fixture
def unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every CSV read as one too big to check first (the fast read and its rejects table)."""
    monkeypatch.setattr(csv_shape, "CHECK_LIMIT", 0)


def test_the_fast_read_counts_every_skipped_row(tmp_path: Path, unchecked: None) -> None:
    usage = tmp_path / "usage.csv.gz"
    write_ragged(usage, 100, gzip.open)  # compressed: lines counted in the decompressed text
    many = tmp_path / "many.csv"
    many.write_text(HEADER + "".join(good_row(i) for i in range(1000, 1010)) + "x,y\n" * 30)
    r = report(str(usage), str(many))
    totals = r["totals"]
    assert (totals["rows_read"], totals["rows_rejected"], totals["rows_priced"]) == (140, 32, 108)
    adds_up(totals)
    lines = [(row["source"], row["line"]) for row in r["rejected"]["rows"]]
    assert lines == [(str(many), n) for n in range(12, 32)]  # the first 20 of the 32 listed
    alone = report(str(usage))["rejected"]["rows"]
    assert [(row["line"], row["reason"][:13]) for row in alone] == [
        (53, "row has fewer"),
        (100, "row has more "),
    ]


def test_an_open_quote_in_a_big_file_is_refused_at_its_line(tmp_path: Path, unchecked) -> None:
    # A quote left open swallows the rows after it: the file is refused, not read short.
    usage = tmp_path / "open.csv"
    opened = '2026-10-01T00:00:00Z,gpt-4.1,1,1,"open,x\n'
    usage.write_text(HEADER + good_row(1) + opened + good_row(2))
    result = run_cli("analyze", str(usage), "--prices", BOOK, "--no-default-prices")
    assert result.exit_code == 2, result.output
    assert f"{usage}:3: cannot read" in result.stderr
    assert "quote" in result.stderr and "Traceback" not in result.output


def test_a_ragged_row_of_a_big_outcomes_file_refuses_it(tmp_path: Path, unchecked) -> None:
    # An outcomes file has no rejected rows to count a skipped row in: it is refused, at
    # its line, rather than read one outcome short.
    _ragged_outcomes_refused(tmp_path)


def test_a_ragged_row_of_a_small_outcomes_file_refuses_it(tmp_path: Path) -> None:
    # Below the size the fast read checks, too: the row is not skipped without a word.
    _ragged_outcomes_refused(tmp_path)


def _ragged_outcomes_refused(tmp_path: Path) -> None:
    usage = tmp_path / "usage.csv"
    usage.write_text(HEADER.replace("note", "task_id") + good_row(1).replace(",\n", ",T-1\n"))
    events = tmp_path / "events.csv"
    events.write_text("task_id,verified\nT-1,true\nT-2\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "use_cases:\n  all:\n    match: {model: gpt-4.1}\n    task_key: task_id\n"
        "    outcomes: {file: events.csv, key: task_id, verified: verified}\n"
    )
    result = run_cli(
        "analyze", str(usage), "--outcomes", str(mapping), "--prices", BOOK, "--no-default-prices"
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert f"{events}:3: 1 fields where the header has 2" in result.stderr
    assert "Traceback" not in result.output


def test_convert_counts_the_skipped_rows(tmp_path: Path, unchecked: None) -> None:
    usage = tmp_path / "usage.csv"
    write_ragged(usage, 50)
    result = run_cli("convert", str(usage), "-o", str(tmp_path / "out.parquet"), "--json")
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)
    assert (r["rows_read"], r["rows_written"], r["rows_rejected"]) == (50, 48, 2)
    assert r["sources"][0]["rows"] == 50
    assert [row["line"] for row in r["rejected"]["rows"]] == [28, 50]


def jsonl(rows: int, bad: dict[int, str]) -> str:
    lines = []
    for i in range(rows):
        record = {"timestamp": f"2026-10-01T00:{i // 60 % 60:02d}:{i % 60:02d}Z",
                  "model": "gpt-4.1", "input_tokens": 100, "output_tokens": 50}  # fmt: skip
        lines.append(bad.get(i, json.dumps(record)))
    return "\n".join(lines) + "\n"


def test_a_malformed_json_line_past_line_200_is_one_rejected_row(tmp_path: Path) -> None:
    usage = tmp_path / "usage.jsonl"
    broken = '{"timestamp": "2026-10-01T00:00:00Z", "model": "gpt-4.1", "input_tokens": 1'
    text = jsonl(400, {3: broken, 250: broken, 300: "[1, 2]"})
    # a blank line before them: lines are physical (an editor's), not record numbers
    usage.write_text(text.replace("\n", "\n\n", 1))
    r = report(str(usage))
    totals = r["totals"]
    assert (totals["rows_read"], totals["rows_rejected"], totals["rows_priced"]) == (400, 3, 397)
    adds_up(totals)
    assert totals["cost"] == f"{397 * 6 / 10_000:.6f}"
    lines = sorted(row["line"] for row in r["rejected"]["rows"])
    assert lines == [5, 252, 302]
    assert {row["reason"] for row in r["rejected"]["rows"]} == {
        "line is not valid JSON (or a JSON value with none of the fields read)"
    }


def test_malformed_lines_in_a_claude_code_folder_are_named_by_their_file(tmp_path: Path) -> None:
    import shutil

    logs = tmp_path / "projects"
    shutil.copytree(FIXTURES / "sources" / "claude_code", logs)
    whole = run_cli("analyze", str(logs), "--json")
    assert whole.exit_code == 0, whole.output
    before = json.loads(whole.stdout)["totals"]
    session = next(logs.glob("*/*.jsonl"))
    lines = session.read_text().splitlines()
    cut = '{"type":"assistant","message":{"id":"msg_cut","usage":{"input_tokens":'
    # Mid-file, a line cut short runs on into the next (the engine gives both a null row);
    # at the end of the file (a session killed while writing) it is one row.
    session.write_text("\n".join([lines[0], cut, *lines[1:], cut]) + "\n")
    result = run_cli("analyze", str(logs), "--json")
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)
    assert r["totals"]["rows_read"] == before["rows_read"] + 3  # two new lines, one user line
    assert r["totals"]["rows_rejected"] == before["rows_rejected"] + 3
    assert r["totals"]["cost"] == before["cost"]  # the assistant lines are read as before
    adds_up(r["totals"])
    where = [(row["source"], row["line"]) for row in r["rejected"]["rows"]]
    assert where == [(str(session), 2), (str(session), 3), (str(session), len(lines) + 2)]
