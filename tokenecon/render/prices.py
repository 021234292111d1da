"""`tokenecon prices` as a table."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from tokenecon.render.tables import Column, fitted_tables

_LEFT = ("model", "provider", "tier", "from")


def _tier(row: dict[str, Any], tier: str) -> str:
    """A tier as ``x0.5`` when it scales every bucket alike, else its input/output prices."""
    rates = row.get("tiers", {}).get(tier)
    if rates is None:
        return "—"
    from decimal import Decimal

    ratios = {
        Decimal(rates[b]) / Decimal(row[b]) for b in ("input", "cache_read", "output") if
        Decimal(row[b])
    }  # fmt: skip
    if len(ratios) == 1:
        return f"x{ratios.pop().normalize()}"
    return f"{rates['input']}/{rates['output']}"


def render_prices(rows: list[dict[str, Any]], console: Console) -> None:
    """Prices per million tokens, one model a row."""
    headers = ("model", "provider", "tier", "from", "input", "cache read", "cache write",
               "cache write 1h", "output", "batch", "flex", "priority", "long context",
               "context")  # fmt: skip
    columns = [Column(h, "left" if h in _LEFT else "right") for h in headers]
    cells = []
    for r in rows:
        above = r["above"]
        cells.append([
            r["model"], r["provider"], r["tier"], r["from"], r["input"], r["cache_read"],
            r["cache_write"], r["cache_write_1h"], r["output"],
            *(_tier(r, t) for t in ("batch", "flex", "priority")),
            f">{above['input_tokens']:,}: {above['input']}/{above['output']}" if above else "—",
            f"{r['context']['input']:,}" if r.get("context", {}).get("input") else "—",
        ])  # fmt: skip
    for table in fitted_tables(
        "Prices per 1M tokens", columns, cells, console.width, wider="--json"
    ):
        console.print(table)


def render_price_diff(rows: list[dict[str, Any]], console: Console) -> None:
    """What changed between two books, one change a row."""
    if not rows:
        console.print("No change.")
        return
    columns = [Column(h, "left") for h in ("model", "change", "field / name / from", "old", "new")]
    cells = [
        [
            r["model"], r["change"], r.get("field") or r.get("name") or r.get("from") or "",
            r.get("old") or "", r.get("new") or "",
        ]
        for r in rows
    ]  # fmt: skip
    for table in fitted_tables("Price book changes", columns, cells, console.width, wider="--json"):
        console.print(table)
