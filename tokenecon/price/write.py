"""A price book as YAML text: deterministic, one flow mapping per dated price, human-readable."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from typing import Any

_PLAIN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_MODEL_ORDER = (
    "provider", "tier", "retired", "context", "regions", "speeds", "match", "aliases", "prices"
)  # fmt: skip


def scalar(value: Any) -> str:
    """One YAML scalar: numbers without exponent, dates bare, other strings quoted if needed."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = Decimal(str(value)).normalize()
        text = format(number, "f")
        return text
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    if _PLAIN.match(text) and not re.fullmatch(r"[\d.e+-]+|true|false|null|yes|no|on|off", text):
        return text
    return json.dumps(text)


def flow(value: Any) -> str:
    """A value as inline YAML (mappings keep their order)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value)


ENTRY_ORDER = (
    "from", "input", "cache_read", "cache_write", "cache_write_1h", "output", "batch", "flex",
    "priority", "above", "source", "checked",
)  # fmt: skip


def ordered_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A price entry's fields in the book's order (unknown fields last, as given)."""
    known = {k: entry[k] for k in ENTRY_ORDER if k in entry}
    return known | {k: v for k, v in entry.items() if k not in ENTRY_ORDER}


def render_book(models: dict[str, dict[str, Any]], header: str, currency: str = "USD") -> str:
    """The whole book: a comment header, the currency, then models by provider and name."""
    lines = [f"# {line}".rstrip() for line in header.strip().splitlines()]
    lines += [f"currency: {currency}", "models:"]
    order = sorted(models, key=lambda k: (str(models[k].get("provider", "")), k))
    provider = None
    for key in order:
        model = models[key]
        if model.get("provider") != provider:
            provider = model.get("provider")
            lines.append(f"  # {'-' * 60} {provider}")
        lines.append(f"  {scalar(key)}:")
        for field in _MODEL_ORDER:
            value = model.get(field)
            if value is None or value == {} or (value == [] and field != "aliases"):
                continue
            if field in ("aliases", "match") and not value:
                lines.append(f"    {field}: []")
            elif field in ("aliases", "match"):
                lines.append(f"    {field}:")
                lines += [f"      - {scalar(v)}" for v in value]
            elif field == "prices":
                lines.append("    prices:")
                lines += [f"      - {flow(ordered_entry(entry))}" for entry in value]
            else:
                lines.append(f"    {field}: {flow(value)}")
    return "\n".join(lines) + "\n"
