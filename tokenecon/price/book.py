"""Price books: load and validate YAML into a :class:`PriceBook` (docs/price-book-fields.md).

A price book lists models with effective-dated prices per million tokens
(docs/price-book.md). Several books
layer: a model defined again in a later book replaces the earlier definition (keeping the
earlier spellings it was known by), and discounts accumulate. Money is
:class:`~decimal.Decimal` throughout so that costs are exact. Every error names the file and
line and exits 2.
"""

from __future__ import annotations

import difflib
import hashlib
import sys
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenecon.errors import PriceBookError
from tokenecon.price.book_values import money_value, multipliers
from tokenecon.price.model import ModelPrice, PriceBook, PriceBookFile
from tokenecon.price.periods import Discount, PricePeriod, cost_of
from tokenecon.price.rates import BUCKETS, MILLION, SERVICE_TIERS, PriceEntry, Rates
from tokenecon.yamlfile import line_of, load_yaml

TIERS = ("utility", "mid", "frontier")
_MODEL_KEYS = {
    "provider", "tier", "match", "aliases", "context", "regions", "speeds", "retired", "prices"
}  # fmt: skip
_ENTRY_KEYS = {
    "from", "source", "checked", "above", "gpu_hour", "tokens_per_second", *BUCKETS, *SERVICE_TIERS
}  # fmt: skip
_TIER_KEYS = {"multiply", *BUCKETS}
_BOOK_KEYS = {"currency", "models", "discounts"}
_DISCOUNT_KEYS = {"multiply", "provider", "model", "from", "until"}

__all__ = [
    "BUCKETS", "MILLION", "SERVICE_TIERS", "TIERS", "Discount", "ModelPrice", "PriceBook",
    "PriceBookFile", "PriceEntry", "PricePeriod", "Rates", "cost_of", "default_price_book_path",
    "load_price_book",
]  # fmt: skip


def _date(value: Any, where: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PriceBookError(
            f"{where}: expected a date YYYY-MM-DD, got {value!r}", "write dates as 2026-01-31"
        ) from None


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise PriceBookError(f"{where}: expected a whole number of tokens > 0, got {value!r}")
    return value


def _rates(raw: dict[str, Any], where: str, base: Rates | None) -> Rates:
    got: dict[str, Decimal | None] = {
        b: money_value(raw.get(b), f"{where}.{b}", allow_none=True) for b in BUCKETS
    }
    if base is None:
        if got["input"] is None or got["output"] is None:
            missing = "input" if got["input"] is None else "output"
            raise PriceBookError(f"{where}: missing `{missing}` price", "give input and output")
        inp, out = got["input"], got["output"]
        assert inp is not None and out is not None
        cw = got["cache_write"] if got["cache_write"] is not None else inp
        return Rates(
            input=inp,
            cache_read=got["cache_read"] if got["cache_read"] is not None else inp,
            cache_write=cw,
            cache_write_1h=got["cache_write_1h"] if got["cache_write_1h"] is not None else cw,
            output=out,
        )
    values = {b: got[b] if got[b] is not None else base.of(b) for b in BUCKETS}
    return Rates(**values)  # type: ignore[arg-type]


def _tier(raw: Any, where: str, standard: Rates) -> Rates:
    """A service tier: a multiplier on every bucket, or ``{multiply: m, bucket: price ...}``
    where the buckets given are prices and the others are standard times ``multiply``."""
    if not isinstance(raw, dict):
        factor = money_value(raw, where)
        assert factor is not None
        return standard.times(factor)
    _no_unknown(raw, _TIER_KEYS, where)
    factor = money_value(raw.get("multiply", 1), f"{where}.multiply")
    assert factor is not None
    return _rates(raw, where, standard.times(factor))


def _no_unknown(raw: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in set(raw) - allowed)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(allowed), n=1)
        hint = f"did you mean `{close[0]}`? " if close else ""
        line = line_of(raw, unknown[0])
        raise PriceBookError(
            f"{where}: unknown key {unknown[0]!r}" + (f" (line {line})" if line else ""),
            f"{hint}allowed: {', '.join(sorted(allowed))} (docs/price-book-fields.md)",
        )


def _entry(raw: Any, where: str) -> PriceEntry:
    if not isinstance(raw, dict):
        raise PriceBookError(f"{where}: expected a mapping with from/input/output")
    _no_unknown(raw, _ENTRY_KEYS, where)
    if "from" not in raw:
        raise PriceBookError(f"{where}: missing `from` date", "add from: YYYY-MM-DD")
    raw = dict(raw)
    if "gpu_hour" in raw:
        # Self-hosted: a GPU hour buys tokens_per_second * 3600 tokens, input or output alike.
        gpu = money_value(raw["gpu_hour"], f"{where}.gpu_hour")
        tps = money_value(raw.get("tokens_per_second"), f"{where}.tokens_per_second")
        assert gpu is not None and tps is not None
        if tps == 0:
            raise PriceBookError(f"{where}.tokens_per_second: must be > 0")
        per_million = (gpu * MILLION / (tps * 3600)).quantize(Decimal("0.000001"))
        raw.setdefault("input", per_million)
        raw.setdefault("output", per_million)
    rates = _rates(raw, where, None)
    tiers = {t: _tier(raw[t], f"{where}.{t}", rates) for t in SERVICE_TIERS if t in raw}
    above = raw.get("above")
    above_tokens = None
    above_rates = None
    above_tiers: dict[str, Rates] = {}
    if above is not None:
        if not isinstance(above, dict) or "input_tokens" not in above:
            raise PriceBookError(
                f"{where}.above: expected {{input_tokens: N, input: ..., output: ...}}"
            )
        _no_unknown(above, {"input_tokens", *BUCKETS, *SERVICE_TIERS}, f"{where}.above")
        above_tokens = _count(above["input_tokens"], f"{where}.above.input_tokens")
        above_rates = _rates(above, f"{where}.above", rates)
        above_tiers = {
            t: _tier(above[t], f"{where}.above.{t}", above_rates)
            for t in SERVICE_TIERS
            if t in above
        }
    return PriceEntry(
        valid_from=_date(raw["from"], f"{where}.from"),
        rates=rates,
        above_input_tokens=above_tokens,
        above_rates=above_rates,
        tiers=tiers,
        above_tiers=above_tiers,
        source=str(raw.get("source", "")),
        checked=str(raw.get("checked", "")),
    )


def _names(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None or raw == []:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(x, str | int | float) for x in raw):
        raise PriceBookError(f"{where}: expected a list of names")
    return tuple(str(x).strip().lower() for x in raw)


def _context(raw: Any, where: str) -> tuple[int | None, int | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, dict):
        raise PriceBookError(f"{where}: expected {{input: N, output: N}} (max tokens)")
    _no_unknown(raw, {"input", "output"}, where)
    inp = _count(raw["input"], f"{where}.input") if "input" in raw else None
    out = _count(raw["output"], f"{where}.output") if "output" in raw else None
    return inp, out


def _model(key: str, raw: Any, where: str, book_index: int) -> ModelPrice:
    if not isinstance(raw, dict):
        raise PriceBookError(f"{where}: expected a mapping with provider, tier, prices")
    _no_unknown(raw, _MODEL_KEYS, where)
    tier = str(raw.get("tier", "mid")).lower()
    if tier not in TIERS:
        raise PriceBookError(f"{where}.tier: {tier!r} is not one of {', '.join(TIERS)}")
    prices = raw.get("prices")
    if not isinstance(prices, list) or not prices:
        raise PriceBookError(f"{where}: `prices` must be a non-empty list")
    entries = [_entry(p, f"{where}.prices[{i}] (line {line_of(p)})") for i, p in enumerate(prices)]
    entries.sort(key=lambda e: e.valid_from)
    max_in, max_out = _context(raw.get("context"), f"{where}.context")
    retired = raw.get("retired")
    return ModelPrice(
        key=key.lower(),
        provider=str(raw.get("provider", "")).lower(),
        tier=tier,
        match=_names(raw.get("match"), f"{where}.match"),
        entries=tuple(entries),
        book_index=book_index,
        aliases=_names(raw["aliases"], f"{where}.aliases") if "aliases" in raw else None,
        max_input_tokens=max_in,
        max_output_tokens=max_out,
        retired=_date(retired, f"{where}.retired") if retired is not None else None,
        regions=multipliers(raw.get("regions"), where),
        speeds=multipliers(raw.get("speeds"), where, "speeds"),
    )


def _discount(raw: Any, where: str) -> Discount:
    if not isinstance(raw, dict) or "multiply" not in raw:
        raise PriceBookError(f"{where}: expected {{multiply: 0.85, provider: ..., from: ...}}")
    _no_unknown(raw, _DISCOUNT_KEYS, where)  # a misspelled `provider` would widen the discount
    factor = money_value(raw["multiply"], f"{where}.multiply")
    assert factor is not None
    return Discount(
        multiply=factor,
        provider=raw.get("provider"),
        model=raw.get("model"),
        valid_from=_date(raw["from"], f"{where}.from") if raw.get("from") else None,
        valid_until=_date(raw["until"], f"{where}.until") if raw.get("until") else None,
    )


def default_price_book_path() -> Path:
    """The shipped book, packaged inside tokenecon (generated by pricing/build.py). (Found
    beside this module rather than by importlib.resources, whose readers import zipfile.)"""
    return Path(__file__).parent.parent / "data" / "pricing" / "default.yaml"


def load_price_book(paths: Sequence[Path] = (), *, include_default: bool = True) -> PriceBook:
    """Load the default book (unless excluded) and then each of ``paths``; later books win."""
    book = PriceBook(currency="", models={})
    files = ([default_price_book_path()] if include_default else []) + list(paths)
    if not files:
        raise PriceBookError("no price book", "pass --prices FILE")
    kept = _kept_default(files[0]) if include_default else None
    if kept is not None:
        book = kept
    for index, path in enumerate(files):
        if index == 0 and kept is not None:
            continue
        # A book of the user's is kept parsed between runs, as the mapping is (the shipped one
        # is kept whole, priced models and all: _keep_default).
        if include_default and index == 0:
            data = load_yaml(path, PriceBookError, "price book")
        else:
            from tokenecon.engine.yamlcache import kept_yaml

            data = kept_yaml(path, PriceBookError, "price book")
        if not isinstance(data, dict) or not isinstance(data.get("models", {}), dict):
            raise PriceBookError(
                f"{path}: expected a mapping with `models:`",
                "see docs/price-book.md for the format (fields: docs/price-book-fields.md)",
            )
        _no_unknown(data, _BOOK_KEYS, str(path))  # a misspelled `discounts:` would be ignored
        currency = str(data.get("currency", "USD")).upper()
        if book.currency and currency != book.currency:
            hint = "keep one currency across --prices files"
            if include_default and index == 1 and len(files) == 2:
                hint += f" (a {currency} book alone: add --no-default-prices)"
            raise PriceBookError(
                f"{path}: currency {currency} differs from {book.currency} of an earlier book",
                hint,
            )
        book.currency = currency
        known = set(book.models) | {a for m in book.models.values() for a in m.aliases or ()}
        for key, raw in (data.get("models") or {}).items():
            where = f"{path}:{line_of(data['models'], key)}: models.{key}"
            earlier = book.models.get(str(key).lower())
            if earlier is not None and isinstance(raw, dict) and "prices" not in raw:
                book.models[earlier.key] = _spellings(earlier, raw, where)
                continue
            model = _model(str(key), raw, where, index)
            earlier = book.models.get(model.key)
            if earlier is not None and model.aliases is None:
                model = _inherit(model, earlier)
            elif earlier is None and index and model.key not in known and not model.match:
                _warn_misspelling(model.key, known, where)
            book.models[model.key] = model
        for i, raw in enumerate(data.get("discounts") or []):
            book.discounts.append(_discount(raw, f"{path}:{line_of(raw)}: discounts[{i}]"))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        shown = "default" if include_default and index == 0 else str(path)
        book.files.append(PriceBookFile(path=shown, sha256=digest))
        if include_default and index == 0:
            _keep_default(path, book)
    _check_aliases(book)
    return book


def _default_key(path: Path) -> str:
    from tokenecon.engine.sqlcache import cache_key, file_digest

    return cache_key({"what": "default price book", "path": str(path), "sha256": file_digest(path)})


def _kept_default(path: Path) -> PriceBook | None:
    """The shipped book as parsed by an earlier run (kept like compiled SQL, under a key of
    its content and of this code: tokenecon/engine/sqlcache.py). Parsing its 5,000 lines of
    YAML is ~0.2 s of every run; reading the parsed book back ~15 ms."""
    from tokenecon.engine.sqlcache import cache_folder, load

    if cache_folder() is None:
        return None
    entry = load(_default_key(path))
    return entry.state if entry is not None and isinstance(entry.state, PriceBook) else None


def _keep_default(path: Path, book: PriceBook) -> None:
    from tokenecon.engine.sqlcache import Entry, cache_folder, store

    if cache_folder() is not None:  # (pickled at once: later books do not change the copy)
        store(Entry(_default_key(path), state=book))


def _inherit(model: ModelPrice, earlier: ModelPrice) -> ModelPrice:
    """A model redefined without aliases keeps the spellings and context window it had."""
    from dataclasses import replace

    return replace(
        model,
        aliases=earlier.aliases,
        max_input_tokens=model.max_input_tokens or earlier.max_input_tokens,
        max_output_tokens=model.max_output_tokens or earlier.max_output_tokens,
    )


def _spellings(earlier: ModelPrice, raw: dict[str, Any], where: str) -> ModelPrice:
    """A later book's entry with only ``match`` / ``aliases``: more spellings of an earlier
    book's model, at its prices (how a deployment name is mapped to its model)."""
    from dataclasses import replace

    _no_unknown(
        raw, {"match", "aliases", "regions", "speeds"}, f"{where} (no `prices`: spellings only)"
    )
    match = earlier.match + _names(raw.get("match"), f"{where}.match")
    names = _names(raw.get("aliases"), f"{where}.aliases")
    regions = {**earlier.regions, **multipliers(raw.get("regions"), where)}
    speeds = {**earlier.speeds, **multipliers(raw.get("speeds"), where, "speeds")}
    if earlier.aliases is None:  # keep a hand-written family price covering its snapshots
        return replace(earlier, match=match + names, regions=regions, speeds=speeds)
    return replace(
        earlier, match=match, aliases=earlier.aliases + names, regions=regions, speeds=speeds
    )


def _warn_misspelling(key: str, known: set[str], where: str) -> None:
    """A new key one typo away from a known model is most likely that model misspelled."""
    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.9)
    if close and close[0] != key:
        sys.stderr.write(
            f"warning: {where}: no earlier book knows {key!r}; did you mean {close[0]!r}? "
            "(a misspelled key adds a new model and leaves the one you meant unchanged)\n"
        )


def _check_aliases(book: PriceBook) -> None:
    owner: dict[str, str] = {}
    for model in book.models.values():
        for alias in model.aliases or ():
            if alias in book.models and alias != model.key:
                continue  # a later book made the alias a model of its own: the key wins
            other = owner.setdefault(alias, model.key)
            if other != model.key and book.models[other].book_index == model.book_index:
                raise PriceBookError(
                    f"alias {alias!r} is listed under both {other!r} and {model.key!r}",
                    "an alias names one price: keep it under one model",
                )
