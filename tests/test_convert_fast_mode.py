"""`convert --focus` prices a row whose source states ``speed: fast`` (Anthropic's fast mode) at
the book's fast-mode multiple of every rate, under any billed-geo uplift, as `analyze` does, so
that the FOCUS costs add up to analyze's (docs/convert.md). The fixtures are tests/
test_fast_mode.py's (the Admin API usage report example moved to claude-opus-4-8's prices, and
Claude Code lines of claude-opus-5). By hand, from the default book:

- the report, claude-opus-4-8 ($5 input, $0.50 cache read, $6.25 and $10 cache writes, $25
  output per 1M; ``speeds: {fast: 2}``, ``regions: {us: 1.1}``): standard 33,225 per 1M,
  fast 66,450, fast in the US 66,450 x 1.1 = 73,095: together $0.17277;
- claude-sonnet-4-6 has no fast rate: a fast row stays at 19,935 per 1M;
- Claude Code, claude-opus-5 ($5 / $25), 25 input + 150 output tokens: fast 25 x 10 + 150 x 50
  = 7,750 per 1M, standard 3,875; claude-opus-4-6 in February 2026 fast at 6x: 25 x 30 + 150 x
  150 = 23,250 per 1M.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
from conftest import run_cli
from sources import default_report
from test_convert_inference_geo import _matches_analyze
from test_fast_mode import _claude_code, _report_at


def _focus(tmp_path: Path, *paths: Path) -> list[dict[str, str]]:
    out = tmp_path / "focus.csv"
    result = run_cli("convert", *map(str, paths), "--focus", "-o", str(out))
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _reports(tmp_path: Path) -> dict[str, Path]:
    return {
        "standard": _report_at(tmp_path, "claude-opus-4-8", "standard"),
        "fast": _report_at(tmp_path, "claude-opus-4-8", "fast"),
        "fast us": _report_at(tmp_path, "claude-opus-4-8", "fast", geo="us"),
    }


def test_the_fast_mode_reports_add_up_to_analyze_to_the_micro_dollar(tmp_path: Path) -> None:
    reports = _reports(tmp_path)
    for name, exact in (("standard", "0.033225"), ("fast", "0.06645"), ("fast us", "0.073095")):
        path = reports[name]
        _matches_analyze(_focus(tmp_path, path), default_report(path), exact)
    together = list(reports.values())
    rows = _focus(tmp_path, *together)
    _matches_analyze(rows, default_report(*together), "0.17277")
    suffixes = {r["SkuPriceId"].split(":2026-05-28")[1] for r in rows if r["x_TokenType"]}
    assert suffixes == {"", ":speed-fast", ":speed-fast:region-us"}


def test_a_fast_us_line_row_by_row(tmp_path: Path) -> None:
    rows = _focus(tmp_path, _reports(tmp_path)["fast us"])
    got = [
        (r["x_TokenType"], r["ConsumedQuantity"], r["ListUnitPrice"], r["ContractedUnitPrice"],
         r["BilledCost"], r["SkuPriceId"])
        for r in rows
    ]  # fmt: skip
    sku = "claude-opus-4-8:{}:2026-05-28:speed-fast:region-us"
    # every rate x 2 (fast) x 1.1 (us): 5 -> 11, 0.5 -> 1.1, 6.25 -> 13.75, 10 -> 22, 25 -> 55
    assert got == [
        ("input", "1500", "11", "11", "0.0165", sku.format("input")),
        ("cache_read", "200", "1.1", "1.1", "0.00022", sku.format("cache_read")),
        ("cache_write_5m", "500", "13.75", "13.75", "0.006875", sku.format("cache_write_5m")),
        ("cache_write_1h", "1000", "22", "22", "0.022", sku.format("cache_write_1h")),
        ("output", "500", "55", "55", "0.0275", sku.format("output")),
    ]


def test_claude_code_fast_and_standard_lines_row_by_row(tmp_path: Path) -> None:
    path = _claude_code(tmp_path)
    rows = _focus(tmp_path, path)
    got = [(r["x_TokenType"], r["ListUnitPrice"], r["BilledCost"], r["SkuPriceId"]) for r in rows]
    assert [g[:3] for g in got] == [
        ("input", "10", "0.00025"), ("output", "50", "0.0075"),
        ("input", "5", "0.000125"), ("output", "25", "0.00375"),
    ]  # fmt: skip
    assert [g[3].endswith(":speed-fast") for g in got] == [True, True, False, False]
    _matches_analyze(rows, default_report(path), "0.011625")


def test_opus_4_6_in_fast_mode_is_6x(tmp_path: Path) -> None:
    path = _claude_code(tmp_path)
    text = path.read_text().replace("claude-opus-5", "claude-opus-4-6")
    path.write_text(text.replace("2026-08-03", "2026-03-02"))
    rows = _focus(tmp_path, path)
    assert [r["ListUnitPrice"] for r in rows] == ["30", "150", "5", "25"]
    _matches_analyze(rows, default_report(path), "0.027125")  # 23,250 + 3,875 per 1M


def test_a_fast_row_of_a_model_without_a_fast_rate_stays_at_standard(tmp_path: Path) -> None:
    path = _report_at(tmp_path, "claude-sonnet-4-6", "fast")
    rows = _focus(tmp_path, path)
    assert not any("speed-" in r["SkuPriceId"] for r in rows)
    assert [r["ListUnitPrice"] for r in rows] == ["3", "0.3", "3.75", "6", "15"]
    _matches_analyze(rows, default_report(path), "0.019935")


def test_a_speed_column_of_another_source_sets_no_price(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "timestamp,model,input_tokens,output_tokens,speed\n"
        "2026-08-03T12:00:00Z,claude-opus-4-8,25,150,fast\n"
    )
    rows = _focus(tmp_path, path)
    assert not any("speed-" in r["SkuPriceId"] for r in rows)
    _matches_analyze(rows, default_report(path), "0.003875")


def test_the_parquet_file_keeps_speed_and_analyze_of_it_prices_it_as_the_originals(
    tmp_path: Path,
) -> None:
    """The file's metadata says its ``speed`` is Anthropic's, so `analyze` reads it back as
    ``tokenecon_usage`` and prices fast mode as the three reports themselves: $0.17277."""
    reports = _reports(tmp_path)
    out = tmp_path / "usage.parquet"
    result = run_cli("convert", *map(str, reports.values()), "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    notes = [any("speed" in n for n in s["notes"]) for s in json.loads(result.stdout)["sources"]]
    assert notes == [False, False, False]
    table = pq.read_table(out)
    assert sorted(table.column("speed").to_pylist()) == ["fast", "fast", "standard"]
    assert json.loads(table.schema.metadata[b"tokenecon"])["speed"] == "anthropic"
    reread = default_report(out)
    assert reread["inputs"]["usage"][0]["format"] == "tokenecon_usage"
    assert Decimal(reread["totals"]["cost"]) == Decimal("0.17277")
    assert reread["totals"] == default_report(*reports.values())["totals"]


def test_a_parquet_file_with_another_speed_column_prices_at_standard(tmp_path: Path) -> None:
    """Beside a generic source's own ``speed`` the column cannot say whose speed it is: the
    file is read as a generic one (the standard price), and the fast rows' sources say so."""
    reports = _reports(tmp_path)
    other = tmp_path / "other.csv"
    other.write_text(
        "timestamp,model,input_tokens,output_tokens,speed\n"
        "2026-08-03T12:00:00Z,claude-opus-4-8,25,150,fast\n"
    )
    out = tmp_path / "usage.parquet"
    sources = [*map(str, reports.values()), str(other)]
    result = run_cli("convert", *sources, "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    notes = [any("speed" in n for n in s["notes"]) for s in json.loads(result.stdout)["sources"]]
    assert notes == [False, True, True, False]
    assert "speed" not in json.loads(pq.read_table(out).schema.metadata[b"tokenecon"])
    reread = default_report(out)
    assert reread["inputs"]["usage"][0]["format"] == "generic_parquet"
    # each report at the standard speed: 33,225 x 2 + 36,547.5 (us) = 102,997.5 per 1M, and
    # the generic row at its standard price: 25 x $5 + 150 x $25 per 1M = 3,875 per 1M
    assert Decimal(reread["totals"]["cost"]) == Decimal("0.106873")  # 0.1068725
