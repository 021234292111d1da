"""Price data maintained by others, read into price-book models (``prices import``, the build).

``litellm``'s ``model_prices_and_context_window.json`` keys every spelling it knows (first
party, Bedrock ids and inference profiles, Vertex ``@`` snapshots, Azure routes) with per-token
prices. We read it as plain JSON (litellm is never imported). Spellings of one model family that
carry identical prices become one book model with ``aliases``; a spelling with another price
(a regional uplift, an older snapshot) becomes a model of its own, so no name borrows a price
that is not its own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from tokenecon.errors import PriceBookError
from tokenecon.ingest.model_names import BEDROCK_PREFIX, DATE_SUFFIX, VENDOR_DOT
from tokenecon.price.geo_keys import key_order
from tokenecon.price.rates import BUCKETS, SERVICE_TIERS
from tokenecon.price.resolve import NEUTRAL_PREFIXES

FIRST_PARTY = {
    "openai": "openai", "text-completion-openai": "openai", "anthropic": "anthropic",
    "gemini": "google", "vertex_ai-language-models": "google", "mistral": "mistral",
    "deepseek": "deepseek", "xai": "xai",
}  # fmt: skip
"""litellm providers that are the model maker's own API, and the maker."""
RESELLERS = {
    "vertex_ai-anthropic_models", "vertex_ai-mistral_models", "vertex_ai-deepseek_models",
    "bedrock", "bedrock_converse", "azure", "azure_ai", "openrouter",
}  # fmt: skip
"""litellm providers that resell the six makers' models under names of their own."""
MODES = {"chat", "completion", "responses"}
FAMILIES = (
    (re.compile(r"^(claude)"), "anthropic"),
    (re.compile(r"^(gemini)"), "google"),
    (re.compile(r"^(grok)"), "xai"),
    (re.compile(r"^(deepseek)"), "deepseek"),
    (re.compile(r"^(mistral|mixtral|magistral|ministral|codestral|devstral|pixtral|"
                r"open-mistral|open-mixtral|voxtral)"), "mistral"),
    (re.compile(r"^(gpt-(?!oss)|o1|o3|o4|chatgpt|codex|ft:|davinci|babbage|computer-use)"),
     "openai"),
)  # fmt: skip
_LITELLM_BUCKETS = {
    "input": "input_cost_per_token",
    "cache_read": "cache_read_input_token_cost",
    "cache_write": "cache_creation_input_token_cost",
    "cache_write_1h": "cache_creation_input_token_cost_above_1hr",
    "output": "output_cost_per_token",
}
_LITELLM_TIERS = {"batch": "batches", "flex": "flex", "priority": "priority"}
_REGIONS = {
    "eu": "regional_processing_uplift_multiplier_eu",
    "us": "regional_processing_uplift_multiplier_us",
    "fedramp": "fedramp_uplift_multiplier",
}
"""Data-residency uplifts litellm lists: processing kept in a region costs this multiple."""
_INFERENCE_GEOS = ("us",)
"""Billing geos litellm lists in ``provider_specific_entry`` (keyed by the ``inference_geo`` a
request was served in: Anthropic's ``us: 1.1``); ``global`` is the standard price."""
_SPEEDS = ("fast",)
"""Speeds litellm lists in ``provider_specific_entry`` (keyed by the ``speed`` a request ran
at: Anthropic's fast mode, ``fast: 2``); ``standard`` is the standard price."""
_ABOVE = re.compile(r"^input_cost_per_token_above_(\d+)k_tokens$")
LITELLM_URL = "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json"
"""Where a litellm record that names no page of its own comes from."""
FLOOR_DATE = "2023-01-01"
"""``from`` of a price whose start no source gives (and no snapshot date in its names)."""
_NAME_DATE = re.compile(r"(20\d\d)-?(\d\d)-?(\d\d)")


def family_of(name: str) -> str | None:
    """The maker of a model from its bare name, None for a model of another maker."""
    for pattern, provider in FAMILIES:
        if pattern.match(name):
            return provider
    return None


def bare_name(name: str) -> str:
    """A spelling without routing prefixes, region profile, vendor dot, version or ``@``."""
    bare = name.lower().rsplit("/", 1)[-1]
    bare = VENDOR_DOT.sub("", BEDROCK_PREFIX.sub("", bare))
    bare = re.sub(r"-v\d+(:\d+)?$", "", bare).replace("@", "-")
    return bare


_DATED = re.compile(r"^(.+?)-(20\d{6}|20\d\d-\d\d-\d\d)$")


def is_dated(bare: str) -> str | None:
    """The family of a dated snapshot name (``claude-opus-4-1-20250805`` -> ``claude-opus-4-1``),
    None for a name without a snapshot date."""
    found = _DATED.match(bare)
    return found.group(1) if found else None


def neutral_form(name: str) -> str:
    """A spelling without the routing prefixes that change no price."""
    current = name.lower()
    while "/" in current and current.split("/", 1)[0] in NEUTRAL_PREFIXES:
        current = current.split("/", 1)[1]
    return current


def per_million(value: Any, where: str) -> Decimal:
    """A litellm per-token price as a price per million tokens, exact."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise PriceBookError(f"{where}: expected a per-token price, got {value!r}")
    number = Decimal(str(value)) * 1_000_000
    return _plain(number)


def _plain(number: Decimal) -> Decimal:
    """Drop float noise below 1e-9 per million and trailing zeros."""
    number = number.quantize(Decimal("1e-9")).normalize()
    return number if number != number.to_integral() else number.quantize(Decimal(1))


def litellm_rates(
    record: dict[str, Any], tier: str | None, above: int | None, where: str
) -> dict[str, Decimal] | None:
    """Every bucket's price of one service tier, below or above a cliff (``above`` in
    thousands), as litellm's fields give it; None when the tier has no input or output price.

    Each bucket's field is looked up most specific first: above-cliff tier, tier, above-cliff,
    standard (litellm's own fallback, and genai-prices' reading of a tier that leaves a bucket
    out). A bucket litellm lists nowhere bills as its parent: cache reads and 5-minute writes
    as input, 1-hour writes as 5-minute writes. One correction: a tier that prices 5-minute
    writes but not 1-hour writes scales the 1-hour price alike (litellm bills batch 1-hour
    writes at the 5-minute rate; pricing/REFERENCE-DIFFERENCES.md).
    """
    suffixes = []
    if above and tier:
        suffixes.append(f"_above_{above}k_tokens_{tier}")
    if tier:
        suffixes.append(f"_{tier}")
    if above:
        suffixes.append(f"_above_{above}k_tokens")
    suffixes.append("")
    tiered = {i for i, x in enumerate(suffixes) if tier and x.endswith(f"_{tier}")}
    writes = "cache_creation_input_token_cost" in record
    out: dict[str, Decimal] = {}
    found_at: dict[str, int] = {}
    for bucket, field in _LITELLM_BUCKETS.items():
        for rank, suffix in enumerate(suffixes):
            if bucket == "cache_write" and "_above_" in suffix and not writes:
                continue  # Gemini: an above-cliff storage rate, not a write price
            names = [f"{field}{suffix}"]
            if bucket == "cache_write_1h" and suffix:
                names.append(f"cache_creation_input_token_cost{suffix}_above_1hr")
            value = next((record[n] for n in names if record.get(n) is not None), None)
            if value is not None:
                out[bucket] = per_million(value, f"{where}.{names[0]}")
                found_at[bucket] = rank
                break
    if tier and not any(found_at.get(b) in tiered for b in ("input", "output")):
        return None
    if "input" not in out or "output" not in out:
        return None
    out.setdefault("cache_read", out["input"])
    if "cache_write" not in out:
        out["cache_write"] = out["input"]
        found_at["cache_write"] = found_at["input"]
    if "cache_write_1h" not in out:
        out["cache_write_1h"] = out["cache_write"]
    elif found_at["cache_write"] in tiered and found_at["cache_write_1h"] not in tiered:
        plain = litellm_rates(record, None, above, where)
        if plain and plain["cache_write"]:
            ratio = out["cache_write"] / plain["cache_write"]
            out["cache_write_1h"] = _plain(plain["cache_write_1h"] * ratio)
    return out


def tier_value(standard: dict[str, Decimal], given: dict[str, Decimal]) -> Any:
    """A tier as the book writes it: one multiplier when every bucket scales alike, else
    ``{multiply: m, bucket: price}`` for the buckets that do not follow ``m``."""
    anchor = "input" if "input" in given and standard["input"] else "output"
    if anchor not in given or not standard[anchor]:
        return None
    factor = _plain(given[anchor] / standard[anchor])
    odd = {b: v for b, v in given.items() if standard[b] * factor != v}
    if not odd:
        return factor
    if factor != factor.quantize(Decimal("0.0001")):
        # no common multiplier: every given bucket as a price, the rest at the nearest factor
        odd, factor = dict(given), _plain(factor.quantize(Decimal("0.0001")))
    return {"multiply": factor, **{b: odd[b] for b in BUCKETS if b in odd}}


def _explicit(rates: dict[str, Decimal]) -> dict[str, Decimal]:
    """Standard buckets as the book writes them: defaults (read/write = input) left out."""
    out = {"input": rates["input"]}
    if rates["cache_read"] != rates["input"]:
        out["cache_read"] = rates["cache_read"]
    if rates["cache_write"] != rates["input"]:
        out["cache_write"] = rates["cache_write"]
    if rates["cache_write_1h"] != rates["cache_write"]:
        out["cache_write_1h"] = rates["cache_write_1h"]
    out["output"] = rates["output"]
    return {b: out[b] for b in BUCKETS if b in out}


def litellm_entry(record: dict[str, Any], where: str) -> dict[str, Any] | None:
    """One litellm record as a book price entry (without ``from``), None when unpriced."""
    standard = litellm_rates(record, None, None, where)
    if standard is None or not (standard["input"] or standard["output"]):
        return None  # no price, or a free preview: never price usage at zero by default
    entry: dict[str, Any] = _explicit(standard)
    for tier, suffix in _LITELLM_TIERS.items():
        rates = litellm_rates(record, suffix, None, where)
        if rates is not None:
            entry[tier] = tier_value(standard, rates)
    cliffs = sorted(int(m.group(1)) for k in record if (m := _ABOVE.match(k)))
    if cliffs:
        size = cliffs[0]
        high = litellm_rates(record, None, size, where)
        assert high is not None
        above: dict[str, Any] = {"input_tokens": size * 1000}
        above |= {b: high[b] for b in BUCKETS if high[b] != standard[b]}
        for tier, suffix in _LITELLM_TIERS.items():
            if tier not in entry:
                continue
            rates = litellm_rates(record, suffix, size, where)
            if (
                rates is not None
                and tier in _SCALED_PAST_CLIFF
                and not any(k.endswith(f"_above_{size}k_tokens_{suffix}") for k in record)
            ):
                rates = _scaled_like(rates, high, litellm_rates(record, suffix, None, where),
                                     standard)  # fmt: skip
            if rates is not None:
                above[tier] = tier_value(high, rates)
        entry["above"] = above
    entry["source"] = str(record.get("source") or LITELLM_URL)
    return entry


_SCALED_PAST_CLIFF = ("batch", "flex")
"""Tiers that are a discount on whatever rate applies, past the long-context cliff too
(Anthropic: modifiers stack; OpenAI: long-context pricing applies to batch and flex; Google:
batch at 50%). Priority past the cliff is left as litellm gives it: OpenAI's priority tables
exclude long context."""


def _scaled_like(
    rates: dict[str, Decimal],
    high: dict[str, Decimal],
    tier: dict[str, Decimal] | None,
    standard: dict[str, Decimal],
) -> dict[str, Decimal]:
    """A tier's prices past the cliff where litellm gives only its flat ones (Bedrock's and
    Gemini's ``*_batches``): each bucket's above-cliff price times the tier's own ratio below
    it (batch = 50% of the long-context rate, as Anthropic stacks its modifiers and Google and
    AWS list them), not the flat tier price, which is the short-context batch price."""
    if tier is None:
        return rates
    return {
        b: _plain(high[b] * tier[b] / standard[b]) if standard[b] else rates[b] for b in BUCKETS
    }


def _signature(entry: dict[str, Any]) -> str:
    return repr(sorted((k, repr(v)) for k, v in entry.items() if k not in ("source", "checked")))


def release_date(names: list[str]) -> str | None:
    """The earliest snapshot date the names carry (``claude-opus-4-6-20260205``,
    ``gpt-4o-2024-08-06``): the names, at these prices, exist from that day. None when no
    name carries one."""
    dates = []
    for name in names:
        m = _NAME_DATE.search(bare_name(name))
        if m and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
            dates.append(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")
    return min(dates) if dates else None


def _first_date(names: list[str]) -> str:
    return release_date(names) or FLOOR_DATE


def litellm_models(data: Any, checked: str) -> dict[str, dict[str, Any]]:
    """Book models from litellm's price JSON: the six makers' chat models and resold names."""
    if not isinstance(data, dict):
        raise PriceBookError("litellm price data: expected a JSON object of model records")
    groups: dict[tuple[str, str, str], list[tuple[str, str, dict[str, Any], dict[str, Any]]]]
    groups = defaultdict(list)
    for name in sorted(data):
        record = data[name]
        if not isinstance(record, dict) or record.get("mode") not in MODES:
            continue
        seller = str(record.get("litellm_provider", ""))
        if seller not in FIRST_PARTY and seller not in RESELLERS:
            continue
        bare = bare_name(name)
        maker = family_of(bare)
        if maker is None or (seller in FIRST_PARTY and FIRST_PARTY[seller] != maker):
            continue
        entry = litellm_entry(record, f"litellm[{name!r}]")
        if entry is None:
            continue
        family = DATE_SUFFIX.sub("", bare)
        groups[(maker, family, _signature(entry))].append((name.lower(), seller, entry, record))
    return _name_groups(groups, checked)


def _name_groups(
    groups: dict[tuple[str, str, str], list[tuple[str, str, dict[str, Any], dict[str, Any]]]],
    checked: str,
) -> dict[str, dict[str, Any]]:
    """One model per group, first-party groups claiming their plain names first."""
    models: dict[str, dict[str, Any]] = {}
    claimed: set[str] = set()

    def first_party(members: list[Any]) -> bool:
        return any(seller in FIRST_PARTY for _, seller, _, _ in members)

    order = sorted(groups, key=lambda g: (not first_party(groups[g]), g))
    for group in order:
        members = groups[group]
        own = sorted(
            (neutral_form(n) for n, seller, _, _ in members if seller in FIRST_PARTY),
            key=lambda n: (len(n), n),
        )
        names = sorted({n for n, _, _, _ in members}, key=key_order)
        key = next((n for n in own if n not in claimed), None)
        key = key or next((n for n in names if n not in claimed), None)
        if key is None:
            continue
        # A reseller's name stripped of its prefix would claim the maker's plain name at the
        # reseller's price: only Vertex's ``@`` snapshots (never a maker's spelling) are kept.
        spellings = set(names) | {neutral_form(n) for n in names if "@" in n or n in own}
        spellings |= {neutral_form(n) for n, seller, _, _ in members if seller in FIRST_PARTY}
        aliases = sorted(s for s in spellings - {key} if s not in claimed)
        claimed |= {key, *aliases}
        primary = next(
            (m for m in members if m[1] in FIRST_PARTY), min(members, key=lambda m: m[0])
        )
        entry = {"from": _first_date([key, *aliases]), **primary[2], "checked": checked}
        model: dict[str, Any] = {"provider": group[0], "aliases": aliases}
        record = primary[3]
        context = {
            side: record[k]
            for side, k in (("input", "max_input_tokens"), ("output", "max_output_tokens"))
            if isinstance(record.get(k), int) and record[k] > 0
        }
        if context:
            model["context"] = context
        regions = {
            name: per_million(record[k], f"litellm[{primary[0]!r}].{k}") / 1_000_000
            for name, k in _REGIONS.items()
            if isinstance(record.get(k), int | float) and not isinstance(record.get(k), bool)
        }
        geos = record.get("provider_specific_entry")
        geos = geos if isinstance(geos, dict) else {}
        for geo in _INFERENCE_GEOS:
            value = geos.get(geo)
            if isinstance(value, int | float) and not isinstance(value, bool):
                where = f"litellm[{primary[0]!r}].provider_specific_entry.{geo}"
                regions[geo] = per_million(value, where) / 1_000_000
        if regions:
            model["regions"] = {k: _plain(v) for k, v in sorted(regions.items())}
        speeds = {
            speed: per_million(geos[speed], f"litellm[{primary[0]!r}].provider_specific_entry."
                               f"{speed}") / 1_000_000
            for speed in _SPEEDS
            if isinstance(geos.get(speed), int | float) and not isinstance(geos.get(speed), bool)
        }  # fmt: skip
        if speeds:
            model["speeds"] = {k: _plain(v) for k, v in sorted(speeds.items())}
        model["prices"] = [entry]
        models[key] = model
    return models


__all__ = ["SERVICE_TIERS", "litellm_models", "release_date", "tier_value"]
