"""`tokenecon sources`: the formats tokenecon reads, and which one each given file is."""

from __future__ import annotations

from typing import Annotated

import typer

from tokenecon.cli import options as o
from tokenecon.cli.app import app, stdout_console


@app.command("sources")
def sources_command(
    usage: Annotated[
        list[str] | None,
        typer.Argument(help="Files to identify (optional), globs or dirs.", metavar="USAGE"),
    ] = None,
    source_format: o.SourceFormat = None,
    table: o.Table = None,
    as_json: o.Json = False,
) -> None:
    """List the source formats, and the format each given file is detected as."""

    from tokenecon.ingest.formats import catalogue, identify
    from tokenecon.ingest.sources import expand_sources

    found = identify(expand_sources(usage, table), source_format) if usage else []
    result = {"formats": catalogue(), "sources": found}
    if as_json:
        from tokenecon.render.json import emit_json

        emit_json(result)
        return
    from tokenecon.render.sources import render_sources

    render_sources(result, stdout_console())
