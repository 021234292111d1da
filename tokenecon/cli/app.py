"""The Typer application and what every command shares: consoles, the progress bar, and the one
place where an error becomes an exit code.

Commands live in their own modules (``analyze.py``, ``prices.py``, ...) and register on
:data:`app`; :mod:`tokenecon.cli.main` imports them all. Exit codes (docs/exit-codes.md): 0 ok;
1 a crossed ``--fail-on`` threshold and nothing else; 2 bad input or usage, always with a
``Hint:``; 3 an internal error (one line; the traceback under ``--debug``); 130 interrupted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from tokenecon.cli.coercion import install as install_coercion
from tokenecon.cli.dates import parse_when as parse_when  # prices.py imports it from here
from tokenecon.cli.failures import click, exit_code_of, interrupt_watch

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from tokenecon.progress import Reporter

T = TypeVar("T")
_ARGV = "tokenecon.argv"
"""Where the group keeps the command line, for masking its passwords in error messages."""


class Group(TyperGroup):
    """The ``tokenecon`` group: every command runs inside the one error handler, and the
    command list shows each command's whole summary (Click cuts them at ~45 characters)."""

    def invoke(self, ctx: click.Context) -> Any:
        with interrupt_watch() as interrupted:
            try:
                return super().invoke(ctx)
            except (typer.Exit, typer.Abort):
                raise
            except SystemExit as exc:
                if not isinstance(exc.__context__, BrokenPipeError):
                    raise
                raise typer.Exit(exit_code_of(exc, False, False)) from None
            except BaseException as exc:  # KeyboardInterrupt included: it is exit 130
                debug = bool(ctx.params.get("debug"))
                argv = ctx.meta.get(_ARGV, [])
                code = exit_code_of(exc, interrupted(), debug, argv, ctx.invoked_subcommand)
                raise typer.Exit(code) from None

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[_ARGV] = list(args)
        install_coercion(self.get_params(ctx))
        try:
            return super().parse_args(ctx, args)
        except click.exceptions.UsageError as exc:
            if isinstance(exc, getattr(click.exceptions, "NoArgsIsHelpError", ())):
                raise  # a bare `tokenecon`: Click prints the help, as it always did
            raise typer.Exit(exit_code_of(exc, False, False, args)) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, (command.help or "").split("\n\n")[0].replace("\n", " ")))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class Command(TyperCommand):
    """A command whose help names an argument by its metavar alone (``USAGE...``, where Typer
    writes ``USAGE... <list[str]>`` and ``{USAGE}...``), and whose values are coerced without
    Pydantic where they need no conversion (:mod:`tokenecon.cli.coercion`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        install_coercion(self.get_params(ctx))
        return super().parse_args(ctx, args)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = _argument_name(param)
                pieces.append(name if param.required else f"[{name}]")
        return pieces

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                arguments.append((_argument_name(param), record[1]))
            else:
                options.append(record)
        for title, rows in (("Arguments", arguments), ("Options", options)):
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _argument_name(param: Any) -> str:
    name = str(param.metavar or param.name.upper())
    return name + "..." if param.nargs != 1 and not name.endswith("...") else name


class App(typer.Typer):
    """The Typer app whose commands are :class:`Command` unless they name another class."""

    def command(self, *args: Any, cls: type[TyperCommand] | None = None, **kwargs: Any) -> Any:
        return super().command(*args, cls=cls or Command, **kwargs)


app = App(
    name="tokenecon",
    cls=Group,
    help="Unit economics for LLM usage: cost per outcome = cost/token x tokens/task x "
    "tasks/outcome.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: Rich's markdown help renderer costs ~35 ms of imports on every --help.
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("tokenecon")
        except PackageNotFoundError:  # run from a source tree that was never installed
            number = "unknown (not installed)"
        typer.echo(f"tokenecon {number}")
        raise typer.Exit()


@app.callback()
def main(
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            envvar="TOKENECON_DEBUG",
            help="On an internal error (exit 3), show the whole traceback.",
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_show_version,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Unit economics for LLM usage: cost per outcome = cost/token x tokens/task x
    tasks/outcome."""


def stdout_console() -> Console:
    """Rich console for results on stdout (``NO_COLOR`` respected)."""
    from rich.console import Console

    return Console(no_color="NO_COLOR" in os.environ, highlight=False, soft_wrap=False)


def stderr_console() -> Console:
    """Rich console for progress, warnings and errors on stderr."""
    from rich.console import Console

    return Console(stderr=True, no_color="NO_COLOR" in os.environ, highlight=False, soft_wrap=True)


def warn(message: str) -> None:
    """A ``Warning: ...`` line on stderr: the command goes on."""
    stderr_console().print(f"Warning: {message}", markup=False)


def wrote(path: Path) -> None:
    """The ``Wrote FILE`` line on stderr, once a file is in place."""
    stderr_console().print(f"Wrote {path}", markup=False)


@contextmanager
def scan_progress(quiet: bool) -> Iterator[Reporter | None]:
    """A progress bar on stderr while the engine scans, unless quiet or stderr is no terminal."""
    if quiet:  # no console to ask: Rich's import is ~15 ms of a `--json --quiet` run
        yield None
        return
    console = stderr_console()
    if not console.is_terminal:
        yield None
        return
    from tokenecon.render.progress import ScanBar

    with ScanBar(console) as bar:
        yield bar


def guarded(run: Callable[[], T]) -> T:
    """Run a command body. Errors are turned into exit codes by :class:`Group` for every
    command; this stays for command modules written before it did."""
    return run()
