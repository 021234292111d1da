"""Anthropic's fast mode: a request the source says ran with ``speed: "fast"`` costs the model's
fast-mode multiple of every rate (platform.claude.com/docs/en/build-with-claude/fast-mode: "a
multiplier on standard rates across the full context window"; prompt-caching and data-residency
multipliers stack on top), 2x for Opus 4.8, Opus 5 and Opus 5.5 (the book's ``speeds: {fast: 2}``
from litellm's ``provider_specific_entry``), 6x for Opus 4.6 and 4.7 while they had it
(pricing/overrides.yaml: litellm no longer lists it). A fast row of a model the book has no
fast rate for stays at the standard price and a finding names it
(docs/price-book-fields.md#fast-mode)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES
from sources import default_report, model

from tokenecon.aggregate.types import UsageGroup
from tokenecon.price.apply import UnitPricer, price_groups
from tokenecon.price.book import load_price_book

REPORT = FIXTURES / "public" / "anthropic_usage_report_example.json"
OTEL = FIXTURES / "public" / "otel_logs" / "claude_code_real_run.jsonl"


def _report_at(tmp_path: Path, model_id: str, speed: str | None, geo: str = "global") -> Path:
    """The API reference's usage-report example (1,500 uncached, 200 cache read, 500 5m and
    1,000 1h cache writes, 500 output) moved to a day ``model_id`` has a price, with a
    ``speed`` field (the report has one per result since fast mode) and ``inference_geo``."""
    page = json.loads(REPORT.read_text())
    bucket = page["data"][0]
    bucket["starting_at"], bucket["ending_at"] = "2026-08-03T00:00:00Z", "2026-08-04T00:00:00Z"
    (result,) = bucket["results"]
    assert result["inference_geo"] == "global" and result["model"] == "claude-opus-4-6"
    result.update(model=model_id, inference_geo=geo)
    if speed is not None:
        result["speed"] = speed
    path = tmp_path / f"usage_{model_id}_{speed}_{geo}.json"
    path.write_text(json.dumps(page))
    return path


def test_the_book_prices_fast_mode_of_the_models_litellm_lists_it_for() -> None:
    book = load_price_book()
    for key in ("claude-opus-4-8", "claude-opus-5", "claude-opus-5-5"):
        assert book.models[key].speeds == {"fast": Decimal(2)}, key
    for key in ("claude-opus-4-6", "claude-opus-4-7"):
        assert book.models[key].speeds == {"fast": Decimal(6)}, key
    for key in ("claude-sonnet-4-6", "claude-haiku-4-5", "claude-opus-4-5"):
        assert book.models[key].speeds == {}, key
    # fast mode runs on Anthropic's own API, not on Bedrock
    assert book.models["anthropic.claude-opus-4-8"].speeds == {}


def test_a_standard_row_of_the_report_is_priced_at_the_standard_rates(tmp_path: Path) -> None:
    for speed in (None, "standard"):
        r = default_report(_report_at(tmp_path, "claude-opus-4-8", speed))
        # 1500*5 + 200*0.5 + 500*6.25 + 1000*10 + 500*25 = 33,225 per 1M
        assert r["totals"]["cost"] == "0.033225", speed


def test_a_fast_row_of_the_report_is_priced_at_2x_on_every_bucket(tmp_path: Path) -> None:
    r = default_report(_report_at(tmp_path, "claude-opus-4-8", "fast"))
    # 1500*10 + 200*1 + 500*12.5 + 1000*20 + 500*50 = 15000 + 200 + 6250 + 20000 + 25000
    # = 66,450 per 1M: the cache reads and writes at 2x too
    assert r["totals"]["cost"] == "0.066450"
    assert model(r, "claude-opus-4-8")["cost_source"] == "computed"
    assert not [f for f in r["findings"] if f["metric"] == "tier_billed_at_standard"]


def test_fast_mode_stacks_with_us_inference(tmp_path: Path) -> None:
    r = default_report(_report_at(tmp_path, "claude-opus-4-8", "fast", geo="us"))
    # 66,450 x 1.1 = 73,095 per 1M
    assert r["totals"]["cost"] == "0.073095"


def test_a_fast_row_of_a_model_with_no_fast_rate_stays_at_standard_and_is_named(
    tmp_path: Path,
) -> None:
    r = default_report(_report_at(tmp_path, "claude-sonnet-4-6", "fast"))
    # the standard price, as the book has no other: 1500*3 + 200*0.3 + 500*3.75 + 1000*6
    # + 500*15 = 19,935 per 1M
    assert r["totals"]["cost"] == "0.019935"
    (finding,) = [f for f in r["findings"] if f["metric"] == "tier_billed_at_standard"]
    assert "speed fast on claude-sonnet-4-6" in finding["message"]


def test_the_fast_rate_is_exact_and_is_no_regional_premium() -> None:
    tokens = {"uncached_input_tokens": 25, "cache_read_tokens": 0, "cache_write_tokens": 0,
              "cache_write_1h_tokens": 0, "output_tokens": 150}  # fmt: skip
    base = UsageGroup(
        use_case=None, model="claude-opus-4-8", day=date(2026, 8, 3), service_tier="standard",
        prompt_class=0, by_value=None, rows=1, requests=1, requests_unknown_rows=0,
        tokens=tokens, reported_cost=None, reported_rows=0,
    )  # fmt: skip
    book = load_price_book()
    fast_us = replace(base, speed="fast", billing_geo="us")
    fast, both, plain = price_groups([replace(base, speed="fast"), fast_us, base], book)
    # 25*5 + 150*25 = 3,875 per 1M; fast 7,750; fast in the US 8,525
    assert (plain.cost, fast.cost, both.cost) == (
        Decimal("0.003875"),
        Decimal("0.00775"),
        Decimal("0.008525"),
    )
    # the fast price is the price of the request, not a regional premium
    assert (fast.cost_global, fast.regional_premium) == (Decimal("0.00775"), 0)
    assert (both.cost_global, both.regional_premium) == (Decimal("0.00775"), Decimal("0.000775"))
    assert fast.cost_standard_tier == Decimal("0.00775") and not fast.speed_at_standard
    # the per-token pricer (people files) gives the same figures
    pricer = UnitPricer(book)
    for group, priced in ((replace(base, speed="fast"), fast), (fast_us, both)):
        rates = pricer.rates(group)
        assert rates is not None
        assert sum(r * n for r, n in zip(rates.cost, tokens.values(), strict=True)) == priced.cost
    (slow,) = price_groups([replace(base, model="claude-sonnet-4-6", speed="fast")], book)
    assert (slow.cost, slow.speed_at_standard) == (Decimal("0.002325"), True)  # 25*3 + 150*15
    # Opus 4.6 in fast mode (February 2026): 6x, $30 / $150
    (old,) = price_groups([replace(base, model="claude-opus-4-6", speed="fast",
                                   day=date(2026, 3, 2))], book)  # fmt: skip
    assert (old.cost, old.speed_at_standard) == (Decimal("0.02325"), False)


def _claude_code(tmp_path: Path) -> Path:
    """Two Claude Code assistant lines of claude-opus-5 (the shape of the geo test's lines),
    one with ``message.usage.speed: fast``, one ``standard``."""
    lines = []
    for n, speed in enumerate(("fast", "standard")):
        usage = {"input_tokens": 25, "output_tokens": 150, "speed": speed}
        message = {"id": f"msg-fast-{n}", "role": "assistant", "model": "claude-opus-5",
                   "usage": usage}  # fmt: skip
        lines.append(json.dumps({
            "type": "assistant", "sessionId": "fast-1", "requestId": f"req-fast-{n}",
            "timestamp": f"2026-08-03T12:00:0{n}.000Z", "message": message,
        }))  # fmt: skip
    path = tmp_path / "session.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_claude_code_line_in_fast_mode_is_priced_at_2x(tmp_path: Path) -> None:
    r = default_report(_claude_code(tmp_path))
    # claude-opus-5 at $5 / $25: standard 25*5 + 150*25 = 3,875 per 1M; fast 7,750; 11,625
    assert r["totals"]["cost"] == "0.011625"
    assert r["totals"]["requests"] == 2


def test_claude_code_otel_speed_normal_is_the_standard_speed(tmp_path: Path) -> None:
    raw = OTEL.read_text()
    assert '"key":"speed","value":{"stringValue":"normal"}' in raw
    standard = default_report(OTEL)
    fast = tmp_path / "fast.jsonl"
    fast.write_text(raw.replace('"stringValue":"normal"', '"stringValue":"fast"'))
    r = default_report(fast)
    # claude-haiku-5-5 has no fast rate: the same cost, and the finding names the model
    assert r["totals"]["cost"] == standard["totals"]["cost"]
    (finding,) = [f for f in r["findings"] if f["metric"] == "tier_billed_at_standard"]
    assert "speed fast on claude-haiku-5-5" in finding["message"]
    assert not [f for f in standard["findings"] if f["metric"] == "tier_billed_at_standard"]


def test_a_speed_column_of_another_source_sets_no_price(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(
        "timestamp,model,input_tokens,output_tokens,speed\n"
        "2026-08-03T12:00:00Z,claude-opus-4-8,25,150,fast\n"
    )
    assert default_report(path)["totals"]["cost"] == "0.003875"


def test_a_console_usage_csv_row_in_fast_mode_is_priced_at_2x(tmp_path: Path) -> None:
    """The Console usage CSV's ``speed`` column (header of tests/fixtures/sources/
    anthropic_console_usage.csv), one claude-opus-4-8 row fast, one standard."""
    header = (
        (FIXTURES / "sources" / "anthropic_console_usage.csv")
        .read_text(encoding="utf-8-sig")
        .splitlines()[0]
    )
    assert header.endswith(",inference_geo,speed")
    rows = [
        "2026-08-03,claude-opus-4-8,k,Default,standard,≤ 200k,25,0,0,0,150,0,global,fast",
        "2026-08-03,claude-opus-4-8,k,Default,standard,≤ 200k,25,0,0,0,150,0,global,standard",
    ]
    path = tmp_path / "console.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    r = default_report(path)
    assert r["inputs"]["usage"][0]["format"] == "anthropic_console_usage_csv"
    assert r["totals"]["cost"] == "0.011625"  # 7,750 fast + 3,875 standard per 1M
