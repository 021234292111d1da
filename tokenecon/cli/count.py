"""`tokenecon count`: token counts of a text and the cost of one call with it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tokenecon.cli import options as o
from tokenecon.cli.app import app, stdout_console
from tokenecon.cli.dates import parse_when


@app.command("count")
def count_command(
    source: Annotated[
        str,
        typer.Argument(help="A text file (a prompt, or a JSON chat), or -.", metavar="FILE"),
    ],
    model: Annotated[
        str, typer.Option("--model", "-m", metavar="MODEL", help="Model to count and price for.")
    ] = "gpt-4.1",
    output_tokens: Annotated[
        int,
        typer.Option("--output-tokens", metavar="N", help="Output tokens assumed for the call."),
    ] = 0,
    at: Annotated[
        str | None, typer.Option("--at", metavar="WHEN", help="Prices active on this date.")
    ] = None,
    prices: o.Prices = None,
    no_default_prices: o.NoDefaultPrices = False,
    as_json: o.Json = False,
) -> None:
    """Count a text's tokens (tiktoken, offline) and price one call at a model."""
    from datetime import UTC, datetime

    from tokenecon.errors import UsageInputError
    from tokenecon.ingest.tokens import estimate_call
    from tokenecon.price.book import load_price_book

    if source == "-":
        text = sys.stdin.read()
    else:
        path = Path(source)
        if not path.is_file():
            raise UsageInputError(f"{source} does not exist", "pass a text file or - for stdin")
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    when = parse_when(at, "--at") or datetime.now(UTC).replace(tzinfo=None)
    book = load_price_book(prices or [], include_default=not no_default_prices)
    estimate = estimate_call(text, model, output_tokens, book, when.date())
    from tokenecon.render.count import count_document

    document = count_document(estimate, source, when.date().isoformat())
    if as_json:
        from tokenecon.render.json import emit_json

        emit_json(document)
        return
    from tokenecon.render.count import render_count

    render_count(document, stdout_console())
