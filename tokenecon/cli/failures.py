"""What the user sees when a command does not finish: one ``Error:`` line, one ``Hint:`` line,
and the exit code that says why (docs/exit-codes.md).

- 2: bad input or usage (a :class:`TokenEconError`, or Click's own usage errors);
- 3: an internal error, a bug: one line, the traceback only under ``--debug``;
- 130: interrupted (Ctrl-C), even when the engine reported the interrupt as an error of its own;
- 141: stdout was closed (``tokenecon ... --json | head``).

Exit 1 is never produced here: only a crossed threshold (``diff --fail-on``) exits 1.
Database passwords are masked in every line printed.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

import typer

try:  # Typer 0.2x carries its own copy of Click, whose exceptions it raises
    import typer._click as click
except ImportError:  # an older Typer runs on Click itself
    import click  # type: ignore[no-redef]

from tokenecon.errors import TokenEconError, first_line

BAD_INPUT, INTERNAL, INTERRUPTED, BROKEN_PIPE = 2, 3, 130, 141
REPORT_BUG = (
    "this is a bug in tokenecon, not in your input: rerun with --debug and report the "
    "traceback to the tokenecon maintainers (docs/exit-codes.md)"
)


def exit_code_of(
    exc: BaseException,
    interrupted: bool,
    debug: bool,
    argv: Sequence[str] = (),
    command: str | None = None,
) -> int:
    """Print what went wrong on stderr and return the exit code for ``exc``; ``argv`` is the
    command line, whose database passwords are masked wherever they appear, and ``command``
    the command that ran (it replaces ``COMMAND`` in a default hint)."""
    secrets = _passwords(argv)
    if interrupted or isinstance(exc, KeyboardInterrupt):
        _print(secrets, "Interrupted: no file was left half-written.")
        return INTERRUPTED
    # Rich answers a closed stdout with SystemExit(1), raised while handling the BrokenPipeError
    if isinstance(exc, BrokenPipeError) or isinstance(exc.__context__, BrokenPipeError):
        sys.stdout = click.utils.PacifyFlushWrapper(sys.stdout)
        return BROKEN_PIPE
    if isinstance(exc, TokenEconError):
        hint = exc.hint or exc.default_hint
        if command:
            hint = hint.replace("tokenecon COMMAND", f"tokenecon {command}")
        _print(secrets, f"Error: {exc.message}", f"Hint: {hint}")
        return BAD_INPUT
    if isinstance(exc, click.exceptions.UsageError):
        command = exc.ctx.command_path if exc.ctx else "tokenecon"
        hint = f"Hint: `{command} --help` lists what it takes"
        _print(secrets, f"Error: {exc.format_message()}", hint)
        return BAD_INPUT
    if debug:
        import traceback

        _print(secrets, "".join(traceback.format_exception(exc)).rstrip("\n"))
    what = f"Error: internal error: {type(exc).__name__}: {first_line(exc)}"
    _print(secrets, what, f"Hint: {REPORT_BUG}")
    return INTERNAL


def _passwords(argv: Sequence[str]) -> list[str]:
    if not any("://" in arg for arg in argv):
        return []
    from tokenecon.redact import passwords_in

    return passwords_in(argv)


def _print(secrets: list[str], *lines: str) -> None:
    from tokenecon.redact import redact_passwords

    for line in lines:
        typer.echo(redact_passwords(line, secrets), err=True)


@contextmanager
def interrupt_watch() -> Iterator[Callable[[], bool]]:
    """Note a Ctrl-C while the command runs: an engine may catch the KeyboardInterrupt it
    raises and report it as an error of its own (DuckDB's InterruptException, which a reader
    turns into a "cannot read" error), yet the exit code must still be 130."""
    seen = False

    def handler(signum: int, frame: FrameType | None) -> None:
        nonlocal seen
        seen = True
        raise KeyboardInterrupt

    # Only the main thread may set handlers; a process started with SIGINT ignored keeps it so.
    installed = (
        threading.current_thread() is threading.main_thread()
        and signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )
    if installed:
        signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: seen
    finally:
        if installed:
            signal.signal(signal.SIGINT, signal.default_int_handler)
