"""Input forms and conventions: gzip, Parquet, JSONL, globs, stdin, aliases, --map, --save."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from conftest import FIXTURES, run_cli

BOOK = str(FIXTURES / "book.yaml")
SMALL = FIXTURES / "small.csv"


def report(*args: str, input: str | None = None) -> dict:
    result = run_cli("analyze", *args, "--prices", BOOK, "--no-default-prices", "--json",
                     input=input)  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def totals(r: dict) -> tuple:
    t = r["totals"]
    return (t["cost"], t["rows_read"], t["rows_rejected"], t["rows_duplicate"], t["tokens"])


def test_gzip_parquet_jsonl_and_stdin_read_like_the_csv(tmp_path: Path) -> None:
    expected = totals(report(str(SMALL)))
    gz = tmp_path / "small.csv.gz"
    gz.write_bytes(gzip.compress(SMALL.read_bytes()))
    assert totals(report(str(gz))) == expected
    table = pacsv.read_csv(
        SMALL,
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() for c in SMALL.read_text().splitlines()[0].split(",")}
        ),
    )
    parquet = tmp_path / "small.parquet"
    pq.write_table(table, parquet)
    assert totals(report(str(parquet))) == expected
    jsonl = tmp_path / "small.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in table.to_pylist()))
    assert totals(report(str(jsonl))) == expected
    assert totals(report("-", input=SMALL.read_text())) == expected


def test_several_files_and_a_glob_add_up(tmp_path: Path) -> None:
    lines = SMALL.read_text().splitlines(keepends=True)
    (tmp_path / "a.csv").write_text("".join(lines[:6]))
    (tmp_path / "b.csv").write_text(lines[0] + "".join(lines[6:]))
    whole = report(str(SMALL))
    split = report(str(tmp_path / "*.csv"))
    assert totals(split) == totals(whole)
    assert [u["rows"] for u in split["inputs"]["usage"]] == [5, 7]
    # a rejected row in the second file keeps its own line number
    lines_of = {(r["source"].rsplit("/", 1)[-1], r["line"]) for r in split["rejected"]["rows"]}
    assert ("b.csv", 4) in lines_of


def test_aliases_and_the_inclusive_convention(tmp_path: Path) -> None:
    usage = tmp_path / "proxy.csv"
    usage.write_text(
        "created_at,model_name,prompt_tokens,cached_tokens,completion_tokens,id\n"
        "2026-10-01T10:00:00Z,gpt-4.1-mini,5000,4000,500,a\n"
    )
    r = report(str(usage))
    # inclusive: uncached = 5000 - 4000; cost = 1000*0.40 + 4000*0.10 + 500*1.60 per 1M
    assert r["totals"]["tokens"]["uncached_input"] == 1000
    assert r["totals"]["cost"] == "0.001600"
    exclusive = report(str(usage), "--input-convention", "exclusive")
    assert exclusive["totals"]["tokens"]["uncached_input"] == 5000
    assert exclusive["totals"]["cost"] == "0.003200"


def test_inclusive_input_smaller_than_cache_is_rejected_with_the_hint(tmp_path: Path) -> None:
    usage = tmp_path / "anthropic-style.csv"
    usage.write_text(
        "timestamp,model,input_tokens,cache_read_tokens,output_tokens\n"
        "2026-10-01T10:00:00Z,gpt-4.1-mini,10,4000,500\n"
        "2026-10-01T10:01:00Z,gpt-4.1-mini,5000,4000,500\n"
    )
    r = report(str(usage))
    assert (r["totals"]["rows_read"], r["totals"]["rows_rejected"]) == (2, 1)
    assert "--input-convention exclusive" in r["rejected"]["rows"][0]["reason"]


def test_map_option_and_unknown_columns_as_tags(tmp_path: Path) -> None:
    usage = tmp_path / "custom.csv"
    usage.write_text("when,engine,in,out,feature\n2026-10-01T10:00:00Z,gpt-4.1,1000,100,triage\n")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  triage:\n    match: {tags.feature: triage}\n")
    r = report(str(usage), "--map", "when=timestamp", "--map", "in=uncached_input_tokens",
               "--map", "out=output_tokens", "--outcomes", str(mapping))  # fmt: skip
    # engine is an alias of model; 1000*2.00 + 100*8.00 per 1M
    assert r["use_cases"][0]["cost"] == "0.002800"


def test_save_writes_the_same_json(tmp_path: Path) -> None:
    saved = tmp_path / "report.json"
    result = run_cli("analyze", str(SMALL), "--prices", BOOK, "--no-default-prices",
                     "--save", str(saved))  # fmt: skip
    assert result.exit_code == 0
    assert json.loads(saved.read_text()) == report(str(SMALL))


def test_without_mapping_the_report_stops_at_metered() -> None:
    r = report(str(SMALL))
    assert r["maturity"]["rung"] == "Metered"
    assert r["use_cases"] == []
    assert r["unattributed"]["cost"] == r["totals"]["cost"]


def test_prices_json_and_dates() -> None:
    result = run_cli("prices", "o3-2025-04-16", "--at", "2025-05-01", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["input"] == "10"
    after_cut = json.loads(run_cli("prices", "o3", "--at", "2025-07-01", "--json").stdout)
    assert after_cut[0]["input"] == "2"


def test_typed_parquet_is_validated_as_numbers_and_times(tmp_path: Path) -> None:
    """Parquet keeps its types: integers and timestamps are used as they are, floats must be
    whole, negatives are rejected, a zoned timestamp is converted to UTC."""
    from datetime import datetime, timedelta, timezone

    plus2 = timezone(timedelta(hours=2))
    table = pa.table(
        {
            "timestamp": pa.array(
                [datetime(2026, 10, 1, 1, 0, tzinfo=plus2)] * 3
                + [datetime(2026, 10, 2, 9, 0, tzinfo=plus2)],
                pa.timestamp("us", tz="+02:00"),
            ),
            "model": ["gpt-4.1-mini", "gpt-4.1-mini", "gpt-4.1-mini", "gpt-4.1-mini"],
            "uncached_input_tokens": pa.array([1000, -5, 1000, 2000], pa.int64()),
            "output_tokens": pa.array([100.0, 100.0, 42.5, 200.0], pa.float64()),
            "request_id": ["a", "b", "c", "d"],
        }
    )
    path = tmp_path / "typed.parquet"
    pq.write_table(table, path)
    r = report(str(path))
    reasons = {x["reason"] for x in r["rejected"]["reasons"]}
    assert reasons == {
        "uncached_input_tokens: '-5.0' is negative",
        "output_tokens: '42.5' is not a whole number",
    }
    # Rows b and c, found by request id: Parquet "lines" are row numbers from 1.
    assert [(x["line"], x["reason"][:6]) for x in r["rejected"]["rows"]] == [
        (2, "uncach"), (3, "output"),
    ]  # fmt: skip
    # a: 1000*0.40 + 100*1.60 = 560; d: 2000*0.40 + 200*1.60 = 1120 (per 1M tokens)
    assert r["totals"]["cost"] == "0.001680"
    # 01:00 at +02:00 is 23:00 UTC the day before
    assert r["period"] == {"start": "2026-09-30", "end": "2026-10-02"}


def test_parquet_rejected_row_whose_id_repeats_is_numbered_in_scan_order(tmp_path: Path) -> None:
    """An id on several rows cannot tell which one was rejected: the numbered pass does."""
    table = pa.table(
        {
            "timestamp": ["2026-10-01T00:00:00Z"] * 4,
            "model": ["gpt-4.1-mini"] * 4,
            "uncached_input_tokens": pa.array([1000, 1000, -5, 7], pa.int64()),
            "output_tokens": pa.array([100, 100, 100, 1], pa.int64()),
            "request_id": ["a", "b", "b", "c"],
        }
    )
    path = tmp_path / "repeated.parquet"
    pq.write_table(table, path)
    r = report(str(path))
    assert [(x["line"], x["reason"]) for x in r["rejected"]["rows"]] == [
        (3, "uncached_input_tokens: '-5.0' is negative")
    ]
