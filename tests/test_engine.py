"""The embedded engine's default memory limit: sized by the inputs, within DuckDB's own."""

from __future__ import annotations

import os
from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tokenecon.engine.connect import EngineOptions, connect, default_memory_limit
from tokenecon.engine.dialect import lines_matching, parquet_rows_of, small_table, write_table

GIB = 1 << 30


@pytest.fixture
def ram_24_gib(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 24 * GIB // 4096}
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])


@pytest.mark.usefixtures("ram_24_gib")
def test_limit_follows_the_input_between_the_floor_and_duckdbs_default() -> None:
    # Unknown size (a database table): DuckDB keeps its own default.
    assert default_memory_limit(0) is None
    # A small file gets the floor, 1 GB.
    assert default_memory_limit(33_000_000) == "1000MB"
    # 10M rows of CSV (1,682,421,431 bytes): 60% of its size, to the MB below.
    assert default_memory_limit(1_682_421_431) == "1009MB"
    # 100M rows (17 GB): 60% of its size.
    assert default_memory_limit(17_024_052_909) == "10214MB"
    # DuckDB's own default caps it, 80% of 24 GiB = 20,615,843,020 bytes.
    assert default_memory_limit(40_000_000_000) == "20615MB"


def test_the_session_gets_the_limit_unless_one_is_given() -> None:
    def limit(con: object) -> str:
        return str(con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0])  # type: ignore[attr-defined]

    # DuckDB shows limits in binary units: 1 GB = 953.6 MiB.
    assert limit(connect(EngineOptions(), input_bytes=1000)) == "953.6 MiB"
    assert limit(connect(EngineOptions(memory_limit="3GB"), input_bytes=1000)) == "2.7 GiB"


def test_memory_is_sized_by_csv_and_parquet_only() -> None:
    from conftest import FIXTURES

    from tokenecon.ingest.sources import expand_sources, scan_bytes

    small = FIXTURES / "small.csv"
    assert scan_bytes(expand_sources([str(small)])) == small.stat().st_size
    # JSON documents are buffered whole by DuckDB's reader: its own default stays.
    pages = sorted((FIXTURES / "sources").glob("*.json"))[:1]
    assert pages and scan_bytes(expand_sources([str(small), str(pages[0])])) == 0


def test_dialect_numbers_lines_and_parquet_rows(tmp_path: Path) -> None:
    """The DuckDB-only scans that give rejected rows their place: physical lines of a text
    file (a quoted line break counts), and a Parquet file's own row numbers."""
    folder = tmp_path
    text = folder / "usage.csv"
    text.write_text('id,note\nr1,"a\nb"\nr2,x\nr3,y\n')
    con = connect(EngineOptions())
    assert lines_matching(con, str(text), "^r[23],") == [(4, "r2,x"), (5, "r3,y")]  # type: ignore[arg-type]
    table = folder / "usage.parquet"
    pq.write_table(pa.table({"id": ["r1", "r2", "r3", "r2"]}), table)
    assert parquet_rows_of(con, str(table), "id", ["r2"]) == [(2, "r2"), (4, "r2")]  # type: ignore[arg-type]
    names = small_table(con, "names", {"name": ["a", "b"]})
    assert con.to_pyarrow(names).column("name").to_pylist() == ["a", "b"]


def test_write_table_counts_the_rows_it_writes(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    con = connect(EngineOptions())
    table = ibis.memtable({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    assert write_table(con, table, str(out), "csv") == 3
    assert out.read_text() == "a,b\n1,x\n2,y\n3,z\n"
