"""The same Ibis pipeline on Spark (local mode) gives the report DuckDB gives, figure for figure.

Slow (a JVM starts once, then each report is a few Spark jobs). Skips where PySpark or Java is
missing, unless TOKENECON_CI is set: CI installs both and must run it.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

pytestmark = pytest.mark.slow

if not (importlib.util.find_spec("pyspark") and shutil.which("java")):
    if os.environ.get("TOKENECON_CI"):
        raise RuntimeError("TOKENECON_CI is set but PySpark or Java is missing")
    pytest.skip("PySpark or Java is not installed", allow_module_level=True)

SPARK = ("--engine", "spark", "--spark-master", "local[2]")
BOOK = ("--prices", str(FIXTURES / "book.yaml"), "--no-default-prices")
CONFORMANCE = sorted((FIXTURES / "conformance").iterdir())


def report_json(*args: str) -> dict:
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    data: dict = json.loads(result.stdout)
    return data


def same_on_both(*args: str) -> dict:
    duckdb = report_json(*args)
    spark = report_json(*args, *SPARK)
    assert spark == duckdb  # money is a decimal string to 1e-6: equal strings, equal money
    return duckdb


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_example_month() -> None:
    report = same_on_both(
        "analyze", "examples/usage-2026-10.csv", "--outcomes", "examples/outcomes.yaml"
    )
    assert report["totals"]["cost"] == "552.603972"  # the golden file's figure


def test_hand_checked_fixture_with_rejects_duplicates_and_tags() -> None:
    report = same_on_both(
        "analyze", str(FIXTURES / "small.csv"), *BOOK, "--outcomes",
        str(FIXTURES / "mapping.yaml"), "--by", "team",
    )  # fmt: skip
    # Lines of rejected rows are found in the file, whatever the engine.
    assert [r["line"] for r in report["rejected"]["rows"]] == [9, 12, 13]


@pytest.mark.parametrize("path", CONFORMANCE, ids=lambda p: p.name)
def test_conformance_fixture(path: Path) -> None:
    extra = ("--input-convention", "exclusive") if "generic_exclusive" in path.name else ()
    args = ("analyze", str(path), *BOOK, *extra)
    if path.name == "exclusive_input_in_otel.jsonl":  # its only row rejected: refused on both
        duckdb, spark = run_cli(*args), run_cli(*args, *SPARK)
        assert (duckdb.exit_code, spark.exit_code) == (2, 2)
        assert spark.output == duckdb.output
        assert "every row read was rejected (1 of 1)" in duckdb.output
        return
    same_on_both(*args)


def test_whatif_on_the_example_month() -> None:
    args = (
        "whatif", "examples/usage-2026-10.csv", "--outcomes", "examples/outcomes.yaml",
        "--route", "small-model", "--use-case", "lead-scoring",
    )  # fmt: skip
    same_on_both(*args)


def test_typed_parquet(tmp_path: Path) -> None:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    parquet = tmp_path / "usage.parquet"
    pq.write_table(pacsv.read_csv(ROOT / "examples" / "usage-2026-10.csv"), parquet)
    report = same_on_both("analyze", str(parquet), "--outcomes", "examples/outcomes.yaml")
    # typed columns (pyarrow inferred integers and timestamps): the same money as the CSV
    assert report["totals"]["cost"] == "552.603972"


def test_bedrock_cache_writes_split_by_the_logged_body(tmp_path: Path) -> None:
    # the body is kept as JSON text and only its usage parsed (from_json on Spark): an object
    # (Converse cacheDetails, InvokeModel cache_creation) or a list of stream chunks, and a
    # split that does not add up to the logged count rejected on both engines alike
    bedrock = FIXTURES / "public" / "bedrock"
    invoke = json.loads((bedrock / "invoke_model_sonnet46_1h_write.json").read_text())
    converse = json.loads((bedrock / "converse_stream_sonnet46_mixed_ttl.json").read_text())
    body = invoke["output"]["outputBodyJson"]
    streamed = dict(invoke, requestId="s", output=dict(invoke["output"], outputBodyJson=[
        {"type": "message_start", "message": body},
        {"type": "message_stop", "amazon-bedrock-invocationMetrics": {"outputTokenCount": 23}},
    ]))  # fmt: skip
    wrong = dict(converse, requestId="w", input=dict(converse["input"]))
    wrong["input"]["cacheWriteInputTokenCount"] = 3000
    logs = tmp_path / "logs.jsonl"
    logs.write_text("".join(json.dumps(x) + "\n" for x in (invoke, converse, streamed, wrong)))
    report = same_on_both("analyze", str(logs))
    assert report["totals"]["tokens"]["cache_write_1h"] == 2403 + 1547 + 2403
    assert [r["line"] for r in report["rejected"]["rows"]] == [4]


def test_remote_uri_passes_through_to_spark(tmp_path: Path) -> None:
    """A file:// URI stands for s3a:// or hdfs://: Spark reads it, nothing opens it locally."""
    local = report_json("analyze", str(FIXTURES / "small.csv"), *BOOK)
    uri = (FIXTURES / "small.csv").resolve().as_uri()
    remote = report_json("analyze", uri, *BOOK, *SPARK)
    assert remote["totals"] == local["totals"]
    assert remote["models"] == local["models"]
    assert remote["inputs"]["usage"][0]["sha256"] is None  # no local file to hash
    # Rejected rows are counted by reason; their lines are unknown without a local file.
    assert remote["rejected"]["reasons"] == local["rejected"]["reasons"]
    assert {r["line"] for r in remote["rejected"]["rows"]} == {None}


def test_remote_uri_needs_spark() -> None:
    uri = (FIXTURES / "small.csv").resolve().as_uri()
    result = run_cli("analyze", uri, *BOOK)
    assert result.exit_code == 2
    assert "--engine spark" in result.stderr


def test_convert_writes_the_same_files_on_both_engines(tmp_path: Path) -> None:
    """convert on Spark: the same Parquet rows and the same FOCUS bytes as on DuckDB."""
    import pyarrow.parquet as pq

    written = {}
    for name, engine in (("duckdb", ()), ("spark", SPARK)):
        parquet, focus = tmp_path / f"{name}.parquet", tmp_path / f"{name}.csv"
        for out, extra in ((parquet, ()), (focus, ("--focus", "--allow-unpriced"))):
            result = run_cli(
                "convert", "examples/usage-2026-10.csv", "--outcomes", "examples/outcomes.yaml",
                *extra, "-o", str(out), *engine,
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            assert "Rows: 14,387 read = " in result.stderr
        written[name] = (pq.read_table(parquet), focus.read_bytes())
    duck, spark = written["duckdb"], written["spark"]
    # (Spark marks columns it knows are never null as such: names and types must match)
    assert [(f.name, f.type) for f in spark[0].schema] == [(f.name, f.type) for f in duck[0].schema]
    assert spark[0].to_pylist() == duck[0].to_pylist()  # same rows, same order
    assert spark[1] == duck[1]
    assert duck[1].count(b"\n") == 40268  # header + 40,267 rows
    # the Parquet file Spark wrote reads back into the same report
    again = report_json("analyze", str(tmp_path / "spark.parquet"), "--outcomes",
                        "examples/outcomes.yaml")  # fmt: skip
    assert again["totals"]["cost"] == "552.603972"


def test_litellm_daily_activity(tmp_path: Path) -> None:
    """LiteLLM's daily activity: models and keys unwrapped from JSON maps (Spark: from_json
    into a map), the rest of each model and day computed beside them."""
    from test_litellm_daily import CHAT, DOCS, PAGE

    page = tmp_path / "activity.json"
    page.write_text(json.dumps(PAGE))
    report = same_on_both("analyze", str(page), "--by", "api_key")
    assert (report["totals"]["rows_read"], report["totals"]["cost"]) == (5, "0.209800")
    same_on_both("analyze", str(DOCS))
    # a rejected row: the same figures (its line is found on DuckDB only: Spark numbers no
    # JSON records)
    broken = copy.deepcopy(PAGE)
    broken["results"][0]["breakdown"]["models"]["gpt-4o-mini"] = 0.0003
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    duckdb, spark = report_json("analyze", str(path)), report_json("analyze", str(path), *SPARK)
    assert duckdb["totals"]["rows_rejected"] == 1
    assert spark["totals"] == duckdb["totals"] and spark["models"] == duckdb["models"]
    assert spark["rejected"]["reasons"] == duckdb["rejected"]["reasons"]
    # LiteLLM's own test response (a model with spend but no tokens): refused on both
    for engine in ((), SPARK):
        refused = run_cli("analyze", str(CHAT), *engine)
        assert refused.exit_code == 2, refused.output
        assert "a model of breakdown.models gives no prompt_tokens" in refused.stderr


@pytest.mark.parametrize("layout", ["%m/%d/%Y %H:%M", "%Y%m%d", "%d.%m.%y %I:%M %p",
                                    "%d %b %Y %H:%M:%S.%f %z"])  # fmt: skip
def test_timestamp_format(tmp_path: Path, layout: str) -> None:
    """--timestamp-format: Spark's to_timestamp with the translated Java pattern reads (and
    rejects, on the same lines) each edge text as DuckDB's try_strptime does."""
    from test_timestamp_format import EDGES

    usage = tmp_path / "sheet.csv"
    rows = [f'"{value}",gpt-4.1,100,10,r{n}' for n, value in enumerate(EDGES[layout])]
    usage.write_text("timestamp,model,input_tokens,output_tokens,request_id\n" + "\n".join(rows))
    report = same_on_both("analyze", str(usage), *BOOK, "--timestamp-format", layout, "--by", "day")
    # as tests/test_timestamp_format.py expects of DuckDB and the line finder's twin
    read = {"%m/%d/%Y %H:%M": 8, "%Y%m%d": 2, "%d.%m.%y %I:%M %p": 2, "%d %b %Y %H:%M:%S.%f %z": 2}
    assert report["totals"]["rows_read"] - report["totals"]["rows_rejected"] == read[layout]
    assert len(report["rejected"]["rows"]) == len(rows) - read[layout]


def test_timestamp_format_day_first_with_an_offset(tmp_path: Path) -> None:
    """A day-first sheet on the clocks of UTC+2: the same UTC days and money on both engines."""
    from test_timestamp_format import LAYOUTS, sheet

    layout = "%d/%m/%Y %H:%M %z"
    usage = sheet(tmp_path / "sheet.csv", LAYOUTS[layout])
    report = same_on_both("analyze", str(usage), *BOOK, "--timestamp-format", layout, "--by", "day")
    days = {row["value"]: row["cost"] for row in report["breakdown"]["rows"]}
    assert days == {"2026-10-01": "2.000000", "2026-10-02": "1.000000", "2026-10-13": "2.750000"}
