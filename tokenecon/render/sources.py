"""The `tokenecon sources` tables."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group

from tokenecon.render.tables import Column, fitted_tables


def render_sources(result: dict[str, Any], console: Console) -> None:
    """The formats (with the files detected as each), then each given file's shape."""
    detected: dict[str, list[str]] = {}
    for s in result["sources"]:
        detected.setdefault(s["format"], []).append(s["source"])
    columns = [Column("format", "left"), Column("rows", "left"), Column("reads", "left")]
    if detected:
        columns.append(Column("detected in", "left"))
    rows = []
    for f in result["formats"]:
        grain = "cost" if f["carries"] == "cost only" else f["granularity"]
        row = [f["format"], grain, f["title"]]
        if detected:
            row.append(", ".join(detected.get(f["format"], [])) or "—")
        rows.append(row)
    parts: list[Any] = fitted_tables("Source formats", columns, rows, console.width)
    console.print(Group(*parts))
    for s in result["sources"]:
        console.print(f"{s['source']}: {s['format']}, {s['looked_like']}", markup=False)
