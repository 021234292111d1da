"""`tokenecon chargeback`: what each domain is shown or charged for a month, for finance."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from tokenecon.cli import options as o
from tokenecon.cli.app import app, guarded, scan_progress, stdout_console

Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write one CSV line per domain and period here."),
]
Focus = Annotated[
    Path | None,
    typer.Option(
        "--focus", help="Write the allocated cost as FOCUS 1.3 rows (allocation columns) here."
    ),
]
Stage = Annotated[
    str | None,
    typer.Option(
        "--stage",
        help="Charge every domain at this rung: showback, usage or outcome (default: each "
        "domain's `chargeback:` in the mapping).",
    ),
]
# -o is the output here: the mapping is --outcomes only.
Outcomes = Annotated[
    Path, typer.Option("--outcomes", help="Outcome mapping YAML with domains (docs/ownership.md).")
]


@app.command()
def chargeback(
    usage: o.Usage,
    outcomes: Outcomes,
    output: Output = None,
    focus: Focus = None,
    stage: Stage = None,
    prices: o.Prices = None,
    no_default_prices: o.NoDefaultPrices = False,
    since: o.Since = None,
    until: o.Until = None,
    column_map: o.ColumnMap = None,
    input_convention: o.InputConvention = None,
    source_format: o.SourceFormat = None,
    table: o.Table = None,
    cost_source: o.CostSource = "auto",
    as_json: o.Json = False,
    memory_limit: o.MemoryLimit = None,
    temp_directory: o.TempDirectory = None,
    engine: o.Engine = "duckdb",
    spark_master: o.SparkMaster = "local[*]",
    quiet: o.Quiet = False,
) -> None:
    """Show or charge each domain its month: showback, chargeback by usage, or per outcome."""

    def run() -> Any:
        from tokenecon.convert.chargeback import chargeback_csv, focus_rows, write_atomically
        from tokenecon.report.chargeback import run_chargeback

        options = o.analyze_options(
            prices=prices, no_default_prices=no_default_prices, outcomes=outcomes, by=None,
            since=since, until=until, column_map=column_map, input_convention=input_convention,
            memory_limit=memory_limit, temp_directory=temp_directory, engine=engine,
            spark_master=spark_master, source_format=source_format, table=table,
            cost_source=cost_source, progress=bar,
        )  # fmt: skip
        done = run_chargeback(usage, options, stage)
        if output:
            write_atomically(output, chargeback_csv(done.lines, done.currency))
        if focus:
            start, end = done.lines[0].start, done.lines[0].end
            write_atomically(focus, focus_rows(done.accounts.showback, start, end, done.currency))
        return done

    with scan_progress(quiet) as bar:
        done = guarded(run)
    if as_json:
        sys.stdout.write(json.dumps(done.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    from tokenecon.render.ownership import render_chargeback

    render_chargeback(done.to_dict(), stdout_console())
