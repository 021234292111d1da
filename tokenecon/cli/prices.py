"""`tokenecon prices`: the prices active at a date."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from tokenecon.cli import options as o
from tokenecon.cli.app import app, guarded, parse_when, stdout_console


@app.command("prices")
def prices_command(
    model: Annotated[
        str | None, typer.Argument(help="A model name as your usage reports it.")
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="Prices active on this date.")] = None,
    prices: o.Prices = None,
    as_json: o.Json = False,
) -> None:
    """Show the prices active at a date (per million tokens)."""
    from tokenecon.price.listing import price_list

    def run() -> Any:
        when = parse_when(at, "--at")
        return price_list(model, when.date() if when else None, prices or [])

    rows = guarded(run)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from tokenecon.render.prices import render_prices

    render_prices(rows, stdout_console())
