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


def _session(folder: Path, responses: int, with_cost: int) -> dict[str, int]:
    """A Claude Code session of ``responses`` responses, each written as two content-block
    lines (the first with a partial output count, as Claude Code streams them); the first
    ``with_cost`` carry a costUSD (older logs). Returns the expected token totals."""
    folder.mkdir(parents=True)
    lines, totals = [], {"input": 0, "cache_read": 0, "output": 0}
    for i in range(responses):
        stamp = f"2026-10-{1 + i % 3:02d}T{i % 24:02d}:{i % 60:02d}:00.000Z"
        usage = {"input_tokens": 10 + i % 7, "cache_read_input_tokens": 1000 + i,
                 "cache_creation_input_tokens": 0, "output_tokens": 1}  # fmt: skip
        final = {**usage, "output_tokens": 50 + i % 11}
        for used in (usage, final):
            line = {"type": "assistant", "sessionId": "s1", "uuid": f"u{i}-{used['output_tokens']}",
                    "parentUuid": None, "timestamp": stamp, "requestId": f"req_{i:05d}",
                    "message": {"id": f"msg_{i:05d}", "role": "assistant",
                                "model": "claude-sonnet-4-5-20250929", "usage": used}}  # fmt: skip
            if i < with_cost:
                line["costUSD"] = 0.25
            lines.append(json.dumps(line))
        totals["input"] += final["input_tokens"]
        totals["cache_read"] += final["cache_read_input_tokens"]
        totals["output"] += final["output_tokens"]
    (folder / "s1.jsonl").write_text("\n".join(lines) + "\n")
    return totals


def test_a_folder_where_every_response_repeats_is_merged_once_per_request(
    tmp_path: Path,
) -> None:
    # 1,500 responses, two lines each: every id repeats, more of them than fit in a query's
    # literal list. The ten with a reported cost are merged in Python, the rest inside the
    # engine; both give what one copy per request with its largest counts gives.
    expected = _session(tmp_path / "projects" / "p", 1500, with_cost=10)
    report = _json(str(tmp_path / "projects"))
    totals = report["totals"]
    assert (totals["rows_read"], totals["requests"], totals["rows_duplicate"]) == (3000, 1500, 1500)
    tokens = totals["tokens"]
    assert (tokens["uncached_input"], tokens["cache_read"], tokens["output"]) == (
        expected["input"], expected["cache_read"], expected["output"]
    )  # fmt: skip
    assert totals["reported_cost"] == "2.500000"  # 10 x 0.25, each request once
    duplicates = report["duplicates"]
    assert (duplicates["count"], duplicates["conflicting_ids"]) == (1500, 1500)
    assert duplicates["ids"][:2] == [
        {"request_id": "msg_00000:req_00000", "copies": 2},
        {"request_id": "msg_00001:req_00001", "copies": 2},
    ]
    assert len(duplicates["ids"]) == 20
    assert sum(b["requests"] for b in report["blocks"]["rows"]) == 1500
