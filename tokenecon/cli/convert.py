"""`tokenecon convert`: the canonical usage as Parquet, or as a FOCUS 1.2 CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tokenecon.cli import options as o
from tokenecon.cli.app import app, guarded, scan_progress, stderr_console

Output = Annotated[
    Path,
    typer.Option(
        "--output", "-o", help="The file to write: Parquet, or with --focus a FOCUS 1.2 CSV."
    ),
]
Focus = Annotated[
    bool,
    typer.Option(
        "--focus", help="Write FOCUS 1.2 cost and usage rows (CSV) priced by the price book."
    ),
]
AllowUnpriced = Annotated[
    bool,
    typer.Option(
        "--allow-unpriced",
        help="With --focus: write usage the book does not price with empty cost columns "
        "(x_CostSource=unpriced) instead of stopping.",
    ),
]
# -o is the output here: the mapping is --outcomes only.
Outcomes = Annotated[
    Path | None,
    typer.Option(
        "--outcomes", help="Outcome mapping YAML: x_Feature and x_OutcomeId of the FOCUS rows."
    ),
]


@app.command()
def convert(
    usage: o.Usage,
    output: Output,
    focus: Focus = False,
    allow_unpriced: AllowUnpriced = False,
    prices: o.Prices = None,
    no_default_prices: o.NoDefaultPrices = False,
    outcomes: Outcomes = None,
    since: o.Since = None,
    until: o.Until = None,
    column_map: o.ColumnMap = None,
    input_convention: o.InputConvention = None,
    source_format: o.SourceFormat = None,
    table: o.Table = None,
    cost_source: o.CostSource = "auto",
    memory_limit: o.MemoryLimit = None,
    temp_directory: o.TempDirectory = None,
    engine: o.Engine = "duckdb",
    spark_master: o.SparkMaster = "local[*]",
    quiet: o.Quiet = False,
) -> None:
    """Write the validated usage as one Parquet file (canonical columns), or as FOCUS 1.2 CSV."""

    def run() -> Any:
        from tokenecon.convert.parquet import convert_usage

        options = o.analyze_options(
            prices=prices, no_default_prices=no_default_prices, outcomes=outcomes, by=None,
            since=since, until=until, column_map=column_map, input_convention=input_convention,
            memory_limit=memory_limit, temp_directory=temp_directory, engine=engine,
            spark_master=spark_master, source_format=source_format, table=table,
            cost_source=cost_source, progress=bar,
        )  # fmt: skip
        return convert_usage(usage, options, output, focus=focus, allow_unpriced=allow_unpriced)

    with scan_progress(quiet) as bar:
        done = guarded(run)
    from tokenecon.render.convert import render_conversion

    render_conversion(done.to_dict(), stderr_console())
