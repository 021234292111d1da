"""A loaded price book: models with their dated prices, aliases and context window."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tokenecon.errors import UnknownModelError
from tokenecon.price.periods import Discount, PricePeriod, discount_at, split_periods
from tokenecon.price.rates import PriceEntry
from tokenecon.price.resolve import alias_table, family_forms, name_forms, resolve_name

_RESOLD = re.compile(r"^([a-z]{2,6}\.)?(anthropic|openai|google|mistral|deepseek|xai|meta)\.")


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
    aliases: tuple[str, ...] | None = None
    """Exact spellings billed at this model's prices (snapshots, resold names); None when the
    book gives no list (a hand-written family price, which then covers dated snapshots)."""
    max_input_tokens: int | None = None
    """Context window: the longest prompt the model accepts, if known."""
    max_output_tokens: int | None = None
    """The most output tokens one request may produce, if known."""
    regions: dict[str, Decimal] = field(default_factory=dict)
    """Data-residency uplifts (``eu: 1.1``): the multiple a request processed only in that
    region costs. Applied to the requests a use case's ``residency:`` keeps in the region
    (:mod:`tokenecon.price.regional`; docs/price-book-fields.md)."""
    speeds: dict[str, Decimal] = field(default_factory=dict)
    """Speed multipliers (``fast: 2``): the multiple of every rate a request the source says
    ran at that speed costs (Anthropic's fast mode; docs/price-book-fields.md#fast-mode)."""
    retired: date | None = None
    """The day the provider retired the model or a source stopped listing it (prices kept)."""

    @property
    def routable(self) -> bool:
        """Whether routing may suggest it: a maker's own current name, not a resold spelling
        (``azure/...``, ``us.anthropic....``) nor a model the sources stopped listing."""
        return self.retired is None and "/" not in self.key and not _RESOLD.match(self.key)

    def active(self, at: date) -> PriceEntry | None:
        """The entry in force on day ``at``, or None before the first one."""
        found = None
        for entry in self.entries:
            if entry.valid_from <= at:
                found = entry
        return found


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
    _aliases: dict[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def aliases(self) -> dict[str, str]:
        """Alias -> model key over every model of the book."""
        if self._aliases is None:
            self._aliases = alias_table(self.models.values())
        return self._aliases

    def resolve(self, name: str | None) -> str | None:
        """The book's key for a model name as reported, or None when no model matches.

        See :mod:`tokenecon.price.resolve` for the rules: exact names and aliases, neutral
        prefixes and fine-tunes, ``match`` globs, and family prices only where hand-written.
        """
        return resolve_name(name, self.models, self.aliases)

    def suggest(self, name: str, n: int = 3) -> list[str]:
        """The closest known model keys, for "did you mean"."""
        form = family_forms(name)[0] if name else ""
        return difflib.get_close_matches(form, sorted(self.models), n=n, cutoff=0.6)

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
        return discount_at(self.discounts, model, at)

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
        return split_periods([self.models[k] for k in sorted(set(keys))], self.discounts)


__all__ = ["ModelPrice", "PriceBook", "PriceBookFile", "name_forms"]
