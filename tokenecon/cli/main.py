"""The `tokenecon` command line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from tokenecon.errors import OptionError, TokenEconError

if TYPE_CHECKING:
    from rich.console import Console

app = typer.Typer(
    name="tokenecon",
    help="Unit economics for LLM usage: cost per outcome = cost/token x tokens/task x "
    "tasks/outcome.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: Rich's markdown help renderer costs ~35 ms of imports on every --help.
    rich_markup_mode=None,
)
T = TypeVar("T")


def _stdout() -> Console:
    from rich.console import Console

    return Console(no_color="NO_COLOR" in os.environ, highlight=False, soft_wrap=False)


def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, no_color="NO_COLOR" in os.environ, highlight=False, soft_wrap=True)


def guarded(run: Callable[[], T]) -> T:
    """Run a command body; a core error becomes `Error: ...` + hint on stderr and exit 2."""
    try:
        return run()
    except TokenEconError as exc:
        err = _stderr()
        err.print(f"Error: {exc.message}", markup=False)
        if exc.hint:
            err.print(f"Hint: {exc.hint}", markup=False)
        raise typer.Exit(2) from None


def parse_when(value: str | None, flag: str) -> datetime | None:
    """A --since/--until value: a date or an ISO 8601 date-time (UTC unless it has an offset)."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise OptionError(
            f"{flag} {value!r} is not a date", f"write {flag} 2026-10-01 or 2026-10-01T08:00"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


@app.command()
def analyze(
    usage: Annotated[list[str], typer.Argument(help="Usage files, globs, or - for stdin.")],
    prices: Annotated[
        list[Path] | None,
        typer.Option(
            "--prices", "-p", help="Price book YAML layered over the default; repeatable."
        ),
    ] = None,
    no_default_prices: Annotated[
        bool, typer.Option("--no-default-prices", help="Use only the --prices books.")
    ] = False,
    outcomes: Annotated[
        Path | None, typer.Option("--outcomes", "-o", help="Outcome mapping YAML.")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Extra breakdown: team, project, user, model, tags.KEY, ..."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only usage at or after this UTC date/time.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only usage before this UTC date/time.")
    ] = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option("--map", help="SOURCE_COLUMN=canonical_column; repeatable."),
    ] = None,
    input_convention: Annotated[
        str | None,
        typer.Option(
            "--input-convention",
            help="Does a plain input_tokens column include cached tokens? "
            "inclusive (default) or exclusive.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report JSON only.")] = False,
    save: Annotated[Path | None, typer.Option("--save", help="Write the report JSON here.")] = None,
    memory_limit: Annotated[
        str | None, typer.Option("--memory-limit", help="Engine memory limit, e.g. 2GB.")
    ] = None,
    temp_directory: Annotated[
        str | None, typer.Option("--temp-directory", help="Where the engine may spill.")
    ] = None,
) -> None:
    """Break usage down into cost per outcome and say which layer is off."""

    def run() -> Any:
        from tokenecon.analyze import AnalyzeOptions, analyze
        from tokenecon.engine import EngineOptions
        from tokenecon.ingest.generic import parse_column_map

        options = AnalyzeOptions(
            prices=prices or [],
            no_default_prices=no_default_prices,
            outcomes=outcomes,
            by=by,
            since=parse_when(since, "--since"),
            until=parse_when(until, "--until"),
            column_map=parse_column_map(column_map or []),
            input_convention=input_convention,
            engine=EngineOptions(memory_limit=memory_limit, temp_directory=temp_directory),
        )
        return analyze(usage, options)

    report = guarded(run)
    text = report.to_json()
    if save:
        save.write_text(text, encoding="utf-8")
    if as_json:
        sys.stdout.write(text)
        return
    from tokenecon.render.console import render_console

    render_console(report.to_dict(), _stdout())


@app.command("prices")
def prices_command(
    model: Annotated[
        str | None, typer.Argument(help="A model name as your usage reports it.")
    ] = None,
    at: Annotated[str | None, typer.Option("--at", help="Prices active on this date.")] = None,
    prices: Annotated[
        list[Path] | None, typer.Option("--prices", "-p", help="Extra price book; repeatable.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the prices active at a date (per million tokens)."""
    from tokenecon.pricelist import price_list

    def run() -> Any:
        when = parse_when(at, "--at")
        return price_list(model, when.date() if when else None, prices or [])

    rows = guarded(run)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    from tokenecon.render.prices import render_prices

    render_prices(rows, _stdout())


def run() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    run()
