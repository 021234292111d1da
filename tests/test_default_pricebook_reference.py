"""The shipped price book against two independent price databases bundled in PyPI packages.

Offline: litellm's JSON is read from its package directory without importing litellm (its
import fetches the remote map), genai-prices' data module ships its snapshot. Every
disagreement must be listed, with its reason, in pricing/REFERENCE-DIFFERENCES.md, and every
line there must still disagree: the file stays true in both directions.
"""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
BOOK = ROOT / "pricing" / "default.yaml"
DIFFERENCES = ROOT / "pricing" / "REFERENCE-DIFFERENCES.md"
FIELDS = {
    # ours -> (litellm per-token key, genai-prices attribute)
    "input": ("input_cost_per_token", "input_mtok"),
    "output": ("output_cost_per_token", "output_mtok"),
    "cache_read": ("cache_read_input_token_cost", "cache_read_mtok"),
    "cache_write": ("cache_creation_input_token_cost", "cache_write_mtok"),
    "cache_write_1h": ("cache_creation_input_token_cost_above_1hr", None),
}
LITELLM_PREFIX = {"google": "gemini", "mistral": "mistral", "xai": "xai", "deepseek": "deepseek"}
GENAI_PROVIDER = {"xai": "x-ai"}
TODAY = date(2026, 11, 22)


def book() -> dict:
    return yaml.safe_load(BOOK.read_text())


def latest(spec: dict) -> dict:
    entry = dict(max(spec["prices"], key=lambda e: e["from"]))
    entry.setdefault("cache_read", entry["input"])
    entry.setdefault("cache_write", entry["input"])
    entry.setdefault("cache_write_1h", entry["cache_write"])
    return entry


def litellm_prices() -> dict[str, dict]:
    spec = importlib.util.find_spec("litellm")
    if spec is None or spec.origin is None:
        pytest.skip("litellm is not installed (pip install -e '.[dev]')")
    path = Path(spec.origin).parent / "model_prices_and_context_window_backup.json"
    return json.loads(path.read_text())


def litellm_entry(data: dict, key: str, provider: str) -> dict | None:
    prefix = LITELLM_PREFIX.get(provider)
    names = [key] + ([f"{prefix}/{key}", f"{prefix}/{key}-latest"] if prefix else [])
    return next((data[n] for n in names if n in data), None)


def genai_entry(key: str, provider: str):
    genai = pytest.importorskip("genai_prices.data")
    wanted = GENAI_PROVIDER.get(provider, provider)
    for p in genai.providers:
        if p.id != wanted:
            continue
        model = next((m for m in p.models if m.id == key), None)
        model = model or next((m for m in p.models if m.is_match(key)), None)
        if model is None:
            return None
        prices = model.prices
        if not isinstance(prices, list):
            return prices
        dated = [
            c
            for c in prices
            if c.constraint is None or getattr(c.constraint, "start_date", TODAY) <= TODAY
        ]
        return dated[-1].prices if dated else None
    return None


def per_million(value: float) -> Decimal:
    return Decimal(str(round(value * 1_000_000, 6))).normalize()


def genai_value(prices, attribute: str) -> Decimal | None:
    value = getattr(prices, attribute, None)
    value = getattr(value, "base", value)
    return None if value is None else Decimal(value).normalize()


def disagreements() -> set[tuple[str, str, str, str, str]]:
    data = litellm_prices()
    found = set()
    for key, spec in book()["models"].items():
        ours = latest(spec)
        theirs = litellm_entry(data, key, spec["provider"])
        genai = genai_entry(key, spec["provider"])
        for field, (lite_key, genai_attr) in FIELDS.items():
            mine = Decimal(str(ours[field])).normalize()
            if theirs and theirs.get(lite_key) is not None:
                value = per_million(theirs[lite_key])
                if value != mine:
                    found.add((key, field, str(mine), "litellm", str(value)))
            if genai is not None and genai_attr:
                value = genai_value(genai, genai_attr)
                if value is not None and value != mine:
                    found.add((key, field, str(mine), "genai-prices", str(value)))
    return found


def listed() -> dict[tuple[str, str, str, str, str], str]:
    rows = {}
    for line in DIFFERENCES.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 6 or cells[0] in ("model", "") or set(cells[0]) <= {"-", ":"}:
            continue
        rows[tuple(cells[:5])] = cells[5]
    return rows


def test_every_disagreement_is_listed_with_a_reason() -> None:
    found = disagreements()
    documented = listed()
    missing = sorted(found - set(documented))
    stale = sorted(set(documented) - found)
    assert not missing, "not in REFERENCE-DIFFERENCES.md:\n" + "\n".join(
        "| " + " | ".join(row) + " | |" for row in missing
    )
    assert not stale, f"no longer disagree, remove from REFERENCE-DIFFERENCES.md: {stale}"
    assert all(documented.values()), "every listed disagreement needs a reason"


def test_shape_of_the_shipped_book() -> None:
    assert BOOK.read_bytes() == (ROOT / "tokenecon/data/pricing/default.yaml").read_bytes()
    models = book()["models"]
    assert len(models) >= 40
    assert {m["provider"] for m in models.values()} >= {
        "openai", "anthropic", "google", "mistral", "deepseek", "xai"
    }  # fmt: skip
    for key, spec in models.items():
        assert spec["tier"] in ("utility", "mid", "frontier"), key
        for entry in spec["prices"]:
            assert entry.get("source", "").startswith("https://"), key
            assert entry.get("checked"), key
