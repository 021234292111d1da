"""Coding-agent logs read once, within the memory limit, and named without local paths.

Fixtures: tests/fixtures/sources/claude_code and codex (see the README there)."""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

SOURCES = FIXTURES / "sources"


def _json(*args: str) -> dict:
    result = run_cli("analyze", *args, "--json", "-q")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_found_agent_logs_are_named_from_home_not_by_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(SOURCES / "claude_code", tmp_path / ".claude" / "projects")
    shutil.copytree(SOURCES / "codex" / "sessions", tmp_path / ".codex" / "sessions")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("CODEX_HOME", raising=False)
    result = run_cli("analyze", "--json", "-q")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    paths = [u["path"] for u in report["inputs"]["usage"]]
    assert paths == ["~/.claude/projects", "~/.codex/sessions"]
    assert str(tmp_path) not in result.stdout
    # the same usage as naming the folders
    named = _json(str(SOURCES / "claude_code"), str(SOURCES / "codex"))
    assert report["totals"] == named["totals"]


def test_json_logs_are_read_within_a_small_memory_limit() -> None:
    # DuckDB's JSON reader holds twice the largest object size per thread: a fixed 1 GiB
    # made a 256 MB limit fail ("failed to allocate data of size 2.0 GiB").
    small = _json(str(SOURCES / "claude_code"), "--memory-limit", "256MB")
    assert small["totals"] == _json(str(SOURCES / "claude_code"))["totals"]


def test_billing_blocks_add_up_to_the_totals_of_the_same_read() -> None:
    report = _json(str(SOURCES / "claude_code"), str(SOURCES / "codex"))
    blocks = report["blocks"]["rows"]
    assert blocks
    totals = report["totals"]
    assert sum(b["requests"] for b in blocks) == totals["requests"]
    assert sum(b["tokens"] for b in blocks) == totals["tokens"]["billable"]
    assert sum(Decimal(b["cost"]) for b in blocks) == Decimal(totals["cost"])
