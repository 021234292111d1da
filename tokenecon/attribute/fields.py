"""Values of the ownership keys of the mapping: shares, amounts, names, known keys.

Every error names the file and line (``docs/ownership.md`` is the reference).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from tokenecon.errors import MappingError
from tokenecon.yamlfile import line_of

DOCS = "see docs/ownership.md"
MAX_NUMBER = Decimal(10) ** 15
"""No number of a mapping is larger (a quadrillion dollars or outcomes): a larger one is a typo,
and one like ``1e999999999`` would take minutes to turn into an integer."""


def bounded(number: Decimal, value: Any, where: str) -> Decimal:
    """``number`` if it is finite, >= 0 and at most :data:`MAX_NUMBER`, else a MappingError."""
    if not number.is_finite() or number < 0:
        raise MappingError(f"{where}: expected a number >= 0, got {_shown(value)}")
    if number > MAX_NUMBER:
        raise MappingError(f"{where}: {_shown(value)} is larger than 10^15; a typo?")
    return number


def _shown(value: Any) -> str:
    """A value for an error message, cut short (a mapping is the user's own text)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def share(value: Any, where: str) -> Decimal:
    """A share written ``60%`` or ``0.6``."""
    text = str(value).strip()
    scale = Decimal(100) if text.endswith("%") else Decimal(1)
    try:
        number = Decimal(text.removesuffix("%")) / scale
    except InvalidOperation:
        raise MappingError(
            f"{where}: expected a share like 60% or 0.6, got {_shown(value)}"
        ) from None
    return bounded(number, value, where)


def amount(value: Any, where: str) -> Decimal:
    """A sum of money >= 0."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise MappingError(f"{where}: expected an amount, got {_shown(value)}") from None
    return bounded(number, value, where)


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
