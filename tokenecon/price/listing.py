"""The active prices of one model or of the whole book at a date (for `tokenecon prices`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenecon.errors import UnknownModelError
from tokenecon.price.book import BUCKETS, ModelPrice, load_price_book


def _plain(value: Decimal) -> str:
    """A computed price without trailing zeros or exponent (5.0 -> 5)."""
    return format(value.normalize(), "f")


def _row(model: ModelPrice, at: date) -> dict[str, Any] | None:
    entry = model.active(at)
    if entry is None:
        return None
    row: dict[str, Any] = {
        "model": model.key,
        "provider": model.provider,
        "tier": model.tier,
        "from": entry.valid_from.isoformat(),
        **{b: str(entry.rates.of(b)) for b in BUCKETS},
        "multipliers": {k: str(v) for k, v in sorted(entry.multipliers.items())},
        "tiers": {t: {b: _plain(r.of(b)) for b in BUCKETS} for t, r in sorted(entry.tiers.items())},
        "above": None,
        "context": {"input": model.max_input_tokens, "output": model.max_output_tokens},
        "aliases": list(model.aliases or ()),
        "retired": model.retired.isoformat() if model.retired else None,
        "regions": {k: _plain(v) for k, v in sorted(model.regions.items())},
        "speeds": {k: _plain(v) for k, v in sorted(model.speeds.items())},
        "source": entry.source,
        "checked": entry.checked,
    }
    if entry.above_rates and entry.above_input_tokens is not None:
        row["above"] = {
            "input_tokens": entry.above_input_tokens,
            **{b: str(entry.above_rates.of(b)) for b in BUCKETS},
            "tiers": {
                t: {b: _plain(entry.rates_for(t, True).of(b)) for b in BUCKETS}
                for t in sorted(entry.tiers)
            },
        }
    return row


def price_list(model: str | None, at: date | None, books: Sequence[Path]) -> list[dict[str, Any]]:
    """Rows of active prices; one model (resolved like usage names) or all of them."""
    book = load_price_book(books)
    when = at or datetime.now(UTC).date()
    if model:
        found = book.require(model)
        row = _row(found, when)
        if row is None:
            first = found.entries[0].valid_from.isoformat()
            raise UnknownModelError(
                f"{found.key} has no price on {when.isoformat()}", f"its first price is {first}"
            )
        return [row]
    rows = [_row(m, when) for m in sorted(book.models.values(), key=lambda m: (m.provider, m.key))]
    return [r for r in rows if r]
