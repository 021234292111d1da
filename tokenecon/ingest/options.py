"""How sources are read (``--map``, ``--input-convention``, ``--format``,
``--timestamp-format``) and what a read found.

Below every adapter: the formats, the generic fallback and the stages above all name these.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tokenecon.errors import OptionError
from tokenecon.ingest.canonical import CANONICAL_COLUMNS

CONVENTIONS = ("inclusive", "exclusive")
"""Whether a plain ``input_tokens`` column includes cache reads and writes."""


@dataclass(frozen=True)
class ReadOptions:
    """How to interpret a source."""

    column_map: Mapping[str, str] = field(default_factory=dict)
    """``--map source_column=canonical`` overrides (source names as written or normalised)."""
    input_convention: str = "inclusive"
    """Whether a plain ``input_tokens`` column includes cache reads and writes."""
    convention_given: bool = False
    """Whether the user said the convention (``--input-convention``, the mapping): if not, a
    generic source's is decided from its column names, else assumed and said
    (:mod:`tokenecon.ingest.convention`)."""
    format: str | None = None
    """``--format NAME``: read every source as this format instead of detecting it."""
    timestamp_format: str | None = None
    """``--timestamp-format``: the strptime-style layout of timestamp text, tried before ISO
    8601 and Unix time (checked by :func:`tokenecon.ingest.time_format.timestamp_format`)."""


@dataclass(frozen=True)
class ColumnPlan:
    """Which source column feeds which canonical column, and what was left aside."""

    canonical: dict[str, int]
    """Canonical name -> position of the source column."""
    extra: dict[str, int]
    """Other columns by normalised name: usable in mapping rules as ``tags.<name>``."""
    headers: list[str]
    """The source's column names as written."""
    notes: list[str]
    """Human remarks (duplicate mappings, ignored columns)."""
    format: str = "generic"
    """The source format it was read as."""
    estimated: str | None = None
    """How token counts were estimated, when the source has none."""


def parse_column_map(pairs: list[str]) -> dict[str, str]:
    """Parse ``--map col=canonical`` options."""
    out: dict[str, str] = {}
    for pair in pairs:
        source, sep, target = pair.partition("=")
        target = target.strip()
        if not sep or not source.strip() or target not in CANONICAL_COLUMNS:
            raise OptionError(
                f"--map {pair!r}: expected SOURCE_COLUMN=CANONICAL",
                f"CANONICAL is one of {', '.join(CANONICAL_COLUMNS)}",
            )
        out[source.strip()] = target
    return out
