"""Price book: model resolution, effective dates, discounts, cliff, exact costs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES

from tokenecon.errors import PriceBookError
from tokenecon.price.book import cost_of, load_price_book


@pytest.fixture
def book():
    return load_price_book([FIXTURES / "book.yaml"], include_default=False)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini"),
        ("openai/gpt-4.1-mini", "gpt-4.1-mini"),
        ("GPT-4.1-2025-04-14", "gpt-4.1"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5"),
        ("gemini-2.5-flash", "gemini-2.5-flash"),
        ("acme-ft-llama-70b", None),
    ],
)
def test_resolution(book, name: str, key: str | None) -> None:
    assert book.resolve(name) == key


def test_most_specific_glob_wins(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(
        "models:\n"
        "  broad: {match: ['acme-*'], prices: [{from: 2025-01-01, input: 1, output: 1}]}\n"
        "  narrow: {match: ['acme-ft-*'], prices: [{from: 2025-01-01, input: 2, output: 2}]}\n"
    )
    book = load_price_book([path], include_default=False)
    assert book.resolve("acme-ft-llama") == "narrow"
    assert book.resolve("acme-base") == "broad"


def test_effective_dates_and_discounts(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(
        "models:\n"
        "  m:\n    provider: openai\n    prices:\n"
        "      - {from: 2025-01-01, input: 2, output: 8}\n"
        "      - {from: 2026-03-01, input: 1, output: 4}\n"
        "discounts:\n  - {provider: openai, multiply: 0.85, from: 2026-01-01}\n"
    )
    book = load_price_book([path], include_default=False)
    periods = book.periods(["m"])
    assert [(p.start.date(), p.entry.rates.input, p.discount) for p in periods] == [
        (date(2025, 1, 1), Decimal(2), Decimal(1)),
        (date(2026, 1, 1), Decimal(2), Decimal("0.85")),
        (date(2026, 3, 1), Decimal(1), Decimal("0.85")),
    ]
    cost = cost_of(periods[1], {"input": 1_000_000, "output": 1_000_000}, "standard", False)
    assert cost == Decimal("8.50")


def test_cliff_and_batch(book) -> None:
    period = book.periods(["claude-sonnet-4-5"])[0]
    tokens = {"input": 250_000, "output": 1_000}
    assert cost_of(period, tokens, "standard", True) == Decimal("1.5225")  # 250k*6 + 1k*22.5
    assert cost_of(period, tokens, "batch", False) == Decimal("0.3825")  # (0.75+0.015)/2


def test_bad_price_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text(
        "models:\n  m:\n    prices:\n      - {from: 2025-01-01, input: abc, output: 1}\n"
    )
    with pytest.raises(PriceBookError) as err:
        load_price_book([path], include_default=False)
    assert f"{path}:2" in err.value.message and "input" in err.value.message
