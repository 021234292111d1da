"""``tokenecon prices diff OLD NEW``: what changed between two price books."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tokenecon.price.book import BUCKETS, load_price_book
from tokenecon.price.model import ModelPrice
from tokenecon.price.rates import PriceEntry


def _fields(entry: PriceEntry) -> dict[str, str]:
    out = {b: str(entry.rates.of(b)) for b in BUCKETS}
    for tier, rates in sorted(entry.tiers.items()):
        out |= {f"{tier}.{b}": str(rates.of(b)) for b in BUCKETS}
    if entry.above_rates is not None:
        out["above.input_tokens"] = str(entry.above_input_tokens)
        out |= {f"above.{b}": str(entry.above_rates.of(b)) for b in BUCKETS}
        for tier in sorted(entry.tiers):
            rates = entry.rates_for(tier, True)
            out |= {f"above.{tier}.{b}": str(rates.of(b)) for b in BUCKETS}
    return out


def _dated(model: ModelPrice) -> list[str]:
    return [e.valid_from.isoformat() for e in model.entries]


def diff_books(old: Path, new: Path) -> list[dict[str, Any]]:
    """One row per change: a model added or removed, a new dated price, a field's new value
    in the latest price, a new or dropped spelling."""
    before = load_price_book([old], include_default=False)
    after = load_price_book([new], include_default=False)
    rows: list[dict[str, Any]] = []
    for key in sorted(set(before.models) | set(after.models)):
        a, b = before.models.get(key), after.models.get(key)
        if a is None or b is None:
            rows.append({"model": key, "change": "added" if a is None else "removed"})
            continue
        added_dates = sorted(set(_dated(b)) - set(_dated(a)))
        for day in added_dates:
            rows.append({"model": key, "change": "new price", "from": day})
        old_fields, new_fields = _fields(a.entries[-1]), _fields(b.entries[-1])
        for field in sorted(set(old_fields) | set(new_fields)):
            if old_fields.get(field) != new_fields.get(field):
                rows.append({
                    "model": key, "change": "field", "field": field,
                    "old": old_fields.get(field), "new": new_fields.get(field),
                })  # fmt: skip
        for name in sorted(set(b.aliases or ()) - set(a.aliases or ())):
            rows.append({"model": key, "change": "new spelling", "name": name})
        for name in sorted(set(a.aliases or ()) - set(b.aliases or ())):
            rows.append({"model": key, "change": "dropped spelling", "name": name})
        if b.retired and not a.retired:
            rows.append({"model": key, "change": "retired", "from": b.retired.isoformat()})
    return rows
