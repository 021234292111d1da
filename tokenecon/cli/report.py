"""`tokenecon report`: the HTML report of saved reports (the last one, with the trend of all)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tokenecon.cli.app import app, guarded


@app.command()
def report(
    saved: Annotated[
        list[Path],
        typer.Argument(
            help="Saved reports (analyze --save), oldest first: the last is shown, "
            "all of them make the trend."
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The HTML file to write (one file, offline).")
    ],
) -> None:
    """Write the self-contained HTML report of a saved report."""

    def run() -> list[dict[str, Any]]:
        from tokenecon.report.document import read_report

        return [read_report(path).to_dict() for path in saved]

    reports = guarded(run)
    from tokenecon.render.html import render_html

    output.write_text(render_html(reports[-1], reports[:-1]), encoding="utf-8")
