"""Shares written by people: ``60%`` and ``0.6`` are the same share; a bare ``20`` is refused.

One parser for every option, scenario field and threshold that takes a share (``--cache``,
``--trim-prompt``, ``--fail-on "unattributed_share>5%"``...), so that they all read alike.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
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
