"""`tokenecon whatif`: price the levers before pulling them."""

from __future__ import annotations

import inspect
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import typer

from tokenecon.cli import options as o
from tokenecon.cli import targets as t
from tokenecon.cli.app import Command, app, scan_progress, stdout_console


def _opt(flag: str, help: str, metavar: str | None = None) -> Any:
    return typer.Option(flag, help=help, metavar=metavar)


LEVERS = "tokenecon.whatif.levers"
"""Where :class:`LeverCommand` leaves the lever flags' values in ``ctx.meta``."""


class LeverCommand(Command):
    """A command with a flag per lever flag of the registry, after its usage argument.

    The flags are added when the command itself parses its arguments or shows its help:
    the registry imports every lever with its effect (pricing, the aggregate types), which
    ``tokenecon --help`` must not pay for. Their values reach the command in
    ``ctx.meta[LEVERS]``, by flag key (``route``, ``cache_ttl`` ...): the mapping
    :func:`~tokenecon.whatif.scenario_input.levers_from_flags` reads.
    """

    def get_params(self, ctx: Any) -> list[Any]:
        """The command's parameters with the lever flags after the usage argument."""
        usage, *rest = super().get_params(ctx)
        return [usage, *_lever_params(), *rest]

    def invoke(self, ctx: Any) -> Any:
        """Run the command with the lever flags' values moved to ``ctx.meta``."""
        ctx.meta[LEVERS] = {p.name: ctx.params.pop(p.name) for p in _lever_params() if p.name}
        return super().invoke(ctx)


@cache
def _lever_params() -> list[Any]:
    """The registry's lever flags as Typer makes options (from a command that has only them)."""
    from tokenecon.whatif.registry import lever_flags

    def levers(**values: Any) -> None:
        """Only its parameters are used."""

    levers.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                flag.key,
                inspect.Parameter.KEYWORD_ONLY,
                default=False if flag.switch else None,
                annotation=Annotated[
                    bool if flag.switch else str | None,
                    _opt(flag.option, flag.help, flag.metavar),
                ],
            )
            for flag in lever_flags()
        ]
    )
    probe = typer.Typer(add_completion=False)
    probe.command()(levers)
    return typer.main.get_command(probe).params


@app.command(cls=LeverCommand)
@o.usage_flags
def whatif(
    ctx: typer.Context,
    usage: o.Usage,
    use_case: Annotated[
        list[str] | None,
        _opt("--use-case", "Only this use case (every lever flag); repeatable.", "NAME"),
    ] = None,
    model: Annotated[
        list[str] | None, _opt("--model", "Only usage of this model; repeatable.", "MODEL")
    ] = None,
    share: Annotated[
        str | None, _opt("--share", "Share (50% or 0.5) of the slice's traffic to change.", "SHARE")
    ] = None,
    scenarios: Annotated[
        Path | None, typer.Option("--scenarios", help="YAML file of named scenarios.")
    ] = None,
    output: t.JsonOutputs = None,
    save: t.Save = None,
    width: o.Width = None,
    *,
    flags: o.UsageFlags,
) -> None:
    """Replay the period under changed assumptions: baseline vs scenario per use case."""

    def run() -> Any:
        from tokenecon.whatif.run import run_whatif
        from tokenecon.whatif.scenario_input import levers_from_flags, load_scenarios

        levers = levers_from_flags(
            ctx.meta[LEVERS], use_cases=use_case or (), models=model or (), share=share
        )
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

    render_whatif(document, o.laid_out(stdout_console(), width))
