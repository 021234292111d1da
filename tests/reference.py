"""A plain-Python reading of a canonical usage CSV, written from docs/ alone.

It shares no code with tokenecon: the tests compare the two, so a number the tool prints can
be reproduced by hand from the raw file. Only what the tests need is implemented: canonical
columns, exclusive buckets, dedup by request id (identical copies), the price book's base,
cliff, tier and date rules and name resolution (docs/price-book-fields.md), and the mapping's
`match` rules of equality/glob on columns and `tags.<key>`.
"""

from __future__ import annotations

import csv
import fnmatch
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import yaml

BUCKETS = {
    "uncached_input_tokens": "input",
    "cache_read_tokens": "cache_read",
    "cache_write_tokens": "cache_write",
    "cache_write_1h_tokens": "cache_write_1h",
    "output_tokens": "output",
}


@dataclass
class Tally:
    cost: Decimal = Decimal(0)
    tokens: int = 0
    requests: int = 0
    tasks: set[str] = field(default_factory=set)
    keyless_tasks: int = 0
    unpriced_tokens: int = 0


@dataclass
class Reference:
    rows_read: int = 0
    rejected: int = 0
    duplicates: int = 0
    unpriced_rows: int = 0
    priced_rows: int = 0
    use_cases: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    total: Tally = field(default_factory=Tally)


NEUTRAL = (
    "openrouter/",
    "openai/",
    "anthropic/",
    "google/",
    "gemini/",
    "vertex_ai/",
    "models/",
    "mistral/",
    "mistralai/",
    "deepseek/",
    "xai/",
    "x-ai/",
    "azure/",
    "bedrock/",
)


def _price_of(book: dict, model: str, day: date) -> tuple[str, dict] | None:
    """The book's model for a reported name (docs/price-book-fields.md): the exact name as a
    key or alias, then without price-neutral prefixes, a fine-tune as ``ft:BASE``, a ``match``
    glob, and for a model with no ``aliases`` list the name without its date."""
    models = book["models"]
    name = model.lower()
    forms = [name]
    while forms[-1].startswith(NEUTRAL):
        forms.append(forms[-1].split("/", 1)[1])
    if forms[-1].startswith("ft:"):
        forms.append(":".join(forms[-1].split(":")[:2]))
    found = None
    for form in forms:
        found = next(
            (k for k, spec in models.items() if form == k or form in (spec.get("aliases") or [])),
            None,
        )
        if found:
            break
    if found is None:
        found = next(
            (k for k, spec in models.items()
             if any(fnmatch.fnmatchcase(f, p) for p in spec.get("match", []) for f in forms)),
            None,
        )  # fmt: skip
    if found is None:
        bare = re.sub(r"(-\d{4}-\d{2}-\d{2}|-\d{8})$", "", name.rsplit("/", 1)[-1])
        if bare in models and "aliases" not in models[bare]:
            found = bare
    if found is None:
        return None
    entries = sorted(models[found]["prices"], key=lambda e: e["from"])
    active = [e for e in entries if e["from"] <= day]
    return (found, active[-1]) if active else None


def _cost(entry: dict, tokens: dict[str, int], tier: str) -> Decimal:
    """Buckets x prices; a tier is a multiplier or {multiply, bucket: price}; above the cliff
    the ``above`` prices, and its own tier where it gives one."""
    prompt = sum(tokens[c] for c in list(BUCKETS)[:4])
    base = {k: Decimal(str(v)) for k, v in entry.items() if k in BUCKETS.values()}
    base.setdefault("cache_read", base["input"])
    base.setdefault("cache_write", base["input"])
    base.setdefault("cache_write_1h", base["cache_write"])
    spec = entry.get(tier) if tier in ("batch", "flex", "priority") else None
    above = entry.get("above")
    if above and prompt > above["input_tokens"]:
        high = {**base, **{k: Decimal(str(v)) for k, v in above.items() if k in base}}
        if tier in above:
            prices = _tier_prices(above[tier], high)
        elif spec is not None:
            prices = _scaled(spec, base, high)
        else:
            prices = high
    else:
        prices = _tier_prices(spec, base) if spec is not None else base
    return sum(prices[b] * tokens[c] for c, b in BUCKETS.items()) / Decimal(1_000_000)


def _tier_prices(spec, standard: dict) -> dict:
    if isinstance(spec, dict):
        factor = Decimal(str(spec.get("multiply", 1)))
        return {b: Decimal(str(spec[b])) if b in spec else v * factor for b, v in standard.items()}
    return {b: v * Decimal(str(spec)) for b, v in standard.items()}


def _scaled(spec, below: dict, above: dict) -> dict:
    """A tier given below the cliff, applied above it bucket by bucket (its ratio)."""
    tier = _tier_prices(spec, below)
    return {b: above[b] * tier[b] / below[b] if below[b] else above[b] for b in below}


def _matches(rule_value: object, value: str | None) -> bool:
    values = rule_value if isinstance(rule_value, list) else [rule_value]
    return value is not None and any(fnmatch.fnmatchcase(value, str(v)) for v in values)


def _attribute(row: dict[str, str], key: str) -> str | None:
    if key.startswith("tags."):
        tags = json.loads(row["tags"]) if row.get("tags") else {}
        value = tags.get(key[5:])
        return None if value is None else str(value)
    return row.get(key) or None


def compute(usage: Path, book_path: Path, mapping_path: Path | None) -> Reference:
    book = yaml.safe_load(book_path.read_text())
    mapping = yaml.safe_load(mapping_path.read_text())["use_cases"] if mapping_path else {}
    ref = Reference()
    seen: set[str] = set()
    with usage.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            ref.rows_read += 1
            try:
                tokens = {c: int(float(row[c])) if row.get(c) else 0 for c in BUCKETS}
                reasoning = (
                    int(float(row["reasoning_tokens"])) if row.get("reasoning_tokens") else 0
                )
                when = datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00"))
            except ValueError:
                ref.rejected += 1
                continue
            if any(v < 0 for v in tokens.values()) or reasoning < 0:
                ref.rejected += 1
                continue
            if reasoning > tokens["output_tokens"] or not row.get("model"):
                ref.rejected += 1
                continue
            if row.get("request_id"):
                if row["request_id"] in seen:
                    ref.duplicates += 1
                    continue
                seen.add(row["request_id"])
            name = next(
                (
                    n
                    for n, u in mapping.items()
                    if all(_matches(v, _attribute(row, k)) for k, v in u["match"].items())
                ),
                None,
            )
            tally = ref.use_cases[name or "(unattributed)"]
            billable = sum(tokens.values())
            price = _price_of(book, row["model"], when.date())
            for t in (tally, ref.total):
                t.tokens += billable
                t.requests += 1
            task_key = mapping.get(name, {}).get("task_key") if name else None
            key = _attribute(row, task_key) if task_key else None
            if key:
                tally.tasks.add(key)
            else:
                tally.keyless_tasks += 1
            if price is None:
                ref.unpriced_rows += 1
                tally.unpriced_tokens += billable
                continue
            ref.priced_rows += 1
            cost = _cost(price[1], tokens, (row.get("service_tier") or "standard").lower())
            tally.cost += cost
            ref.total.cost += cost
    return ref
