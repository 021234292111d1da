"""Price books: load and validate YAML, resolve model names, find the price active at a time.

A price book lists models with effective-dated prices per million tokens (docs/price-book.md).
Several books layer: a model defined again in a later book replaces the earlier definition, and
discounts accumulate. Money is :class:`~decimal.Decimal` throughout so that costs are exact.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

from tokenecon.errors import PriceBookError, UnknownModelError
from tokenecon.ingest.model_names import BEDROCK_PREFIX as _BEDROCK_PREFIX
from tokenecon.ingest.model_names import DATE_SUFFIX as _DATE_SUFFIX
from tokenecon.ingest.model_names import VENDOR_DOT as _VENDOR_DOT
from tokenecon.yamlfile import line_of, load_yaml

BUCKETS = ("input", "cache_read", "cache_write", "cache_write_1h", "output")
TIERS = ("utility", "mid", "frontier")
SERVICE_TIERS = ("batch", "flex", "priority")
MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Rates:
    """Prices per million tokens of each disjoint bucket."""

    input: Decimal
    """Uncached input tokens."""
    cache_read: Decimal
    """Tokens read from a prompt cache (defaults to ``input`` when the book omits it)."""
    cache_write: Decimal
    """Tokens written to a 5-minute cache (defaults to ``input``)."""
    cache_write_1h: Decimal
    """Tokens written to a 1-hour cache (defaults to ``cache_write``)."""
    output: Decimal
    """Output tokens, reasoning included."""

    def of(self, bucket: str) -> Decimal:
        """The price of one bucket by name."""
        value: Decimal = getattr(self, bucket)
        return value


@dataclass(frozen=True)
class PriceEntry:
    """One dated price of a model, active from ``valid_from`` until the next entry."""

    valid_from: date
    """First UTC day on which this price applies."""
    rates: Rates
    """Standard-tier prices."""
    above_input_tokens: int | None
    """Long-context cliff: a request whose whole prompt is strictly above this is repriced."""
    above_rates: Rates | None
    """Prices of every bucket above the cliff (buckets the book leaves out keep their price)."""
    multipliers: dict[str, Decimal]
    """Service-tier multipliers (``batch``, ``flex``, ``priority``) on every bucket."""
    source: str
    """Where the price comes from (URL or contract)."""
    checked: str
    """When the price was last checked."""


@dataclass(frozen=True)
class ModelPrice:
    """A model of a price book with its dated prices."""

    key: str
    """The book's name for the model."""
    provider: str
    """Who sells it (openai, anthropic, google, ...)."""
    tier: str
    """utility, mid or frontier: used by routing and the route win rate."""
    match: tuple[str, ...]
    """Extra glob patterns (case-insensitive) that resolve to this model."""
    entries: tuple[PriceEntry, ...]
    """Dated prices, ascending ``valid_from``."""
    book_index: int
    """Position of the book that defined it (later books win ties)."""

    def active(self, at: date) -> PriceEntry | None:
        """The entry in force on day ``at``, or None before the first one."""
        found = None
        for entry in self.entries:
            if entry.valid_from <= at:
                found = entry
        return found


@dataclass(frozen=True)
class Discount:
    """A negotiated rate: multiply matching costs from ``valid_from`` until ``valid_until``."""

    multiply: Decimal
    """Factor applied to the cost (0.85 = 15% off)."""
    provider: str | None = None
    """Only models of this provider, if set."""
    model: str | None = None
    """Only models whose key matches this glob, if set."""
    valid_from: date | None = None
    """First day (inclusive), if set."""
    valid_until: date | None = None
    """Day the discount ends (exclusive), if set."""

    def applies(self, model: ModelPrice) -> bool:
        """Whether this discount covers ``model`` (dates aside)."""
        if self.provider and self.provider.lower() != model.provider.lower():
            return False
        return not (self.model and not fnmatch.fnmatchcase(model.key, self.model.lower()))


@dataclass(frozen=True)
class PricePeriod:
    """A stretch of time with one constant price for one model: the unit that SQL joins on."""

    price_id: int
    """Dense id used in the usage join."""
    model_key: str
    """The book's model name."""
    start: datetime | None
    """UTC start (inclusive), None for the beginning of time."""
    end: datetime | None
    """UTC end (exclusive), None for open-ended."""
    entry: PriceEntry
    """The dated price in force."""
    discount: Decimal
    """Product of the discounts in force."""


@dataclass(frozen=True)
class PriceBookFile:
    """A loaded book file and its content hash, for the report's ``inputs``."""

    path: str
    sha256: str


@dataclass
class PriceBook:
    """All loaded books, merged."""

    currency: str
    models: dict[str, ModelPrice]
    discounts: list[Discount] = field(default_factory=list)
    files: list[PriceBookFile] = field(default_factory=list)

    def resolve(self, name: str | None) -> str | None:
        """The book's key for a model name as reported, or None when no model matches.

        Exact keys win; then the name without provider prefix and snapshot/date suffix; then
        the most specific ``match`` glob (most literal characters, later book on a tie).
        """
        if not name:
            return None
        candidates = _name_forms(name)
        for form in candidates:
            if form in self.models:
                return form
        best: tuple[int, int, str] | None = None
        for model in self.models.values():
            for pattern in model.match:
                if any(fnmatch.fnmatchcase(form, pattern) for form in candidates):
                    score = (_specificity(pattern), model.book_index, model.key)
                    if best is None or score > best:
                        best = score
        return best[2] if best else None

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The closest known model keys, for "did you mean"."""
        forms = _name_forms(name)
        return difflib.get_close_matches(forms[-1], sorted(self.models), n=n, cutoff=0.5)

    def require(self, name: str) -> ModelPrice:
        """The model ``name`` resolves to, or :class:`UnknownModelError` with suggestions."""
        key = self.resolve(name)
        if key is None:
            close = self.suggest(name)
            hint = f"did you mean {', '.join(close)}?" if close else "see `tokenecon prices`"
            raise UnknownModelError(f"no price book knows the model {name!r}", hint)
        return self.models[key]

    def discount_at(self, model: ModelPrice, at: date) -> Decimal:
        """Product of the discounts that apply to ``model`` on day ``at``."""
        factor = Decimal(1)
        for d in self.discounts:
            if not d.applies(model):
                continue
            if d.valid_from and at < d.valid_from:
                continue
            if d.valid_until and at >= d.valid_until:
                continue
            factor *= d.multiply
        return factor

    def cliff_thresholds(self) -> tuple[int, ...]:
        """The distinct long-context thresholds of every model's prices, ascending."""
        return tuple(
            sorted(
                {
                    e.above_input_tokens
                    for m in self.models.values()
                    for e in m.entries
                    if e.above_input_tokens is not None
                }
            )
        )

    def periods(self, keys: Iterable[str]) -> list[PricePeriod]:
        """Split each model's timeline into stretches of constant price and discount."""
        out: list[PricePeriod] = []
        for key in sorted(set(keys)):
            model = self.models[key]
            cuts = {e.valid_from for e in model.entries}
            for d in self.discounts:
                if d.applies(model):
                    cuts.update(x for x in (d.valid_from, d.valid_until) if x)
            days = sorted(cuts)
            for i, day in enumerate(days):
                entry = model.active(day)
                if entry is None:
                    continue
                end = days[i + 1] if i + 1 < len(days) else None
                out.append(
                    PricePeriod(
                        price_id=len(out) + 1,
                        model_key=key,
                        start=_midnight(day),
                        end=_midnight(end) if end else None,
                        entry=entry,
                        discount=self.discount_at(model, day),
                    )
                )
        return out


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _specificity(pattern: str) -> int:
    return sum(1 for ch in pattern if ch not in "*?[]")


def _name_forms(name: str) -> list[str]:
    """The spellings of a reported model name to look up, most literal first."""
    raw = name.strip().lower()
    forms = [raw]
    bare = raw.rsplit("/", 1)[-1]
    bare = _BEDROCK_PREFIX.sub("", bare)
    bare = _VENDOR_DOT.sub("", bare)
    forms.append(bare)
    stripped = bare
    while True:
        shorter = _DATE_SUFFIX.sub("", stripped)
        if shorter == stripped:
            break
        stripped = shorter
        forms.append(stripped)
    return list(dict.fromkeys(forms))


def _money(value: Any, where: str, *, allow_none: bool = False) -> Decimal | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise PriceBookError(f"{where}: expected a number, got {value!r}", "use a plain number")
    try:
        # str() first: a YAML float 0.1 becomes Decimal('0.1'), not its binary expansion.
        number = Decimal(str(value))
    except InvalidOperation:
        raise PriceBookError(f"{where}: expected a number, got {value!r}") from None
    if number < 0 or not number.is_finite():
        raise PriceBookError(f"{where}: expected a number >= 0, got {value!r}")
    return number


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


def _rates(raw: dict[str, Any], where: str, base: Rates | None) -> Rates:
    got: dict[str, Decimal | None] = {
        b: _money(raw.get(b), f"{where}.{b}", allow_none=True) for b in BUCKETS
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


_ENTRY_KEYS = {
    "from", "source", "checked", "above", "gpu_hour", "tokens_per_second", *BUCKETS, *SERVICE_TIERS
}  # fmt: skip


def _entry(raw: Any, where: str) -> PriceEntry:
    if not isinstance(raw, dict):
        raise PriceBookError(f"{where}: expected a mapping with from/input/output")
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise PriceBookError(
            f"{where}: unknown key {sorted(unknown)[0]!r}",
            f"allowed: {', '.join(sorted(_ENTRY_KEYS))}",
        )
    if "from" not in raw:
        raise PriceBookError(f"{where}: missing `from` date", "add from: YYYY-MM-DD")
    raw = dict(raw)
    if "gpu_hour" in raw:
        # Self-hosted: a GPU hour buys tokens_per_second * 3600 tokens, input or output alike.
        gpu = _money(raw["gpu_hour"], f"{where}.gpu_hour")
        tps = _money(raw.get("tokens_per_second"), f"{where}.tokens_per_second")
        assert gpu is not None and tps is not None
        if tps == 0:
            raise PriceBookError(f"{where}.tokens_per_second: must be > 0")
        per_million = (gpu * MILLION / (tps * 3600)).quantize(Decimal("0.000001"))
        raw.setdefault("input", per_million)
        raw.setdefault("output", per_million)
    rates = _rates(raw, where, None)
    above = raw.get("above")
    above_tokens = None
    above_rates = None
    if above is not None:
        if not isinstance(above, dict) or "input_tokens" not in above:
            raise PriceBookError(
                f"{where}.above: expected {{input_tokens: N, input: ..., output: ...}}"
            )
        above_tokens = int(above["input_tokens"])
        above_rates = _rates(above, f"{where}.above", rates)
    multipliers = {}
    for tier in SERVICE_TIERS:
        if tier in raw:
            value = _money(raw[tier], f"{where}.{tier}")
            assert value is not None
            multipliers[tier] = value
    return PriceEntry(
        valid_from=_date(raw["from"], f"{where}.from"),
        rates=rates,
        above_input_tokens=above_tokens,
        above_rates=above_rates,
        multipliers=multipliers,
        source=str(raw.get("source", "")),
        checked=str(raw.get("checked", "")),
    )


def _model(key: str, raw: Any, where: str, book_index: int) -> ModelPrice:
    if not isinstance(raw, dict):
        raise PriceBookError(f"{where}: expected a mapping with provider, tier, prices")
    tier = str(raw.get("tier", "mid")).lower()
    if tier not in TIERS:
        raise PriceBookError(f"{where}.tier: {tier!r} is not one of {', '.join(TIERS)}")
    prices = raw.get("prices")
    if not isinstance(prices, list) or not prices:
        raise PriceBookError(f"{where}: `prices` must be a non-empty list")
    entries = [_entry(p, f"{where}.prices[{i}] (line {line_of(p)})") for i, p in enumerate(prices)]
    entries.sort(key=lambda e: e.valid_from)
    match = raw.get("match", [])
    if isinstance(match, str):
        match = [match]
    return ModelPrice(
        key=key.lower(),
        provider=str(raw.get("provider", "")).lower(),
        tier=tier,
        match=tuple(str(m).lower() for m in match),
        entries=tuple(entries),
        book_index=book_index,
    )


def _discount(raw: Any, where: str) -> Discount:
    if not isinstance(raw, dict) or "multiply" not in raw:
        raise PriceBookError(f"{where}: expected {{multiply: 0.85, provider: ..., from: ...}}")
    factor = _money(raw["multiply"], f"{where}.multiply")
    assert factor is not None
    return Discount(
        multiply=factor,
        provider=raw.get("provider"),
        model=raw.get("model"),
        valid_from=_date(raw["from"], f"{where}.from") if raw.get("from") else None,
        valid_until=_date(raw["until"], f"{where}.until") if raw.get("until") else None,
    )


def default_price_book_path() -> Path:
    """The shipped book, packaged inside tokenecon."""
    return Path(str(resources.files("tokenecon.data") / "pricing" / "default.yaml"))


def load_price_book(paths: Sequence[Path] = (), *, include_default: bool = True) -> PriceBook:
    """Load the default book (unless excluded) and then each of ``paths``; later books win."""
    book = PriceBook(currency="", models={})
    files = ([default_price_book_path()] if include_default else []) + list(paths)
    if not files:
        raise PriceBookError("no price book", "pass --prices FILE")
    for index, path in enumerate(files):
        data = load_yaml(path, PriceBookError, "price book")
        if not isinstance(data, dict) or not isinstance(data.get("models", {}), dict):
            raise PriceBookError(
                f"{path}: expected a mapping with `models:`",
                "see docs/price-book.md for the format",
            )
        currency = str(data.get("currency", "USD")).upper()
        if book.currency and currency != book.currency:
            raise PriceBookError(
                f"{path}: currency {currency} differs from {book.currency} of an earlier book",
                "keep one currency across --prices files",
            )
        book.currency = currency
        for key, raw in (data.get("models") or {}).items():
            where = f"{path}:{line_of(data['models'], key)}: models.{key}"
            book.models[str(key).lower()] = _model(str(key), raw, where, index)
        for i, raw in enumerate(data.get("discounts") or []):
            book.discounts.append(_discount(raw, f"{path}:{line_of(raw)}: discounts[{i}]"))
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        shown = "default" if include_default and index == 0 else str(path)
        book.files.append(PriceBookFile(path=shown, sha256=digest))
    return book


def cost_of(
    period: PricePeriod, tokens: dict[str, int], service_tier: str | None, above: bool
) -> Decimal:
    """Exact cost of token buckets (``input`` means uncached input) priced in ``period``."""
    entry = period.entry
    rates = entry.above_rates if above and entry.above_rates else entry.rates
    total = sum((Decimal(tokens.get(b) or 0) * rates.of(b) for b in BUCKETS), Decimal(0))
    multiplier = entry.multipliers.get(service_tier or "", Decimal(1))
    return total * multiplier * period.discount / MILLION
