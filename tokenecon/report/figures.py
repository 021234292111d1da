"""How figures are written in the documents: money rounded half-up to 1e-6, rates (cost per
token) to 12 decimals, ratios to 6, and a usage volume as its cost, tokens and counts."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tokenecon.economics.decompose import Volume
from tokenecon.ingest.canonical import TOKEN_COLUMNS

MONEY = Decimal("0.000001")
RATE = Decimal("0.000000000001")
RATIO = Decimal("0.000001")


def _rounded(x: Decimal | None, step: Decimal) -> str | None:
    """``x`` rounded half-up to ``step``, as text; what rounds to zero is ``0``, never ``-0``."""
    if x is None:
        return None
    rounded = x.quantize(step, rounding=ROUND_HALF_UP)
    return format(abs(rounded) if rounded == 0 else rounded, "f")


def money(x: Decimal | None) -> str | None:
    """Money as a decimal string rounded to 1e-6."""
    return _rounded(x, MONEY)


def rate(x: Decimal | None) -> str | None:
    """A per-token rate as a decimal string with 12 decimals."""
    return _rounded(x, RATE)


def number(x: Decimal | None) -> str | None:
    """A ratio as a decimal string with 6 decimals."""
    return _rounded(x, RATIO)


def tokens_json(v: Volume) -> dict[str, int]:
    out = {c.removesuffix("_tokens"): v.tokens[c] for c in TOKEN_COLUMNS}
    out["billable"] = v.billable
    return out


def volume_json(v: Volume) -> dict[str, Any]:
    return {
        "cost": money(v.cost),
        "reported_cost": money(v.reported_cost) if v.reported_rows else None,
        "tokens": tokens_json(v),
        "requests": v.requests,
        "rows": v.rows,
        "unpriced_tokens": v.unpriced_tokens,
        "cliff_unknown_tokens": v.cliff_unknown_tokens,
        "requests_above_cliff": v.above_cliff_requests,
    }
