"""`tokenecon convert`'s summary for stderr: what was written, and where every row went."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.text import Text

from tokenecon.render.console import accounting_line, rejected_lines
from tokenecon.render.formats import count, tokens


def conversion_lines(done: dict[str, Any]) -> list[Text]:
    """The lines: the file written, the row accounting, rejected rows, duplicates, warnings."""
    if done["format"] == "focus_csv":
        what = (
            f"{count(done['focus_rows'])} FOCUS rows from {count(done['rows_written'])} "
            "requests and buckets"
        )
    else:
        what = f"{count(done['rows_written'])} rows of canonical usage"
    lines = [Text(f"Wrote {done['output']}: {what}")]
    # analyze's accounting line; FOCUS rows are priced or not, Parquet rows are written as read
    if done["format"] == "focus_csv":
        kept = f"{done['rows_priced']:,} priced + {done['rows_unpriced']:,} unpriced"
    else:
        kept = f"{done['rows_written']:,} written"
    lines.append(accounting_line(done, kept))
    lines += rejected_lines(done["rejected"]["rows"])
    if done["rows_duplicate"]:
        ids = ", ".join(d["request_id"] for d in done["duplicates"][:5])
        lines.append(Text(f"  duplicates kept once: {ids}"))
    for u in done["unpriced"]:
        lines.append(
            Text(
                f"Unpriced: {u['model']} ({u['reason']}): {count(u['requests'])} "
                f"request{'s' if u['requests'] != 1 else ''} ({count(u['rows'])} FOCUS "
                f"row{'s' if u['rows'] != 1 else ''}), {tokens(u['tokens'])} tokens: cost "
                "columns empty, x_CostSource=unpriced",
                style="yellow",
            )
        )
    for source in done["sources"]:
        if source.get("estimated"):
            lines.append(
                Text(
                    f"Note: the token counts of {source['path']} are estimates "
                    f"({source['estimated']}); the file says so in its metadata, but a later "
                    "`tokenecon analyze` of it takes them as counted",
                    style="yellow",
                )
            )
    if done["inexact_prices"]:
        lines.append(
            Text(
                f"Warning: {done['inexact_prices']} prices per token have more than 20 decimals: "
                "rounded half-up to 1e-20",
                style="yellow",
            )
        )
    return lines


def render_conversion(done: dict[str, Any], console: Console) -> None:
    """Print the summary lines."""
    for line in conversion_lines(done):
        console.print(line)
