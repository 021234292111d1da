"""What `tokenecon convert` did: rows read, written, rejected, repeated and outside the
period, the usage written without a cost, and the summary it prints."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenecon.aggregate.types import RowAccounting
from tokenecon.errors import UnknownModelError


@dataclass(frozen=True)
class UnpricedModel:
    """Usage of one model that the FOCUS file carries without a cost."""

    model: str
    """As reported."""
    reason: str
    """``unknown model``, ``no price for M before D``, or ``no reported cost``."""
    requests: int
    """Canonical rows (requests or buckets) without a cost."""
    rows: int
    """Their FOCUS rows (with empty cost columns under ``--allow-unpriced``)."""
    tokens: int
    """Their tokens."""


@dataclass(kw_only=True)
class Conversion(RowAccounting):
    """What `tokenecon convert` did: the accounting of every row read (as `analyze` counts
    it), and what it wrote."""

    output: Path
    focus: bool
    """True: a FOCUS CSV; False: the canonical Parquet file."""
    rows_written: int = 0
    """Canonical rows: one per kept request or bucket (the Parquet file's rows)."""
    focus_rows: int | None = None
    """Rows of the FOCUS file (one per canonical row x token type, plus request rows)."""
    unpriced: list[UnpricedModel] = field(default_factory=list)
    """Models whose usage has no cost (FOCUS only; written only with ``--allow-unpriced``)."""
    inexact_prices: int = 0
    """Per-token prices with more than 20 decimals, rounded half-up to 1e-20."""
    sources: list[dict[str, Any]] = field(default_factory=list)
    """Each input: ``path``, ``format``, ``rows`` read, adapter ``notes``."""

    @property
    def balanced(self) -> bool:
        """rows read = written + rejected + duplicate + outside the period."""
        parts = self.rows_written + self.rows_rejected + self.rows_duplicate + self.rows_filtered
        return self.rows_read == parts

    @property
    def rows_unpriced(self) -> int:
        """Canonical rows written without a cost (FOCUS under ``--allow-unpriced``)."""
        return sum(u.requests for u in self.unpriced)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the summary on stderr."""
        return {
            "output": str(self.output),
            "format": "focus_csv" if self.focus else "parquet",
            "rows_read": self.rows_read,
            "rows_written": self.rows_written,
            "rows_rejected": self.rows_rejected,
            "rows_duplicate": self.rows_duplicate,
            "rows_outside_period": self.rows_filtered,
            "rows_priced": self.rows_written - self.rows_unpriced if self.focus else None,
            "rows_unpriced": self.rows_unpriced if self.focus else None,
            "focus_rows": self.focus_rows,
            "rejected": {
                "reasons": [{"reason": r, "rows": n} for r, n in self.reject_reasons],
                "rows": [
                    {"source": r.source, "line": r.line, "reason": r.reason}
                    for r in self.rejected_samples
                ],
            },
            "duplicates": [{"request_id": i, "copies": n} for i, n in self.duplicate_samples],
            "unpriced": [
                {
                    "model": u.model,
                    "reason": u.reason,
                    "requests": u.requests,
                    "rows": u.rows,
                    "tokens": u.tokens,
                }
                for u in self.unpriced
            ],
            "inexact_prices": self.inexact_prices,
            "sources": self.sources,
        }


def unpriced_error(unpriced: list[UnpricedModel]) -> UnknownModelError:
    """FOCUS requires a cost on every row: usage without one stops --focus (nothing written)."""
    shown = "; ".join(
        f"{u.model} ({u.reason}): {u.requests:,} request{'s' if u.requests != 1 else ''}, "
        f"{u.tokens:,} tokens"
        for u in unpriced[:5]
    )
    more = f"; and {len(unpriced) - 5} more" if len(unpriced) > 5 else ""
    return UnknownModelError(
        f"--focus: usage without a cost (FOCUS needs a BilledCost on every row): {shown}{more}",
        "price the model in a --prices book, or let --cost-source auto take the source's own "
        "cost; --allow-unpriced writes these rows with empty cost columns "
        "(x_CostSource=unpriced)",
    )
