"""Files written by others, read right (tests/fixtures/public/PROVENANCE.md names each source).
Prices per 1M tokens, from the default book: claude-sonnet-4 $3 input / $15 output; gpt-5.2
$1.75 input / $0.175 cache read / $14 output; claude-opus-4-6 $5 input / $6.25 5-minute cache
write / $10 1-hour cache write / $0.50 cache read / $25 output."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import FIXTURES
from sources import default_report as report

P = FIXTURES / "public"
MALFORMED = "line is not valid JSON (or a JSON value with none of the fields read)"


def test_the_openai_cookbooks_usage_list_is_kept_whole() -> None:
    r = report(P / "openai_cookbook_usage_list.json")
    source = r["inputs"]["usage"][0]
    assert source["format"] == "openai_usage_api"
    t = r["totals"]
    # nine results (the empty bucket is no row): input 15,521,337 of which 153,984 cached
    assert (t["rows_read"], t["requests"]) == (9, 12961)
    assert t["tokens"]["uncached_input"] == 15_521_337 - 153_984
    assert (t["tokens"]["cache_read"], t["tokens"]["output"]) == (153_984, 294_851)
    # no model named: one "(all models)" line, unpriced (never priced at $0 as if free)
    assert [m["model"] for m in r["models"]] == ["(all models)"]
    assert (t["rows_unpriced"], t["unpriced_tokens"]) == (9, 15_816_188)
    # 12,362 audio input and 5,812 audio output tokens are counted apart by OpenAI: said
    assert any("input_audio_tokens" in n and "not priced" in n for n in source["notes"])


def test_a_forked_codex_session_in_ccusages_own_fixture() -> None:
    r = report(P / "ccusage_codex_branch")
    t = r["totals"]
    # the branch's copy of its parent's first turn is one turn: 1,600 in (300 cached), 450 out
    assert (t["rows_read"], t["rows_duplicate"], t["requests"]) == (3, 1, 2)
    assert t["tokens"]["uncached_input"] == 1300 and t["tokens"]["cache_read"] == 300
    assert (t["tokens"]["output"], t["tokens"]["reasoning"]) == (450, 40)
    # 1300*1.75 + 300*0.175 + 450*14 = 2275 + 52.5 + 6300 = 8627.5 per 1M
    assert t["cost"] == "0.008628"


def test_an_invalid_line_in_a_claude_code_log_is_one_rejected_row() -> None:
    path = P / "claude_usage_tracker" / "invalid_lines.jsonl"
    r = report(path)
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (2, 1, 1)
    assert t["cost"] == "0.003450"  # 400*3 + 150*15 = 3450 per 1M
    assert r["rejected"]["rows"] == [{"source": str(path), "line": 2, "reason": MALFORMED}]


def test_streamed_copies_of_one_response_count_once_at_their_largest() -> None:
    r = report(P / "claude_usage_tracker" / "streaming_dedup.jsonl")
    t = r["totals"]
    assert (t["rows_read"], t["rows_duplicate"], t["requests"]) == (3, 2, 1)
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (100, 200)
    assert t["cost"] == "0.003300"  # 100*3 + 200*15 = 3300 per 1M
    assert r["duplicates"]["conflicting_ids"] == 1


def test_snapshot_lines_are_not_usage() -> None:
    r = report(P / "claude_usage_tracker" / "skippable.jsonl")
    t = r["totals"]
    assert (t["rows_read"], t["rows_rejected"], t["requests"]) == (1, 0, 1)
    assert t["cost"] == "0.006900"  # 800*3 + 300*15 = 6900 per 1M


def test_the_anthropic_usage_report_example_of_the_api_reference() -> None:
    r = report(P / "anthropic_usage_report_example.json")
    source = r["inputs"]["usage"][0]
    assert source["format"] == "anthropic_usage_api"
    t = r["totals"]
    assert t["tokens"] == {
        "uncached_input": 1500, "cache_read": 200, "cache_write": 500, "cache_write_1h": 1000,
        "output": 500, "reasoning": 0, "billable": 3700,
    }  # fmt: skip
    # The reference's example is dated 2025-08-01, before claude-opus-4-6 was released
    # (2026-02-05, its snapshot's date): the default book has no price then, and says so
    # (docs/price-book.md, "How the default book is built") instead of a 2023 placeholder.
    assert t["cost"] == "0.000000" and t["unpriced_tokens"] == 3700
    assert r["unpriced"][0]["reason"] == "no price for claude-opus-4-6 before 2026-02-05"
    # From its release the same buckets price apart, 1-hour writes at their own rate:
    # 1500*5 + 200*0.5 + 500*6.25 + 1000*10 + 500*25 = 7500 + 100 + 3125 + 10000 + 12500
    from tokenecon.price.book import load_price_book

    entry = load_price_book().models["claude-opus-4-6"].active(date(2026, 2, 5))
    assert entry is not None
    rates = entry.rates_for("standard", False)
    buckets = {"input": 1500, "cache_read": 200, "cache_write": 500, "cache_write_1h": 1000,
               "output": 500}  # fmt: skip
    assert sum(n * rates.of(b) for b, n in buckets.items()) / 1_000_000 == Decimal("0.033225")
    assert any("web_search_requests" in n and "not priced" in n for n in source["notes"])
