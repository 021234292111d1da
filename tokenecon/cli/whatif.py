"""`tokenecon whatif`: price the levers before pulling them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from tokenecon.cli import options as o
from tokenecon.cli import targets as t
from tokenecon.cli.app import app, scan_progress, stdout_console


def _opt(flag: str, help: str, metavar: str | None = None) -> Any:
    return typer.Option(flag, help=help, metavar=metavar)


@app.command()
@o.usage_flags
def whatif(
    usage: o.Usage,
    route: Annotated[
        str | None, _opt("--route", "Move traffic to MODEL, small-model or mid-model.", "TARGET")
    ] = None,
    any_provider: Annotated[
        bool, _opt("--any-provider", "small-model/mid-model: look at every provider.")
    ] = False,
    cache: Annotated[
        str | None, _opt("--cache", "Share of input tokens (0-1) that becomes cache reads.", "RATE")
    ] = None,
    cache_prefix: Annotated[
        str | None, _opt("--cache-prefix", "Cached prefix per call, in tokens.", "TOKENS")
    ] = None,
    cache_scope: Annotated[
        str | None,
        _opt("--cache-scope", "task (default) or shared: what one prefix serves.", "task|shared"),
    ] = None,
    cache_ttl: Annotated[str | None, _opt("--cache-ttl", "5m (default) or 1h.", "5m|1h")] = None,
    batch: Annotated[
        str | None, _opt("--batch", "Share (0-1) of non-urgent traffic moved to batch.", "SHARE")
    ] = None,
    trim_prompt: Annotated[
        str | None, _opt("--trim-prompt", "PCT fewer prompt tokens per call.", "PCT")
    ] = None,
    trim_output: Annotated[
        str | None, _opt("--trim-output", "PCT fewer output tokens per call.", "PCT")
    ] = None,
    max_attempts: Annotated[
        str | None, _opt("--max-attempts", "At most N tasks per verified outcome.", "N")
    ] = None,
    retry_cut: Annotated[
        str | None, _opt("--retry-cut", "PCT of the calls beyond each task's first cut.", "PCT")
    ] = None,
    tier: Annotated[
        str | None, _opt("--tier", "Move standard traffic to flex or priority.", "flex|priority")
    ] = None,
    context_cap: Annotated[
        str | None, _opt("--context-cap", "No prompt above TOKENS (cut to it).", "TOKENS")
    ] = None,
    use_case: Annotated[
        list[str] | None,
        _opt("--use-case", "Only this use case (every lever flag); repeatable.", "NAME"),
    ] = None,
    model: Annotated[
        list[str] | None, _opt("--model", "Only usage of this model; repeatable.", "MODEL")
    ] = None,
    share: Annotated[
        str | None, _opt("--share", "Share (0-1) of the slice's traffic to change.", "SHARE")
    ] = None,
    scenarios: Annotated[
        Path | None, typer.Option("--scenarios", help="YAML file of named scenarios.")
    ] = None,
    output: t.JsonOutputs = None,
    save: t.Save = None,
    *,
    flags: o.UsageFlags,
) -> None:
    """Replay the period under changed assumptions: baseline vs scenario per use case."""

    def run() -> Any:
        from tokenecon.whatif.levers import CacheOptions, levers_from_flags, load_scenarios
        from tokenecon.whatif.run import run_whatif

        levers = levers_from_flags(
            {
                "route": route, "cache": cache, "batch": batch, "trim_prompt": trim_prompt,
                "trim_output": trim_output, "max_attempts": max_attempts, "retry_cut": retry_cut,
                "tier": tier, "context_cap": context_cap,
            },
            any_provider=any_provider,
            cache=CacheOptions(cache_prefix, cache_scope, cache_ttl),
            use_cases=use_case or (),
            models=model or (),
            share=share,
        )  # fmt: skip
        plans = ([levers] if levers else []) + (load_scenarios(scenarios) if scenarios else [])
        return run_whatif(usage, flags.analyze_options(bar), plans)

    targets = t.plan_targets(output, ("json",), json=save)
    with scan_progress(flags.quiet) as bar:
        result = run()
    document = result.to_dict()
    from tokenecon.render.json import emit_json, json_text

    t.write_targets(targets, lambda _: json_text(document))
    if flags.as_json:
        emit_json(document)
        return
    from tokenecon.render.whatif import render_whatif

    render_whatif(document, stdout_console())
