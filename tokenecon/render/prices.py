"""`tokenecon prices` as a table."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def render_prices(rows: list[dict[str, Any]], console: Console) -> None:
    """Prices per million tokens, one model a row."""
    table = Table(title="Prices per 1M tokens", title_justify="left")
    for header in ("model", "provider", "tier", "from", "input", "cache read", "cache write",
                   "cache write 1h", "output", "batch", "long context"):  # fmt: skip
        left = header in ("model", "provider", "tier", "from")
        table.add_column(header, justify="left" if left else "right", no_wrap=header == "model")
    for r in rows:
        above = r["above"]
        table.add_row(
            r["model"], r["provider"], r["tier"], r["from"], r["input"], r["cache_read"],
            r["cache_write"], r["cache_write_1h"], r["output"],
            r["multipliers"].get("batch", "—"),
            f">{above['input_tokens']:,}: {above['input']}/{above['output']}" if above else "—",
        )  # fmt: skip
    console.print(table)
