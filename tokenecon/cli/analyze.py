"""`tokenecon analyze`: the diagnosis."""

from __future__ import annotations

import sys
from typing import Any

from tokenecon.cli import options as o
from tokenecon.cli.app import app, guarded, scan_progress, stdout_console


@app.command()
def analyze(
    usage: o.Usage,
    prices: o.Prices = None,
    no_default_prices: o.NoDefaultPrices = False,
    outcomes: o.Outcomes = None,
    by: o.By = None,
    since: o.Since = None,
    until: o.Until = None,
    column_map: o.ColumnMap = None,
    input_convention: o.InputConvention = None,
    source_format: o.SourceFormat = None,
    table: o.Table = None,
    cost_source: o.CostSource = "auto",
    as_json: o.Json = False,
    save: o.Save = None,
    html: o.Html = None,
    memory_limit: o.MemoryLimit = None,
    temp_directory: o.TempDirectory = None,
    engine: o.Engine = "duckdb",
    spark_master: o.SparkMaster = "local[*]",
    quiet: o.Quiet = False,
) -> None:
    """Break usage down into cost per outcome and say which layer is off."""

    def run() -> Any:
        from tokenecon.report.analyze import analyze

        options = o.analyze_options(
            prices=prices, no_default_prices=no_default_prices, outcomes=outcomes, by=by,
            since=since, until=until, column_map=column_map, input_convention=input_convention,
            memory_limit=memory_limit, temp_directory=temp_directory, engine=engine,
            spark_master=spark_master, source_format=source_format, table=table,
            cost_source=cost_source, progress=bar,
        )  # fmt: skip
        return analyze(usage, options)

    with scan_progress(quiet) as bar:
        report = guarded(run)
    text = report.to_json()
    if save:
        save.write_text(text, encoding="utf-8")
    if html:
        from tokenecon.render.html import render_html

        html.write_text(render_html(report.to_dict()), encoding="utf-8")
    if as_json:
        sys.stdout.write(text)
        return
    from tokenecon.render.console import render_console

    render_console(report.to_dict(), stdout_console())
