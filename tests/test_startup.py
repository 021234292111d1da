"""Start-up (docs/benchmarks.md, "Start-up"): a run whose SQL is cached imports only what it
uses, and what it leaves out changes no figure: the replayed results are the values Arrow
would have given, the console report the same as a run that compiles its SQL."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tests.conftest import ROOT
from tokenecon.engine.rows import Rows, duckdb_columns, fetch

MONTH = [
    str(ROOT / "examples" / "usage-2026-10.csv"),
    "--outcomes",
    str(ROOT / "examples" / "outcomes.yaml"),
]
HEAVY = ("pyarrow", "numpy", "ibis", "sqlglot", "yaml")
"""What a replayed run of `analyze` needs none of."""


def _runs(
    args: list[str], cache: str, count: int, watched: tuple[str, ...] = HEAVY
) -> list[subprocess.CompletedProcess[str]]:
    script = (
        "import sys\n"
        "from tokenecon.cli.main import run\n"
        f"sys.argv = ['tokenecon', *{args!r}]\n"
        "try: run()\n"
        "except SystemExit: pass\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(watched)!r}),"
        " file=sys.stderr)\n"
    )
    env = {**os.environ, "TOKENECON_CACHE_DIR": cache, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    return [
        subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        for _ in range(count)
    ]


@pytest.mark.parametrize("json", [False, True], ids=["console", "json"])
def test_a_replayed_month_imports_neither_pyarrow_nor_numpy(tmp_path: Path, json: bool) -> None:
    args = ["analyze", *MONTH, *(["--json"] if json else [])]
    first, second = _runs(args, str(tmp_path / "cache"), 2)
    (off,) = _runs(args, "off", 1)
    assert first.stderr.strip().endswith("['ibis', 'numpy', 'pyarrow', 'sqlglot', 'yaml']")
    assert second.stderr.strip().endswith("[]")
    assert second.stdout == first.stdout == off.stdout
    # the month's figures (examples/README.md): 14,380 requests, 9,286 tasks, 7,485 outcomes
    wanted = ['"cost": "552.603972"', '"tasks": 9286'] if json else ["$184.87", "$0.0616"]
    assert all(w in second.stdout for w in wanted)


def test_a_replayed_folder_of_logs_as_quiet_json_imports_no_console(tmp_path: Path) -> None:
    """`analyze LOGS --json --quiet` (what ccusage's `--json` is measured against,
    benchmarks/ccusage.py) replayed: no Rich, whose console only the bar and text need."""
    logs = ROOT / "tests" / "fixtures" / "sources" / "claude_code"
    args = ["analyze", str(logs), "--json", "--quiet"]
    first, second = _runs(args, str(tmp_path / "cache"), 2, (*HEAVY, "rich"))
    (off,) = _runs(args, "off", 1)
    assert second.stderr.strip().endswith("[]")
    assert second.stdout == first.stdout == off.stdout
    assert '"format": "claude_code_jsonl"' in second.stdout


SQL = (
    "SELECT * FROM (VALUES"
    " ('a', 1::BIGINT, 2::INTEGER, true, 1.5::DOUBLE, DATE '2026-10-01',"
    "  TIMESTAMP '2026-10-01 10:00:00.123456', 0.000000000001::DECIMAL(38,12),"
    "  12345678901234567890123456.123456789012::DECIMAL(38,12), 0::DECIMAL(38,12),"
    "  1.5::DECIMAL(18,3)),"
    " (NULL, NULL, NULL, NULL, 'nan'::DOUBLE, NULL, NULL, NULL,"
    "  -99999999999999999999999999.999999999999::DECIMAL(38,12), NULL, NULL)"
    ") t(s, b, i, f, d, day, stamp, tiny, big, zero, short)"
)


def test_rows_are_the_values_arrow_gives() -> None:
    """Every type a replay reads without Arrow gives the same Python values, ``repr`` for
    ``repr`` (a Decimal keeps its exponent: 0E-12, 1.500), nulls and NaN included."""
    con = duckdb.connect()
    table = con.sql(SQL).to_arrow_table()
    columns = duckdb_columns(table.schema)
    assert columns is not None and [t for _, t in columns] == [
        "VARCHAR", "BIGINT", "INTEGER", "BOOLEAN", "DOUBLE", "DATE", "TIMESTAMP",
        "DECIMAL(38,12)", "DECIMAL(38,12)", "DECIMAL(38,12)", "DECIMAL(18,3)",
    ]  # fmt: skip
    rows = fetch(con, SQL, table.schema.serialize().to_pybytes(), columns)
    assert isinstance(rows, Rows) and rows.column_names == table.column_names
    assert repr(rows.to_pylist()) == repr(table.to_pylist())
    assert rows.to_pylist()[0]["zero"].as_tuple().exponent == -12
    assert rows.to_pylist()[1]["big"] == Decimal("-99999999999999999999999999.999999999999")


def test_a_result_typed_otherwise_goes_through_arrow() -> None:
    """When DuckDB types a column otherwise than recorded (a sum of integers is a DECIMAL in
    DuckDB, an int64 in the pipeline), the result is fetched as Arrow and cast, as before."""
    con = duckdb.connect()
    sql = "SELECT SUM(x) AS n FROM (VALUES (1), (2)) t(x)"
    wanted = pa.schema([("n", pa.int64())])
    columns = duckdb_columns(wanted)
    assert columns == [("n", "BIGINT")]
    result = fetch(con, sql, wanted.serialize().to_pybytes(), columns)
    assert isinstance(result, pa.Table) and result.schema == wanted
    assert result.to_pylist() == [{"n": 3}]


@pytest.mark.parametrize(
    "kind", [pa.null(), pa.timestamp("us", tz="UTC"), pa.timestamp("ns"), pa.list_(pa.int64())]
)
def test_types_without_a_known_duckdb_twin_are_left_to_arrow(kind: pa.DataType) -> None:
    assert duckdb_columns(pa.schema([("a", pa.string()), ("b", kind)])) is None


def test_a_result_with_two_columns_of_one_name_is_left_to_arrow() -> None:
    """A row as a dict keeps one of two same-named columns: which one is Arrow's to say."""
    assert duckdb_columns(pa.schema([("a", pa.string()), ("a", pa.int64())])) is None
