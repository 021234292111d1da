"""Many repeated ids are merged inside the engine, a few in Python: the same report either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from sources import report as analyzed

import tokenecon.aggregate.repeated as repeated
from tokenecon.aggregate.read import INLINE_IDS


def _report(path: Path, *extra: str) -> dict:
    return analyzed(path, "-q", *extra)


def test_engine_and_python_merges_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # More repeated ids than the literal list holds; copies that differ (a streamed partial
    # and the final count, a copy on the next day), identical re-sends, costs on some.
    rows = ["timestamp,model,uncached_input_tokens,output_tokens,request_id,user,cost"]
    for i in range(INLINE_IDS + 150):
        stamp = f"2026-10-{1 + i % 5:02d}T23:{i % 60:02d}:{i % 60:02d}Z"
        cost = "0.0125" if i % 97 == 0 else ""
        rows.append(f"{stamp},gpt-4.1-mini,{1000 + i},1,r{i},u{i % 4},{cost}")
        rows.append(f"{stamp},gpt-4.1-mini,{1000 + i},{100 + i % 13},r{i},u{i % 4},{cost}")
        if i % 3 == 0:  # an identical re-send
            rows.append(rows[-1])
        if i % 50 == 0:  # a copy the next day
            rows.append(f"2026-10-{2 + i % 5:02d}T00:00:01Z,gpt-4.1-mini,{1000 + i},90,r{i},,")
    usage = tmp_path / "usage.csv"
    usage.write_text("\n".join(rows) + "\n")
    whole = _report(usage)
    assert whole["duplicates"]["count"] > INLINE_IDS
    assert whole["duplicates"]["conflicting_ids"] > 0
    assert whole["totals"]["requests"] == INLINE_IDS + 150
    for extra in ((), ("--by", "user"), ("--until", "2026-10-04")):
        engine = _report(usage, *extra)
        with monkeypatch.context() as patch:
            patch.setattr(repeated, "INLINE_IDS", 10**9)  # every id merged in Python
            python = _report(usage, *extra)
        assert engine == python


def test_rereads_are_the_same_whichever_merges_the_copies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tasks by user: the first call of each task and the later ones both have repeated copies;
    # the waterfall's re-reads must not depend on where the copies are merged.
    rows = ["timestamp,model,uncached_input_tokens,output_tokens,request_id,user"]
    for i in range(INLINE_IDS + 60):
        stamp = f"2026-10-{1 + i % 5:02d}T10:{i % 60:02d}:{i % 60:02d}Z"
        rows.append(f"{stamp},gpt-4.1-mini,{1000 + i},1,r{i},u{i % 7}")
        rows.append(f"{stamp},gpt-4.1-mini,{1000 + i},{100 + i % 13},r{i},u{i % 7}")
    usage = tmp_path / "usage.csv"
    usage.write_text("\n".join(rows) + "\n")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "use_cases:\n  all:\n    match: {model: gpt-*}\n    task_key: user\n"
        "    outcomes: {count: 5}\n    value_per_outcome: 1\n"
    )
    engine = _report(usage, "--outcomes", str(mapping))
    with monkeypatch.context() as patch:
        patch.setattr(repeated, "INLINE_IDS", 10**9)
        python = _report(usage, "--outcomes", str(mapping))
    assert engine == python
    (case,) = [u for u in engine["value"]["use_cases"] if u["name"] == "all"]
    steps = {s["step"]: s["cost"] for s in case["waterfall"]["steps"]}
    assert float(steps["context_rereads"]) > 0
