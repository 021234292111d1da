"""`tokenecon analyze`: the diagnosis."""

from __future__ import annotations

from typing import Annotated

import typer

from tokenecon.cli import options as o
from tokenecon.cli import targets as t
from tokenecon.cli.app import app, scan_progress, stdout_console


@app.command()
@o.usage_flags
def analyze(
    usage: o.Usage,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="FIELD",
            help="Extra breakdown: team, project, user, model, tags.KEY, ...",
        ),
    ] = None,
    output: t.Outputs = None,
    save: t.Save = None,
    html: t.Html = None,
    *,
    flags: o.UsageFlags,
) -> None:
    """Break usage down into cost per outcome and say which layer is off."""
    from tokenecon.report.analyze import analyze

    targets = t.plan_targets(output, ("json", "html"), json=save, html=html)
    with scan_progress(flags.quiet) as bar:
        report = analyze(usage, flags.analyze_options(bar, by))
    document = report.to_dict()

    def text_of(kind: str) -> str:
        if kind == "html":
            from tokenecon.render.html import render_html

            return render_html(document)
        from tokenecon.render.json import json_text

        return json_text(document)

    t.write_targets(targets, text_of)
    if flags.as_json:
        from tokenecon.render.json import emit_json

        emit_json(document)
        return
    from tokenecon.render.console import render_console

    render_console(document, stdout_console())
