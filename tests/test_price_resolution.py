"""Raw model spellings from exports -> the default book's model and price on a given day.

Spellings as Claude Code, Codex, LiteLLM, OpenRouter, Bedrock, Vertex and Azure exports write
them (FORMATS.md); each must reach the model with its own price, or stay unpriced.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tokenecon.price.book import load_price_book

D = Decimal
CASES = [
    # (raw name as an export writes it, the book's model or None, input, output) on 2026-11-29.
    # Spellings seen in tests/fixtures/sources (Claude Code and Codex logs, Anthropic and OpenAI
    # usage APIs, LiteLLM spend logs, OpenRouter activity, Bedrock invocation logs) and the
    # names litellm 1.110.2 and genai-prices 0.2.3 list; prices as litellm lists them, except
    # the overrides of pricing/overrides.yaml (grok-code-fast-1, deepseek-chat/-reasoner,
    # open-mistral-nemo).
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5", D("3"), D("15")),
    ("claude-opus-4-1-20250805", "claude-opus-4-1", D("15"), D("75")),
    ("claude-haiku-4-5-20251001", "claude-haiku-4-5", D("1"), D("5")),
    ("claude-3-5-haiku-20241022", "claude-3-5-haiku", D("0.8"), D("4")),
    ("claude-3-7-sonnet-20250219", "claude-3-7-sonnet", D("3"), D("15")),
    ("claude-sonnet-4-20250514", "claude-sonnet-4", D("3"), D("15")),
    ("claude-opus-4-20250514", "claude-opus-4", D("15"), D("75")),
    ("claude-opus-4-5-20251101", "claude-opus-4-5", D("5"), D("25")),
    ("claude-opus-4-6", "claude-opus-4-6", D("5"), D("25")),
    ("claude-sonnet-4-6", "claude-sonnet-4-6", D("3"), D("15")),
    ("claude-opus-4-7", "claude-opus-4-7", D("5"), D("25")),
    ("claude-3-5-sonnet-20240620", "claude-3-5-sonnet", D("3"), D("15")),
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet", D("3"), D("15")),
    ("claude-3-haiku-20240307", "claude-3-haiku", D("0.25"), D("1.25")),
    ("claude-3-opus-20240229", "claude-3-opus", D("15"), D("75")),
    (
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        D("3.3"),
        D("16.5"),
    ),
    (
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        D("3.3"),
        D("16.5"),
    ),
    (
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "claude-sonnet-4-5-20250929-v1:0",
        D("3"),
        D("15"),
    ),
    (
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        D("3"),
        D("15"),
    ),
    (
        "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
        "anthropic.claude-3-5-sonnet-20240620-v1:0",
        D("3"),
        D("15"),
    ),
    (
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "anthropic.claude-3-7-sonnet-20250219-v1:0",
        D("3"),
        D("15"),
    ),
    ("us.anthropic.claude-opus-4-6-v1", "us.anthropic.claude-opus-4-6-v1", D("5.5"), D("27.5")),
    ("global.anthropic.claude-opus-4-6-v1", "anthropic.claude-opus-4-6-v1", D("5"), D("25")),
    (
        "anthropic.claude-haiku-4-5-20251001-v1:0",
        "anthropic.claude-haiku-4-5-20251001-v1:0",
        D("1"),
        D("5"),
    ),
    ("vertex_ai/claude-sonnet-4-5@20250929", "vertex_ai/claude-sonnet-4-5", D("3"), D("15")),
    ("claude-sonnet-4-5@20250929", "vertex_ai/claude-sonnet-4-5", D("3"), D("15")),
    ("claude-opus-4-1@20250805", None, None, None),
    ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", D("3"), D("15")),
    ("anthropic/claude-4.5-sonnet-20250929", "claude-sonnet-4-5", D("3"), D("15")),
    ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5", D("3"), D("15")),
    ("openrouter/anthropic/claude-sonnet-4.5", "claude-sonnet-4-5", D("3"), D("15")),
    ("gpt-4o", "gpt-4o", D("2.5"), D("10")),
    ("gpt-4o-2024-08-06", "gpt-4o", D("2.5"), D("10")),
    ("gpt-4o-2024-11-20", "gpt-4o", D("2.5"), D("10")),
    ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13", D("5"), D("15")),
    ("chatgpt-4o-latest", "chatgpt-4o-latest", D("5"), D("15")),
    ("gpt-4o-mini", "gpt-4o-mini", D("0.15"), D("0.6")),
    ("gpt-4o-mini-2024-07-18", "gpt-4o-mini", D("0.15"), D("0.6")),
    ("openai/gpt-4o-mini", "gpt-4o-mini", D("0.15"), D("0.6")),
    ("azure/gpt-4o", "azure/gpt-4o", D("2.5"), D("10")),
    ("azure/gpt-4o-mini", "azure/gpt-4o-mini", D("0.15"), D("0.6")),
    ("azure/eu/gpt-4o-2024-11-20", "azure/eu/gpt-4o", D("2.75"), D("11")),
    ("gpt-4.1", "gpt-4.1", D("2"), D("8")),
    ("gpt-4.1-2025-04-14", "gpt-4.1", D("2"), D("8")),
    ("gpt-4.1-mini", "gpt-4.1-mini", D("0.4"), D("1.6")),
    ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini", D("0.4"), D("1.6")),
    ("openai/gpt-4.1-mini-2025-04-14", "gpt-4.1-mini", D("0.4"), D("1.6")),
    ("gpt-4.1-nano", "gpt-4.1-nano", D("0.1"), D("0.4")),
    ("gpt-4-turbo", "gpt-4-turbo", D("10"), D("30")),
    ("gpt-4-turbo-2024-04-09", "gpt-4-turbo-2024-04-09", D("10"), D("30")),
    ("gpt-4", "gpt-4", D("30"), D("60")),
    ("gpt-4-0613", "gpt-4-0613", D("30"), D("60")),
    ("gpt-4.5-preview", "gpt-4.5-preview", D("75"), D("150")),
    ("gpt-3.5-turbo", "gpt-3.5-turbo", D("0.5"), D("1.5")),
    ("gpt-3.5-turbo-0125", "gpt-3.5-turbo-0125", D("0.5"), D("1.5")),
    ("o1", "o1", D("15"), D("60")),
    ("o1-2024-12-17", "o1", D("15"), D("60")),
    ("o1-mini", "o1-mini", D("1.1"), D("4.4")),
    ("o1-pro", "o1-pro", D("150"), D("600")),
    ("o3", "o3", D("2"), D("8")),
    ("o3-2025-04-16", "o3", D("2"), D("8")),
    ("o3-mini", "o3-mini", D("1.1"), D("4.4")),
    ("o3-pro", "o3-pro", D("20"), D("80")),
    ("o4-mini", "o4-mini", D("1.1"), D("4.4")),
    ("o4-mini-2025-04-16", "o4-mini", D("1.1"), D("4.4")),
    ("gpt-5", "gpt-5", D("1.25"), D("10")),
    ("gpt-5-2025-08-07", "gpt-5", D("1.25"), D("10")),
    ("gpt-5-mini", "gpt-5-mini", D("0.25"), D("2")),
    ("gpt-5-nano", "gpt-5-nano", D("0.05"), D("0.4")),
    ("gpt-5-codex", "gpt-5-codex", D("1.25"), D("10")),
    ("gpt-5-pro", "gpt-5-pro", D("15"), D("120")),
    ("gpt-5.1", "gpt-5.1", D("1.25"), D("10")),
    ("gpt-5.1-codex", "gpt-5.1-codex", D("1.25"), D("10")),
    ("gpt-5.1-codex-max", "gpt-5.1-codex-max", D("1.25"), D("10")),
    ("gpt-5.2", "gpt-5.2", D("1.75"), D("14")),
    ("gpt-5.3", "gpt-5.3-chat-latest", D("1.75"), D("14")),
    ("gpt-5.4", "gpt-5.4", D("2.5"), D("15")),
    ("gpt-5.4-2026-03-05", "gpt-5.4", D("2.5"), D("15")),
    ("gpt-5.5", "gpt-5.5", D("5"), D("30")),
    ("gpt-5.6", "gpt-5.6", D("4"), D("20")),
    ("gpt-6", None, None, None),
    ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "ft:gpt-4o-mini-2024-07-18", D("0.3"), D("1.2")),
    ("ft:gpt-4o-2024-08-06:acme:support:xyz", "ft:gpt-4o-2024-08-06", D("3.75"), D("15")),
    ("ft:gpt-4.1-mini-2025-04-14:acme::q1", "ft:gpt-4.1-mini-2025-04-14", D("0.8"), D("3.2")),
    ("gemini-2.5-pro", "gemini-2.5-pro", D("1.25"), D("10")),
    ("gemini-2.5-flash", "gemini-2.5-flash", D("0.3"), D("2.5")),
    ("gemini-2.5-flash-lite", "gemini-2.5-flash-lite", D("0.1"), D("0.4")),
    ("gemini/gemini-2.5-pro", "gemini/gemini-2.5-pro", D("1.25"), D("10")),
    ("vertex_ai/gemini-2.5-pro", "gemini-2.5-pro", D("1.25"), D("10")),
    ("google/gemini-2.5-pro", "gemini-2.5-pro", D("1.25"), D("10")),
    ("models/gemini-2.5-flash", "gemini-2.5-flash", D("0.3"), D("2.5")),
    ("gemini-2.0-flash", "gemini-2.0-flash", D("0.1"), D("0.4")),
    ("gemini-2.0-flash-001", None, None, None),  # a Vertex version no source lists
    ("gemini-1.5-pro", "gemini-1.5-pro", D("1.25"), D("5")),
    ("gemini-3-pro-preview", "gemini-3-pro-preview", D("2"), D("12")),
    ("gemini-3.1-pro-preview", "gemini-3.1-pro-preview", D("2"), D("12")),
    ("gemini-3-flash-preview", "gemini-3-flash-preview", D("0.5"), D("3")),
    ("grok-4", "grok-4", D("3"), D("15")),
    ("grok-4-0709", "grok-4", D("3"), D("15")),
    ("xai/grok-4", "grok-4", D("3"), D("15")),
    ("x-ai/grok-4", "grok-4", D("3"), D("15")),
    ("grok-4-fast", "grok-4-fast", D("0.2"), D("0.5")),
    ("grok-4-fast-reasoning", "grok-4-fast", D("0.2"), D("0.5")),
    ("grok-3", "grok-3", D("3"), D("15")),
    ("grok-3-mini", "grok-3-mini", D("0.3"), D("0.5")),
    ("grok-code-fast-1", "grok-code-fast-1", D("0.2"), D("1.5")),
    ("grok-4.5", "grok-4.5", D("2"), D("6")),
    ("grok-4.20", "grok-4.20", D("1.25"), D("2.5")),
    ("deepseek-chat", "deepseek-chat", D("0.14"), D("0.28")),
    ("deepseek-reasoner", "deepseek-reasoner", D("0.14"), D("0.28")),
    ("deepseek/deepseek-chat", "deepseek-chat", D("0.14"), D("0.28")),
    ("deepseek-v4-flash", "deepseek-v4-flash", D("0.3"), D("1.2")),
    ("deepseek-v4-pro", "deepseek-v4-pro", D("1.32"), D("3.96")),
    ("mistral-large-latest", "mistral-large-latest", D("0.5"), D("1.5")),
    ("mistral-large-2411", "mistral-large-2407", D("2"), D("6")),
    ("mistral-large-2512", "mistral-large-2512", D("0.5"), D("1.5")),
    ("mistral-medium-latest", "mistral-medium", D("1.5"), D("7.5")),
    ("mistral-medium-2508", "mistral-medium-2505", D("0.4"), D("2")),
    ("mistral-medium-2505", "mistral-medium-2505", D("0.4"), D("2")),
    ("mistral-small-latest", "mistral-small-latest", D("0.15"), D("0.6")),
    ("mistral-small-2506", "mistral-small-3.2-24b-instruct", D("0.1"), D("0.3")),
    ("mistral-small-2603", "mistral-small-2603", D("0.15"), D("0.6")),
    ("codestral-latest", "codestral", D("0.3"), D("0.9")),
    ("codestral-2508", "codestral-2508", D("0.3"), D("0.9")),
    ("magistral-medium-latest", "magistral-medium-latest", D("1.5"), D("7.5")),
    ("ministral-8b-latest", "ministral-8b-latest", D("0.15"), D("0.15")),
    ("open-mistral-nemo", "open-mistral-nemo", D("0.15"), D("0.15")),  # override
    ("pixtral-large-latest", "pixtral-large-latest", D("2"), D("6")),
    ("devstral-small-2507", "devstral-small", D("0.1"), D("0.3")),
    ("azure/my-gpt4o-deployment", None, None, None),
    ("azure/prod-chat-east", None, None, None),
    ("acme-ft-llama-70b", None, None, None),
    ("<synthetic>", None, None, None),
    ("claude-sonnet-4-5-20990101", None, None, None),
    ("gpt-4o-2099-01-01", None, None, None),
]


@pytest.fixture(scope="module")
def book():
    return load_price_book()


@pytest.mark.parametrize(("raw", "key", "inp", "out"), CASES)
def test_spelling_reaches_its_own_price(book, raw, key, inp, out) -> None:
    found = book.resolve(raw)
    if inp is None:
        assert found is None
        return
    assert found is not None, raw
    if key is not None:
        assert found == key
    entry = book.models[found].active(date(2026, 11, 29))
    assert entry is not None
    assert (entry.rates.input, entry.rates.output) == (inp, out)


def test_a_changed_price_keeps_the_earlier_price_for_earlier_days(tmp_path) -> None:
    from tokenecon.price.history import merge_books

    base = {"m": {"provider": "openai", "aliases": [], "prices": [
        {"from": "2025-01-01", "input": 2, "output": 8}]}}  # fmt: skip
    new = {"m": {"provider": "openai", "aliases": [], "prices": [
        {"from": "2023-01-01", "input": 1, "output": 4, "batch": 0.5}]}}  # fmt: skip
    gone = {"old": {"provider": "openai", "prices": [{"from": "2024-01-01", "input": 1,
                                                      "output": 1}]}}  # fmt: skip
    merged = merge_books({**base, **gone}, new, "2026-11-29")
    assert [e["from"] for e in merged["m"]["prices"]] == ["2025-01-01", "2026-11-29"]
    assert merged["old"]["retired"] == "2026-11-29"
    assert merged["old"]["prices"] == gone["old"]["prices"]


def test_a_price_change_announced_for_a_later_day_applies_from_that_day(book) -> None:
    """genai-prices dates Gemini 3.8 Flash's new price 2027-01-01; litellm has today's."""
    model = book.models[book.resolve("gemini-3.8-flash")]
    before = model.active(date(2026, 12, 31))
    after = model.active(date(2027, 1, 1))
    assert before is not None and after is not None
    assert (before.rates.input, before.rates.output) == (D("0.75"), D("3.75"))
    assert (after.rates.input, after.rates.output) == (D("1.5"), D("7.5"))
    assert after.tiers["batch"].input == D("0.75")  # batch still halves the new price


def test_a_source_dated_change_keeps_its_own_date() -> None:
    from tokenecon.price.history import merge_books

    base = {"m": {"provider": "x", "aliases": [], "prices": [
        {"from": "2025-01-01", "input": 2, "output": 8}]}}  # fmt: skip
    new = {"m": {"provider": "x", "aliases": [], "prices": [
        {"from": "2023-01-01", "input": 2, "output": 8, "batch": 0.5},
        {"from": "2026-06-01", "input": 1, "output": 4}]}}  # fmt: skip
    merged = merge_books(base, new, "2026-11-29")["m"]["prices"]
    assert [(e["from"], e["input"]) for e in merged] == [("2025-01-01", 2), ("2026-06-01", 1)]
    assert merged[0]["batch"] == 0.5  # a tier restated, not a price change


def test_a_bedrock_geo_profile_group_is_keyed_by_its_us_name() -> None:
    """The same-priced au./eu./jp./us. profiles of a model are one book model named after the
    us. one (what most users' rows say), not the alphabetically first au.; a previous book's
    au. key gives way to it and stays a spelling; any other key is kept as the book had it."""
    from tokenecon.price.history import merge_books
    from tokenecon.price.sources import litellm_models

    record = {"mode": "chat", "litellm_provider": "bedrock_converse",
              "input_cost_per_token": 3.3e-06, "output_cost_per_token": 1.65e-05}  # fmt: skip
    names = [f"{geo}.anthropic.claude-sonnet-4-5-20250929-v1:0" for geo in ("au", "eu", "jp")]
    names.append("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    new = litellm_models(dict.fromkeys(names, record), "2026-11-29")
    assert list(new) == [names[3]]
    assert new[names[3]]["aliases"] == names[:3]
    base = {names[0]: {**new[names[3]], "aliases": names[1:]}}
    merged = merge_books(base, new, "2026-11-29")
    assert list(merged) == [names[3]] and merged[names[3]]["aliases"] == names[:3]
    # a key that is not a geo profile of the same model stays the previous book's
    kept = merge_books({"my-sonnet": {**new[names[3]], "aliases": names}}, new, "2026-11-29")
    assert list(kept) == ["my-sonnet"]


def test_long_context_batch_is_half_the_long_context_rate() -> None:
    """litellm gives Bedrock's Claude batch prices only flat (``*_batches``): past the 200K
    cliff they are still 50% of the long-context rate (Anthropic: modifiers stack; AWS: batch
    is half of on-demand), not the short-context batch price the flat field holds. The
    us.anthropic Sonnet 4.5 record: long-context input 6.6, output 24.75; batch 3.3, 12.375
    (before: 1.65 and 8.25, the short-context batch price, half of what AWS bills)."""
    from tokenecon.price.sources import litellm_models

    record = {
        "mode": "chat", "litellm_provider": "bedrock_converse",
        "input_cost_per_token": 3.3e-06, "output_cost_per_token": 1.65e-05,
        "input_cost_per_token_above_200k_tokens": 6.6e-06,
        "output_cost_per_token_above_200k_tokens": 2.475e-05,
        "cache_read_input_token_cost": 3.3e-07,
        "cache_read_input_token_cost_above_200k_tokens": 6.6e-07,
        "input_cost_per_token_batches": 1.65e-06, "output_cost_per_token_batches": 8.25e-06,
    }  # fmt: skip
    name = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    (model,) = litellm_models({name: record}, "2026-11-29").values()
    (entry,) = model["prices"]
    # cache reads keep their standard rate in batch below the cliff, and so above it
    assert entry["batch"] == {"multiply": D("0.5"), "cache_read": D("0.33")}
    assert entry["above"]["batch"] == {"multiply": D("0.5"), "cache_read": D("0.66")}
    book = load_price_book()
    key = book.resolve(name)
    assert key is not None
    active = book.models[key].active(date(2026, 11, 1))
    assert active is not None
    high = active.rates_for("batch", True)
    assert (high.input, high.output, high.cache_read) == (D("3.3"), D("12.375"), D("0.66"))
    low = active.rates_for("batch", False)
    assert (low.input, low.output) == (D("1.65"), D("8.25"))
