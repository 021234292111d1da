"""`tokenecon diff`: what changed between two saved reports, why, and whether a threshold broke."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from tokenecon.cli import options as o
from tokenecon.cli import targets as t
from tokenecon.cli.app import app, stderr_console, stdout_console, warn
from tokenecon.cli.dates import out_of_order


class DiffFormat(StrEnum):
    """Output formats of the diff."""

    table = "table"
    json = "json"
    markdown = "markdown"


@app.command()
def diff(
    base: Annotated[
        Path,
        typer.Argument(help="The earlier report (tokenecon analyze --save).", metavar="BASE.json"),
    ],
    head: Annotated[Path, typer.Argument(help="The later report.", metavar="HEAD.json")],
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            metavar="METRIC>LIMIT",
            help="Exit 1 when crossed; repeatable. e.g. cost_per_outcome>+10%, "
            "total_cost>+$5000, unattributed_share>15% (or >0.15), "
            "use_case:support-triage.tasks_per_outcome>2",
        ),
    ] = None,
    fmt: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", metavar="table|json|markdown", help="The output's form."),
    ] = DiffFormat.table,
    as_json: o.Json = False,
    width: o.Width = None,
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            metavar="FILE.svg",
            help="Also write the total-cost waterfall as an SVG file here.",
        ),
    ] = None,
) -> None:
    """Compare two saved reports: changes, their exact causes (LMDI), thresholds."""
    from tokenecon.diff.compare import diff_reports
    from tokenecon.diff.document import diff_to_dict
    from tokenecon.diff.thresholds import check_thresholds, check_to_dict, parse_threshold
    from tokenecon.report.saved import read_report

    thresholds = [parse_threshold(x) for x in fail_on or []]
    targets = t.one_target(chart, "svg", "--chart") if chart else []
    earlier, later = read_report(base), read_report(head)
    for warning in out_of_order(
        [(str(base), earlier.to_dict()), (str(head), later.to_dict())],
        "the changes are shown from the later report to the earlier one",
    ):
        warn(warning)
    result = diff_reports(earlier, later)
    doc = diff_to_dict(result, [check_to_dict(c) for c in check_thresholds(result, thresholds)])
    if targets:
        from tokenecon.render.charts import cost_split_chart, svg

        t.write_targets(targets, lambda _: svg(cost_split_chart(doc)))
    if as_json or fmt is DiffFormat.json:
        from tokenecon.render.json import emit_json

        emit_json(doc)
    elif fmt is DiffFormat.markdown:
        import sys

        from tokenecon.render.markdown import render_diff_markdown

        sys.stdout.write(render_diff_markdown(doc))
    else:
        from tokenecon.render.diff import render_diff_console

        render_diff_console(doc, o.laid_out(stdout_console(), width))
    crossed = [c for c in doc["checks"] if c["crossed"]]
    if crossed:
        from tokenecon.render.difftext import check_line

        err = stderr_console()
        for c in crossed:
            err.print(f"Threshold crossed: {check_line(c, verdict=False)}", markup=False)
        raise typer.Exit(1)
