"""`tokenecon analyze`: the diagnosis."""

from __future__ import annotations

from typing import Annotated

import typer

from tokenecon.cli import options as o
from tokenecon.cli import targets as t
from tokenecon.cli.app import app, scan_progress, stderr_console, stdout_console

MaybeUsage = Annotated[
    list[str] | None,
    typer.Argument(
        help="Usage files, globs, or - for stdin. None: the Claude Code and Codex logs of this "
        "machine (~/.claude/projects, CLAUDE_CONFIG_DIR, ~/.codex/sessions).",
        metavar="[USAGE]...",
        show_default=False,
    ),
]
Timezone = Annotated[
    str | None,
    typer.Option(
        "--timezone",
        "--tz",
        metavar="ZONE",
        help="Count days on the clocks of this IANA time zone, e.g. America/Los_Angeles "
        "(default UTC; prices stay those of the UTC day).",
    ),
]


def agent_usage(quiet: bool) -> list[str]:
    """The agent log folders of this machine, said on stderr; exit 2 when there are none."""
    import os
    from pathlib import Path

    from tokenecon.errors import UsageInputError
    from tokenecon.ingest.agent_logs import agent_log_folders, find_agent_logs, shown

    home = Path.home()
    found = find_agent_logs(home=home)
    if not found:
        searched = ", ".join(shown(f, home) for _, f in agent_log_folders(os.environ, home))
        raise UsageInputError(
            f"no USAGE given and no Claude Code or Codex logs found (looked in {searched})",
            "pass a usage export: `tokenecon analyze FILE` (docs/sources.md lists the formats)",
        )
    if not quiet:
        said = ", ".join(
            f"{logs.agent} logs in {logs.shown(home)} "
            f"({logs.files} file{'s' if logs.files != 1 else ''})"
            for logs in found
        )
        stderr_console().print(f"Reading {said}", markup=False)
    # named as said (`~/.claude/projects`): the report shows no absolute local path
    return [logs.shown(home) for logs in found]


@app.command()
@o.usage_flags
def analyze(
    usage: MaybeUsage = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            metavar="FIELD",
            help="Extra breakdown: team, project, user, model, tags.KEY, ...; or a period: "
            "day, week, month, alone or with a field (--by week,team).",
        ),
    ] = None,
    output: t.Outputs = None,
    save: t.Save = None,
    html: t.Html = None,
    timezone: Timezone = None,
    width: o.Width = None,
    *,
    flags: o.UsageFlags,
) -> None:
    """Break usage down into cost per outcome and say which layer is off."""
    from dataclasses import replace

    from tokenecon.report.analyze import analyze

    targets = t.plan_targets(output, ("json", "html"), json=save, html=html)
    # a bad option fails before any search
    options = replace(flags.analyze_options(None, by), timezone=timezone)
    if not usage:
        usage = agent_usage(flags.quiet)
    with scan_progress(flags.quiet) as bar:
        report = analyze(usage, replace(options, progress=bar))
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

    render_console(document, o.laid_out(stdout_console(), width))
