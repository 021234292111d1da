"""A plain-Python reading of a canonical usage CSV, written from docs/ alone.

It shares no code with tokenecon: the tests compare the two, so a number the tool prints can
be reproduced by hand from the raw file. Only what the tests need is implemented: canonical
columns, exclusive buckets, dedup by request id (identical copies), the price book's base,
cliff, batch and date rules, `match` rules of equality/glob on columns and `tags.<key>`.
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


def _price_of(book: dict, model: str, day: date) -> tuple[str, dict] | None:
    name = model.lower().rsplit("/", 1)[-1]
    name = re.sub(r"(-\d{4}-\d{2}-\d{2}|-\d{8})$", "", name)
    for key, spec in book["models"].items():
        patterns = [key, *spec.get("match", [])]
        if name == key or any(fnmatch.fnmatchcase(model.lower(), p) for p in patterns[1:]):
            entries = sorted(spec["prices"], key=lambda e: e["from"])
            active = [e for e in entries if e["from"] <= day]
            return (key, active[-1]) if active else None
    return None


def _cost(entry: dict, tokens: dict[str, int], tier: str) -> Decimal:
    prompt = sum(tokens[c] for c in list(BUCKETS)[:4])
    above = entry.get("above")
    rates = dict(entry)
    if above and prompt > above["input_tokens"]:
        rates.update({k: v for k, v in above.items() if k != "input_tokens"})
    rates.setdefault("cache_read", rates["input"])
    rates.setdefault("cache_write", rates["input"])
    rates.setdefault("cache_write_1h", rates["cache_write"])
    total = sum(Decimal(str(rates[b])) * tokens[c] for c, b in BUCKETS.items())
    multiplier = Decimal(str(entry.get(tier, 1))) if tier in ("batch", "flex", "priority") else 1
    return total * multiplier / Decimal(1_000_000)


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
