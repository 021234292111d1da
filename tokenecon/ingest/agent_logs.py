"""Where coding agents keep their usage logs, for `tokenecon analyze` run without USAGE.

Claude Code writes one JSON Lines file per session under ``<config>/projects``, the config
folder being each of ``CLAUDE_CONFIG_DIR`` (comma-separated) if set, else ``~/.config/claude``
and ``~/.claude`` (newer and older releases); Codex CLI writes ``rollout-*.jsonl`` files under
``$CODEX_HOME/sessions`` (default ``~/.codex``). The same places ccusage reads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AgentLogs:
    """A folder of one agent's logs that holds at least one ``.jsonl`` file."""

    agent: str
    """Claude Code or Codex."""
    folder: Path
    files: int

    def shown(self, home: Path) -> str:
        """The folder as a person writes it (:func:`shown`)."""
        return shown(self.folder, home)


def shown(folder: Path, home: Path) -> str:
    """A folder as a person writes it: ``~/.claude/projects`` under the home folder."""
    try:
        return "~/" + folder.relative_to(home).as_posix()
    except ValueError:
        return str(folder)


def agent_log_folders(environ: Mapping[str, str], home: Path) -> list[tuple[str, Path]]:
    """The folders Claude Code and Codex may log to, whether they exist or not."""
    claude = environ.get("CLAUDE_CONFIG_DIR", "").strip()
    configs = (
        [Path(p.strip()).expanduser() for p in claude.split(",") if p.strip()]
        if claude
        else [home / ".config" / "claude", home / ".claude"]
    )
    codex = environ.get("CODEX_HOME", "").strip()
    codex_home = Path(codex).expanduser() if codex else home / ".codex"
    return [("Claude Code", c / "projects") for c in configs] + [("Codex", codex_home / "sessions")]


def find_agent_logs(
    environ: Mapping[str, str] | None = None, home: Path | None = None
) -> list[AgentLogs]:
    """The agent log folders that exist and hold ``.jsonl`` logs, in the order searched
    (a folder reached twice, through a link or a repeated setting, is read once)."""
    environ = os.environ if environ is None else environ
    home = Path.home() if home is None else home
    found: list[AgentLogs] = []
    seen: set[Path] = set()
    for agent, folder in agent_log_folders(environ, home):
        if not folder.is_dir() or folder.resolve() in seen:
            continue
        seen.add(folder.resolve())
        files = sum(1 for p in folder.rglob("*.jsonl") if p.is_file())
        if files:
            found.append(AgentLogs(agent, folder, files))
    return found
