"""pydantic's genai-prices data (the installed package, development only) as book models.

genai-prices keeps start-dated historic prices and a match rule per model. We take its
``equals`` spellings (never its ``starts_with`` rules: a prefix may reach another price), its
start-dated prices, its tiers (``processing: batch``, ``service_tier: flex|priority``) and its
long-context tiers. Time-of-day prices (DeepSeek's peak hours) have no place in a book and
are left out; REFERENCE-DIFFERENCES.md lists the consequence.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tokenecon.price.sources import FLOOR_DATE, family_of, tier_value

PROVIDERS = {
    "openai": "openai", "anthropic": "anthropic", "google": "google", "mistral": "mistral",
    "deepseek": "deepseek", "x-ai": "xai",
}  # fmt: skip
GENAI_URL = "https://github.com/pydantic/genai-prices"
_FIELDS = {
    "input": "input_mtok", "cache_read": "cache_read_mtok", "cache_write": "cache_write_mtok",
    "cache_write_1h": "cache_write_1h_mtok", "output": "output_mtok",
}  # fmt: skip
_TIERS = {("processing", "batch"): "batch", ("service_tier", "flex"): "flex",
          ("service_tier", "priority"): "priority"}  # fmt: skip


def _equals(clause: Any) -> list[str]:
    if hasattr(clause, "or_"):
        return [n for c in clause.or_ for n in _equals(c)]
    if hasattr(clause, "equals"):
        return [str(clause.equals).lower()]
    return []


def _split(value: Any) -> tuple[Decimal | None, int | None, Decimal | None]:
    """(base, threshold, price above) of a plain or tiered price."""
    if value is None:
        return None, None, None
    if hasattr(value, "base"):
        tiers = list(value.tiers or [])
        if tiers:
            return Decimal(value.base), int(tiers[0].start), Decimal(tiers[0].price)
        return Decimal(value.base), None, None
    return Decimal(value), None, None


def entry_of(prices: Any) -> dict[str, Any] | None:
    """A genai ModelPrice as a book entry (without ``from``), None without token prices."""
    entry: dict[str, Any] = {}
    above: dict[str, Any] = {}
    for bucket, attribute in _FIELDS.items():
        base, threshold, high = _split(getattr(prices, attribute, None))
        if base is None:
            continue
        entry[bucket] = base.normalize()
        if threshold is not None and high is not None:
            above.setdefault("input_tokens", threshold)
            above[bucket] = high.normalize()
    if "input" not in entry or "output" not in entry or not (entry["input"] or entry["output"]):
        return None
    if above:
        entry["above"] = above
    return entry


def _full(entry: dict[str, Any]) -> dict[str, Decimal]:
    """Every bucket of a book entry (or its ``above``), defaults filled in."""
    out = {k: Decimal(str(entry[k])) for k in _FIELDS if k in entry}
    out.setdefault("cache_read", out["input"])
    out.setdefault("cache_write", out["input"])
    out.setdefault("cache_write_1h", out["cache_write"])
    return out


def genai_models(providers: Any) -> list[dict[str, Any]]:
    """Each genai-prices chat model of the six makers: names, dated entries, context."""
    out = []
    for provider in providers:
        maker = PROVIDERS.get(provider.id)
        if maker is None:
            continue
        for model in provider.models:
            names = list(dict.fromkeys([model.id.lower(), *_equals(model.match)]))
            if family_of(names[0]) is None:
                continue
            dated: list[tuple[str, Any]] = []
            prices = model.prices
            if isinstance(prices, list):
                for conditional in prices:
                    constraint = conditional.constraint
                    if constraint is None:
                        dated.append((FLOOR_DATE, conditional.prices))
                    elif isinstance(getattr(constraint, "start_date", None), date):
                        dated.append((constraint.start_date.isoformat(), conditional.prices))
            else:
                dated.append((FLOOR_DATE, prices))
            entries = []
            page = (provider.pricing_urls or [GENAI_URL])[0]
            for start, price in sorted(dated, key=lambda d: d[0]):
                entry = entry_of(price)
                if entry is not None:
                    entries.append({"from": start, **entry, "source": page})
            if not entries:
                continue
            _add_tiers(entries[-1], model.price_variants or [])
            out.append({
                "provider": maker, "names": names, "entries": entries,
                "context": model.context_window, "deprecated": bool(model.deprecated),
            })  # fmt: skip
    return out


def _add_tiers(entry: dict[str, Any], variants: list[Any]) -> None:
    """Tiers from ``price_variants``: a bucket a variant leaves out keeps the standard price
    (genai-prices' reading); a flat variant price holds above the cliff too."""
    standard = _full(entry)
    high = _full({**entry, **entry["above"]}) if "above" in entry else None
    for variant in variants:
        when = tuple(next(iter(variant.when.items()))) if len(variant.when) == 1 else None
        tier = _TIERS.get(when) if when else None
        if tier is None:
            continue
        below: dict[str, Decimal] = dict(standard)
        above: dict[str, Decimal] = dict(high) if high else {}
        for bucket, attribute in _FIELDS.items():
            base, threshold, price = _split(getattr(variant.prices, attribute, None))
            if base is None:
                continue
            below[bucket] = base.normalize()
            if high is not None:
                above[bucket] = (price if threshold is not None and price is not None
                                 else base).normalize()  # fmt: skip
        if below == standard:
            continue
        entry[tier] = tier_value(standard, below)
        if high is not None:
            entry["above"][tier] = tier_value(high, above)
