"""The options of every command that reads usage (analyze, whatif, convert), declared once.

:class:`UsageFlags` holds them, each field with its Typer declaration; :func:`usage_flags`
stacks them onto a command, which then takes one ``flags: UsageFlags`` parameter. A new shared
option is one new field here and nothing else. Options of a single command stay in its module.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, get_type_hints

import typer

from tokenecon.cli.dates import parse_when

if TYPE_CHECKING:
    from rich.console import Console

    from tokenecon.progress import Reporter
    from tokenecon.report.analyze import AnalyzeOptions

Usage = Annotated[
    list[str],
    typer.Argument(help="Usage files, globs, or - for stdin.", metavar="USAGE", show_default=False),
]
Json = Annotated[bool, typer.Option("--json", help="Print the JSON document only, on stdout.")]
Width = Annotated[
    int | None,
    typer.Option(
        "--width",
        metavar="COLUMNS",
        min=40,
        help="Lay the tables out for this many columns (default: the terminal's; 120 when "
        "stdout is not a terminal).",
    ),
]
PIPED_WIDTH = 120
"""The layout when stdout is a file or a pipe: wide, and sentences are never wrapped."""


def laid_out(console: Console, width: int | None) -> Console:
    """The console of a command's tables (analyze, whatif, diff): ``--width`` columns if
    given, else the terminal's, else (a file or a pipe) :data:`PIPED_WIDTH`."""
    if width:
        console.width = width
    elif not console.is_terminal:
        console.width = PIPED_WIDTH
    return console


Prices = Annotated[
    list[Path] | None,
    typer.Option(
        "--prices",
        "-p",
        metavar="BOOK.yaml",
        help="Price book YAML layered over the default; repeatable.",
    ),
]
NoDefaultPrices = Annotated[
    bool, typer.Option("--no-default-prices", help="Use only the --prices books.")
]
SourceFormat = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="FORMAT",
        help="Read every usage source as this format (see `tokenecon sources`).",
    ),
]
Table = Annotated[
    str | None,
    typer.Option(
        "--table",
        metavar="TABLE",
        help="The table of a postgres:// source, e.g. LiteLLM_SpendLogs.",
    ),
]


class UsageFlags(NamedTuple):
    """How a command reads, attributes and prices usage: the options analyze, whatif and
    convert share. Each field's annotation is its command-line declaration.

    A NamedTuple rather than a dataclass: it is built at import, on the path of ``--help``,
    and a 16-field dataclass costs ~10 ms of generated code there."""

    prices: Prices = None
    no_default_prices: NoDefaultPrices = False
    outcomes: Annotated[
        Path | None,
        typer.Option("--outcomes", metavar="MAPPING.yaml", help="Outcome mapping YAML."),
    ] = None
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="WHEN",
            help="Only usage at or after this UTC date/time, month (2026-09) or quarter (2026-Q3).",
        ),
    ] = None
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="WHEN",
            help="Only usage before this UTC date/time; a month or a quarter is included whole.",
        ),
    ] = None
    column_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map", metavar="COLUMN=FIELD", help="SOURCE_COLUMN=canonical_column; repeatable."
        ),
    ] = None
    input_convention: Annotated[
        str | None,
        typer.Option(
            "--input-convention",
            metavar="inclusive|exclusive",
            help="Does a plain input_tokens column include cached tokens? "
            "inclusive (default) or exclusive.",
        ),
    ] = None
    source_format: SourceFormat = None
    timestamp_format: Annotated[
        str | None,
        typer.Option(
            "--timestamp-format",
            metavar="FORMAT",
            help='Timestamp text in this strptime layout, e.g. "%m/%d/%Y %H:%M" (UTC unless '
            "%z), tried before ISO 8601 and Unix time.",
        ),
    ] = None
    table: Table = None
    cost_source: Annotated[
        str,
        typer.Option(
            "--cost-source",
            metavar="auto|computed|reported",
            help="auto (computed where the price book prices it, else the source's own cost), "
            "computed, or reported.",
        ),
    ] = "auto"
    memory_limit: Annotated[
        str | None,
        typer.Option("--memory-limit", metavar="SIZE", help="Engine memory limit, e.g. 2GB."),
    ] = None
    temp_directory: Annotated[
        str | None,
        typer.Option("--temp-directory", metavar="DIR", help="Where the engine may spill."),
    ] = None
    engine: Annotated[
        str,
        typer.Option(
            "--engine", metavar="duckdb|spark", help="duckdb (embedded, default) or spark."
        ),
    ] = "duckdb"
    spark_master: Annotated[
        str,
        typer.Option("--spark-master", metavar="URL", help="Spark master URL for --engine spark."),
    ] = "local[*]"
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No progress bar on stderr (none is drawn off a terminal)."
        ),
    ] = False
    as_json: Json = False

    def analyze_options(
        self, progress: Reporter | None = None, by: str | None = None
    ) -> AnalyzeOptions:
        """The core's options from these values (raises an OptionError on a bad value)."""
        from tokenecon.engine.connect import EngineOptions
        from tokenecon.ingest.options import parse_column_map
        from tokenecon.ingest.time_format import check_timestamp_format
        from tokenecon.report.analyze import AnalyzeOptions

        return AnalyzeOptions(
            prices=self.prices or [],
            no_default_prices=self.no_default_prices,
            outcomes=self.outcomes,
            by=by,
            since=parse_when(self.since, "--since"),
            until=parse_when(self.until, "--until", end=True),
            column_map=parse_column_map(self.column_map or []),
            input_convention=self.input_convention,
            source_format=self.source_format,
            timestamp_format=check_timestamp_format(self.timestamp_format),
            table=self.table,
            cost_source=self.cost_source,
            progress=progress,
            engine=EngineOptions(
                name=self.engine,
                memory_limit=self.memory_limit,
                temp_directory=self.temp_directory,
                spark_master=self.spark_master,
            ),
        )


@functools.cache
def _flag_parameters() -> list[inspect.Parameter]:
    hints = get_type_hints(UsageFlags, include_extras=True)
    defaults = UsageFlags._field_defaults
    return [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=defaults[name],
                          annotation=hints[name])
        for name in UsageFlags._fields
    ]  # fmt: skip


def usage_flags(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` every :class:`UsageFlags` option (after its own) in place of its
    ``flags`` parameter, and call it with them gathered into one :class:`UsageFlags`."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for name, p in signature.parameters.items() if name != "flags"]
    names = UsageFlags._fields

    @functools.wraps(command)
    def with_flags(**values: Any) -> None:
        flags = UsageFlags(**{name: values.pop(name) for name in names})
        command(**values, flags=flags)

    with_flags.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*own, *_flag_parameters()]
    )
    return with_flags
