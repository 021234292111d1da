"""Langfuse, Claude Code, Codex, OpenRouter, OpenTelemetry, FOCUS and Bedrock: buckets and costs.

Prices per 1M tokens (fixtures/book.yaml): gpt-4.1-mini 0.40 in / 0.10 cache read / 1.60 out;
gpt-4.1 2.00 / 0.50 / 8.00; claude-sonnet-4-5 3 / 0.30 / 3.75 write / 15 out;
claude-opus-4-1 15 / 1.50 / 18.75 write 5m / 30 write 1h / 75; claude-haiku-4-5 1 / - / 5.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sources import SOURCES, fmt, model, report


@pytest.mark.parametrize(
    "name",
    ["langfuse_observations.jsonl", "langfuse_observations.csv", "langfuse_observations.json"],
)
def test_langfuse_additive_usage_keys(name: str) -> None:
    r = report(SOURCES / name)
    assert fmt(r) == "langfuse_observations"
    # obs_81c mini: input 852 (uncached) + input_cached_tokens 2048 + output 190:
    # 852*0.4 + 2048*0.1 + 190*1.6 = 849.6; obs_82 gpt-4.1: output 400 + reasoning 600 apart
    # (additive keys) = 1000 output: 1000*2 + 1000*8 = 10000. The SPAN is not a call.
    assert model(r, "gpt-4.1-mini")["cost"] == "0.000850"
    assert model(r, "gpt-4.1")["tokens"]["output"] == 1000
    assert model(r, "gpt-4.1")["tokens"]["reasoning"] == 600
    assert r["totals"]["cost"] == "0.010850"
    assert r["totals"]["reported_cost"] == "0.010850"  # 0.00085 + 0.01
    assert r["totals"]["rows_read"] == 2


def test_claude_code_folder_with_subagents(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  coding: {match: {project: '*'}, task_key: session_id}\n")
    r = report(SOURCES / "claude_code", "--outcomes", mapping)
    assert fmt(r) == "claude_code_jsonl"
    # msg_01 (two content-block lines, output 1 then 312: one request, the final count):
    # 6*3 + 1520*3.75 + 48211*0.3 + 312*15 = 24861.3
    assert model(r, "claude-sonnet-4-5")["cost"] == "0.024861"
    assert model(r, "claude-sonnet-4-5")["tokens"]["output"] == 312
    # msg_02 opus, 1h cache write: 10*15 + 50000*1.5 + 2000*30 + 100*75 = 142650
    assert model(r, "claude-opus-4-1")["cost"] == "0.142650"
    # subagent msg_03 haiku: 100*1 + 50*5 = 350
    assert model(r, "claude-haiku-4-5")["cost"] == "0.000350"
    assert r["totals"]["cost"] == "0.167861"
    t = r["totals"]
    # 4 assistant lines with usage (summary, user and <synthetic> lines are not usage)
    assert (t["rows_read"], t["rows_duplicate"], t["requests"]) == (4, 1, 3)
    assert r["use_cases"][0]["tasks"] == 1  # one session, subagent included


def test_codex_per_turn_deltas() -> None:
    r = report(SOURCES / "codex")
    assert fmt(r) == "codex_jsonl"
    # turn 1 gpt-4.1: input 18234 incl. 16000 cached, output 640 incl. 384 reasoning:
    # 2234*2 + 16000*0.5 + 640*8 = 17588 (the repeated event is the same turn)
    assert model(r, "gpt-4.1")["cost"] == "0.017588"
    assert model(r, "gpt-4.1")["tokens"]["reasoning"] == 384
    # turn 2 (the latest turn_context says gpt-4.1-mini): 2000*0.4 + 18000*0.1 + 500*1.6
    assert model(r, "gpt-4.1-mini")["cost"] == "0.003400"
    assert r["totals"]["cost"] == "0.020988"
    assert (r["totals"]["requests"], r["totals"]["rows_duplicate"]) == (2, 1)


def test_openrouter_activity_and_daily() -> None:
    r = report(SOURCES / "openrouter_activity.csv")
    assert fmt(r) == "openrouter_activity_csv"
    # tokens_prompt 2900 incl. 2048 cached: 852*0.4 + 2048*0.1 + 220*1.6 = 897.6
    assert model(r, "gpt-4.1-mini")["cost"] == "0.000898"
    assert model(r, "gpt-4.1-mini")["tokens"]["reasoning"] == 64  # inside the 220
    assert r["totals"]["reported_cost"] == "0.010898"  # 0.0008976 + 0.01
    # the slug no book knows is priced at its reported cost (auto), or listed as unpriced
    computed = report(SOURCES / "openrouter_activity.csv", "--cost-source", "computed")
    assert [u["model"] for u in computed["unpriced"]] == ["anthropic/claude-4.5-sonnet-20250929"]
    daily = report(SOURCES / "openrouter_daily.csv")
    assert fmt(daily) == "openrouter_daily_csv"
    # 5000*0.4 + 500*1.6 = 2800; 3 requests
    assert (daily["totals"]["cost"], daily["totals"]["requests"]) == ("0.002800", 3)


def test_otel_genai_spans_current_and_deprecated_names() -> None:
    r = report(SOURCES / "otel_traces.jsonl")
    assert fmt(r) == "otel_genai"
    # input 2989 includes 2048 read + 900 creation: 41*3 + 2048*0.3 + 900*3.75 + 220*15
    assert model(r, "claude-sonnet-4-5")["cost"] == "0.007412"
    # gen_ai.system / prompt_tokens / completion_tokens: 1000*0.4 + 100*1.6 = 560
    assert model(r, "gpt-4.1-mini")["cost"] == "0.000560"
    assert r["totals"]["rows_read"] == 2  # the tool span is no model call


def test_focus_token_rows() -> None:
    r = report(SOURCES / "focus.csv")
    assert fmt(r) == "focus_csv"
    # input 41230*3 + cache_read 512400*0.3 + output 22.11 x 1K tokens = 22110*15
    assert r["totals"]["cost"] == "0.609060"
    assert r["totals"]["reported_cost"] == "0.609060"
    assert r["totals"]["rows_read"] == 3  # the support-plan hours are not token usage
    # no context window and no request count: the cliff tier of these rows is unknown
    assert model(r, "claude-sonnet-4-5")["cliff_unknown_tokens"] == 575740


def test_bedrock_invocation_logs() -> None:
    r = report(SOURCES / "bedrock_invocations.jsonl")
    assert fmt(r) == "bedrock_invocation_log"
    # us.anthropic.claude-sonnet-4-5-20250929-v1:0: 41*3 + 2048*0.3 + 220*15 = 4037.4
    assert model(r, "claude-sonnet-4-5")["cost"] == "0.004037"
    assert r["unpriced"][0]["model"].startswith("arn:aws:bedrock:")


def test_codex_cumulative_totals_only() -> None:
    # older events carry only cumulative totals: turn 1 = (10000 in, 8000 cached, 300 out),
    # turn 2 = the difference (15000, 12000, 500). gpt-4.1:
    # (2000*2 + 8000*0.5 + 300*8) + (3000*2 + 12000*0.5 + 500*8) = 10400 + 16000 = 26400
    r = report(SOURCES / "codex_cumulative")
    assert r["totals"]["cost"] == "0.026400"
    assert r["totals"]["requests"] == 2
    assert r["totals"]["tokens"]["reasoning"] == 100  # the second turn reasoned 0 more
