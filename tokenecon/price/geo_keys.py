"""Which name a book model of same-priced Bedrock geo profiles is keyed by (``us.x``, not
``au.x``), and when a rebuild may move an existing key to it."""

from __future__ import annotations

GEO_PREFERENCE = ("us", "global", "eu", "apac", "jp", "au", "ca", "us-gov")
"""Bedrock cross-region inference-profile prefixes, in the order a shared key is chosen: the
same-priced ``us.``/``eu.``/``au.`` profiles of a model are one book model, named after the
``us.`` one (most users' rows), not the alphabetically first ``au.``."""


def key_order(name: str) -> tuple[bool, int, int, str]:
    """How a group's names rank for its key: no ``/``, the shortest without a geo prefix, the
    preferred geo (:data:`GEO_PREFERENCE`; unprefixed first), then alphabetically."""
    geo, dot, rest = name.partition(".")
    rank = GEO_PREFERENCE.index(geo) + 1 if dot and geo in GEO_PREFERENCE else 0
    return ("/" in name, len(rest) if rank else len(name), rank, name)


def renamed_geo_key(old: str, new: str) -> bool:
    """Whether a book key ``old`` gives way to ``new`` on a rebuild: both name one Bedrock
    model behind different geo prefixes and ``new`` is the preferred one (``au.x`` -> ``us.x``);
    any other key stays what the previous book called it."""
    old_geo, _, old_rest = old.partition(".")
    new_geo, _, new_rest = new.partition(".")
    return (
        old_rest == new_rest
        and {old_geo, new_geo} <= set(GEO_PREFERENCE)
        and key_order(new) < key_order(old)
    )
