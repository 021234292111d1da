"""`tokenecon diff`: what changed between two saved reports, why, and whether a threshold broke."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from tokenecon.cli.app import app, guarded, stderr_console, stdout_console


class DiffFormat(StrEnum):
    """Output formats of the diff."""

    table = "table"
    json = "json"
    markdown = "markdown"


@app.command()
def diff(
    base: Annotated[Path, typer.Argument(help="The earlier report (tokenecon analyze --save).")],
    head: Annotated[Path, typer.Argument(help="The later report.")],
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when crossed; repeatable. e.g. cost_per_outcome>+10%, "
            "total_cost>+$5000, unattributed_share>15%, "
            "use_case:support-triage.tasks_per_outcome>2",
        ),
    ] = None,
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="table, json or markdown.")] = (
        DiffFormat.table
    ),
    chart: Annotated[
        Path | None,
        typer.Option("--chart", help="Also write the total-cost waterfall as an SVG file here."),
    ] = None,
) -> None:
    """Compare two saved reports: changes, their exact causes (LMDI), thresholds."""

    def run() -> dict[str, Any]:
        from tokenecon.diff.compare import diff_reports, diff_to_dict
        from tokenecon.diff.thresholds import check_thresholds, check_to_dict, parse_threshold
        from tokenecon.report.document import read_report

        thresholds = [parse_threshold(x) for x in fail_on or []]
        result = diff_reports(read_report(base), read_report(head))
        checks = check_thresholds(result, thresholds)
        return diff_to_dict(result, [check_to_dict(c) for c in checks])

    doc = guarded(run)
    if chart:
        from tokenecon.render.charts import cost_split_chart, svg

        chart.write_text(svg(cost_split_chart(doc)), encoding="utf-8")
    if fmt is DiffFormat.json:
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    elif fmt is DiffFormat.markdown:
        from tokenecon.render.markdown import render_diff_markdown

        sys.stdout.write(render_diff_markdown(doc, str(chart) if chart else None))
    else:
        from tokenecon.render.diff import render_diff_console

        render_diff_console(doc, stdout_console())
    crossed = [c for c in doc["checks"] if c["crossed"]]
    if crossed:
        from tokenecon.render.difftext import check_line

        err = stderr_console()
        for c in crossed:
            err.print(f"Threshold crossed: {check_line(c, verdict=False)}", markup=False)
        raise typer.Exit(1)
