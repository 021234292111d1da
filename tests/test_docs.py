"""The README's two set-up commands are the ones CI runs; every command has help."""

from __future__ import annotations

import re

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


def test_every_command_has_help() -> None:
    for command in ("analyze", "prices", "whatif", "diff", "report", "sources", "count"):
        result = run_cli(command, "--help")
        assert result.exit_code == 0
        assert "Usage" in result.output
