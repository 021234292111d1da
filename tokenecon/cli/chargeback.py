"""`tokenecon chargeback`: what each domain is shown or charged per month or quarter, for
finance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tokenecon.cli import options as o
from tokenecon.cli.app import app, scan_progress, stdout_console, wrote

Output = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write one CSV line per domain and period here."),
]
Focus = Annotated[
    Path | None,
    typer.Option(
        "--focus", help="Write the allocated cost as FOCUS 1.3 rows (allocation columns) here."
    ),
]
Period = Annotated[
    str | None,
    typer.Option(
        "--period",
        help="Bill by month or quarter: one line per domain and period (default: quarter when "
        "every domain budget is quarterly, else month).",
    ),
]
Stage = Annotated[
    str | None,
    typer.Option(
        "--stage",
        help="Charge every domain at this rung: showback, usage or outcome (default: each "
        "domain's `chargeback:` in the mapping).",
    ),
]


@app.command()
@o.usage_flags
def chargeback(
    usage: o.Usage,
    output: Output = None,
    focus: Focus = None,
    stage: Stage = None,
    period: Period = None,
    width: o.Width = None,
    *,
    flags: o.UsageFlags,
) -> None:
    """Show or charge each domain each month (or quarter): showback, chargeback by usage, or
    per outcome.

    The outcome mapping (--outcomes) names the domains (docs/ownership.md).
    """
    from tokenecon.errors import OptionError
    from tokenecon.outputs import check_output, write_output

    if flags.outcomes is None:
        raise OptionError(
            "chargeback needs the outcome mapping that names the domains",
            "pass --outcomes MAPPING.yaml (docs/ownership.md)",
        )
    for path, flag, example in ((output, "-o", "chargeback.csv"), (focus, "--focus", "focus.csv")):
        if path is not None:
            check_output(path, flag, example)

    def run() -> Any:
        from tokenecon.convert.chargeback import chargeback_csv, focus_rows
        from tokenecon.report.chargeback import run_chargeback

        done = run_chargeback(usage, flags.analyze_options(bar), stage, period)
        if output:
            write_output(output, chargeback_csv(done.lines, done.currency), "-o")
            wrote(output)
        if focus:
            periods = [(p.accounts.showback, p.start, p.end) for p in done.periods]
            text = focus_rows(periods, done.currency)
            write_output(focus, text, "--focus")
            wrote(focus)
        return done

    with scan_progress(flags.quiet) as bar:
        done = run()
    if flags.as_json:
        from tokenecon.render.json import emit_json

        emit_json(done.to_dict())
        return
    from tokenecon.render.ownership import render_chargeback

    render_chargeback(done.to_dict(), o.laid_out(stdout_console(), width))
