"""A price book's numbers as read from YAML: money (never through a binary float) and the
per-model multipliers (``regions:``, ``speeds:``), each with the path that failed named."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from tokenecon.errors import PriceBookError


def money_value(value: Any, where: str, *, allow_none: bool = False) -> Decimal | None:
    """A price book number (>= 0, finite) as a Decimal; None where allowed."""
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


def multipliers(raw: Any, where: str, field: str = "regions") -> dict[str, Decimal]:
    """``regions: {eu: 1.1}`` (data-residency uplifts) or ``speeds: {fast: 2}`` (Anthropic's
    fast mode): each a multiplier above 0."""
    if raw is None:
        return {}
    example = "{fast: 2}" if field == "speeds" else "{eu: 1.1, us: 1.1}"
    zero = (
        "a multiplier of 0 would make that speed free"
        if field == "speeds"
        else "an uplift of 0 would make the region free"
    )
    if not isinstance(raw, dict):
        raise PriceBookError(f"{where}.{field}: expected {example} (multipliers)")
    out = {}
    for k, v in raw.items():
        factor = money_value(v, f"{where}.{field}.{k}")
        assert factor is not None
        if factor == 0:
            raise PriceBookError(
                f"{where}.{field}.{k}: {zero}",
                f"the price there is the standard price times this multiplier, e.g. {example} "
                "(docs/price-book-fields.md)",
            )
        out[str(k).lower()] = factor
    return out
