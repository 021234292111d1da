"""Coding agents' OpenTelemetry log events (otel_agent_logs), read from exports written by
others (tests/fixtures/public/PROVENANCE.md names each source).

Prices per 1M tokens, from the default book: claude-haiku-5-5 $0.10 input / $0.01 cache read /
$0.125 5-minute cache write / $0.20 1-hour cache write / $0.50 output; gpt-5.2 $1.75 input /
$0.175 cache read / $14 output; gemini-2.5-pro $1.25 input / $0.125 cache read / $10 output.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli
from sources import SOURCES, accounted, fmt, model
from sources import default_report as report

P = FIXTURES / "public" / "otel_logs"
CLAUDE = P / "claude_code_real_run.jsonl"
CODEX = P / "codex_sse_completed.jsonl"
GEMINI = P / "gemini_cli_debug_transcribed.jsonl"
MALFORMED = "line is not valid JSON (or a JSON value with none of the fields read)"


def tokens(r: dict[str, Any]) -> tuple[int, ...]:
    t = r["totals"]["tokens"]
    keys = ("uncached_input", "cache_read", "cache_write", "output", "reasoning", "billable")
    return tuple(t[k] for k in keys)


def test_claude_codes_own_export_of_one_real_call() -> None:
    r = report(CLAUDE)
    assert fmt(r) == "otel_agent_logs"  # detected, no --format
    t = r["totals"]
    # seven log records on two lines: one api_request; hook_registered, user_prompt,
    # assistant_response and two mcp_server_connection records are not calls
    assert (t["rows_read"], t["rows_priced"], t["requests"]) == (1, 1, 1)
    # Anthropic's counts are apart: input 2, cache read 9,179, cache write 13,356, output 4
    assert tokens(r) == (2, 9179, 13356, 4, 0, 22541)
    # 2 x 0.10 + 9,179 x 0.01 + 13,356 x 0.125 + 4 x 0.50 per 1M = $0.00176349
    assert model(r, "claude-haiku-5-5")["cost"] == "0.001763"
    # Claude Code's own cost_usd (0.00276519) is kept as reported: it is the same call with
    # the writes at the 1-hour rate (13,356 x 0.20), which the event does not say
    assert t["reported_cost"] == "0.002765"
    assert r["period"] == {"start": "2026-10-08", "end": "2026-10-08"}


def test_codex_response_completed_events() -> None:
    r = report(CODEX)
    assert fmt(r) == "otel_agent_logs"
    t = r["totals"]
    # the output_text.delta record is no call
    assert (t["rows_read"], t["rows_priced"]) == (1, 1)
    # input 1,000 includes the 100 cached; output 200 includes the 20 reasoning;
    # tool_token_count (1,200) is Codex's total, never added: billable stays 1,200
    assert tokens(r) == (900, 100, 0, 200, 20, 1200)
    # 900 x 1.75 + 100 x 0.175 + 200 x 14 per 1M = $0.0043925
    assert model(r, "gpt-5.2")["cost"] == "0.004393"
    assert model(r, "gpt-5.2")["provider"] == "openai"


def test_gemini_cli_api_response_counts_thoughts_as_output() -> None:
    r = report(GEMINI)
    assert fmt(r) == "otel_agent_logs"
    t = r["totals"]
    # user_prompt, api_request, tool_call and api_error records are not read as calls
    assert (t["rows_read"], t["rows_priced"]) == (1, 1)
    # prompt 12,004 (3,482 cached inside) + tool 0; output 18 + thoughts 93 = 111:
    # 12,004 + 111 = 12,115, Gemini CLI's own total_token_count
    assert tokens(r) == (12004 - 3482, 3482, 0, 111, 93, 12115)
    # 8,522 x 1.25 + 3,482 x 0.125 + 111 x 10 per 1M = $0.01219775
    assert model(r, "gemini-2.5-pro")["cost"] == "0.012198"
    assert r["period"] == {"start": "2025-07-27", "end": "2025-07-27"}


def test_three_agents_in_one_file_add_up(tmp_path: Path) -> None:
    path = tmp_path / "collector.jsonl"
    path.write_text(CLAUDE.read_text() + CODEX.read_text() + GEMINI.read_text())
    r = report(path)
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["requests"]) == (3, 3, 3)
    assert {m["model"]: m["provider"] for m in r["models"]} == {
        "claude-haiku-5-5": "anthropic",
        "gpt-5.2": "openai",
        "gemini-2.5-pro": "google",
    }
    # 0.00176349 + 0.0043925 + 0.01219775 = $0.01835374
    assert t["cost"] == "0.018354"


def test_a_broken_line_is_one_rejected_row_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "collector.jsonl"
    # a line cut short by a crash (an object left open) stands last here: DuckDB's reader
    # would take the next line into it, and that line would be rejected too (said, not lost)
    broken = '{"resourceLogs":[{"scopeLogs":[nul]}]}\n'
    path.write_text(CODEX.read_text() + broken + GEMINI.read_text() + '{"resourceLogs":[{\n')
    result = run_cli("analyze", str(path), "--json")
    assert result.exit_code == 0, result.output
    r = accounted(json.loads(result.stdout))
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (4, 2, 2)
    found = [(Path(x["source"]).name, x["line"], x["reason"]) for x in r["rejected"]["rows"]]
    assert found == [("collector.jsonl", 2, MALFORMED), ("collector.jsonl", 6, MALFORMED)]
    # the good lines read as without the broken one
    assert tokens(r) == (900 + 8522, 100 + 3482, 0, 200 + 111, 20 + 93, 1200 + 12115)


def _without(record_attribute: str, text: str) -> str:
    """``text`` (OTLP/JSON lines) with every attribute named ``record_attribute`` dropped."""
    out = []
    for line in text.splitlines():
        doc = json.loads(line)
        for resource in doc["resourceLogs"]:
            for scope in resource["scopeLogs"]:
                for record in scope["logRecords"]:
                    record["attributes"] = [
                        a for a in record["attributes"] if a["key"] != record_attribute
                    ]
        out.append(json.dumps(doc))
    return "\n".join(out) + "\n"


def test_a_call_without_its_model_is_unpriced_never_free(tmp_path: Path) -> None:
    path = tmp_path / "codex.jsonl"
    path.write_text(_without("model", CODEX.read_text()))
    r = report(path)
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_unpriced"]) == (1, 0, 1)
    assert t["unpriced_tokens"] == 1200
    unnamed = model(r, "(model not named)")
    # its cost is "0.000000" only because no price applies: counted unpriced, not free
    assert (unnamed["tokens"]["billable"], unnamed["unpriced_tokens"]) == (1200, 1200)
    assert (r["unpriced"][0]["model"], r["unpriced"][0]["reason"]) == (
        "(model not named)",
        "unknown model",
    )


def test_claude_codes_own_cost_stands_in_for_a_call_without_its_model(tmp_path: Path) -> None:
    path = tmp_path / "claude.jsonl"
    path.write_text(_without("model", CLAUDE.read_text()))
    r = report(path)
    # --cost-source auto: no price for the call, so cost_usd is its cost, said as such
    unnamed = model(r, "(model not named)")
    assert (unnamed["cost"], unnamed["cost_source"]) == ("0.002765", "reported")
    assert r["cost_source"]["computed"] == "0.000000"


def test_without_event_timestamp_the_records_time_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gemini.jsonl"
    # timeUnixNano 1753606372013000000 is 2025-07-27T08:52:52.013Z
    path.write_text(_without("event.timestamp", GEMINI.read_text()))
    r = report(path)
    assert r["period"] == {"start": "2025-07-27", "end": "2025-07-27"}
    assert r["totals"]["rows_priced"] == 1


def test_a_file_of_spans_and_agent_logs_is_read_for_the_logs(tmp_path: Path) -> None:
    # Agents restate a call in spans and logs (Codex's gen_ai.usage spans beside its
    # sse_event): one of the two is read, never both.
    spans = (SOURCES / "otel_traces.jsonl").read_text().strip()
    path = tmp_path / "mixed.jsonl"
    path.write_text(spans + "\n" + CLAUDE.read_text())
    r = report(path)
    assert fmt(r) == "otel_agent_logs"
    assert r["totals"]["rows_read"] == 1  # the api_request only
    notes = r["inputs"]["usage"][0]["notes"]
    assert any("--format otel_genai reads spans" in n for n in notes)
    # the spans, when asked for, are read instead (and the logs line is no broken line)
    result = run_cli("analyze", str(path), "--format", "otel_genai", "--json")
    assert result.exit_code == 0, result.output
    spans_only = accounted(json.loads(result.stdout))
    assert spans_only["totals"]["rows_rejected"] == 0
    assert "claude-haiku-5-5" not in [m["model"] for m in spans_only["models"]]


def test_sources_names_the_format() -> None:
    result = run_cli("sources", str(CODEX), "--json")
    assert result.exit_code == 0, result.output
    assert '"otel_agent_logs"' in result.stdout
    listing = run_cli("sources", "--json")
    assert "otel_agent_logs" in listing.stdout


@pytest.mark.slow
def test_on_spark_a_broken_line_is_rejected_not_dropped(tmp_path: Path) -> None:
    # Spark's PERMISSIVE reader nulls a malformed line; it was unnested away unseen (two good
    # lines read, nothing rejected, exit 0) before it was named as DuckDB's reader names it.
    if not (importlib.util.find_spec("pyspark") and shutil.which("java")):
        pytest.skip("PySpark or Java is not installed")
    path = tmp_path / "collector.jsonl"
    broken = '{"resourceLogs":[{"scopeLogs":[nul]}]}\n'
    path.write_text(CODEX.read_text() + broken + GEMINI.read_text())
    spark = ("--engine", "spark", "--spark-master", "local[1]")
    reports = []
    for engine in ((), spark):
        result = run_cli("analyze", str(path), "--json", *engine)
        assert result.exit_code == 0, result.output
        reports.append(accounted(json.loads(result.stdout)))
    duckdb, on_spark = reports
    assert on_spark["totals"] == duckdb["totals"]
    assert (on_spark["totals"]["rows_read"], on_spark["totals"]["rows_rejected"]) == (3, 1)
    assert on_spark["rejected"]["rows"] == duckdb["rejected"]["rows"]
    assert [r["line"] for r in on_spark["rejected"]["rows"]] == [2]
    # 0.0043925 + 0.01219775
    assert on_spark["totals"]["cost"] == "0.016590"
