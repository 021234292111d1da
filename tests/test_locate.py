"""Rejected rows get the physical line an editor shows, found by time and then by id."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenecon.engine.connect import EngineOptions, connect
from tokenecon.engine.dialect import lines_matching
from tokenecon.ingest import locate
from tokenecon.ingest.locate import WantedRow, csv_fields, find_lines, grep_lines, jsonl_fields
from tokenecon.ingest.sources import DIGEST_CHUNK, SourceFile, digest_file

START = datetime(2026, 10, 1)
HEADER = "timestamp,model,output_tokens,request_id,note\n"


def write_usage(path: Path, rows: int, descending: bool = False) -> list[str]:
    """A time-ordered CSV; row i is at line i + 2 unless a quoted note spans lines."""
    lines = []
    order = range(rows - 1, -1, -1) if descending else range(rows)
    for i in order:
        stamp = (START + timedelta(seconds=i)).isoformat()
        note = '"two\nlines"' if i == 3 else "x"
        lines.append(f"{stamp}Z,m,{i},r{i},{note}")
    path.write_text(HEADER + "\n".join(lines) + "\n")
    return lines


def line_of(path: Path, request_id: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if f",{request_id}," in line:
            return number
    raise AssertionError(request_id)


@pytest.mark.parametrize("descending", [False, True])
def test_bisection_finds_the_physical_line(tmp_path: Path, descending: bool) -> None:
    usage = tmp_path / "u.csv"
    write_usage(usage, 5000, descending)
    wanted = [WantedRow(f"r{i}", START + timedelta(seconds=i)) for i in (0, 2, 4, 1234, 4999)]
    found = find_lines(usage, 1, csv_fields(3, 0), wanted)
    # Row 4 sits after (ascending) the quoted note of row 3, which spans two lines.
    assert found == {n: line_of(usage, w.request_id) for n, w in enumerate(wanted)}


def test_newline_index_from_hashing_gives_the_same_lines(tmp_path: Path) -> None:
    usage = tmp_path / "big.csv"
    write_usage(usage, 300_000)
    assert usage.stat().st_size > 2 * DIGEST_CHUNK  # the index has several chunks
    digest = digest_file(SourceFile(usage, "big.csv", "csv", False))
    assert digest.newlines is not None and len(digest.newlines) >= 3
    wanted = [WantedRow("r250000", datetime(2026, 10, 3, 21, 26, 40))]
    with_index = find_lines(usage, 1, csv_fields(3, 0), wanted, digest.newlines)
    assert with_index == find_lines(usage, 1, csv_fields(3, 0), wanted) == {0: 250_003}


def test_jsonl_rows_are_found_by_key(tmp_path: Path) -> None:
    usage = tmp_path / "u.jsonl"
    records = [{"ts": f"2026-10-01T00:00:{s:02d}Z", "id": f"q{s}"} for s in range(50)]
    usage.write_text("".join(json.dumps(r) + "\n" for r in records))
    found = find_lines(
        usage, 0, jsonl_fields("id", "ts"), [WantedRow("q17", datetime(2026, 10, 1, 0, 0, 17))]
    )
    assert found == {0: 18}


def test_a_file_out_of_time_order_still_gets_lines(tmp_path: Path) -> None:
    """Bisection cannot work here; the scan by id takes over and finds the same lines."""
    usage = tmp_path / "shuffled.csv"
    rows = [
        "2026-10-03T00:00:00Z,gpt-4.1,10,a1,x",
        "2026-10-01T00:00:00Z,gpt-4.1,-4,a2,x",
        "2026-10-05T00:00:00Z,gpt-4.1,10,a3,x",
        "2026-10-02T00:00:00Z,gpt-4.1,-7,a4,x",
        "2026-10-04T00:00:00Z,gpt-4.1,10,a5,x",
    ]
    usage.write_text(HEADER + "\n".join(rows) + "\n")
    result = run_cli("analyze", str(usage), "--prices", str(FIXTURES / "book.yaml"),
                     "--no-default-prices", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = {(r["line"], r["reason"]) for r in json.loads(result.stdout)["rejected"]["rows"]}
    assert lines == {(3, "output_tokens: '-4' is negative"), (5, "output_tokens: '-7' is negative")}


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_rejected_rows_sharing_a_request_id_each_get_their_own_line(
    tmp_path: Path, suffix: str
) -> None:
    """Found reading a Batch API error file, whose lines repeat one id: both rejected rows were
    shown at the first one's line."""
    rows = [("2026-10-01T00:00:00Z", "x", "r1"), ("2026-10-01T00:00:01Z", "y", "r1"),
            ("2026-10-01T00:00:02Z", "5", "r2")]  # fmt: skip
    usage = tmp_path / f"usage.{suffix}"
    if suffix == "csv":
        body = "".join(f"{t},gpt-4.1,{o},{r},x\n" for t, o, r in rows)
        usage.write_text(HEADER + body)
    else:
        keys = ("timestamp", "output_tokens", "request_id")
        usage.write_text("".join(json.dumps(dict(zip(keys, r, strict=True)) | {"model": "gpt-4.1"})
                                 + "\n"
                                 for r in rows))  # fmt: skip
    result = run_cli("analyze", str(usage), "--prices", str(FIXTURES / "book.yaml"),
                     "--no-default-prices", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    first = 2 if suffix == "csv" else 1
    lines = {(r["line"], r["reason"]) for r in json.loads(result.stdout)["rejected"]["rows"]}
    assert lines == {
        (first, "output_tokens: 'x' is not a number"),
        (first + 1, "output_tokens: 'y' is not a number"),
    }


def _shuffled_with_rejects(path: Path) -> None:
    """Out of time order, two bad counts, quoted notes (one spanning lines, one holding an id
    of another row), Windows line ends, and ids that prefix each other (a1, a12)."""
    rows = [
        '2026-10-03T00:00:00Z,gpt-4.1,10,a1,"see a12"',
        "2026-10-01T00:00:00Z,gpt-4.1,10,a12,x",
        '2026-10-05T00:00:00Z,gpt-4.1,-4,a2,"two\r\nlines"',
        "2026-10-02T00:00:00Z,gpt-4.1,10,a21,x",
        "2026-10-04T00:00:00Z,gpt-4.1,-7,a1,x",
    ]
    path.write_bytes((HEADER.replace("\n", "\r\n") + "\r\n".join(rows) + "\r\n").encode())


def _rejected_lines(usage: Path) -> set[tuple[int, str]]:
    result = run_cli("analyze", str(usage), "--prices", str(FIXTURES / "book.yaml"),
                     "--no-default-prices", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    return {(r["line"], r["reason"]) for r in json.loads(result.stdout)["rejected"]["rows"]}


def test_grep_and_the_engine_find_the_same_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file out of time order is searched by grep; without grep on the PATH the engine's
    numbered scan finds the same lines (the ids a2 and a1, a1 on two lines of which only one
    is rejected, and the id a12 inside another row's note)."""
    usage = tmp_path / "shuffled.csv"
    _shuffled_with_rejects(usage)
    expected = {(4, "output_tokens: '-4' is negative"), (7, "output_tokens: '-7' is negative")}
    searched: list[list[str]] = []
    real = locate.grep_lines

    def spied(path: Path, words: list[str]) -> list[tuple[int, str]] | None:
        searched.append(sorted(words))
        return real(path, words)

    monkeypatch.setattr("tokenecon.aggregate.rejects.grep_lines", spied)
    assert _rejected_lines(usage) == expected
    assert searched and "a1" in searched[0]  # bisection may place a2; it cannot place a1
    assert grep_lines(usage, ["a1", "a2"]) == [
        (2, '2026-10-03T00:00:00Z,gpt-4.1,10,a1,"see a12"'),
        (4, '2026-10-05T00:00:00Z,gpt-4.1,-4,a2,"two'),
        (7, "2026-10-04T00:00:00Z,gpt-4.1,-7,a1,x"),
    ]
    monkeypatch.setattr("shutil.which", lambda _: None)
    assert grep_lines(usage, ["a1"]) is None
    assert _rejected_lines(usage) == expected


def test_grep_gives_up_rather_than_read_a_flood(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More candidate lines than the cap, a word it cannot search for, or a grep that fails:
    None (the caller scans in the engine)."""
    usage = tmp_path / "u.csv"
    usage.write_text("id\n" + "x,same\n" * 5)
    assert grep_lines(usage, ["same"]) == [(n, "x,same") for n in range(2, 7)]
    assert grep_lines(usage, ["absent"]) == []
    assert grep_lines(usage, ["two\nlines"]) is None
    assert grep_lines(usage, [""]) is None
    assert grep_lines(tmp_path / "missing.csv", ["same"]) is None
    monkeypatch.setattr(locate, "GREP_CANDIDATES", 4)
    assert grep_lines(usage, ["same"]) is None


_FIELD = st.text(alphabet='ab1," \r', max_size=6)


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.lists(_FIELD, min_size=1, max_size=4), min_size=1, max_size=12),
    words=st.lists(st.text(alphabet="ab1", min_size=1, max_size=3), min_size=1, max_size=3),
)
def test_grep_candidates_hold_every_line_the_engine_matches(
    tmp_path_factory: pytest.TempPathFactory, lines: list[list[str]], words: list[str]
) -> None:
    """Whatever the text: every line the engine's pattern (an id between commas, quotes or the
    line's ends) finds, grep finds at the same number with the same text. Lone carriage
    returns are left out: the engine takes one for a line end, and grep and bisection do not."""
    text = "\n".join(",".join(f).replace("\r", "") for f in lines) + "\n"
    path = tmp_path_factory.mktemp("g") / "u.csv"
    path.write_bytes(text.encode())
    alternatives = "|".join(re.escape(w) for w in words)
    pattern = f'(^|[,"])({alternatives})($|[,"])'
    engine = lines_matching(connect(EngineOptions()), str(path), pattern)  # type: ignore[arg-type]
    found = grep_lines(path, words)
    assert found is not None
    assert set(engine) <= set(found)
