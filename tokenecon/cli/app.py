"""The Typer application and what every command shares: consoles, error handling, dates.

Commands live in their own modules (``analyze.py``, ``prices.py``, ...) and register on
:data:`app`; :mod:`tokenecon.cli.main` imports them all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import typer

from tokenecon.errors import OptionError, TokenEconError

if TYPE_CHECKING:
    from rich.console import Console

    from tokenecon.progress import Reporter

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


def stdout_console() -> Console:
    """Rich console for results on stdout (``NO_COLOR`` respected)."""
    from rich.console import Console

    return Console(no_color="NO_COLOR" in os.environ, highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    """Rich console for progress, warnings and errors on stderr."""
    from rich.console import Console

    return Console(stderr=True, no_color="NO_COLOR" in os.environ, highlight=False, soft_wrap=True)


def guarded(run: Callable[[], T]) -> T:
    """Run a command body; a core error becomes `Error: ...` + hint on stderr and exit 2."""
    try:
        return run()
    except TokenEconError as exc:
        err = stderr_console()
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


@contextmanager
def scan_progress(quiet: bool) -> Iterator[Reporter | None]:
    """A progress bar on stderr while the engine scans, unless quiet or stderr is no terminal."""
    console = stderr_console()
    if quiet or not console.is_terminal:
        yield None
        return
    from tokenecon.render.progress import ScanBar

    with ScanBar(console) as bar:
        yield bar
