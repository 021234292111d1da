"""Regional prices: what a request billed in a region costs, from the book's ``regions:``
uplifts (docs/price-book-fields.md#regional-prices): a request whose source states the geo it
was billed at, or of a use case whose ``residency:`` policy keeps it in a region.

A source that states the billed geo decides: Anthropic bills a request sent with
``inference_geo: "us"`` at 1.1x on every token bucket (Opus 4.6, Sonnet 4.6 and later; the book's
``regions: {us: 1.1}`` from litellm's ``provider_specific_entry``) and says so in the usage
report and Claude Code's ``message.usage.inference_geo``. Such a row is priced at the book's
rate for exactly that geo, with or without a mapping; ``global`` (or a geo the model lists no
rate for) is the global price, whatever a policy says. A cloud region (Bedrock's
``us-east-1``) is not a billing geo: only a policy can price it regionally.

A book's ``regions: {eu: 1.1}`` says a request processed only in that region costs 1.1x the
global price (litellm's ``regional_processing_uplift_multiplier_eu``, OpenAI's data-residency
uplift). Usage rows do not say whether regional processing was asked for; the mapping does: a
use case with ``residency: [eu]`` requires it, so its requests that ran in an allowed region
are priced at the book's regional rate, and every other request at the global one.

A policy region names a book region when, without its trailing glob (``*``, ``?``) and dashes,
it is the book's key or starts with the key and a dash: ``eu``, ``eu-*`` and ``eu-west-1`` are
``eu``; ``us-east`` is ``us``. A policy whose regions the book prices at different rates (or
some not at all) has no single regional rate: its requests keep the global price and the
use case's declared ``placement_premium``, if any, stands in (docs/formulas.md#placement-premium).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from tokenecon.attribute.mapping import UseCase
from tokenecon.price.model import ModelPrice


def book_region(policy_region: str, keys: Iterable[str]) -> str | None:
    """The book region key a policy region names, or None (the longest key wins)."""
    bare = policy_region.strip().lower().rstrip("*?-")
    found = [k for k in keys if bare == k or bare.startswith(k + "-")]
    return max(found, key=len) if found else None


def regional_rate(model: ModelPrice, policy: Iterable[str]) -> tuple[str, Decimal] | None:
    """The book region and multiplier every region of ``policy`` is priced at for ``model``;
    None when the book has no regional price for them, or prices them differently."""
    regions = [book_region(r, model.regions) for r in policy]
    if not regions or None in regions:
        return None
    rates = {model.regions[r] for r in regions if r is not None}
    if len(rates) != 1:
        return None
    keys = sorted({r for r in regions if r is not None})
    return "+".join(keys), rates.pop()


def billed_geo_rate(model: ModelPrice, geo: str) -> tuple[str, Decimal] | None:
    """The book region and multiplier of a geo the source says the request was billed at
    (the exact key: ``us``, never a prefix of a cloud region); None at the global price."""
    key = geo.strip().lower()
    rate = model.regions.get(key)
    return (key, rate) if rate is not None else None


Policies = Mapping[str, tuple[str, ...]]
"""Use case name -> the regions its residency policy allows."""


def residency_policies(use_cases: Iterable[UseCase]) -> dict[str, tuple[str, ...]]:
    """Use case name -> its ``residency:`` regions, for the use cases that declare one."""
    return {u.name: u.residency for u in use_cases if u.residency}
