"""`convert --focus` prices a row whose source states the geo it was billed at (Anthropic's
``inference_geo: "us"``) at the book's rate for exactly that geo, as `analyze` does, so that the
FOCUS costs add up to analyze's (docs/convert.md). claude-opus-4-6 in the default book:
$5 input, $0.50 cache read, $6.25 cache write, $10 1h cache write, $25 output per 1M, from
2026-02-05, ``regions: {us: 1.1}`` (tests/test_inference_geo.py checks the book). By hand:

- Claude Code, 25 input + 150 output tokens per line: ``us`` 25 x 5.5 = 137.5 and 150 x 27.5 =
  4125 per 1M ($0.0001375, $0.004125), ``global`` 125 + 3750 per 1M; together $0.0081375;
- the usage report example with ``us``: 1500 x 5.5 + 200 x 0.55 + 500 x 6.875 + 1000 x 11 +
  500 x 27.5 = 36,547.5 per 1M, $0.0365475 (33,225 per 1M at ``global``);
- Bedrock in ``us-east-1`` (served in ``inferenceRegion`` ``us-west-2``: cloud regions, not a
  billing geo): 25 x 5 + 150 x 25 per 1M, $0.003875.
"""

from __future__ import annotations

import csv
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from conftest import run_cli
from sources import default_report
from test_inference_geo import BEDROCK, _claude_code, _report_at

COSTS = ("ListCost", "ContractedCost", "EffectiveCost", "BilledCost")


def _focus(tmp_path: Path, *args: str | Path) -> list[dict[str, str]]:
    out = tmp_path / "focus.csv"
    result = run_cli("convert", *map(str, args), "--focus", "-o", str(out))
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _sums(rows: list[dict[str, str]]) -> dict[str, Decimal]:
    return {c: sum((Decimal(r[c]) for r in rows), Decimal(0)) for c in COSTS}


def _matches_analyze(rows: list[dict[str, str]], report: dict[str, Any], exact: str) -> None:
    """Every FOCUS cost column adds up to ``exact``, which is analyze's cost to the
    micro-dollar (as it shows it) and to the cent."""
    assert _sums(rows) == dict.fromkeys(COSTS, Decimal(exact))
    shown = Decimal(report["totals"]["cost"])
    micro = Decimal(exact).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    assert micro == shown
    cent = Decimal("0.01")
    assert Decimal(exact).quantize(cent, ROUND_HALF_UP) == shown.quantize(cent, ROUND_HALF_UP)


def test_claude_code_us_lines_are_priced_at_1_1x_row_by_row(tmp_path: Path) -> None:
    path = _claude_code(tmp_path)
    rows = _focus(tmp_path, path)
    got = [
        (r["RegionId"], r["x_TokenType"], r["ListUnitPrice"], r["ContractedUnitPrice"],
         r["ListCost"], r["BilledCost"], r["SkuPriceId"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        ("us", "input", "5.5", "5.5", "0.0001375", "0.0001375",
         "claude-opus-4-6:input:2026-02-05:region-us"),
        ("us", "output", "27.5", "27.5", "0.004125", "0.004125",
         "claude-opus-4-6:output:2026-02-05:region-us"),
        ("global", "input", "5", "5", "0.000125", "0.000125", "claude-opus-4-6:input:2026-02-05"),
        ("global", "output", "25", "25", "0.00375", "0.00375", "claude-opus-4-6:output:2026-02-05"),
    ]  # fmt: skip
    _matches_analyze(rows, default_report(path), "0.0081375")


def test_the_usage_report_with_us_adds_up_to_analyze(tmp_path: Path) -> None:
    us = _report_at(tmp_path, "us")
    rows = _focus(tmp_path, us)
    assert {r["RegionId"] for r in rows if r["x_TokenType"]} == {"us"}
    assert all(r["SkuPriceId"].endswith(":region-us") for r in rows if r["x_TokenType"])
    _matches_analyze(rows, default_report(us), "0.0365475")
    world = _report_at(tmp_path, "global")
    _matches_analyze(_focus(tmp_path, world), default_report(world), "0.033225")


def _bedrock(tmp_path: Path) -> Path:
    record = json.loads(BEDROCK.read_text().splitlines()[0])
    assert record["region"] == "us-east-1"
    record["modelId"] = "claude-opus-4-6"
    record["timestamp"] = "2026-03-02T12:00:00Z"
    record["input"] = {"inputTokenCount": 25}
    record["output"] = {"outputTokenCount": 150}
    path = tmp_path / "bedrock.jsonl"
    path.write_text(json.dumps(record) + "\n")
    return path


def test_a_bedrock_row_in_us_east_1_keeps_the_global_price(tmp_path: Path) -> None:
    path = _bedrock(tmp_path)
    rows = _focus(tmp_path, path)
    assert {r["RegionId"] for r in rows} == {"us-west-2"}  # the record's inferenceRegion
    assert not any("region-" in r["SkuPriceId"] for r in rows)
    _matches_analyze(rows, default_report(path), "0.003875")


def test_a_source_that_states_a_geo_beside_one_that_does_not(tmp_path: Path) -> None:
    # one conversion, two sources: only the Claude Code lines' region is a billed geo
    session, bedrock = _claude_code(tmp_path), _bedrock(tmp_path)
    rows = _focus(tmp_path, session, bedrock)
    by_region = {
        region: sum(Decimal(r["BilledCost"]) for r in rows if r["RegionId"] == region)
        for region in ("us", "global", "us-west-2")
    }
    assert by_region == {
        "us": Decimal("0.0042625"), "global": Decimal("0.003875"), "us-west-2": Decimal("0.003875")
    }  # fmt: skip
    _matches_analyze(rows, default_report(session, bedrock), "0.0120125")


def test_a_region_column_that_is_not_inference_geo_sets_no_price(tmp_path: Path) -> None:
    plain = tmp_path / "usage.csv"
    plain.write_text(
        "timestamp,model,input_tokens,output_tokens,region\n"
        "2026-03-02T12:00:00Z,claude-opus-4-6,25,150,us\n"
    )
    _matches_analyze(_focus(tmp_path, plain), default_report(plain), "0.003875")
    geo = tmp_path / "geo.csv"
    geo.write_text(plain.read_text().replace(",region\n", ",inference_geo\n"))
    _matches_analyze(_focus(tmp_path, geo), default_report(geo), "0.0042625")


def test_a_stated_geo_decides_over_a_residency_policy(tmp_path: Path) -> None:
    # `us` rows of use cases whose policy asks for the us (no second uplift) or for the eu (the
    # geo billed decides); a `global` row of a us policy: global, as analyze prices them
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,input_tokens,output_tokens,inference_geo,use_case\n"
        "2026-03-02T12:00:00Z,claude-opus-4-6,25,150,us,pinned\n"
        "2026-03-02T12:00:01Z,claude-opus-4-6,25,150,us,elsewhere\n"
        "2026-03-02T12:00:02Z,claude-opus-4-6,25,150,global,pinned\n"
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "use_cases:\n"
        "  pinned:\n    match: {use_case: pinned}\n    outcome: answer sent\n"
        "    outcomes: {count: 1}\n    residency: [us]\n"
        "  elsewhere:\n    match: {use_case: elsewhere}\n    outcome: answer sent\n"
        "    outcomes: {count: 1}\n    residency: [eu]\n"
    )
    rows = _focus(tmp_path, usage, "--outcomes", mapping)
    per_row = [
        (r["x_Feature"], r["RegionId"], r["x_TokenType"], r["BilledCost"]) for r in rows
    ]  # fmt: skip
    assert per_row == [
        ("pinned", "us", "input", "0.0001375"),
        ("pinned", "us", "output", "0.004125"),
        ("elsewhere", "us", "input", "0.0001375"),
        ("elsewhere", "us", "output", "0.004125"),
        ("pinned", "global", "input", "0.000125"),
        ("pinned", "global", "output", "0.00375"),
    ]
    result = run_cli("analyze", str(usage), "--outcomes", str(mapping), "--json")
    assert result.exit_code == 0, result.output
    # 4262.5 x 2 + 3875 per 1M
    _matches_analyze(rows, json.loads(result.stdout), "0.0124")


def _parquet(tmp_path: Path, *paths: Path) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / "usage.parquet"
    result = run_cli("convert", *map(str, paths), "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_the_parquet_file_keeps_the_billed_geo_for_analyze(tmp_path: Path) -> None:
    # no cost column: the geo is what prices the rows again, under the name that says so
    import pyarrow.parquet as pq

    session = _claude_code(tmp_path)
    out, _ = _parquet(tmp_path, session)
    table = pq.read_table(out)
    assert "region" not in table.column_names
    assert table.column("inference_geo").to_pylist() == ["us", "global"]
    again = default_report(out)
    assert again["inputs"]["usage"][0]["columns"]["region"] == "inference_geo"
    assert again["totals"]["cost"] == default_report(session)["totals"]["cost"] == "0.008138"
    us = _report_at(tmp_path, "us")
    out, _ = _parquet(tmp_path, us)
    assert default_report(out)["totals"]["cost"] == "0.036548"  # 36,547.5 per 1M, half-up


def test_a_parquet_file_with_cloud_regions_too_says_the_geo_is_lost(tmp_path: Path) -> None:
    # one column cannot say which rows' region is a billed geo: the file keeps `region`, and
    # the Claude Code source's notes say that analyze of it prices `us` at the global price
    import pyarrow.parquet as pq

    out, done = _parquet(tmp_path, _claude_code(tmp_path), _bedrock(tmp_path))
    assert "region" in pq.read_table(out).column_names
    notes = [" ".join(s["notes"]) for s in done["sources"]]
    assert "convert it alone to keep the geo" in notes[0]
    assert "inference_geo" not in notes[1]
    # 3875 x 2 + 3875 per 1M: the us line at the global price, as the note says
    assert default_report(out)["totals"]["cost"] == "0.011625"


def test_a_parquet_file_of_cloud_regions_keeps_region(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    out, _ = _parquet(tmp_path, _bedrock(tmp_path))
    assert pq.read_table(out).column("region").to_pylist() == ["us-west-2"]
    assert default_report(out)["totals"]["cost"] == "0.003875"
