"""The embedded engine's default memory limit: sized by the inputs, within DuckDB's own."""

from __future__ import annotations

import os

import pytest

from tokenecon.engine.connect import EngineOptions, connect, default_memory_limit

GIB = 1 << 30


@pytest.fixture
def ram_24_gib(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 24 * GIB // 4096}
    monkeypatch.setattr(os, "sysconf", lambda name: pages[name])


@pytest.mark.usefixtures("ram_24_gib")
def test_limit_follows_the_input_between_the_floor_and_duckdbs_default() -> None:
    # Unknown size (a database table): DuckDB keeps its own default.
    assert default_memory_limit(0) is None
    # A small file gets the floor, 1.6 GB.
    assert default_memory_limit(33_000_000) == "1600MB"
    # 10M rows of CSV (1,682,421,431 bytes): its size, to the MB below.
    assert default_memory_limit(1_682_421_431) == "1682MB"
    # 100M rows (17 GB): DuckDB's own default caps it, 80% of 24 GiB = 20,615,843,020 bytes.
    assert default_memory_limit(17_024_052_909) == "17024MB"
    assert default_memory_limit(40_000_000_000) == "20615MB"


def test_the_session_gets_the_limit_unless_one_is_given() -> None:
    def limit(con: object) -> str:
        return str(con.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0])  # type: ignore[attr-defined]

    # DuckDB shows limits in binary units: 1.6 GB = 1.4 GiB.
    assert limit(connect(EngineOptions(), input_bytes=1000)) == "1.4 GiB"
    assert limit(connect(EngineOptions(memory_limit="3GB"), input_bytes=1000)) == "2.7 GiB"


def test_memory_is_sized_by_csv_and_parquet_only() -> None:
    from conftest import FIXTURES

    from tokenecon.ingest.sources import expand_sources, scan_bytes

    small = FIXTURES / "small.csv"
    assert scan_bytes(expand_sources([str(small)])) == small.stat().st_size
    # JSON documents are buffered whole by DuckDB's reader: its own default stays.
    pages = sorted((FIXTURES / "sources").glob("*.json"))[:1]
    assert pages and scan_bytes(expand_sources([str(small), str(pages[0])])) == 0
