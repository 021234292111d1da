"""Shares written by people: ``60%`` and ``0.6`` are the same share; a bare ``20`` is refused.

One parser for every option, scenario field and threshold that takes a share (``--cache``,
``--trim-prompt``, ``--fail-on "unattributed_share>5%"``...), so that they all read alike.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from tokenecon.errors import OptionError


def parse_share(value: Any, where: str) -> Decimal:
    """A share between 0 and 1: ``60%`` or ``0.6`` -> ``Decimal("0.6")``.

    A bare number above 1 (``20``) could mean 20% or 20 times: it is refused, with both
    spellings in the hint. ``where`` names the flag or file line, for the message."""
    text = str(value).strip()
    if isinstance(value, bool) or not text:
        raise OptionError(f"{where}: {value!r} is not a share", _HINT)
    percent = text.endswith("%")
    number = _decimal(text.removesuffix("%").strip().replace("_", ""), value, where)
    if percent:
        number /= 100
    elif number > 1:
        raise OptionError(
            f"{where}: {text} is ambiguous as a share",
            f"write {text}% for {text} percent, or {_fraction(number)} as a fraction",
        )
    if not 0 <= number <= 1:
        raise OptionError(f"{where}: {text} is outside 0-100%", _HINT)
    return number


_HINT = "a share is a percentage or a fraction: write 60% or 0.6"


def _decimal(text: str, value: Any, where: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise OptionError(f"{where}: {value!r} is not a share", _HINT) from None
    if not number.is_finite():
        raise OptionError(f"{where}: {value!r} is not a share", _HINT)
    return number


def _fraction(number: Decimal) -> str:
    """``20`` as the fraction it would be as a percentage: ``0.2``."""
    return f"{(number / 100).normalize():f}"


def unsigned_zero(text: str) -> str:
    """A formatted number without its sign when every digit of it is 0 (``-0.0pp`` ->
    ``0.0pp``, ``+0%`` -> ``0%``): a figure that rounds to zero is neither up nor down."""
    return text if any(c in "123456789" for c in text) else text.lstrip("+-")


def percent_text(share: Decimal, places: int = 1) -> str:
    """A share (0.25) as a percentage (``25.0%``), never ``-0.0%``."""
    return unsigned_zero(f"{share * 100:,.{places}f}%")


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
