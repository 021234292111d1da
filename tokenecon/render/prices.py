"""`tokenecon prices` as a table."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from tokenecon.render.tables import Column, fitted_tables

_LEFT = ("model", "provider", "tier", "from")


def render_prices(rows: list[dict[str, Any]], console: Console) -> None:
    """Prices per million tokens, one model a row."""
    headers = ("model", "provider", "tier", "from", "input", "cache read", "cache write",
               "cache write 1h", "output", "batch", "long context")  # fmt: skip
    columns = [Column(h, "left" if h in _LEFT else "right") for h in headers]
    cells = []
    for r in rows:
        above = r["above"]
        cells.append([
            r["model"], r["provider"], r["tier"], r["from"], r["input"], r["cache_read"],
            r["cache_write"], r["cache_write_1h"], r["output"],
            r["multipliers"].get("batch", "—"),
            f">{above['input_tokens']:,}: {above['input']}/{above['output']}" if above else "—",
        ])  # fmt: skip
    for table in fitted_tables("Prices per 1M tokens", columns, cells, console.width):
        console.print(table)
