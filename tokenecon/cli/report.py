"""`tokenecon report`: the HTML report of saved reports (the last one, with the trend of all)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokenecon.cli import targets as t
from tokenecon.cli.app import app, warn
from tokenecon.cli.dates import out_of_order


@app.command()
def report(
    saved: Annotated[
        list[Path],
        typer.Argument(
            help="Saved reports (analyze --save), oldest first: the last is shown, "
            "all of them make the trend.",
            metavar="SAVED.json",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE.html",
            help="The HTML file to write (one file, offline).",
            show_default=False,
        ),
    ],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help="Print what was written (the file, the report shown, the trend)."
        ),
    ] = False,
) -> None:
    """Write the self-contained HTML report of a saved report."""
    from tokenecon.report.saved import read_report

    targets = t.one_target(output, "html", "-o")
    reports = [read_report(path).to_dict() for path in saved]
    for warning in out_of_order(
        list(zip(map(str, saved), reports, strict=True)),
        "the last one given is the report shown, and the trend is drawn in the order given",
    ):
        warn(warning)
    from tokenecon.render.html import render_html

    t.write_targets(targets, lambda _: render_html(reports[-1], reports[:-1]))
    if as_json:
        from tokenecon.render.json import emit_json

        emit_json(
            {
                "output": str(output),
                "shown": str(saved[-1]),
                "trend": [str(p) for p in saved[:-1]],
                "period": reports[-1].get("period"),
            }
        )
