"""Whether a generic source's plain ``input_tokens`` column includes cache reads and writes.

It matters only where the source also has cache columns. Told by ``--input-convention`` (or the
mapping's ``usage.input_convention``), it is that; else the column names say it where they
are a vendor's own (OpenAI's ``prompt_tokens`` counts cached tokens, Anthropic's
``input_tokens`` beside ``cache_read_input_tokens`` does not); else inclusive is assumed, and
the report says so: for how many rows, how many of them are Claude models (which Anthropic
reports exclusive), and the flag that changes it (docs/usage-record.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenecon.ingest.options import ColumnPlan, ReadOptions

if TYPE_CHECKING:
    import ibis.expr.types as ir

CACHE_COLUMNS = ("cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens")
INCLUSIVE_NAMES = frozenset({"prompt_tokens", "prompttokens", "usage_prompt_tokens"})
"""OpenAI's name for an input count that includes cached tokens."""
EXCLUSIVE_CACHE_NAMES = frozenset({"cache_read_input_tokens", "cache_creation_input_tokens"})
"""Anthropic's names for cache counts reported apart from ``input_tokens``."""


def decide_convention(
    raw: ir.Table, plan: ColumnPlan, options: ReadOptions
) -> tuple[str, list[str]]:
    """The convention to read ``input_tokens`` under, and what to tell the reader about it."""
    from tokenecon.ingest.canonical import normalise_header

    caches = [c for c in CACHE_COLUMNS if c in plan.canonical]
    if options.convention_given or "input_tokens" not in plan.canonical or not caches:
        return options.input_convention, []
    input_name = normalise_header(plan.headers[plan.canonical["input_tokens"]])
    cache_names = {normalise_header(plan.headers[plan.canonical[c]]) for c in caches}
    if input_name in INCLUSIVE_NAMES:
        return "inclusive", [
            f"input_tokens read as inclusive of cached tokens: {input_name!r} is OpenAI's "
            "name for a count that includes them; --input-convention exclusive to change it "
            "(docs/usage-record.md)"
        ]
    if input_name == "input_tokens" and cache_names & EXCLUSIVE_CACHE_NAMES:
        return "exclusive", [
            "input_tokens read as exclusive of cached tokens: the cache columns carry "
            "Anthropic's names, whose input_tokens counts them apart; --input-convention "
            "inclusive to change it (docs/usage-record.md)"
        ]
    rows, claude = _rows_with_cache(raw, plan, caches)
    if not rows:
        return "inclusive", []
    of_claude = f", {claude} of them Claude models (Anthropic reports these exclusive)"
    return "inclusive", [
        f"input_tokens assumed inclusive of cached tokens for the {rows} rows with cached "
        f"tokens{of_claude if claude else ''}: the column names do not say; if this source "
        "reports cached tokens apart, pass --input-convention exclusive (docs/usage-record.md)"
    ]


def _rows_with_cache(raw: ir.Table, plan: ColumnPlan, caches: list[str]) -> tuple[int, int]:
    """Rows whose cached tokens make the convention matter, and how many are Claude's (one
    narrow pass, only for a source whose convention the names leave open)."""

    def number(name: str) -> ir.FloatingValue:
        value = raw[f"c{plan.canonical[name]}"]
        text = value if value.type().is_string() else value.cast("string")
        return text.try_cast("float64").fill_null(0)

    cached = sum((number(c) for c in caches[1:]), number(caches[0]))
    model = raw[f"c{plan.canonical['model']}"].cast("string").lower()
    matters = cached > 0
    claude = matters & model.contains("claude").fill_null(False)
    from tokenecon.engine.results import arrow_of  # (Ibis's to_pyarrow imports pandas)

    counts = arrow_of(
        raw.aggregate(rows=matters.cast("int64").sum(), claude=claude.cast("int64").sum())
    )
    row = counts.to_pylist()[0]
    return int(row["rows"] or 0), int(row["claude"] or 0)
