"""Number formatting shared by the human renderers: one format per quantity.

Money, whatever it measures (a bill, a cost per outcome, a price per million tokens): two
decimals from $1 up, four below; zero is $0.00 and never carries a minus sign. No figure
prints a signed zero: a change, share or count that rounds to zero is shown without its sign
(``0.0pp``, ``0.0%``, ``0``, never ``-0.0pp`` or ``+0.0%``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from tokenecon.units import money_text, unsigned_zero


def dec(value: str | int | None) -> Decimal | None:
    """A report value as Decimal (None stays None)."""
    return None if value is None else Decimal(str(value))


def usd(value: str | None, symbol: str = "$") -> str:
    """Money (see :func:`money_text`); — for none."""
    x = dec(value)
    return "—" if x is None else money_text(x, symbol)


def nothing_priced(billable: int | None, unpriced: int | None) -> bool:
    """Whether there are tokens and none of them has a price: their cost is unknown, not $0.00."""
    return bool(billable) and (unpriced or 0) >= (billable or 0)


def unpriced_all(volume: Mapping[str, Any]) -> bool:
    """:func:`nothing_priced` of a report volume (the totals, a use case, a day…)."""
    return nothing_priced(volume["tokens"]["billable"], volume.get("unpriced_tokens", 0))


def volume_cost(volume: Mapping[str, Any]) -> str:
    """A report volume's cost (:func:`usd`); "no price" where none of its tokens has one."""
    return "no price" if unpriced_all(volume) else usd(volume["cost"])


def priced_usd(cost: str, unpriced_tokens: int | None) -> str:
    """A cost that has no token count beside it (a domain's direct cost, a budget's spend):
    "no price" where it is 0 and tokens with no price were left out of it, else :func:`usd`."""
    return "no price" if unpriced_tokens and not Decimal(cost) else usd(cost)


def per_million(value: str | None) -> str:
    """A per-token rate shown per million tokens, as money."""
    x = dec(value)
    return "—" if x is None else money_text(x * 1_000_000)


def count(value: str | int | None, places: int = 0) -> str:
    """A count or ratio with thousands separators (no ``-0``)."""
    x = dec(value)
    return "—" if x is None else unsigned_zero(f"{x:,.{places}f}")


def pct(value: str | None, places: int = 0) -> str:
    """A share as a percentage (no ``-0%``)."""
    x = dec(value)
    return "—" if x is None else unsigned_zero(f"{x * 100:.{places}f}%")


def signed_percent(x: Decimal, places: int = 1, unit: str = "%") -> str:
    """A change of a ratio ``x`` in percent (``unit`` ``%``) or percentage points (``pp``),
    with its sign: ``+29.0%``, ``-1.5pp``; one that rounds to zero has none (``0.0pp``)."""
    return unsigned_zero(f"{x * 100:+.{places}f}{unit}")


def tokens(value: int | None) -> str:
    """Token volumes in K/M/B."""
    if value is None:
        return "—"
    for unit, size in (("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if abs(value) >= size:
            return f"{value / size:,.1f}{unit}"
    return str(value)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 request``, ``2 requests`` (``many``: an irregular plural)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
