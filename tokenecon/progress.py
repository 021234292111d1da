"""Progress of the engine's scans, as data: the CLI draws it, the core only reports it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ScanProgress:
    """How far the engine is through one pass over the usage."""

    phase: str
    """What the pass does: ``repeated ids`` (the duplicate pre-pass) or ``usage`` (the query)."""
    fraction: float
    """0 to 1, as the engine estimates it."""
    bytes_total: int
    """Size of the usage files (compressed size for gzip)."""
    rows_estimate: int | None
    """Rows the files hold, estimated from the first MiB (None when it cannot be)."""


Reporter = Callable[[ScanProgress], None]
"""Called a few times a second while a pass runs, and once with fraction 1 when it ends."""


_hashed = [0]


def count_hashed(size: int) -> None:
    """Record ``size`` bytes read to hash an input (progress figures leave them out)."""
    _hashed[0] += size


def bytes_hashed() -> int:
    """Bytes this process has read to hash files (progress figures leave them out)."""
    return _hashed[0]
