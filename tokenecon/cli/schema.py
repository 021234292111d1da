"""`tokenecon schema`: the JSON Schema of a price book, a mapping or a document tokenecon writes."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tokenecon.cli.app import app, guarded
from tokenecon.errors import OptionError


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
    guarded(lambda: _write_atomically(output, text))


def _write_atomically(path: Path, text: str) -> None:
    """Write beside ``path`` under a temporary name, then move it into place."""
    if not path.parent.is_dir():
        raise OptionError(f"-o {path}: folder {path.parent} does not exist", "create it first")
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
