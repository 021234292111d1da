"""`tokenecon prices`: the prices active at a date; `prices import` and `prices diff`."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from tokenecon.cli import options as o
from tokenecon.cli.app import app, guarded, parse_when, stdout_console
from tokenecon.errors import OptionError

_FORMS = """\
\b
tokenecon prices [MODEL] [--at DATE]
    the prices in force (one model, resolved like usage names, or all)
tokenecon prices import FILE [--from litellm|genai-prices] [--base BOOK] -o BOOK.yaml
    a price file you downloaded, as a book for --prices (docs/price-book-fields.md)
tokenecon prices diff OLD.yaml NEW.yaml
    what changed between two books
"""


@app.command("prices", help="Show the prices active at a date (per million tokens).\n\n" + _FORMS)
def prices_command(
    model: Annotated[
        str | None,
        typer.Argument(help="A model name as your usage reports it, or `import` / `diff`."),
    ] = None,
    files: Annotated[
        list[Path] | None, typer.Argument(help="import: FILE; diff: OLD NEW.", show_default=False)
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="Prices active on this date.")] = None,
    prices: o.Prices = None,
    source_format: Annotated[
        str | None,
        typer.Option("--from", help="import: litellm or genai-prices (default: detected)."),
    ] = None,
    base: Annotated[
        Path | None, typer.Option("--base", help="import: merge the history of this book.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="import: the book to write.")
    ] = None,
    as_json: o.Json = False,
) -> None:
    """Show the prices active at a date (per million tokens)."""
    if model == "import":
        guarded(lambda: _import(files or [], source_format, base, output, as_json))
        return
    if model == "diff":
        rows = guarded(lambda: _diff(files or []))
        if as_json:
            sys.stdout.write(json.dumps(rows, indent=2) + "\n")
            return
        from tokenecon.render.prices import render_price_diff

        render_price_diff(rows, stdout_console())
        return
    from tokenecon.price.listing import price_list

    def run() -> Any:
        if files:
            raise OptionError(
                f"unexpected argument {str(files[0])!r}", "give one model name, or see --help"
            )
        when = parse_when(at, "--at")
        return price_list(model, when.date() if when else None, prices or [])

    rows = guarded(run)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from tokenecon.render.prices import render_prices

    render_prices(rows, stdout_console())


def _import(
    files: list[Path], fmt: str | None, base: Path | None, output: Path | None, as_json: bool
) -> None:
    from tokenecon.price.importing import import_book

    if len(files) != 1:
        raise OptionError(
            "prices import takes one FILE", "tokenecon prices import prices.json -o mine.yaml"
        )
    if output is None:
        raise OptionError("prices import needs -o BOOK.yaml", "the book to write")
    count = import_book(files[0], fmt, base, output, datetime.now(UTC).date())
    if as_json:
        sys.stdout.write(json.dumps({"output": str(output), "models": count}) + "\n")
    else:
        sys.stdout.write(f"wrote {output}: {count} models; use it with --prices {output}\n")


def _diff(files: list[Path]) -> list[dict[str, Any]]:
    from tokenecon.price.compare import diff_books

    if len(files) != 2:
        raise OptionError("prices diff takes two books", "tokenecon prices diff old.yaml new.yaml")
    return diff_books(files[0], files[1])
