"""Context windows a route checks, and the models of a tier a tier route could land on.

The engine splits usage at the context window of every model a route could move it to, so
that the route can tell which calls fit its target (see :func:`~.routing.window_sizes`).
Each split costs time in the engine and in every scenario (a window inside the prompts' range
doubles the parts: a generated book of 600 models states 30 windows). A tier route takes the
cheapest model of its tier and provider on the slice's token mix (ties to the first key), so
a model that another model of both beats on every mix is never its target, and its window
need not be split at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal

from tokenecon.price.book import BUCKETS, ModelPrice, PriceBook

Span = dict[str, tuple[Decimal, ...]]
"""Service tier ("" for standard) -> one price per bucket (:data:`BUCKETS`)."""


def window_of(model: ModelPrice) -> int | None:
    """The most input tokens the model takes, where the price book says (else None)."""
    # The book states windows only once its generator carries them (max input tokens per
    # model or per price entry); until then every route says the window is unchecked.
    for holder in (model, *model.entries[-1:]):
        for name in ("max_input_tokens", "context_window"):
            value = getattr(holder, name, None)
            if isinstance(value, int) and value > 0:
                return value
    return None


def tier_targets(book: PriceBook, tier: str) -> list[ModelPrice]:
    """The models of ``tier`` that a tier route could choose for some slice.

    Left out: a model that another model of the same tier and provider beats on every
    token mix, tier and day: a model whose key sorts first (ties go to the first key),
    priced from the same day or earlier, with no discount on either (the book's discounts
    are per model and date), and at most its price in every bucket, at every service tier,
    on either side of either's long-context cliff, in every dated entry. Whenever the
    left-out model is a candidate, that one is too, and costs no more.
    """
    models = [m for m in book.models.values() if m.tier == tier]
    names = sorted(
        {""} | {t for m in models for e in m.entries for t in (*e.tiers, *e.above_tiers)}
    )
    plain = {m.key: m for m in models if _plain(m, book)}
    latest = {k: tuple(m.entries[-1].rates.of(b) for b in BUCKETS) for k, m in plain.items()}
    spans: dict[tuple[str, bool], Span] = {}

    def span(key: str, high: bool) -> Span:
        if (key, high) not in spans:
            spans[key, high] = _span(plain[key], names, max if high else min)
        return spans[key, high]

    def beats(other: ModelPrice, model: ModelPrice) -> bool:
        return (
            other.key < model.key
            and other.entries[0].valid_from <= model.entries[0].valid_from
            # the latest standard prices bound both spans: a quick no for most pairs
            and all(a <= b for a, b in zip(latest[other.key], latest[model.key], strict=True))
            and _at_most(span(other.key, True), span(model.key, False))
        )

    rivals: dict[str, list[ModelPrice]] = {}
    for m in plain.values():
        rivals.setdefault(m.provider, []).append(m)
    return [
        m for m in models if m.key not in plain or not any(beats(o, m) for o in rivals[m.provider])
    ]


def _plain(model: ModelPrice, book: PriceBook) -> bool:
    """Priced at its own entries (its key resolves to itself) with no discount."""
    return (
        bool(model.entries)
        and book.resolve(model.key) == model.key
        and not any(d.applies(model) for d in book.discounts)
    )


def _span(
    model: ModelPrice, names: Iterable[str], pick: Callable[[Iterable[Decimal]], Decimal]
) -> Span:
    """The highest (or lowest) price of each bucket per service tier over every entry and
    both sides of the cliff."""
    out = {}
    for name in names:
        rates = [e.rates_for(name, above) for e in model.entries for above in (False, True)]
        out[name] = tuple(pick(r.of(b) for r in rates) for b in BUCKETS)
    return out


def _at_most(highest: Span, lowest: Span) -> bool:
    """Whether every price of ``highest`` is at most the same one of ``lowest``."""
    return all(
        a <= b
        for name, prices in highest.items()
        for a, b in zip(prices, lowest[name], strict=True)
    )
