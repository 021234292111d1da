"""Values of the ownership keys of the mapping: shares, amounts, names, known keys.

Every error names the file and line (``docs/ownership.md`` is the reference).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from tokenecon.errors import MappingError
from tokenecon.yamlfile import line_of

DOCS = "see docs/ownership.md"


def share(value: Any, where: str) -> Decimal:
    """A share written ``60%`` or ``0.6``."""
    text = str(value).strip()
    scale = Decimal(100) if text.endswith("%") else Decimal(1)
    try:
        number = Decimal(text.removesuffix("%")) / scale
    except InvalidOperation:
        raise MappingError(f"{where}: expected a share like 60% or 0.6, got {value!r}") from None
    if not number.is_finite() or number < 0:
        raise MappingError(f"{where}: expected a share >= 0, got {value!r}")
    return number


def non_negative(value: Any, where: str, noun: str = "a number") -> Decimal:
    """A finite number >= 0; the message calls it ``noun`` (``a number``, ``an amount``)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise MappingError(f"{where}: expected {noun}, got {value!r}") from None
    if not number.is_finite() or number < 0:
        raise MappingError(f"{where}: expected {noun} >= 0, got {value!r}")
    return number


def amount(value: Any, where: str) -> Decimal:
    """A sum of money >= 0."""
    return non_negative(value, where, "an amount")


def names(raw: Any, where: str) -> tuple[str, ...]:
    """One name or a list of names."""
    if raw is None:
        return ()
    values = raw if isinstance(raw, list) else [raw]
    return tuple(str(v) for v in values)


def check_keys(raw: Any, allowed: set[str], where: str) -> None:
    """Refuse anything but a mapping with the allowed keys, naming the line of the first other."""
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: expected a mapping", DOCS)
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise MappingError(
            f"{where}: unknown key {unknown[0]!r} (line {line_of(raw, unknown[0])})",
            f"allowed: {', '.join(sorted(allowed))}; {DOCS}",
        )
