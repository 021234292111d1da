"""How people write lever values: shares, percentages, token counts, choices, switches.

Each parser takes the value as given (a flag's text, or what YAML made of a scenario file's
value) and ``where`` (the flag, or ``file:line: key``) for the message when it is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from tokenecon.errors import OptionError


def parse_number(value: Any, where: str) -> Decimal:
    """A finite decimal number (a YAML boolean is not one)."""
    text = str(value).strip()
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(text)
    except InvalidOperation:
        raise OptionError(f"{where}: {value!r} is not a number") from None
    if not number.is_finite():
        raise OptionError(f"{where}: {value!r} is not a number")
    return number


def parse_share(value: Any, where: str) -> Decimal:
    """A share as a fraction: ``0.3`` or ``30%`` is 0.3; ``30`` is refused (0.3 or 30%?)."""
    text = str(value).strip()
    if text.endswith("%"):
        number = parse_number(text.removesuffix("%"), where)
        if not 0 <= number <= 100:
            raise OptionError(f"{where}: {value} is outside 0–100%", _SHARE_HINT)
        return number / 100
    number = parse_number(value, where)
    if not 0 <= number <= 1:
        raise OptionError(f"{where}: {value} is outside 0–1", _SHARE_HINT)
    return number


_SHARE_HINT = "a share is a fraction: write 0.3 for 30% (or 30%)"


def parse_percent(value: Any, where: str) -> Decimal:
    """A percentage as a fraction: ``20`` or ``20%`` is 0.2.

    A bare number above 0 and up to 1 is refused: ``0.5`` may mean half a percent or half,
    so it must be written ``0.5%`` or ``50``.
    """
    text = str(value).strip()
    number = parse_number(text.removesuffix("%"), where)
    if not 0 <= number <= 100:
        raise OptionError(
            f"{where}: {value} is outside 0–100", "a percentage: write 20 (or 20%) for 20%"
        )
    if not text.endswith("%") and 0 < number <= 1:
        raise OptionError(
            f"{where}: {value} is ambiguous ({number}% or {(number * 100).normalize():f}%?)",
            f"write {(number * 100).normalize():f}% or {number}% (a bare number is a percentage "
            "from 1 up)",
        )
    return number / 100


def parse_tokens(value: Any, where: str) -> int:
    """A whole, positive number of tokens (``150000``, ``150_000`` or ``150k``)."""
    text = str(value).strip().lower().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = parse_number(text[:-1] if scale != 1 else text, where) * scale
    if number <= 0 or number != number.to_integral_value():
        raise OptionError(f"{where}: {value} is not a whole number of tokens above 0")
    return int(number)


def parse_choice(value: Any, allowed: Sequence[str], where: str) -> str:
    """One of ``allowed`` (any case)."""
    text = str(value).strip().lower()
    if text not in allowed:
        raise OptionError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return text


def parse_switch(value: Any, where: str) -> bool:
    """A flag without a value, or ``true``/``false`` in a file (absent: false)."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise OptionError(f"{where}: {value!r} is not true or false")
    return value


def given(value: Any) -> bool:
    """Whether a flag or a file key states something (None and an unset switch do not)."""
    return value is not None and value is not False


def as_percent(x: Decimal) -> str:
    """A fraction as people read it in descriptions: 0.2 -> ``20%``."""
    return f"{(x * 100).normalize():f}%"
