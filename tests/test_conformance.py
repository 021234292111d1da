"""Conformance: the five classic bugs of LLM cost tools, on fixtures written from each source's
documented schema (tests/fixtures/conformance). Prices per 1M tokens (fixtures/book.yaml):
claude-sonnet-4-5 3 in / 0.30 cache read / 3.75 cache write / 15 out, above 200,000 prompt
tokens 6 / 0.60 / 7.50 / 22.50; gpt-4.1 2 / 0.50 / 8; gpt-4.1-mini 0.40 / 0.10 / 1.60.
"""

from __future__ import annotations

import pytest
from conftest import FIXTURES, run_cli
from sources import model, report

C = FIXTURES / "conformance"
SONNET = "claude-sonnet-4-5"


# 1. Inclusive vs exclusive cache input ---------------------------------------------------
# One call: 41 uncached + 2048 cache read + 900 cache write (5m) + 220 output.
# 41*3 + 2048*0.3 + 900*3.75 + 220*15 = 123 + 614.4 + 3375 + 3300 = 7412.4 per 1M = $0.007412.
# Inclusive sources (LiteLLM, OTel, a generic input_tokens column) write input = 2989; exclusive
# ones (Claude Code, Bedrock, Langfuse, the Anthropic Console) write 41.
@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("same_call_litellm.csv", ()),
        ("same_call_otel.jsonl", ()),
        ("same_call_generic_inclusive.csv", ()),
        ("same_call_claude_code.jsonl", ()),
        ("same_call_bedrock.jsonl", ()),
        ("same_call_langfuse.jsonl", ()),
        ("same_call_anthropic_console.csv", ()),
        ("same_call_generic_exclusive.csv", ("--input-convention", "exclusive")),
    ],
)
def test_inclusive_and_exclusive_sources_give_the_same_buckets(name: str, extra: tuple) -> None:
    r = report(C / name, *extra)
    tokens = model(r, SONNET)["tokens"]
    assert (tokens["uncached_input"], tokens["cache_read"], tokens["cache_write"]) == (
        41, 2048, 900,
    )  # fmt: skip
    assert tokens["output"] == 220
    assert r["totals"]["cost"] == "0.007412"
    assert r["totals"]["rows_rejected"] == 0


def test_an_inclusive_source_with_exclusive_counts_is_rejected_not_double_counted() -> None:
    # OTel says input SHOULD include cached tokens; an instrumentation writing 41 here would
    # otherwise be priced as -2907 uncached tokens or, worse, as 2989 + 2948.
    # its only row rejected, the run is refused rather than reported as $0.00
    result = run_cli("analyze", str(C / "exclusive_input_in_otel.jsonl"), "--json")
    assert result.exit_code == 2
    assert "every row read was rejected (1 of 1)" in result.output
    assert (
        "exclusive_input_in_otel.jsonl:1: cache_read_tokens + cache_write_tokens 2948 > "
        "input_tokens 41 (the source counts cached tokens inside input)"
    ) in result.output


# 2. The long-context cliff --------------------------------------------------------------
# Request a: prompt 100000 + 99000 read + 1000 write = 200000, not above the threshold:
#   100000*3 + 99000*0.3 + 1000*3.75 + 1000*15 = 348450 -> $0.348450
# Request b: prompt 200001, above: every bucket, output included, at the `above` price:
#   100001*6 + 99000*0.6 + 1000*7.5 + 1000*22.5 = 689406 -> $0.689406
@pytest.mark.parametrize("name", ["cliff_claude_code.jsonl", "cliff_litellm.csv"])
def test_cliff_is_strictly_above_and_reprices_the_whole_request(name: str) -> None:
    r = report(C / name)
    sonnet = model(r, SONNET)
    assert sonnet["cost"] == "1.037856"  # 0.348450 + 0.689406
    assert sonnet["requests_above_cliff"] == 1


def test_bucket_rows_use_the_sources_context_window() -> None:
    # Console rows: '≤ 200k' (676560 per 1M at base prices) and '> 200k' (300000*6 +
    # 1000*22.5 = 1822500 at the above prices); a daily bucket is never tested against a
    # per-request threshold.
    r = report(FIXTURES / "sources" / "anthropic_console_usage.csv")
    assert r["totals"]["cost"] == "2.499060"
    assert model(r, SONNET)["cliff_unknown_tokens"] == 0
    # FOCUS rows have no window: priced at base, and their tokens counted as tier unknown
    focus = report(FIXTURES / "sources" / "focus.csv")
    assert model(focus, SONNET)["cliff_unknown_tokens"] == 575740


# 3. Reasoning is part of output -------------------------------------------------------
# One gpt-4.1 call: 2000 input, 1000 output of which 600 reasoning:
#   2000*2 + 1000*8 = 12000 -> $0.012000 (not 2000*2 + 1600*8 = 16800)
@pytest.mark.parametrize("name", ["reasoning_openrouter.csv", "reasoning_langfuse.jsonl"])
def test_reasoning_is_never_added_twice(name: str) -> None:
    r = report(C / name)
    gpt = model(r, "gpt-4.1")
    assert (gpt["tokens"]["output"], gpt["tokens"]["reasoning"]) == (1000, 600)
    assert gpt["cost"] == "0.012000"


def test_reasoning_above_output_is_rejected() -> None:
    r = report(C / "reasoning_openrouter.csv")
    assert r["rejected"]["rows"] == [
        {
            "source": str(C / "reasoning_openrouter.csv"),
            "line": 3,
            "reason": "reasoning_tokens 600 > output_tokens 100",
        }
    ]


# 4. Duplicate lines --------------------------------------------------------------------
def test_claude_code_content_block_lines_are_one_request() -> None:
    # three lines of msg_1/req_1 (output 1, 150, 312 as the response streamed): one request
    # with its final output: 6*3 + 48211*0.3 + 312*15 = 18 + 14463.3 + 4680 = 19161.3
    r = report(C / "duplicates_claude_code.jsonl")
    t = r["totals"]
    assert (t["rows_read"], t["rows_duplicate"], t["requests"]) == (3, 2, 1)
    assert t["tokens"]["output"] == 312
    assert t["cost"] == "0.019161"
    assert r["duplicates"]["conflicting_ids"] == 1


def test_repeated_export_lines_count_once() -> None:
    # d1 twice + d2: 2 x (4000*0.4 + 1000*0.1 + 500*1.6 = 2500) = 5000 -> $0.005000
    r = report(C / "duplicates_litellm.csv")
    assert (r["totals"]["rows_duplicate"], r["totals"]["cost"]) == (1, "0.005000")
    assert r["totals"]["reported_cost"] == "0.005000"  # the copy's spend not counted twice


# 5. Streamed rows recorded at $0 -------------------------------------------------------
def test_zero_cost_streamed_rows_are_priced_by_their_tokens() -> None:
    # three identical calls: 1000*0.4 + 200*1.6 = 720 per 1M each; the proxy logged $0 for
    # two of them (streaming): computed 0.00216, reported 0.00072
    r = report(C / "streamed_zero_litellm.csv")
    assert r["totals"]["cost"] == "0.002160"
    line = r["reconciliation"][0]
    assert (line["computed"], line["reported"], line["gap"]) == (
        "0.002160", "0.000720", "-0.001440",
    )  # fmt: skip
    assert line["causes"] == [{"cause": "reported at $0 with tokens", "amount": "-0.001440"}]
    assert line["zero_cost_rows"] == 2
    # only if the user asks for the sources' own figures does the report carry the $0
    reported = report(C / "streamed_zero_litellm.csv", "--cost-source", "reported")
    assert reported["totals"]["cost"] == "0.000720"
    assert reported["cost_source"]["option"] == "reported"


# 1b. The convention of a generic input_tokens column is decided, or said ----------------
def test_anthropic_named_cache_columns_make_input_exclusive(tmp_path) -> None:
    # The Anthropic API's usage names: input_tokens beside cache_read_input_tokens and
    # cache_creation_input_tokens counts them apart. Read inclusive, 41 - 2948 would be refused.
    usage = tmp_path / "anthropic-style.csv"
    usage.write_text(
        "timestamp,model,input_tokens,cache_read_input_tokens,cache_creation_input_tokens,"
        "output_tokens\n2026-01-05T14:03:11Z,claude-sonnet-4-5-20250929,41,2048,900,220\n"
    )
    r = report(usage)
    assert r["totals"]["cost"] == "0.007412"
    assert any("read as exclusive" in n for n in r["inputs"]["usage"][0]["notes"])


def test_an_assumed_convention_is_said_with_its_rows_and_flag(tmp_path) -> None:
    usage = tmp_path / "plain.csv"
    usage.write_text(
        "timestamp,model,input_tokens,cache_read_tokens,output_tokens\n"
        "2026-01-05T14:03:11Z,claude-sonnet-4-5,5000,2000,500\n"
        "2026-01-05T14:03:12Z,gpt-4.1,5000,2000,500\n"
        "2026-01-05T14:03:13Z,gpt-4.1,5000,0,500\n"
    )
    r = report(usage)
    assert r["totals"]["tokens"]["uncached_input"] == 3000 + 3000 + 5000
    notes = " ".join(r["inputs"]["usage"][0]["notes"])
    assert "assumed inclusive" in notes and "the 2 rows with cached tokens" in notes
    assert "1 of them Claude" in notes and "--input-convention exclusive" in notes
    told = report(usage, "--input-convention", "exclusive")
    assert told["totals"]["tokens"]["uncached_input"] == 15000
    assert not any("assumed" in n for n in told["inputs"]["usage"][0]["notes"])


def test_token_columns_under_other_names_are_read_or_named(tmp_path) -> None:
    usage = tmp_path / "aliases.csv"
    usage.write_text(
        "timestamp,model,prompt_tokens,response_tokens,audio_tokens\n"
        "2026-01-05T14:03:11Z,gpt-4.1,1000,50,7\n"
    )
    r = report(usage)
    assert r["totals"]["tokens"]["output"] == 50  # response_tokens: an output alias
    notes = r["inputs"]["usage"][0]["notes"]
    assert any("'audio_tokens' looks like token counts" in n for n in notes)
