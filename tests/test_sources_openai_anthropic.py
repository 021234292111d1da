"""OpenAI and Anthropic exports: detection, disjoint buckets, costs to the cent by hand.

Prices per 1M tokens from fixtures/book.yaml: gpt-4.1-mini 0.40 in / 0.10 cache read / 1.60
out; gpt-4.1 2.00 / 0.50 / 8.00, batch x0.5; claude-sonnet-4-5 3 / 0.30 read / 3.75 write 5m /
6 write 1h / 15 out, above 200k: 6 / 0.60 / 7.50 / 12 / 22.50; claude-haiku-4-5 1 / 0.10 /
1.25 / 2 / 5, batch x0.5.
"""

from __future__ import annotations

import pytest
from sources import SOURCES, fmt, model, report


@pytest.mark.parametrize(
    ("name", "format_name"),
    [("openai_usage.csv", "openai_usage_csv"), ("openai_usage_api.json", "openai_usage_api")],
)
def test_openai_usage_inclusive_input_and_batch(name: str, format_name: str) -> None:
    r = report(SOURCES / name)
    assert fmt(r) == format_name
    mini = model(r, "gpt-4.1-mini")
    # input 120500 includes 64000 cached: uncached 56500.
    assert mini["tokens"]["uncached_input"] == 56500
    assert mini["tokens"]["cache_read"] == 64000
    # 56500*0.40 + 64000*0.10 + 9800*1.60 = 22600 + 6400 + 15680 = 44680 per 1M
    assert mini["cost"] == "0.044680"
    assert mini["requests"] == 42  # num_model_requests "42.0"
    # gpt-4.1 batch=TRUE: (20000*2 + 5000*8) * 0.5 = 40000 per 1M
    assert model(r, "gpt-4.1")["cost"] == "0.040000"
    assert r["totals"]["cost"] == "0.084680"
    # the blank bucket row (CSV) and the empty bucket (API) are not usage rows
    assert r["totals"]["rows_read"] == 2
    assert r["totals"]["rows_rejected"] == 0


def test_anthropic_usage_api_context_window_and_null_requests() -> None:
    r = report(SOURCES / "anthropic_usage_api.json")
    assert fmt(r) == "anthropic_usage_api"
    sonnet = model(r, "claude-sonnet-4-5")
    # 0-200k: 41230*3 + 18000*3.75 + 512400*0.30 + 22110*15 = 123690 + 67500 + 153720 + 331650
    # = 676560; 200k-1M (the source says above the cliff): 300000*6 + 1000*22.5 = 1822500.
    assert sonnet["cost"] == "2.499060"
    assert sonnet["requests_above_cliff"] == 0  # requests are unknown (null), not 1
    assert sonnet["cliff_unknown_tokens"] == 0  # the source said which side each bucket is
    # haiku 1h cache write: 1000*1 + 2000*2 + 500*5 = 7500
    assert model(r, "claude-haiku-4-5")["cost"] == "0.007500"
    assert model(r, "claude-haiku-4-5")["tokens"]["cache_write_1h"] == 2000
    assert r["totals"]["cost"] == "2.506560"
    assert r["totals"]["requests"] == 0  # Anthropic reports no request count
    assert r["totals"]["rows_read"] == 3


def test_anthropic_console_usage_csv_bom_le_200k_and_old_header() -> None:
    r = report(SOURCES / "anthropic_console_usage.csv")
    assert fmt(r) == "anthropic_console_usage_csv"
    # '≤ 200k' row 676560 (as the API) + '> 200k' row 1822500, per 1M
    assert r["totals"]["cost"] == "2.499060"
    assert r["inputs"]["usage"][0]["columns"]["model"] == "model_version"
    old = report(SOURCES / "anthropic_console_usage_old.csv")
    # one cache-write column (5m), batch: (1000*1 + 2000*1.25 + 500*5) * 0.5 = 3000
    assert old["totals"]["cost"] == "0.003000"
    assert old["totals"]["tokens"]["cache_write"] == 2000


@pytest.mark.parametrize(
    ("name", "format_name", "reported"),
    [
        # 0.0290 + 0.01568 + 0.034 dollars
        ("openai_cost.csv", "openai_cost_csv", "0.078680"),
        ("openai_costs_api.json", "openai_costs_api", "0.078680"),
        # cents: 12.3690 + 6.7500 + 15.3720 + 33.1650 = 67.656 -> $0.676560
        ("anthropic_cost_api.json", "anthropic_cost_api", "0.676560"),
        # dollars: 0.12369 + 0.0675 + 0.15372 + 0.33165
        ("anthropic_console_cost.csv", "anthropic_console_cost_csv", "0.676560"),
    ],
)
def test_cost_reports_are_cost_only(name: str, format_name: str, reported: str) -> None:
    r = report(SOURCES / name)
    assert fmt(r) == format_name
    assert r["totals"]["reported_cost"] == reported
    assert r["totals"]["tokens"]["billable"] == 0
    assert r["totals"]["requests"] == 0
    assert r["totals"]["tasks"] == 0  # a cost line is not a task


def test_openai_cache_writes_are_inside_input() -> None:
    # input 10000 includes 4000 cached, 2000 written (30 min) and 1000 written (12 h):
    # uncached 3000. The test book prices cache writes at input (0.40, the default):
    # 3000*0.40 + 4000*0.10 + 2000*0.40 + 1000*0.40 + 100*1.60 = 2960 per 1M
    r = report(SOURCES / "openai_usage_api_cache_write.json")
    tokens = r["totals"]["tokens"]
    assert (tokens["uncached_input"], tokens["cache_write"], tokens["cache_write_1h"]) == (
        3000, 2000, 1000,
    )  # fmt: skip
    assert r["totals"]["cost"] == "0.002960"
