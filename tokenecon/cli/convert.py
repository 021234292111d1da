"""`tokenecon convert`: the canonical usage as Parquet, or as a FOCUS 1.2 CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokenecon.cli import options as o
from tokenecon.cli.app import app, scan_progress, stderr_console, wrote

Output = Annotated[
    Path,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="The file to write: Parquet, or with --focus a FOCUS 1.2 CSV.",
        show_default=False,
    ),
]
Focus = Annotated[
    bool,
    typer.Option(
        "--focus", help="Write FOCUS 1.2 cost and usage rows (CSV) priced by the price book."
    ),
]
AllowUnpriced = Annotated[
    bool,
    typer.Option(
        "--allow-unpriced",
        help="With --focus: write usage the book does not price with empty cost columns "
        "(x_CostSource=unpriced) instead of stopping.",
    ),
]


@app.command()
@o.usage_flags
def convert(
    usage: o.Usage,
    output: Output,
    focus: Focus = False,
    allow_unpriced: AllowUnpriced = False,
    *,
    flags: o.UsageFlags,
) -> None:
    """Write the validated usage as one Parquet file (canonical columns), or as FOCUS 1.2 CSV.

    With --focus, the outcome mapping (--outcomes) gives the x_Feature and x_OutcomeId columns.
    """
    from tokenecon.convert.parquet import convert_usage
    from tokenecon.outputs import check_output

    check_output(output, "-o", "usage.csv" if focus else "usage.parquet")
    with scan_progress(flags.quiet) as bar:
        options = flags.analyze_options(bar)
        done = convert_usage(usage, options, output, focus=focus, allow_unpriced=allow_unpriced)
    if flags.as_json:
        from tokenecon.render.json import emit_json

        wrote(output)
        emit_json(done.to_dict())
        return
    from tokenecon.render.convert import render_conversion

    render_conversion(done.to_dict(), stderr_console())
