"""pydantic's genai-prices data (its ``data.json``, or the package's objects made plain) read
into price-book models, for ``prices import --from genai-prices`` and the default book's build.

genai-prices keeps start-dated historic prices and a match rule per model. We take its
``equals`` spellings (never ``starts_with`` or ``contains`` rules: a prefix may reach another
price), its start-dated prices, its tiers (``processing: batch``, ``service_tier: flex`` or
``priority``) and its long-context tiers. Time-of-day prices (DeepSeek's peak hours) have no
place in a book and are left out; pricing/REFERENCE-DIFFERENCES.md lists the consequence.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

from tokenecon.errors import PriceBookError
from tokenecon.price.sources import FLOOR_DATE, family_of, tier_value

PROVIDERS = {
    "openai": "openai", "anthropic": "anthropic", "google": "google", "mistral": "mistral",
    "deepseek": "deepseek", "x-ai": "xai",
}  # fmt: skip
"""genai-prices provider ids of the six makers, and the book's name for each."""
GENAI_URL = "https://github.com/pydantic/genai-prices"
_FIELDS = {
    "input": "input_mtok", "cache_read": "cache_read_mtok", "cache_write": "cache_write_mtok",
    "cache_write_1h": "cache_write_1h_mtok", "output": "output_mtok",
}  # fmt: skip
_TIERS = {("processing", "batch"): "batch", ("service_tier", "flex"): "flex",
          ("service_tier", "priority"): "priority"}  # fmt: skip


def plain(value: Any) -> Any:
    """genai-prices' own objects as the plain JSON-like form of its ``data.json``."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if item is not None and item != []:
                out[f.name.rstrip("_")] = plain(item)
        return out
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "__dict__") and not isinstance(value, type):
        fields = {k: v for k, v in vars(value).items() if not k.startswith("_")}
        return {k.rstrip("_"): plain(v) for k, v in fields.items() if v is not None and v != []}
    return value


def _equals(clause: Any) -> list[str]:
    if not isinstance(clause, dict):
        return []
    if "or" in clause:
        return [n for c in clause["or"] for n in _equals(c)]
    if "equals" in clause:
        return [str(clause["equals"]).lower()]
    return []


def _split(value: Any) -> tuple[Decimal | None, int | None, Decimal | None]:
    """(base, threshold, price above) of a plain or tiered price."""
    if value is None:
        return None, None, None
    if isinstance(value, dict):
        tiers = list(value.get("tiers") or [])
        base = Decimal(str(value["base"]))
        if tiers:
            return base, int(tiers[0]["start"]), Decimal(str(tiers[0]["price"]))
        return base, None, None
    return Decimal(str(value)), None, None


def entry_of(prices: Any) -> dict[str, Any] | None:
    """A genai-prices price mapping as a book entry (without ``from``), None without token
    prices or at $0 (never price usage at zero by default)."""
    if not isinstance(prices, dict):
        return None
    entry: dict[str, Any] = {}
    above: dict[str, Any] = {}
    for bucket, attribute in _FIELDS.items():
        base, threshold, high = _split(prices.get(attribute))
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


def genai_models(providers: Any, today: str | None = None) -> list[dict[str, Any]]:
    """Each genai-prices chat model of the six makers: names, dated entries, context.

    Tiers (``price_variants``) carry no dates of their own: they go on the entry in force on
    ``today`` (the last one when None), not on a price announced for a later day.
    """
    if not isinstance(providers, list):
        raise PriceBookError(
            "genai-prices data: expected a JSON list of providers",
            "pass genai-prices' prices/data.json, or --from litellm for litellm's JSON",
        )
    out = []
    for provider in providers:
        maker = PROVIDERS.get(str(provider.get("id")))
        if maker is None:
            continue
        page = (provider.get("pricing_urls") or [GENAI_URL])[0]
        for model in provider.get("models") or []:
            names = list(dict.fromkeys([str(model["id"]).lower(), *_equals(model.get("match"))]))
            family = family_of(names[0])
            if family is None:
                continue
            entries = _entries(model.get("prices"), page)
            if not entries:
                continue
            in_force = [e for e in entries if today is None or e["from"] <= today]
            _add_tiers((in_force or entries)[-1], model.get("price_variants") or [])
            out.append({
                "provider": maker, "names": names, "entries": entries,
                "context": model.get("context_window"), "deprecated": bool(model.get("deprecated")),
                "resold": family != maker,  # another maker's model (Vertex's Claude under google)
            })  # fmt: skip
    return out


def _entries(prices: Any, page: str) -> list[dict[str, Any]]:
    dated: list[tuple[str, Any]] = []
    if isinstance(prices, list):
        for conditional in prices:
            constraint = conditional.get("constraint")
            if constraint is None:
                dated.append((FLOOR_DATE, conditional.get("prices")))
            elif "start_date" in constraint:
                dated.append((str(constraint["start_date"])[:10], conditional.get("prices")))
    else:
        dated.append((FLOOR_DATE, prices))
    entries = []
    for start, price in sorted(dated, key=lambda d: d[0]):
        entry = entry_of(price)
        if entry is not None:
            entries.append({"from": start, **entry, "source": page})
    return entries


def _add_tiers(entry: dict[str, Any], variants: list[Any]) -> None:
    """Tiers from ``price_variants``: a bucket a variant leaves out keeps the standard price
    (genai-prices' reading); a flat variant price holds above the cliff too."""
    standard = _full(entry)
    high = _full({**entry, **entry["above"]}) if "above" in entry else None
    for variant in variants:
        when = variant.get("when") or {}
        key = tuple(next(iter(when.items()))) if len(when) == 1 else None
        tier = _TIERS.get(key) if key else None
        if tier is None:
            continue
        below: dict[str, Decimal] = dict(standard)
        above: dict[str, Decimal] = dict(high) if high else {}
        for bucket, attribute in _FIELDS.items():
            base, threshold, price = _split((variant.get("prices") or {}).get(attribute))
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


def genai_book(providers: Any, checked: str) -> dict[str, dict[str, Any]]:
    """Book models from genai-prices data alone (``prices import --from genai-prices``)."""
    models: dict[str, dict[str, Any]] = {}
    claimed: set[str] = set()
    for item in genai_models(providers, checked):
        free = [n for n in item["names"] if n not in claimed]
        if not free:
            continue
        model: dict[str, Any] = {"provider": item["provider"], "aliases": free[1:]}
        if item["context"]:
            model["context"] = {"input": int(item["context"])}
        model["prices"] = [{**e, "checked": checked} for e in item["entries"]]
        models[free[0]] = model
        claimed.update(free)
    return models
