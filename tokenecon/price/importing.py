"""``tokenecon prices import``: price data a user downloaded, as an ordinary price book.

A user whose export has models newer than their tokenecon downloads litellm's
``model_prices_and_context_window.json`` or genai-prices' ``prices/data.json`` and imports it
offline. The result is a book like any other (used with ``--prices``); with ``--base`` the
history of an earlier book is merged in (tokenecon/price/history.py).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from tokenecon.errors import OptionError, PriceBookError, broken_json
from tokenecon.price.book import load_price_book
from tokenecon.price.genai import genai_book
from tokenecon.price.history import merge_books
from tokenecon.price.sources import litellm_models
from tokenecon.price.write import render_book

FORMATS = ("litellm", "genai-prices")
HEADER = """\
Imported by `tokenecon prices import` from {source} ({fmt}) on {day}{base}.
Use it with --prices {out}. Fields: docs/price-book-fields.md.
"""


def read_source(path: Path, fmt: str | None) -> tuple[str, Any]:
    """The downloaded JSON and its format (``litellm`` for an object, ``genai-prices`` for a
    list, unless ``--from`` says which)."""
    if fmt is not None and fmt not in FORMATS:
        raise OptionError(f"--from {fmt!r} is not one of {', '.join(FORMATS)}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PriceBookError(f"{path} does not exist", "check the path you passed") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PriceBookError(f"cannot read {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise PriceBookError(
            broken_json(path, exc),
            "download the raw JSON file, not the web page that shows it",
        ) from None
    found = "litellm" if isinstance(data, dict) else "genai-prices"
    if fmt is not None and fmt != found:
        raise PriceBookError(
            f"{path}: looks like {found} data, not {fmt}", f"pass --from {found}, or no --from"
        )
    return found, data


def import_book(source: Path, fmt: str | None, base: Path | None, out: Path, day: date) -> int:
    """Write the imported book to ``out`` atomically; return its number of models."""
    found, data = read_source(source, fmt)
    checked = day.isoformat()
    models = litellm_models(data, checked) if found == "litellm" else genai_book(data, checked)
    if not models:
        raise PriceBookError(
            f"{source}: no priced chat model of OpenAI, Anthropic, Google, Mistral, DeepSeek or "
            "xAI found", "is this the price file itself?"
        )  # fmt: skip
    previous: dict[str, Any] = {}
    if base is not None:
        load_price_book([base], include_default=False)  # validates, with file:line errors
        previous = (yaml.safe_load(base.read_text(encoding="utf-8")) or {}).get("models") or {}
    merged = merge_books(previous, models, checked)
    for model in merged.values():
        model.setdefault("tier", _tier(model))
    header = HEADER.format(
        source=source.name, fmt=found, day=checked,
        base=f", merged onto {base.name}" if base else "", out=out.name,
    )  # fmt: skip
    write_atomically(out, render_book(merged, header))
    load_price_book([out], include_default=False)  # what we wrote must load
    return len(merged)


def _tier(model: dict[str, Any]) -> str:
    from decimal import Decimal

    output = Decimal(str(model["prices"][-1]["output"]))
    return "utility" if output < 2 else "mid" if output < 8 else "frontier"


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder."""
    folder = path.parent if str(path.parent) else Path(".")
    handle, staging = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
