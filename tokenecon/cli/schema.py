"""`tokenecon schema`: the JSON Schema of a price book, a mapping or a document tokenecon writes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from tokenecon.cli.app import app, guarded, wrote
from tokenecon.outputs import check_output, write_output


@app.command("schema")
def schema_command(
    name: Annotated[
        str,
        typer.Argument(
            help="price-book, mapping, scenarios (the YAML you write), report, whatif or "
            "diff (the JSON documents tokenecon writes)."
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the schema to this file.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Accepted for uniformity: the schema is JSON anyway.")
    ] = False,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a price book, a mapping, a scenario file or a
    document."""
    from tokenecon.report.schemas import schema_text

    text = guarded(lambda: schema_text(name))
    if output is None:
        sys.stdout.write(text)
        return
    check_output(output, "-o", f"{name}.schema.json")
    write_output(output, text, "-o")
    wrote(output)
