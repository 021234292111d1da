"""Options shared by every command that reads usage (analyze, whatif, ...), declared once.

A command lists them as parameters with these types and hands the values to
:func:`analyze_options`, so that every command reads usage the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tokenecon.cli.app import parse_when

if TYPE_CHECKING:
    from tokenecon.progress import Reporter
    from tokenecon.report.analyze import AnalyzeOptions

Usage = Annotated[list[str], typer.Argument(help="Usage files, globs, or - for stdin.")]
Prices = Annotated[
    list[Path] | None,
    typer.Option("--prices", "-p", help="Price book YAML layered over the default; repeatable."),
]
NoDefaultPrices = Annotated[
    bool, typer.Option("--no-default-prices", help="Use only the --prices books.")
]
Outcomes = Annotated[Path | None, typer.Option("--outcomes", "-o", help="Outcome mapping YAML.")]
By = Annotated[
    str | None,
    typer.Option("--by", help="Extra breakdown: team, project, user, model, tags.KEY, ..."),
]
Since = Annotated[
    str | None, typer.Option("--since", help="Only usage at or after this UTC date/time.")
]
Until = Annotated[str | None, typer.Option("--until", help="Only usage before this UTC date/time.")]
ColumnMap = Annotated[
    list[str] | None, typer.Option("--map", help="SOURCE_COLUMN=canonical_column; repeatable.")
]
InputConvention = Annotated[
    str | None,
    typer.Option(
        "--input-convention",
        help="Does a plain input_tokens column include cached tokens? "
        "inclusive (default) or exclusive.",
    ),
]
SourceFormat = Annotated[
    str | None,
    typer.Option(
        "--format", help="Read every usage source as this format (see `tokenecon sources`)."
    ),
]
Table = Annotated[
    str | None,
    typer.Option("--table", help="The table of a postgres:// source, e.g. LiteLLM_SpendLogs."),
]
CostSource = Annotated[
    str,
    typer.Option(
        "--cost-source",
        help="auto (computed where the price book prices it, else the source's own cost), "
        "computed, or reported.",
    ),
]
MemoryLimit = Annotated[
    str | None, typer.Option("--memory-limit", help="Engine memory limit, e.g. 2GB.")
]
TempDirectory = Annotated[
    str | None, typer.Option("--temp-directory", help="Where the engine may spill.")
]
Engine = Annotated[str, typer.Option("--engine", help="duckdb (embedded, default) or spark.")]
SparkMaster = Annotated[
    str, typer.Option("--spark-master", help="Spark master URL for --engine spark.")
]
Quiet = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="No progress bar on stderr (none is drawn off a terminal)."),
]
Json = Annotated[bool, typer.Option("--json", help="Print the JSON document only.")]
Save = Annotated[Path | None, typer.Option("--save", help="Write the JSON document here.")]
Html = Annotated[
    Path | None,
    typer.Option("--html", help="Also write the self-contained HTML report here (works offline)."),
]


def analyze_options(
    *,
    prices: list[Path] | None,
    no_default_prices: bool,
    outcomes: Path | None,
    by: str | None,
    since: str | None,
    until: str | None,
    column_map: list[str] | None,
    input_convention: str | None,
    memory_limit: str | None,
    temp_directory: str | None,
    engine: str = "duckdb",
    spark_master: str = "local[*]",
    progress: Reporter | None = None,
    source_format: str | None = None,
    table: str | None = None,
    cost_source: str = "auto",
) -> AnalyzeOptions:
    """The core's options from the shared command-line values (raises on bad values)."""
    from tokenecon.engine.connect import EngineOptions
    from tokenecon.ingest.generic import parse_column_map
    from tokenecon.report.analyze import AnalyzeOptions

    return AnalyzeOptions(
        prices=prices or [],
        no_default_prices=no_default_prices,
        outcomes=outcomes,
        by=by,
        since=parse_when(since, "--since"),
        until=parse_when(until, "--until"),
        column_map=parse_column_map(column_map or []),
        input_convention=input_convention,
        source_format=source_format,
        table=table,
        cost_source=cost_source,
        progress=progress,
        engine=EngineOptions(
            name=engine,
            memory_limit=memory_limit,
            temp_directory=temp_directory,
            spark_master=spark_master,
        ),
    )
