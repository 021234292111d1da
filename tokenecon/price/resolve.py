"""Model-name resolution: how a name as a usage export spells it reaches one priced model.

The rules never guess across prices (docs/price-book-fields.md):

1. the exact name (case-insensitive) as a model key or one of its ``aliases``;
2. the name without routing prefixes that change no price (``openrouter/``, ``openai/``,
   ``azure/``, ``vertex_ai/``, ``models/`` ...) and, for a fine-tune
   ``ft:BASE:org::id``, the book's ``ft:BASE`` (fine-tuned rates, never the base's);
3. a ``match`` glob of the book (the most literal wins, later book on a tie);
4. only for a model written without ``aliases`` (a hand-written family price, which the user
   says covers its snapshots): the name without its snapshot date or version suffix.

A generated model lists every spelling the sources know under ``aliases``; a dated snapshot
the book does not list stays unpriced rather than borrow a price that may not be its own.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from typing import Protocol

from tokenecon.ingest.model_names import BEDROCK_PREFIX, DATE_SUFFIX, VENDOR_DOT


class ModelPrice(Protocol):
    """What resolution needs of a book's model (:class:`tokenecon.price.model.ModelPrice`)."""

    @property
    def key(self) -> str: ...
    @property
    def match(self) -> tuple[str, ...]: ...
    @property
    def aliases(self) -> tuple[str, ...] | None: ...
    @property
    def book_index(self) -> int: ...


NEUTRAL_PREFIXES = (
    "openrouter", "openai", "anthropic", "google", "gemini", "vertex_ai", "vertex_ai_beta",
    "models", "mistral", "mistralai", "deepseek", "xai", "x-ai", "azure", "azure_ai",
    "bedrock", "converse", "litellm_proxy", "chat",
)  # fmt: skip
"""Routing prefixes that resellers and proxies put before a name without changing its price
(a regional route such as ``azure/eu/`` is not one: the book lists those names itself)."""
_FINE_TUNE = re.compile(r"^ft:([^:]+)(:.*)?$")


def name_forms(name: str) -> list[str]:
    """The spellings of a reported model name to look up exactly, most literal first."""
    raw = name.strip().lower()
    forms = [raw]
    current = raw
    while "/" in current and current.split("/", 1)[0] in NEUTRAL_PREFIXES:
        current = current.split("/", 1)[1]
        forms.append(current)
    fine = _FINE_TUNE.match(current)
    if fine:
        forms.append(f"ft:{fine.group(1)}")
    return list(dict.fromkeys(forms))


def family_forms(name: str) -> list[str]:
    """Shorter spellings for hand-written family prices: no prefix, no date or version."""
    bare = name.strip().lower().rsplit("/", 1)[-1]
    bare = VENDOR_DOT.sub("", BEDROCK_PREFIX.sub("", bare))
    out = [bare]
    while True:
        shorter = DATE_SUFFIX.sub("", out[-1])
        if shorter == out[-1]:
            break
        out.append(shorter)
    return out


def specificity(pattern: str) -> int:
    """How literal a glob is: its characters that are not wildcards."""
    return sum(1 for ch in pattern if ch not in "*?[]")


def resolve_name(
    name: str | None, models: Mapping[str, ModelPrice], aliases: dict[str, str]
) -> str | None:
    """The key of the model ``name`` resolves to under the rules above, or None."""
    if not name:
        return None
    forms = name_forms(name)
    for form in forms:
        if form in models:
            return form
        if form in aliases:
            return aliases[form]
    best: tuple[int, int, str] | None = None
    for model in models.values():
        for pattern in model.match:
            if any(fnmatch.fnmatchcase(form, pattern) for form in forms):
                score = (specificity(pattern), model.book_index, model.key)
                if best is None or score > best:
                    best = score
    if best:
        return best[2]
    for form in family_forms(name)[1:] + family_forms(name)[:1]:
        family = models.get(form)
        if family is not None and family.aliases is None:
            return form
    return None


def alias_table(models: Iterable[ModelPrice]) -> dict[str, str]:
    """Alias -> model key for exact look-ups (keys themselves are looked up first)."""
    out: dict[str, str] = {}
    for model in sorted(models, key=lambda m: m.book_index):  # a later book's alias wins
        for alias in model.aliases or ():
            out[alias] = model.key
    return out


def unknown_reason(name: str) -> str:
    """Why a name stays unpriced, with how to price it where the name tells."""
    lowered = name.strip().lower()
    if lowered.startswith(("azure/", "azure_ai/")):
        return (
            "unknown model: an Azure deployment name the book cannot know; map it to its "
            "model with `match:` in a --prices book (docs/price-book-fields.md)"
        )
    return "unknown model"
