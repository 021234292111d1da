"""How people write lever values: shares, percentages, token counts, choices, switches.

Each parser takes the value as given (a flag's text, or what YAML made of a scenario file's
value) and ``where`` (the flag, or ``file:line: key``) for the message when it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from tokenecon import units
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
    """A share or percentage as a fraction: ``0.3`` or ``30%`` is 0.3; a bare ``30`` is
    refused (30% or 0.3?). The one rule of :func:`tokenecon.units.parse_share`."""
    return units.parse_share(value, where)


parse_percent = parse_share
"""Percentages (``--trim-prompt``...) read like every share: ``20%`` or ``0.2``."""


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


SHARE_VALUE: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": r"^\s*(?:[0-9.]+\s*%|0*\.[0-9]+|0|1|1\.0*)\s*$"},
    ]
}
"""A share as a scenario file may write it (the JSON Schema of what :func:`parse_share` reads)."""

TOKENS_VALUE: dict[str, Any] = {
    "anyOf": [
        {"type": "integer", "exclusiveMinimum": 0},
        {"type": "string", "pattern": r"^\s*[0-9][0-9_,.]*\s*[kKmM]?\s*$"},
    ]
}
"""A token count as a scenario file may write it (what :func:`parse_tokens` reads)."""


def any_case(choices: Sequence[str]) -> dict[str, Any]:
    """The JSON Schema of one of ``choices`` in any case (what :func:`parse_choice` reads)."""
    spelled = (
        "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in choice)
        for choice in choices
    )
    return {"type": "string", "pattern": f"^(?:{'|'.join(spelled)})$"}


def as_percent(x: Decimal) -> str:
    """A fraction as people read it in descriptions: 0.2 -> ``20%``."""
    return f"{(x * 100).normalize():f}%"
