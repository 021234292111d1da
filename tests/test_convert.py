"""`tokenecon convert`: the canonical Parquet file and the FOCUS CSV, checked by hand.

Prices per 1M tokens from fixtures/book.yaml. small.csv has 12 rows: r7 (output -6), r10
(input 'abc') and r11 (reasoning 500 > output 400) are rejected, r6 is sent twice (kept once),
and r8 is a model no book prices: 12 = 8 kept + 3 rejected + 1 duplicate.
"""

from __future__ import annotations

import csv
import json
import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import FIXTURES, ROOT, run_cli
from golden_files import check, render_width
from test_errors import check_error

from tokenecon.convert.focus import FOCUS_COLUMNS
from tokenecon.price.book import load_price_book
from tokenecon.render.convert import render_conversion

SMALL = str(FIXTURES / "small.csv")
BOOK = ("--prices", str(FIXTURES / "book.yaml"), "--no-default-prices")
MAPPING = ("--outcomes", str(FIXTURES / "mapping.yaml"))
EXAMPLE = "examples/usage-2026-10.csv"


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def convert(*args: str) -> str:
    result = run_cli("convert", *args)
    assert result.exit_code == 0, result.output
    return str(result.stderr)


def focus_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_parquet_holds_the_kept_rows_in_time_order(tmp_path: Path) -> None:
    out = tmp_path / "usage.parquet"
    summary = convert(SMALL, "-o", str(out))
    assert "Rows: 12 read = 8 written + 3 rejected + 1 duplicate" in summary
    table = pq.read_table(out)
    rows = table.to_pylist()
    # r1..r6 and r8, r9 (r7, r10, r11 rejected; the second r6 a duplicate)
    assert [r["request_id"] for r in rows] == ["r1", "r2", "r3", "r4", "r5", "r6", "r8", "r9"]
    r4 = rows[3]
    assert (r4["uncached_input_tokens"], r4["cache_read_tokens"], r4["cache_write_tokens"]) == (
        150000, 50000, 1000,
    )  # fmt: skip
    assert r4["output_tokens"] == 2000 and r4["model"] == "claude-sonnet-4-5-20250929"
    assert rows[7]["reasoning_tokens"] == 300
    assert rows[1]["model"] == "openai/gpt-4.1-mini"  # as reported: analyze resolves it again
    assert str(table.schema.field("timestamp").type) == "timestamp[us, tz=UTC]"
    assert all(r["source"] == SMALL for r in rows)
    meta = json.loads(table.schema.metadata[b"tokenecon"])
    assert meta["schema"] == "tokenecon.usage/v1"
    assert (meta["rows_read"], meta["rows_rejected"], meta["rows_duplicate"]) == (12, 3, 1)
    assert meta["sources"][0]["rows"] == 12


def test_focus_rows_priced_by_hand(tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    summary = convert(SMALL, *BOOK, *MAPPING, "--focus", "--allow-unpriced", "-o", str(out))
    rows = focus_rows(out)
    assert list(rows[0]) == list(FOCUS_COLUMNS)
    # One row per token type with tokens: r1 3 (input, cache read, output), r2 2 (no cache
    # read), r3 3, r4 4 (cache write 5m too), r5 3, r6 2, r8 2, r9 2 (reasoning is in output).
    assert len(rows) == 21
    assert "21 FOCUS rows from 8 requests and buckets" in summary
    assert "Rows: 12 read = 7 priced + 1 unpriced + 3 rejected + 1 duplicate" in summary
    # r1: 1000 * 0.40 / 1e6 = 0.0004; 4000 * 0.10 / 1e6 = 0.0004; 500 * 1.60 / 1e6 = 0.0008
    r1 = [r for r in rows if r["x_OutcomeId"] == "T-1" and r["x_Model"].startswith("gpt")][:3]
    assert [r["BilledCost"] for r in r1] == ["0.0004", "0.0004", "0.0008"]
    # r3 batch: half of r1's prices
    r3 = [r for r in rows if r["x_OutcomeId"] == "T-2"]
    assert [r["BilledCost"] for r in r3] == ["0.0002", "0.0002", "0.0004"]
    assert r3[0]["SkuPriceId"] == "gpt-4.1-mini:input:2025-04-14:batch"
    assert r3[0]["ListUnitPrice"] == "0.2"
    # r4 above the 200k cliff (prompt 201000): 150000*6 = 0.9, 50000*0.6 = 0.03,
    # 1000*7.5 = 0.0075, 2000*22.5 = 0.045 (per 1M): 0.9825 in all
    r4 = [r for r in rows if r["x_Model"].startswith("claude")][:4]
    assert [r["BilledCost"] for r in r4] == ["0.9", "0.03", "0.0075", "0.045"]
    assert [r["x_TokenType"] for r in r4] == ["input", "cache_read", "cache_write_5m", "output"]
    assert r4[0]["PricingQuantity"] == "0.15" and r4[0]["PricingUnit"] == "1M Tokens"
    assert r4[0]["ServiceProviderName"] == "Anthropic" and r4[0]["ServiceName"] == "Claude API"
    assert r4[0]["ChargePeriodStart"] == "2026-10-02T00:00:00Z"
    assert r4[0]["ChargePeriodEnd"] == "2026-10-03T00:00:00Z"
    assert r4[0]["BillingPeriodEnd"] == "2026-11-01T00:00:00Z"
    # the unpriced model: its rows are there, with empty costs, and say so
    llama = [r for r in rows if r["x_Model"] == "acme-ft-llama-70b"]
    assert [(r["ConsumedQuantity"], r["BilledCost"], r["x_CostSource"]) for r in llama] == [
        ("5000", "", "unpriced"), ("500", "", "unpriced"),
    ]  # fmt: skip
    assert "Unpriced: acme-ft-llama-70b (unknown model): 1 request (2 FOCUS rows)" in summary
    # Tags: attribution columns, then the source's own tags
    r6 = next(r for r in rows if r["x_Model"] == "gpt-4.1-2025-04-14")
    assert json.loads(r6["Tags"]) == {
        "team": "legal", "project": "p3", "user": "d@x.com", "api_key": "k3", "task_id": "D-1",
        "feature": "contract-drafting",
    }  # fmt: skip
    # every priced request's cost adds up to analyze's: 0.0048 + 1.0575 + 0.054 + 0.0034
    total = sum(Decimal(r["BilledCost"]) for r in rows if r["BilledCost"])
    assert total == Decimal("1.1197")


def test_focus_golden_file(tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    convert(SMALL, *BOOK, *MAPPING, "--focus", "--allow-unpriced", "-o", str(out))
    check("convert-small-focus.csv", out.read_text(encoding="utf-8"))


def test_summary_golden_file(tmp_path: Path) -> None:
    from tokenecon.convert.parquet import convert_usage
    from tokenecon.report.analyze import AnalyzeOptions

    options = AnalyzeOptions(prices=[FIXTURES / "book.yaml"], no_default_prices=True)
    done = convert_usage(
        ["tests/fixtures/small.csv"], options, tmp_path / "f.csv", focus=True, allow_unpriced=True
    )
    text = render_width(render_conversion, done.to_dict(), 120)
    check("convert-small.txt", text.replace(str(tmp_path), "<tmp>"))


def test_unpriced_usage_stops_focus_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    result = run_cli("convert", SMALL, *BOOK, "--focus", "-o", str(out))
    check_error(result, "acme-ft-llama-70b (unknown model): 1 request, 5,500 tokens",
                "--allow-unpriced", "--prices")  # fmt: skip
    assert not out.exists() and not list(tmp_path.iterdir())


def test_cost_source_reported_without_reported_costs_is_unpriced(tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    result = run_cli(
        "convert", SMALL, *BOOK, "--focus", "--cost-source", "reported", "-o", str(out)
    )
    # no row of small.csv has a reported cost: 8 requests of 6 models as reported, 5 named
    check_error(result, "claude-sonnet-4-5-20250929 (no reported cost): 2 requests", "; and 1 more")


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("-o", "{tmp}/missing/usage.parquet"), ("folder", "does not exist", "-o")),
        (("-o", "{tmp}"), ("is a directory",)),
        (("-o", "{tmp}/usage.csv"), ("convert writes Parquet", "--focus")),
        (("--focus", "-o", "{tmp}/usage.parquet"), ("--focus writes CSV",)),
        (("-o", "{tmp}/u.parquet", "--engine", "hadoop"), ("unknown engine 'hadoop'", "--engine")),
        (("-o", "{tmp}/u.parquet", "--since", "2026-10-05", "--until", "2026-10-01"),
         ("--since must be before --until",)),
        (("-o", "{tmp}/u.parquet", "--cost-source", "guess"), ("--cost-source",)),
    ],
)  # fmt: skip
def test_bad_options(tmp_path: Path, args: tuple[str, ...], fragments: tuple[str, ...]) -> None:
    filled = [a.replace("{tmp}", str(tmp_path)) for a in args]
    check_error(run_cli("convert", SMALL, *filled), *fragments)
    assert [p.name for p in tmp_path.iterdir()] == []  # nothing half-written left behind


def test_output_must_not_be_an_input(tmp_path: Path) -> None:
    first = tmp_path / "usage.parquet"
    convert(SMALL, "-o", str(first))
    check_error(run_cli("convert", str(first), "-o", str(first)), "is one of the inputs")


def test_engine_out_of_memory_while_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine's own error (as DuckDB words it at 10M rows under a 1.6 GB limit) names the
    flags that give it room; the half-written file is removed."""
    import duckdb

    def out_of_memory(*_: object, **__: object) -> int:
        message = "Out of Memory Error: could not allocate block of size 30.5 MiB (1.5 GiB used)"
        raise duckdb.OutOfMemoryException(message + "\nPossible solutions: ...")

    monkeypatch.setattr("tokenecon.convert.parquet.write_table", out_of_memory)
    result = run_cli("convert", SMALL, "-o", str(tmp_path / "u.parquet"))
    check_error(
        result,
        f"cannot write -o {tmp_path / 'u.parquet'}: Out of Memory Error: could not allocate",
        "Hint: raise --memory-limit, or give --temp-directory DIR where the engine may spill",
    )
    assert "Possible solutions" not in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == []


def test_missing_input(tmp_path: Path) -> None:
    result = run_cli("convert", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "u.parquet"))
    check_error(result, "nope.csv")


def test_since_until_rows_are_accounted(tmp_path: Path) -> None:
    out = tmp_path / "usage.parquet"
    summary = convert(SMALL, "-o", str(out), "--since", "2026-10-02", "--until", "2026-10-04")
    # kept: r4, r5 (Oct 2) and r6 (Oct 3); outside: r1-r3 (Oct 1), r8, r9 (Oct 4); the
    # duplicate r6 and the three rejected rows as before: 12 = 3 + 3 + 1 + 5
    assert "Rows: 12 read = 3 written + 3 rejected + 1 duplicate + 5 outside" in summary
    assert pq.read_table(out).num_rows == 3


# The example month: convert -> analyze gives analyze's report


def _report(*args: str) -> dict:
    result = run_cli("analyze", *args, "--outcomes", "examples/outcomes.yaml", "--json")
    assert result.exit_code == 0, result.output
    data: dict = json.loads(result.stdout)
    return data


READ_TIME_FIELDS = ("rows_read", "rows_rejected", "rows_duplicate", "rows_outside_period")


def without_reading(report: dict) -> str:
    """The report without what describes the file read rather than the usage in it (the README
    lists these): each input's path, hash, format, row count and column mapping, and the
    accounting of the rows convert already dropped (rejected, duplicate, outside the period)."""
    report = json.loads(json.dumps(report))
    report["inputs"]["usage"] = [{} for _ in report["inputs"]["usage"]]
    for name in READ_TIME_FIELDS:
        report["totals"][name] = None
    report["rejected"] = report["duplicates"] = None
    return json.dumps(report, indent=2, sort_keys=True)


def test_analyze_of_the_parquet_is_analyze_of_the_csv(tmp_path: Path) -> None:
    out = tmp_path / "usage-2026-10.parquet"
    convert(EXAMPLE, "-o", str(out))
    original, again = _report(EXAMPLE), _report(str(out))
    assert without_reading(again) == without_reading(original)
    # what differs is exactly what convert accounted for
    totals = original["totals"]
    assert again["totals"]["rows_read"] == totals["rows_read"] - (
        totals["rows_rejected"] + totals["rows_duplicate"]
    )
    assert again["inputs"]["usage"][0]["format"] == "generic_parquet"
    assert again["totals"]["cost"] == original["totals"]["cost"] == "552.603972"


def test_focus_money_matches_analyze_per_model(tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    convert(EXAMPLE, "--focus", "--allow-unpriced", "-o", str(out))
    book = load_price_book([])
    billed: dict[str, Decimal] = defaultdict(Decimal)
    for row in focus_rows(out):
        if row["BilledCost"]:
            billed[str(book.resolve(row["x_Model"]))] += Decimal(row["BilledCost"])
    report = _report(EXAMPLE)
    analyzed = {m["model"]: Decimal(m["cost"]) for m in report["models"] if m["model"]}
    unpriced = {u["model"] for u in report["unpriced"]}
    expected = {k: v for k, v in analyzed.items() if k not in unpriced}
    micro = Decimal("0.000001")
    assert {k: v.quantize(micro, ROUND_HALF_UP) for k, v in billed.items()} == expected
    cent = Decimal("0.01")
    assert sum(billed.values()).quantize(cent) == Decimal(report["totals"]["cost"]).quantize(cent)


def test_no_temporary_files_left(tmp_path: Path) -> None:
    convert(SMALL, "-o", str(tmp_path / "u.parquet"))
    assert sorted(os.listdir(tmp_path)) == ["u.parquet"]
