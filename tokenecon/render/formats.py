"""Number formatting shared by the human renderers."""

from __future__ import annotations

from decimal import Decimal


def dec(value: str | int | None) -> Decimal | None:
    """A report value as Decimal (None stays None)."""
    return None if value is None else Decimal(str(value))


def usd(value: str | None, symbol: str = "$") -> str:
    """Money: 2 decimals from $1 up, 4 below (a cost per outcome is often cents)."""
    x = dec(value)
    if x is None:
        return "—"
    places = 2 if abs(x) >= 1 or x == 0 else 4
    return f"{'-' if x < 0 else ''}{symbol}{abs(x):,.{places}f}"


def per_million(value: str | None) -> str:
    """A per-token rate shown per million tokens."""
    x = dec(value)
    return "—" if x is None else f"${x * 1_000_000:,.2f}"


def count(value: str | int | None, places: int = 0) -> str:
    """A count or ratio with thousands separators."""
    x = dec(value)
    return "—" if x is None else f"{x:,.{places}f}"


def pct(value: str | None, places: int = 0) -> str:
    """A share as a percentage."""
    x = dec(value)
    return "—" if x is None else f"{x * 100:.{places}f}%"


def tokens(value: int | None) -> str:
    """Token volumes in K/M/B."""
    if value is None:
        return "—"
    for unit, size in (("B", 10**9), ("M", 10**6), ("K", 10**3)):
        if abs(value) >= size:
            return f"{value / size:,.1f}{unit}"
    return str(value)
