"""The price book as small tables for the engine, to price FOCUS rows exactly: model as
reported -> book key; the book key's price periods, split where a price or discount changes;
per period, service tier, side of the long-context cliff and regional rate, and per token type,
the price per token after multiplier, discounts and regional uplift (DECIMAL(21, 20) text);
(book key, billed geo) -> the rate of a row whose source states the geo it was billed at
(Anthropic's ``inference_geo: us``); (book key, speed) -> the fast-mode multiple of a row whose
source states ``speed: fast``; and, when a use case's ``residency:`` policy meets a book's
``regions:``, (book key, use case) -> the regional rate its in-region rows are priced at
(:mod:`tokenecon.price.regional`, as `analyze` prices them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import product
from typing import Any

from tokenecon.price.book import MILLION, SERVICE_TIERS, PriceBook
from tokenecon.price.regional import Policies, billed_geo_rate, regional_rate

TOKEN_TYPES = (
    ("input", "uncached_input_tokens", "input", "input tokens"),
    ("cache_read", "cache_read_tokens", "cache_read", "cache read tokens"),
    ("cache_write_5m", "cache_write_tokens", "cache_write", "cache write (5m) tokens"),
    ("cache_write_1h", "cache_write_1h_tokens", "cache_write_1h", "cache write (1h) tokens"),
    ("output", "output_tokens", "output", "output tokens"),
)
"""(x_TokenType, canonical column, price-book bucket, words for ChargeDescription)."""
TIERS = ("standard", *SERVICE_TIERS)
OPEN_END = "9999-12-31"
"""The end of a price period that has none (a date, so that the join is a plain range)."""


def price_key(period: Any, tier: Any, above: Any, rate: Any = 0, rates: int = 1) -> Any:
    """One number for (price period, tier, cliff side, variant): the rows join the prices on it
    alone (in Python with ints, in the engine with integer expressions). ``rate`` is the
    variant, :attr:`PriceTables.variants` (``rates``) of them: 0 the global price at the
    standard speed, else a regional rate of :attr:`PriceTables.rates` and a speed of
    :attr:`PriceTables.speeds`, as ``rate * len(speeds) + speed``."""
    return ((period * len(TIERS) + tier) * 2 + above) * rates + rate


PRICE_FIELDS = ("unit", "list_unit", "list_price", "contracted_price", "sku_price_id")
"""Per token type, in the prices table as ``<field>_<token type>``."""


PRICE_SCALE = 20
"""Decimals of a price per token (DECIMAL(21, 20))."""


@dataclass
class PriceTables:
    """The price book as three small tables of text (empty text is null) for the engine."""

    models: dict[str, list[str]] = field(default_factory=dict)
    """``rate_model`` (as reported) -> ``rate_key`` (book key), ``rate_provider``."""
    periods: dict[str, list[str]] = field(default_factory=dict)
    """Per book key, its stretches of constant price: ``period_key``, ``period_id``,
    ``period_start``, ``period_end`` (exclusive; :data:`OPEN_END` for none),
    ``period_threshold``."""
    prices: dict[str, list[str]] = field(default_factory=dict)
    """Per period, tier and cliff side (one number, ``price_key``: see :func:`price_key`), and
    for each token type: ``unit`` and ``list_unit`` per token (after and before discounts),
    ``list_price`` and ``contracted_price`` per 1M tokens, ``sku_price_id``."""
    regional: dict[str, list[str]] = field(default_factory=dict)
    """``regional_key`` (book key), ``regional_use_case``, ``regional_rate`` (index into
    :attr:`rates`): where a use case's residency policy has one regional rate for the model
    (empty when none has)."""
    geos: dict[str, list[str]] = field(default_factory=dict)
    """``geo_key`` (book key), ``geo`` (a billed geo, lower case), ``geo_rate`` (index into
    :attr:`rates`): the rate of a row whose source states that geo
    (:func:`~tokenecon.price.regional.billed_geo_rate`, as `analyze`; empty when no model used
    has a regional price)."""
    rates: list[tuple[str, Decimal]] = field(default_factory=lambda: [("", Decimal(1))])
    """The rates prices are given at: the global one (index 0), then each (book region, uplift)
    some billed geo or residency policy prices at."""
    fast: dict[str, list[str]] = field(default_factory=dict)
    """``speed_key`` (book key), ``speed_name`` (a speed, lower case), ``speed_rate`` (index
    into :attr:`speeds`): the multiple of a row whose source states that speed (Anthropic's
    fast mode, the book's ``speeds:``; empty unless some source states speeds)."""
    speeds: list[tuple[str, Decimal]] = field(default_factory=lambda: [("", Decimal(1))])
    """The speeds prices are given at: the standard one (index 0), then each (speed, multiple)
    of the book that some model used has."""
    reasons: dict[str, str] = field(default_factory=dict)
    """Models with usage the book does not price (on some day, at least), and why."""
    inexact: int = 0
    """Prices per token with more than :data:`PRICE_SCALE` decimals (rounded half-up)."""

    @property
    def maybe_unpriced(self) -> bool:
        """Whether some usage may lack a price (then the unpriced rows are counted)."""
        return bool(self.reasons)

    @property
    def variants(self) -> int:
        """How many (rate, speed) pairs a price is given at: a row's variant is
        ``rate * len(speeds) + speed`` (:func:`price_key`'s ``rate``)."""
        return len(self.rates) * len(self.speeds)

    def per_token(self, per_million: Decimal) -> str:
        """A price per 1M tokens as a price per token with :data:`PRICE_SCALE` decimals: exact,
        or rounded half-up (and counted in :attr:`inexact`)."""
        exact = per_million / MILLION
        scaled = exact.quantize(Decimal(1).scaleb(-PRICE_SCALE), rounding=ROUND_HALF_UP)
        if scaled != exact:
            self.inexact += 1
        return format(scaled, "f")


def _plain(value: Decimal) -> str:
    """A decimal as FOCUS numeric text: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return text if text != "-0" else "0"


def price_tables(
    book: PriceBook,
    models: Mapping[str, date],
    residency: Policies | None = None,
    speeds: bool = False,
) -> PriceTables:
    """The rates of ``models`` (as reported, each with its first day of usage), the regional
    rates that ``residency`` (use case -> allowed regions) applies to them, and, if some source
    states ``speeds``, the book's speed multiples of them (fast mode)."""
    out = PriceTables(
        models={"rate_model": [], "rate_key": [], "rate_provider": []},
        regional={"regional_key": [], "regional_use_case": [], "regional_rate": []},
        geos={"geo_key": [], "geo": [], "geo_rate": []},
        fast={"speed_key": [], "speed_name": [], "speed_rate": []},
        periods={c: [] for c in ("period_key", "period_id", "period_start", "period_end",
                                 "period_threshold")},
        prices={"price_key": [], **{f"{f}_{t[0]}": [] for t in TOKEN_TYPES for f in PRICE_FIELDS}},
    )  # fmt: skip
    keys = set()
    for name, first in sorted(models.items()):
        key = book.resolve(name)
        if key is None:
            out.reasons[name] = "unknown model"
            continue
        model = book.models[key]
        for column, value in zip(out.models, (name, key, model.provider), strict=True):
            out.models[column].append(value)
        keys.add(key)
        if first < model.entries[0].valid_from:
            out.reasons[name] = f"no price for {key} before {model.entries[0].valid_from}"
    applies = _regional_rates(book, sorted(keys), residency or {}, out)
    for key, indexes in _geo_rates(book, sorted(keys), out).items():
        applies.setdefault(key, set()).update(indexes)
    fast = _speed_rates(book, sorted(keys), out) if speeds else {}
    for period in book.periods(keys):
        entry = period.entry
        threshold = entry.above_input_tokens
        values = (
            period.model_key, str(period.price_id), period.start.date().isoformat() if period.start
            else "", period.end.date().isoformat() if period.end else OPEN_END,
            str(threshold) if threshold is not None else "",
        )  # fmt: skip
        for column, value in zip(out.periods, values, strict=True):
            out.periods[column].append(value)
        sides = [("below", entry.rates)]
        if threshold is not None and entry.above_rates:
            sides.append(("above", entry.above_rates))
        at = [0, *sorted(applies.get(period.model_key, ()))]
        paces = [0, *sorted(fast.get(period.model_key, ()))]
        for tier_index, tier in enumerate(TIERS):
            multiplier = entry.multipliers.get(tier, Decimal(1))
            for (side, rates), rate, pace in product(sides, at, paces):
                region, uplift = out.rates[rate]
                speed, times = out.speeds[pace]
                variant = rate * len(out.speeds) + pace
                key = price_key(period.price_id, tier_index, int(side == "above"), variant,
                                out.variants)  # fmt: skip
                out.prices["price_key"].append(str(key))
                for token_type, _, bucket, _ in TOKEN_TYPES:
                    # as `analyze`: the speed's multiple, then the regional uplift on top
                    list_price = rates.of(bucket) * multiplier
                    list_price = list_price if pace == 0 else list_price * times
                    list_price = list_price if rate == 0 else list_price * uplift
                    contracted = list_price * period.discount
                    sku = f"{period.model_key}:{token_type}:{entry.valid_from.isoformat()}"
                    sku += "" if tier == "standard" else f":{tier}"
                    sku += f":above-{threshold}" if side == "above" else ""
                    sku += f":speed-{speed}" if pace else ""
                    sku += f":region-{region}" if rate else ""
                    values = (
                        out.per_token(contracted), out.per_token(list_price),
                        _plain(list_price), _plain(contracted), sku,
                    )  # fmt: skip
                    for name, value in zip(PRICE_FIELDS, values, strict=True):
                        out.prices[f"{name}_{token_type}"].append(value)
    return out


def _add_rate(
    rates: list[tuple[str, Decimal]],
    rate: tuple[str, Decimal],
    table: dict[str, list[str]],
    row: tuple[str, str],
    applies: dict[str, set[int]],
) -> None:
    """Register ``rate`` in ``rates`` (once), and a row (book key, what selects it, the rate's
    index) in ``table``; note the index under the book key in ``applies``."""
    if rate not in rates:
        rates.append(rate)
    index = rates.index(rate)
    applies.setdefault(row[0], set()).add(index)
    for column, value in zip(table, (*row, str(index)), strict=True):
        table[column].append(value)


def _regional_rates(
    book: PriceBook, keys: list[str], residency: Policies, out: PriceTables
) -> dict[str, set[int]]:
    """Fill ``out.regional`` and ``out.rates`` for the book keys that a residency policy prices
    at a regional rate (:func:`~tokenecon.price.regional.regional_rate`, as `analyze`); return
    book key -> the indexes of its regional rates."""
    applies: dict[str, set[int]] = {}
    for key in keys:
        for use_case, policy in sorted(residency.items()):
            found = regional_rate(book.models[key], policy)
            if found is None:
                continue
            _add_rate(out.rates, found, out.regional, (key, use_case), applies)
    return applies


def _geo_rates(book: PriceBook, keys: list[str], out: PriceTables) -> dict[str, set[int]]:
    """Fill ``out.geos`` (and ``out.rates``) with every geo of the book keys' ``regions:``, each
    at :func:`~tokenecon.price.regional.billed_geo_rate` (the one rule `analyze` prices a
    stated geo by); return book key -> the indexes of those rates. A geo the model lists no
    rate for joins nothing here and keeps the global price, as in `analyze`."""
    applies: dict[str, set[int]] = {}
    for key in keys:
        model = book.models[key]
        for geo in sorted(model.regions):
            found = billed_geo_rate(model, geo)
            if found is None or found[0] != geo:
                continue  # a book region that is not a plain lower-case key: no row states it
            _add_rate(out.rates, found, out.geos, (key, geo), applies)
    return applies


def _speed_rates(book: PriceBook, keys: list[str], out: PriceTables) -> dict[str, set[int]]:
    """Fill ``out.fast`` (and ``out.speeds``) with every speed of the book keys' ``speeds:``
    (:func:`tokenecon.price.apply.price_groups` prices a row the source says ran at one at
    that multiple of every rate); return book key -> the indexes of those speeds. A speed the
    model has no rate for joins nothing and keeps the standard price, as in `analyze`."""
    applies: dict[str, set[int]] = {}
    for key in keys:
        for speed, times in sorted(book.models[key].speeds.items()):
            _add_rate(out.speeds, (speed, times), out.fast, (key, speed), applies)
    return applies
