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
    # (raw name, model key or None, input, output) on 2026-11-29
    ("gpt-4o", "gpt-4o", D("2.5"), D(10)),
    ("gpt-4o-2024-08-06", "gpt-4o", D("2.5"), D(10)),
    ("gpt-4o-2024-11-20", "gpt-4o", D("2.5"), D(10)),
    ("gpt-4o-2024-05-13", "gpt-4o-2024-05-13", D(5), D(15)),
    ("chatgpt-4o-latest", "chatgpt-4o-latest", D(5), D(15)),
    ("openai/gpt-4o", "gpt-4o", D("2.5"), D(10)),
    ("openrouter/openai/gpt-4o", "gpt-4o", D("2.5"), D(10)),
    ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "ft:gpt-4o-mini-2024-07-18", D("0.3"), D("1.2")),
    ("gpt-5.4", "gpt-5.4", D("2.5"), D(15)),
    ("gpt-5.4-2026-03-05", "gpt-5.4", D("2.5"), D(15)),
    ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini", D("0.4"), D("1.6")),
    ("GPT-4.1-2025-04-14", "gpt-4.1", D(2), D(8)),
    ("gpt-4-turbo", "gpt-4-turbo", D(10), D(30)),
    ("gpt-4.5-preview", "gpt-4.5-preview", D(75), D(150)),
    ("o1-mini", "o1-mini", D("1.1"), D("4.4")),
    ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5", D(3), D(15)),
    ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5", D(3), D(15)),
    ("claude-sonnet-4-5@20250929", None, D(3), D(15)),
    ("claude-opus-4-1-20250805", "claude-opus-4-1", D(15), D(75)),
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet", D(3), D(15)),
    ("us.anthropic.claude-opus-4-6-v1", None, D("5.5"), D("27.5")),
    ("global.anthropic.claude-opus-4-6-v1", None, D(5), D(25)),
    ("claude-opus-4-6", "claude-opus-4-6", D(5), D(25)),
    ("gemini-2.5-pro", "gemini-2.5-pro", D("1.25"), D(10)),
    ("gemini-2.5-flash", "gemini-2.5-flash", D("0.3"), D("2.5")),
    ("grok-4", "grok-4", D(3), D(15)),
    ("xai/grok-4.5", "grok-4.5", D(2), D(6)),
    ("mistral-large-latest", "mistral-large-latest", D("0.5"), D("1.5")),
    ("mistral-large-2411", None, D(2), D(6)),
    ("mistral-medium-2508", None, D("0.4"), D(2)),
    ("mistral-small-2506", None, D("0.1"), D("0.3")),
    ("azure/my-gpt4o-deployment", None, None, None),
    ("acme-ft-llama-70b", None, None, None),
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
