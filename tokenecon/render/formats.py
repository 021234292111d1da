"""Number formatting shared by the human renderers: one format per quantity.

Money, whatever it measures (a bill, a cost per outcome, a price per million tokens): two
decimals from $1 up, four below; zero is $0.00 and never carries a minus sign. No figure
prints a signed zero: a change, share or count that rounds to zero is shown without its sign
(``0.0pp``, ``0.0%``, ``0``, never ``-0.0pp`` or ``+0.0%``).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def dec(value: str | int | None) -> Decimal | None:
    """A report value as Decimal (None stays None)."""
    return None if value is None else Decimal(str(value))


def money_text(x: Decimal, symbol: str = "$") -> str:
    """Money by magnitude: 2 decimals from 1 up, 4 below; zero is ``$0.00``, and a sum too
    small for 4 decimals ``<$0.0001`` (``>-$0.0001``), never ``$0.0000`` or ``-$0.0000``."""
    places = 2 if abs(x) >= 1 else 4
    rounded = x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if x == 0:
        return f"{symbol}0.00"
    if rounded == 0:
        return f"<{symbol}0.0001" if x > 0 else f">-{symbol}0.0001"
    return f"{'-' if rounded < 0 else ''}{symbol}{abs(rounded):,.{places}f}"


def usd(value: str | None, symbol: str = "$") -> str:
    """Money (see :func:`money_text`); — for none."""
    x = dec(value)
    return "—" if x is None else money_text(x, symbol)


def per_million(value: str | None) -> str:
    """A per-token rate shown per million tokens, as money."""
    x = dec(value)
    return "—" if x is None else money_text(x * 1_000_000)


def unsigned_zero(text: str) -> str:
    """A formatted number without its sign when every digit of it is 0 (``-0.0pp`` ->
    ``0.0pp``, ``+0%`` -> ``0%``): a figure that rounds to zero is neither up nor down."""
    return text if any(c in "123456789" for c in text) else text.lstrip("+-")


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
