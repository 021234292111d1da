"""Counts that are no number read the same on DuckDB and Spark.

A count written NaN or infinite is rejected as "not a finite number", never read as a count
left out: the fast tests hold DuckDB's reasons, the slow one holds Spark to DuckDB's report
(Ibis on Spark takes NaN for null, and compiles ``isinf()`` to false).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli

SPARK = ("--engine", "spark", "--spark-master", "local[2]")
INF = "'inf' is not a finite number"


def _with_rows(
    source: Path,
    path: Path,
    change: Callable[[dict[str, str], str], None],
    bad: tuple[str, ...],
    keep: int | None = None,
) -> Path:
    """A CSV fixture's first ``keep`` rows (all: None), then its first row once for each value
    of ``bad``, changed by ``change``."""
    rows = list(csv.DictReader(io.StringIO(source.read_text())))[:keep]
    for value in bad:
        row = dict(rows[0])
        change(row, value)
        rows.append(row)
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue())
    return path


def generic_csv(tmp: Path) -> Path:
    """Counts as they are (no sum) written NaN, -inf and 1e999."""

    def change(row: dict[str, str], bad: str) -> None:
        row["request_id"], row["output_tokens"] = f"r-{bad}", bad

    small = FIXTURES / "small.csv"
    return _with_rows(small, tmp / "usage.csv", change, ("NaN", "-inf", "1e999"), keep=2)


def typed_parquet(tmp: Path) -> Path:
    """Float counts as Parquet types them: NaN and infinity, no text to parse."""
    from datetime import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp / "usage.parquet"
    table = {
        "timestamp": [datetime(2026, 10, 1)] * 3,
        "model": ["gpt-4.1"] * 3,
        "input_tokens": [float("nan"), 100.0, float("inf")],
        "output_tokens": pa.array([1, 50, 3], pa.int64()),
    }
    pq.write_table(pa.table(table), path)
    return path


CASES: dict[str, tuple[Callable[[Path], Path], list[tuple[int, str]]]] = {
    "generic_csv": (
        generic_csv,
        [
            (4, "output_tokens: 'NaN' is not a finite number"),
            (5, "output_tokens: '-inf' is not a finite number"),
            (6, "output_tokens: '1e999' is not a finite number"),
        ],
    ),
    "typed_parquet": (
        typed_parquet,
        [(1, "input_tokens: 'nan' is not a finite number"), (3, f"input_tokens: {INF}")],
    ),
}


def report(path: Path, *engine: str) -> dict[str, Any]:
    result = run_cli("analyze", str(path), "--json", *engine)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def rejected(data: dict[str, Any]) -> list[tuple[int, str]]:
    return [(r["line"], r["reason"]) for r in data["rejected"]["rows"]]


@pytest.mark.parametrize("case", list(CASES))
def test_a_count_that_is_no_number_rejects_its_row(case: str, tmp_path: Path) -> None:
    build, expected = CASES[case]
    data = report(build(tmp_path))
    assert rejected(data) == expected
    totals = data["totals"]
    assert totals["rows_rejected"] == len(expected)
    assert totals["rows_read"] == totals["rows_rejected"] + totals["rows"]
    tally = sorted((r["reason"], r["rows"]) for r in data["rejected"]["reasons"])
    # (a row's reason in the tally, without the JSON path of its record)
    assert tally == sorted((reason.split("]: ")[-1], 1) for _, reason in expected)


def needs_spark() -> None:
    if not (importlib.util.find_spec("pyspark") and shutil.which("java")):
        if os.environ.get("TOKENECON_CI"):
            raise RuntimeError("TOKENECON_CI is set but PySpark or Java is missing")
        pytest.skip("PySpark or Java is not installed")


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_spark_rejects_the_rows_duckdb_rejects(case: str, tmp_path: Path) -> None:
    needs_spark()
    build, expected = CASES[case]
    path = build(tmp_path)
    duckdb, spark = report(path), report(path, *SPARK)
    # the tally of reasons and the sums are Spark's own (the lines of rejected rows are found
    # by an embedded DuckDB where Spark cannot place them)
    assert spark["rejected"]["reasons"] == duckdb["rejected"]["reasons"]
    assert spark["totals"] == duckdb["totals"]
    assert spark == duckdb
    assert rejected(spark) == expected
