"""A people-file run (the engine groups by user) replays its compiled SQL from the cache
(aggregate/memo.py) when nothing after the aggregates queries the rows again, and gives the
report of a compiled run; with per-task outcome events (outcomes per user query the rows) it
compiles every time."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, run_cli


def inputs(tmp_path: Path, events: bool) -> Path:
    """The small fixture with its ownership mapping; without ``events`` support-triage counts
    its outcomes (no events file, so no outcomes per user)."""
    folder = tmp_path / "inputs"
    shutil.copytree(FIXTURES, folder, ignore=shutil.ignore_patterns("conformance", "exports"))
    text = (folder / "ownership" / "mapping.yaml").read_text()
    line = "outcomes: {file: ../outcomes/support.csv, key: task_id, verified: verified}"
    assert line in text
    if not events:
        text = text.replace(line, "outcomes: {count: 4}")
    # beside the usage, so that its files are inside the mapping's folder
    text = text.replace("../outcomes/", "outcomes/").replace("people.csv", "ownership/people.csv")
    (folder / "owners.yaml").write_text(text)
    return folder


def report(folder: Path) -> dict[str, Any]:
    result = run_cli(
        "analyze", str(folder / "small.csv"), "--prices", str(folder / "book.yaml"),
        "--no-default-prices", "--outcomes", str(folder / "owners.yaml"),
        "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_a_people_run_replays_and_gives_the_same_report(
    tmp_path: Path, cache: Path, replays: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = inputs(tmp_path, events=False)
    first = report(folder)
    assert replays == []
    second = report(folder)
    assert len(replays) == 1  # replayed, not compiled
    assert second == first
    with monkeypatch.context() as m:
        m.setenv("TOKENECON_CACHE_DIR", "off")
        assert report(folder) == first
    tiers = second["people"]["tiers"]
    assert tiers and sum(len(t["top_users"]) for t in tiers) > 0  # priced per user


def test_outcomes_per_user_compile_every_time(
    tmp_path: Path, cache: Path, replays: list[int]
) -> None:
    folder = inputs(tmp_path, events=True)
    first = report(folder)
    assert report(folder) == first
    assert replays == []
