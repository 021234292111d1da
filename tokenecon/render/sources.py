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
    columns = [
        Column("format", "left"),
        Column("reads", "left", wraps=True),
        Column("rows", "left"),
    ]
    rows = []
    for f in result["formats"]:
        grain = "cost only" if f["carries"] == "cost only" else f["granularity"]
        mark = " *" if f["format"] in detected else ""
        rows.append([f["format"] + mark, f["title"], grain])
    parts: list[Any] = fitted_tables("Source formats", columns, rows, console.width, wider="--json")
    console.print(Group(*parts))
    if detected:
        console.print("* detected in the given files:")
    for s in result["sources"]:
        console.print(f"  {s['source']}: {s['format']} ({s['looked_like']})", markup=False)
