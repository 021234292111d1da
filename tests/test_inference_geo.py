"""Anthropic's US-only inference: a request the source says was billed with
``inference_geo: "us"`` costs 1.1x on every token bucket for Claude Opus 4.6, Sonnet 4.6 and
later (platform.claude.com/docs/en/about-claude/pricing, "Data residency pricing"; the book's
``regions: {us: 1.1}`` from litellm's ``provider_specific_entry``); ``global`` is the standard
price, and a cloud region (Bedrock's ``us-east-1``) never triggers it
(docs/price-book-fields.md#regional-prices)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES
from sources import default_report, model

from tokenecon.aggregate.types import UsageGroup
from tokenecon.price.apply import price_groups
from tokenecon.price.book import load_price_book

REPORT = FIXTURES / "public" / "anthropic_usage_report_example.json"
BEDROCK = FIXTURES / "sources" / "bedrock_invocations.jsonl"


def _report_at(tmp_path: Path, geo: str) -> Path:
    """The API reference's usage-report example (its result says ``"global"``), moved to the
    day claude-opus-4-6 has a price (2026-02-05) and, for ``us``, with that geo."""
    raw = REPORT.read_text()
    assert '"inference_geo": "global"' in raw
    raw = raw.replace('"inference_geo": "global"', f'"inference_geo": "{geo}"')
    raw = raw.replace("2025-08-01T00:00:00Z", "2026-02-05T00:00:00Z")
    raw = raw.replace("2025-08-02T00:00:00Z", "2026-02-06T00:00:00Z")
    path = tmp_path / f"usage_{geo}.json"
    path.write_text(raw)
    return path


def test_the_book_prices_us_inference_of_the_models_anthropic_bills_so() -> None:
    book = load_price_book()
    for key in ("claude-opus-4-6", "claude-sonnet-4-6", "claude-opus-4-7"):
        assert book.models[key].regions == {"us": Decimal("1.1")}, key
    for key in ("claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5"):
        assert "us" not in book.models[key].regions, key  # billed at standard everywhere


def test_the_usage_report_example_is_global_and_stays_at_the_standard_price(
    tmp_path: Path,
) -> None:
    r = default_report(_report_at(tmp_path, "global"))
    # 1500*5 + 200*0.5 + 500*6.25 + 1000*10 + 500*25 = 33,225 per 1M
    assert r["totals"]["cost"] == "0.033225"


def test_the_usage_report_with_us_inference_is_priced_at_1_1x_on_every_bucket(
    tmp_path: Path,
) -> None:
    r = default_report(_report_at(tmp_path, "us"))
    # 1500*5.5 + 200*0.55 + 500*6.875 + 1000*11 + 500*27.5
    # = 8250 + 110 + 3437.5 + 11000 + 13750 = 36,547.5 per 1M: $0.0365475, shown half-up
    assert r["totals"]["cost"] == "0.036548"
    assert model(r, "claude-opus-4-6")["cost_source"] == "computed"


def _claude_code(tmp_path: Path) -> Path:
    """Two Claude Code assistant lines (the shape of claude-code-usage-tracker's fixture,
    tests/fixtures/public/claude_usage_tracker) with the usage object of Anthropic's data
    residency page (input 25, output 150, ``inference_geo``), one ``us``, one ``global``."""
    lines = []
    for n, geo in enumerate(("us", "global")):
        usage = {"input_tokens": 25, "output_tokens": 150, "inference_geo": geo}
        message = {"id": f"msg-geo-{n}", "role": "assistant", "model": "claude-opus-4-6",
                   "usage": usage}  # fmt: skip
        lines.append(json.dumps({
            "type": "assistant", "sessionId": "geo-1", "requestId": f"req-geo-{n}",
            "timestamp": f"2026-03-02T12:00:0{n}.000Z", "message": message,
        }))  # fmt: skip
    path = tmp_path / "session.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_claude_code_line_with_us_inference_is_priced_at_1_1x(tmp_path: Path) -> None:
    r = default_report(_claude_code(tmp_path))
    assert r["inputs"]["usage"][0]["columns"]["region"] == "message.usage.inference_geo"
    # global: 25*5 + 150*25 = 3875 per 1M; us: 3875 * 1.1 = 4262.5; together 8137.5 per 1M
    assert r["totals"]["cost"] == "0.008138"  # $0.0081375 half-up
    assert r["totals"]["requests"] == 2


def test_the_rate_is_exact_and_the_premium_is_cost_less_the_global_price() -> None:
    tokens = {"uncached_input_tokens": 25, "cache_read_tokens": 0, "cache_write_tokens": 0,
              "cache_write_1h_tokens": 0, "output_tokens": 150}  # fmt: skip
    base = UsageGroup(
        use_case=None, model="claude-opus-4-6", day=date(2026, 3, 2), service_tier="standard",
        prompt_class=0, by_value=None, rows=1, requests=1, requests_unknown_rows=0,
        tokens=tokens, reported_cost=None, reported_rows=0,
    )  # fmt: skip
    book = load_price_book()
    us, world, bare = price_groups(
        [replace(base, billing_geo="us"), replace(base, billing_geo="global"), base], book
    )
    assert (us.cost, us.cost_global, us.region) == (Decimal("0.0042625"), Decimal("0.003875"), "us")
    assert us.regional_premium == Decimal("0.0003875")
    for p in (world, bare):
        assert (p.cost, p.region, p.regional_premium) == (Decimal("0.003875"), None, 0)
    # a residency policy cannot make a row the source says ran globally regional
    stated = replace(base, billing_geo="global", in_region=True, use_case="u")
    (policy,) = price_groups([stated], book, {"u": ("us",)})
    assert (policy.cost, policy.region) == (Decimal("0.003875"), None)


def test_a_bedrock_row_in_us_east_1_keeps_the_global_price(tmp_path: Path) -> None:
    # Bedrock's region is where the call ran, not a billing geo: even on a model the book
    # prices regionally, no uplift without a residency policy
    line = BEDROCK.read_text().splitlines()[0]
    record = json.loads(line)
    assert record["region"] == "us-east-1"
    record["modelId"] = "claude-opus-4-6"
    record["timestamp"] = "2026-03-02T12:00:00Z"  # claude-opus-4-6 is priced from 2026-02-05
    record["input"] = {"inputTokenCount": 25}
    record["output"] = {"outputTokenCount": 150}
    path = tmp_path / "bedrock.jsonl"
    path.write_text(json.dumps(record) + "\n")
    r = default_report(path)
    assert r["inputs"]["usage"][0]["format"] == "bedrock_invocation_log"
    assert r["totals"]["cost"] == "0.003875"  # 25*5 + 150*25 per 1M, no 1.1


def test_a_region_column_that_is_not_inference_geo_sets_no_price(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "timestamp,model,input_tokens,output_tokens,region\n"
        "2026-03-02T12:00:00Z,claude-opus-4-6,25,150,us\n"
    )
    assert default_report(path)["totals"]["cost"] == "0.003875"
    geo = tmp_path / "geo.csv"
    geo.write_text(path.read_text().replace(",region\n", ",inference_geo\n"))
    assert default_report(geo)["totals"]["cost"] == "0.004263"  # 4262.5 per 1M, half-up
