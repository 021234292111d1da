"""The default book's provider batch rules and dated history (pricing/build.py).

- a batch row of a first-party model whose sources give no batch price is billed by the
  provider's rule (pricing/overrides.yaml ``batch_rules``), hand-computed below; a reseller's
  name without a batch price still bills at standard (no rule is cited for it);
- no model has two entries starting on one day, none starts before the release its names carry;
- Claude Opus 4.6 starts on its release day (2026-02-05, its snapshot's date) with the
  long-context premium, which Anthropic dropped on 2026-03-13.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from tokenecon.price.book import load_price_book
from tokenecon.price.history import tidy_history
from tokenecon.price.periods import cost_of, split_periods
from tokenecon.price.sources import release_date

ROOT = Path(__file__).parent.parent
BOOK = ROOT / "tokenecon" / "data" / "pricing" / "default.yaml"
ZERO = {"input": 0, "cache_read": 0, "cache_write": 0, "cache_write_1h": 0, "output": 0}


def _build():  # type: ignore[no-untyped-def]
    sys.path[:0] = [str(ROOT / "pricing")]
    import build  # type: ignore[import-not-found]

    return build


def cost(name: str, day: date, tokens: dict[str, int], tier: str) -> Decimal:
    """A request's cost in USD by the default book on ``day`` (below any cliff)."""
    book = load_price_book()
    key = book.resolve(name)
    assert key is not None, name
    period = next(
        p for p in split_periods([book.models[key]], [])
        if p.start.date() <= day and (p.end is None or p.end.date() > day)
    )  # fmt: skip
    return cost_of(period, {**ZERO, **tokens}, tier, False)


def test_anthropic_batch_rule_halves_every_bucket() -> None:
    """claude-3-5-sonnet: litellm and genai-prices give no batch price; the Message Batches
    API bills 50% of every bucket. 100k input x $3 + 200k cache reads x $0.30 + 10k writes x
    $3.75 + 20k output x $15 = $0.6975 standard, $0.34875 batch (it was $0.6975)."""
    tokens = {"input": 100_000, "cache_read": 200_000, "cache_write": 10_000, "output": 20_000}
    day = date(2025, 3, 1)
    assert cost("claude-3-5-sonnet", day, tokens, "standard") == Decimal("0.6975")
    assert cost("claude-3-5-sonnet", day, tokens, "batch") == Decimal("0.34875")


def test_openai_batch_rule_halves_input_and_output_not_cache_reads() -> None:
    """o1-mini ($1.10 in, $0.55 cached, $4.40 out) has no batch price in its sources: the
    Batch API halves input and output, cached input keeps $0.55 (no batch cached price is
    published). 1M of each: $0.55 + $0.55 + $2.20 = $3.30 (standard $6.05)."""
    tokens = {"input": 1_000_000, "cache_read": 1_000_000, "output": 1_000_000}
    day = date(2025, 3, 1)
    assert cost("o1-mini", day, tokens, "standard") == Decimal("6.05")
    assert cost("o1-mini", day, tokens, "batch") == Decimal("3.30")


def test_gemini_batch_rule() -> None:
    """gemini-1.5-pro ($1.25 in, $5 out below 128K): Batch Mode halves both: 400k in + 100k
    out = $0.25 + $0.25 = $0.50 (standard $1.00)."""
    tokens = {"input": 400_000, "output": 100_000}
    day = date(2025, 3, 1)
    assert cost("gemini-1.5-pro", day, tokens, "standard") == Decimal("1.00")
    assert cost("gemini-1.5-pro", day, tokens, "batch") == Decimal("0.50")


def test_a_reseller_name_without_a_batch_price_bills_at_standard() -> None:
    """No rule is cited for Azure's route: a batch row keeps the standard price (the gap is
    listed in docs/price-book.md), never a guessed discount."""
    tokens = {"input": 1_000_000, "output": 1_000_000}
    day = date(2026, 11, 29)
    standard = cost("azure/gpt-4-turbo", day, tokens, "standard")
    assert cost("azure/gpt-4-turbo", day, tokens, "batch") == standard


def test_explicit_batch_prices_stand() -> None:
    """gpt-4.1's sources give batch with cached input at the standard $0.50: kept as is."""
    tokens = {"input": 1_000_000, "cache_read": 1_000_000, "output": 1_000_000}
    assert cost("gpt-4.1", date(2026, 11, 29), tokens, "batch") == Decimal("1") + Decimal(
        "0.5"
    ) + Decimal("4")


def test_no_model_has_two_entries_on_one_day_or_one_before_its_release() -> None:
    models = yaml.safe_load(BOOK.read_text())["models"]
    shared, early = [], []
    for key, model in models.items():
        days = [str(e["from"]) for e in model["prices"]]
        if len(days) != len(set(days)):
            shared.append(key)
        release = release_date([key, *model.get("aliases", [])])
        if release and min(days) < release:
            early.append((key, min(days), release))
    assert not shared
    assert not early


def test_claude_opus_4_6_starts_on_its_release_day() -> None:
    """Released 2026-02-05 (claude-opus-4-6-20260205) with Anthropic's premium above 200K
    prompt tokens, flat from 2026-03-13; nothing on the day before (unpriced, not priced at
    a 2023 placeholder)."""
    model = yaml.safe_load(BOOK.read_text())["models"]["claude-opus-4-6"]
    days = [str(e["from"]) for e in model["prices"]]
    assert days == ["2026-02-05", "2026-03-13"]
    first, second = model["prices"]
    assert first["above"]["input_tokens"] == 200_000 and "above" not in second
    assert "anthropic.com" in first["source"]
    book = load_price_book()
    assert book.models["claude-opus-4-6"].active(date(2026, 2, 4)) is None
    assert cost("claude-opus-4-6", date(2026, 2, 5), {"output": 1_000_000}, "batch") == 12.5


def test_tidy_history_keeps_the_entry_already_billed() -> None:
    """Two entries on one day: the last listed is the one ``active`` bills, so it is kept;
    an entry before the snapshot date moves to it; a model with no date keeps its floor."""
    model = {
        "aliases": ["m-20260205"],
        "prices": [
            {"from": "2023-01-01", "input": 1, "output": 2, "source": "reseller"},
            {"from": "2023-01-01", "input": 1, "output": 3, "source": "maker"},
            {"from": "2026-03-13", "input": 1, "output": 4, "source": "maker"},
        ],
    }
    changes = tidy_history(model, "m")
    assert [(str(e["from"]), e["output"]) for e in model["prices"]] == [
        ("2026-02-05", 3),
        ("2026-03-13", 4),
    ]
    assert len(changes) == 3
    undated = {"prices": [{"from": "2023-01-01", "input": 1, "output": 2}]}
    assert tidy_history(undated, "m") == []
    assert undated["prices"][0]["from"] == "2023-01-01"


@pytest.mark.parametrize(
    ("key", "provider", "given"),
    [
        ("claude-x", "anthropic", Decimal("0.5")),
        ("o4-x", "openai", {"multiply": Decimal("0.5"), "cache_read": Decimal("0.25")}),
        ("gpt-realtime-9", "openai", None),  # the Batch API does not serve realtime models
        ("azure/o4-x", "openai", None),  # a reseller's route: no rule cited
        ("anthropic.claude-x-v1:0", "anthropic", None),  # Bedrock
        ("deepseek-x", "deepseek", None),  # no rule for this provider
    ],
)
def test_batch_rules_apply_to_first_party_entries_only(
    key: str, provider: str, given: object
) -> None:
    build = _build()
    rules = yaml.safe_load((ROOT / "pricing" / "overrides.yaml").read_text())["batch_rules"]
    explicit = {"from": "2026-01-01", "input": 1, "cache_read": 0.25, "output": 2, "batch": 0.6}
    model = {
        "provider": provider,
        "prices": [{"from": "2025-01-01", "input": 1, "cache_read": 0.25, "output": 2}, explicit],
    }
    build.apply_batch_rules({key: model}, rules)
    assert model["prices"][0].get("batch") == given
    assert model["prices"][1]["batch"] == 0.6  # explicit data untouched


def test_analyze_names_batch_rows_billed_at_standard(tmp_path: Path) -> None:
    """analyze with the default book: a batch row of claude-3-5-sonnet (provider rule: half
    price) and one of azure/gpt-4-turbo (a reseller's route with no batch price: standard,
    and a portfolio finding names it). Hand-computed: 1M in x $3 + 100k out x $15 = $4.50,
    batch $2.25; azure/gpt-4-turbo 1M x $11 + 100k x $33 = $14.30 at standard."""
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens,requests,service_tier\n"
        "2026-10-01T10:00:00Z,claude-3-5-sonnet,1000000,100000,1,batch\n"
        "2026-10-01T11:00:00Z,azure/gpt-4-turbo,1000000,100000,3,batch\n"
    )
    result = run_cli("analyze", str(usage), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    costs = {m["model"]: Decimal(m["cost"]) for m in report["models"]}
    assert costs["claude-3-5-sonnet"] == Decimal("2.25")
    assert costs["azure/gpt-4-turbo"] == Decimal("14.3")
    found = [f for f in report["findings"] if f["metric"] == "tier_billed_at_standard"]
    assert len(found) == 1 and Decimal(found[0]["actual"]) == 3
    assert "batch on azure/gpt-4-turbo (3 requests)" in found[0]["message"]
    assert "claude-3-5-sonnet" not in found[0]["message"]


def test_claude_models_only_vertex_lists_are_anthropics() -> None:
    """genai-prices lists claude-3-opus only under google (Vertex AI): the book's model is
    still Anthropic's (provider discounts and routing go by the maker), and its batch rows
    get Anthropic's rule: 1M in x $15 = $15 standard, $7.50 batch."""
    book = load_price_book()
    key = book.resolve("claude-3-opus-20240229")
    assert key == "claude-3-opus" and book.models[key].provider == "anthropic"
    tokens = {"input": 1_000_000}
    day = date(2024, 11, 1)
    assert cost("claude-3-opus-20240229", day, tokens, "standard") == 15
    assert cost("claude-3-opus-20240229", day, tokens, "batch") == Decimal("7.5")


@pytest.mark.parametrize(
    ("provider", "price", "hour", "above_hour"),
    [
        # Bedrock's Sonnet 4 as litellm gives it: no 1-hour price below the cliff, the
        # 5-minute one above it. 2x input: $6 below, $12 above 200k
        ("anthropic", {"input": 3, "cache_write": 3.75}, Decimal(6), Decimal(12)),
        # a 1-hour price of the sources' own stands
        ("anthropic", {"input": 3, "cache_write": 3.75, "cache_write_1h": 5}, 5, Decimal(12)),
        # a 5-minute write that is not 1.25x input is not the rule's to complete
        ("anthropic", {"input": 3, "cache_write": 3}, None, Decimal(12)),
        ("openai", {"input": 3, "cache_write": 3.75}, None, None),  # no rule for this maker
    ],
)
def test_write_rules_give_claude_its_one_hour_write(
    provider: str, price: dict[str, object], hour: object, above_hour: object
) -> None:
    build = _build()
    rules = yaml.safe_load((ROOT / "pricing" / "overrides.yaml").read_text())
    above = {"input_tokens": 200000, "input": 6, "cache_write": 7.5, "cache_write_1h": 7.5}
    entry = {"from": "2025-05-14", **price, "output": 15, "above": above}
    model = {"provider": provider, "prices": [entry]}
    build.apply_write_rules({"anthropic.claude-x-v1:0": model}, rules["cache_write_1h_rules"])
    assert entry.get("cache_write_1h") == hour
    assert entry["above"]["cache_write_1h"] == (above_hour if above_hour else Decimal("7.5"))


def test_apac_haiku_on_bedrock_bills_a_one_hour_write_at_twice_input() -> None:
    """The default book: 1M 1-hour cache-write tokens of apac Claude Haiku 4.5 ($1.10 input)
    cost $2.20, not the 5-minute $1.375."""
    from tokenecon.price.book import load_price_book

    book = load_price_book()
    key = book.resolve("apac.anthropic.claude-haiku-4-5-20251001-v1:0")
    assert key is not None
    rates = book.models[key].entries[-1].rates_for("standard", False)
    assert (rates.input, rates.cache_write, rates.cache_write_1h) == (
        Decimal("1.1"), Decimal("1.375"), Decimal("2.2"),
    )  # fmt: skip
    # Bedrock's batch halves input and output and keeps the cache at its standard rates
    # (AWS's price list): the 1-hour write too, not the 5-minute write it had copied
    batch = book.models[key].entries[-1].rates_for("batch", False)
    assert (batch.input, batch.cache_read, batch.cache_write, batch.cache_write_1h) == (
        Decimal("0.55"), Decimal("0.11"), Decimal("1.375"), Decimal("2.2"),
    )  # fmt: skip


def test_write_rules_carry_a_standard_rate_batch_cache_to_the_hour() -> None:
    """A batch block with a 5-minute write of its own and no 1-hour one gets the rule's 1-hour
    write at the batch's ratio: the standard $2.20 where the batch keeps the standard $1.375
    (Bedrock), half of it where the batch halves the write."""
    build = _build()
    overrides = yaml.safe_load((ROOT / "pricing" / "overrides.yaml").read_text())
    rules = overrides["cache_write_1h_rules"]
    kept = {"multiply": 0.5, "cache_read": 0.11, "cache_write": 1.375, "cache_write_1h": 1.375}
    halved = {"multiply": 0.5, "cache_write": 0.6875, "cache_write_1h": 0.6875}
    price = {"from": "2025-10-01", "input": 1.1, "cache_write": 1.375, "output": 5.5}
    models = {
        name: {"provider": "anthropic", "prices": [{**price, "batch": batch}]}
        for name, batch in (("kept", kept), ("halved", halved))
    }
    build.apply_write_rules(models, rules)
    assert kept["cache_write_1h"] == Decimal("2.2")
    assert halved["cache_write_1h"] == Decimal("1.1")
