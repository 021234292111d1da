"""The compiled-SQL cache on folders of agent logs (tokenecon/aggregate/memo.py): a folder is
its member logs, each by content, so that a second run replays the SQL and a log rewritten
(same size and time), added or removed is read afresh, never answered from the entry.

Fixtures: tests/fixtures/sources/claude_code and codex (see test_agent_logs_read.py)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, run_cli
from tokenecon.aggregate import memo
from tokenecon.engine import sqlcache

SOURCES = FIXTURES / "sources"
SUBAGENT = "-home-u-src-shop/6b1e2c4d-0000-4000-8000-000000000001/subagents/agent-a1.jsonl"


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    folder = tmp_path / "projects"
    shutil.copytree(SOURCES / "claude_code", folder)
    return folder


def report(*folders: Path) -> dict[str, Any]:
    result = run_cli("analyze", *map(str, folders), "--json", "-q")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def cold(monkeypatch: pytest.MonkeyPatch, *folders: Path) -> dict[str, Any]:
    """The report with the cache off."""
    with monkeypatch.context() as m:
        m.setenv("TOKENECON_CACHE_DIR", "off")
        return report(*folders)


def test_a_folder_of_logs_is_replayed_with_the_same_report(
    cache: Path, replays: list[int], logs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    codex = tmp_path / "codex"
    shutil.copytree(SOURCES / "codex", codex)
    first = report(logs, codex)
    assert replays == []
    second = report(logs, codex)
    assert len(replays) == 1  # replayed: no Ibis expression built
    assert second == first == cold(monkeypatch, logs, codex)
    assert second["totals"]["requests"] > 0 and second["blocks"]["rows"]


def test_a_rewritten_log_in_a_folder_is_read_afresh(
    cache: Path, replays: list[int], logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = report(logs)
    member = logs / SUBAGENT
    stat = member.stat()
    text = member.read_text()
    # same size and modification time, other tokens: only the content tells them apart
    changed = text.replace('"output_tokens": 50}', '"output_tokens": 95}')
    assert changed != text and len(changed) == len(text)
    member.write_text(changed)
    os.utime(member, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = report(logs)
    assert replays == []  # another key: compiled again, not the entry's figures
    assert after == cold(monkeypatch, logs)
    assert after["totals"]["tokens"]["output"] == before["totals"]["tokens"]["output"] + 45


def test_a_log_added_to_or_removed_from_a_folder_is_another_key(
    cache: Path, replays: list[int], logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = report(logs)
    member = logs / SUBAGENT
    text = member.read_text()
    extra = member.with_name("agent-a2.jsonl")
    extra.write_text(text.replace('"req_013"', '"req_014"').replace('"msg_03"', '"msg_04"'))
    added = report(logs)
    assert replays == []
    assert added == cold(monkeypatch, logs)
    assert added["totals"]["tokens"]["output"] == before["totals"]["tokens"]["output"] + 50
    extra.unlink()
    member.unlink()
    removed = report(logs)
    assert replays == []
    assert removed == cold(monkeypatch, logs)
    assert removed["totals"]["tokens"]["output"] == before["totals"]["tokens"]["output"] - 50
    member.write_text(text)
    assert report(logs) == before and len(replays) == 1  # the first entry, whole again


def test_an_entry_is_kept_only_if_every_listed_file_is_in_the_key() -> None:
    listed = "SELECT * FROM read_json_auto(['/logs/a.jsonl', '/logs/it''s.jsonl'], x = 1)"
    entry = sqlcache.Entry("k", [("execute", listed, None)])
    assert memo._reads_only(entry, {"/logs/a.jsonl", "/logs/it's.jsonl"})
    # a list's later file, not only its first, must be one the key hashes
    assert not memo._reads_only(entry, {"/logs/a.jsonl"})
    unknown = sqlcache.Entry("k", [("execute", "SELECT * FROM read_json(some_function())", None)])
    assert not memo._reads_only(unknown, {"/logs/a.jsonl"})


def test_small_logs_run_on_one_engine_thread(
    cache: Path, logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logs small enough for a cache key are read on one DuckDB thread, compiled, rehearsed
    and replayed alike (measured: less CPU, docs/benchmarks.md "Warm agent logs")."""
    seen: list[int] = []
    for name in ("replay", "rehearse"):
        real = getattr(sqlcache, name)

        def counted(raw: Any, entry: sqlcache.Entry, *rest: Any, _real: Any = real) -> Any:
            seen.append(int(raw.execute("SELECT current_setting('threads')").fetchone()[0]))
            return _real(raw, entry, *rest)

        monkeypatch.setattr(sqlcache, name, counted)
    first = report(logs)  # compiled, then rehearsed on a fresh connection before it is kept
    assert report(logs) == first  # replayed
    assert seen == [1, 1]


def test_one_thread_leaves_an_explicit_thread_count_alone() -> None:
    from tokenecon.engine.connect import EngineOptions, Session

    def threads(session: Session) -> int:
        return int(session.raw().execute("SELECT current_setting('threads')").fetchone()[0])

    told = Session(EngineOptions(threads=2))
    told.one_thread()
    assert threads(told) == 2 and told.options.threads == 2
    connected = Session(EngineOptions())
    connected.raw()  # already connected: set on the open connection
    connected.one_thread()
    assert threads(connected) == 1 and threads(Session(connected.options)) == 1


def test_each_log_is_hashed_once_a_run(
    cache: Path, replays: list[int], logs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key takes its content from the report's digests: no log read twice to hash it."""
    from tokenecon.ingest import sources

    hashed: list[str] = []
    for module, name in ((sources, "_hash_file"), (sqlcache, "file_digest")):
        real = getattr(module, name)

        def counted(path: Path, *rest: Any, _real: Any = real, **named: Any) -> Any:
            hashed.append(str(path))
            return _real(path, *rest, **named)

        monkeypatch.setattr(module, name, counted)
    members = sorted(str(p) for p in logs.rglob("*.jsonl"))
    first = report(logs)
    assert sorted(h for h in hashed if h.endswith(".jsonl")) == members  # (and the price book)
    hashed.clear()
    assert report(logs) == first and len(replays) == 1
    assert sorted(h for h in hashed if h.endswith(".jsonl")) == members


def test_logs_named_relative_to_a_linked_folder_are_replayed(
    cache: Path, replays: list[int], logs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SQL names each log by its absolute path through the link (as Ibis makes it), which
    is neither the path given nor the resolved one: the key holds it too, or no entry is kept."""
    (tmp_path / "linked").symlink_to(logs.parent, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    relative = Path("linked") / logs.name  # the link inside the path given, not in the cwd
    first = report(relative)
    assert report(relative) == first and len(replays) == 1
    assert first == cold(monkeypatch, relative)
