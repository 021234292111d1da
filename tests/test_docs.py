"""The README's two set-up commands are the ones CI runs; every command has help."""

from __future__ import annotations

import re
from typing import Any

from conftest import ROOT, run_cli


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    first_screen = text.split("\n---\n")[0]
    return re.findall(r"```bash\n(.+?)\n```", first_screen)


def test_readme_first_screen_has_exactly_two_commands_and_ci_runs_them() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text()
    for command in commands:
        assert command in ci


def _commands() -> dict[str, Any]:
    """Every command registered on the app, read from the app itself (none listed by hand)."""
    import typer

    from tokenecon.cli.main import app

    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_every_command_has_help() -> None:
    commands = _commands()
    assert {"analyze", "whatif", "diff", "report", "convert"} <= set(commands)
    for name, command in commands.items():
        result = run_cli(name, "--help")
        assert result.exit_code == 0, name
        assert result.stdout.startswith(f"Usage: tokenecon {name} "), name
        assert command.help and command.help.strip(), f"{name} has no help"
        # readable metavars: never Typer's type names for an argument or a list option
        assert "<list[" not in result.stdout, name
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                assert param.help, f"{name} {param.opts[0]} has no help"


def test_every_command_takes_json() -> None:
    for name, command in _commands().items():
        assert any("--json" in p.opts for p in command.params), f"{name} has no --json"


def test_o_is_output_everywhere() -> None:
    for name, command in _commands().items():
        for param in command.params:
            if "-o" in getattr(param, "opts", []):
                assert "--output" in param.opts, f"-o of {name} is {param.opts}"


def test_the_command_list_shows_whole_summaries() -> None:
    result = run_cli("--help")
    assert result.exit_code == 0
    listed = " ".join(result.stdout.split("Commands:")[1].split())
    for name, command in _commands().items():
        summary = " ".join(command.help.split("\n\n")[0].split())
        assert f"{name} {summary}" in listed
    assert "..." not in listed
    for flag in ("--version", "--debug", "--install-completion"):
        assert flag in result.stdout
