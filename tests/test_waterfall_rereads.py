"""Context re-reads measured per task in the engine: every bucket of the calls beyond the first
of their task (``UsageGroup.beyond_first``), priced like the rest, and the waterfall steps built
from them. Hand-computed on tests/fixtures/small.csv with tests/fixtures/book.yaml:

- support-triage (gpt-4.1-mini 0.40 / 0.10 cached / 1.60 output, batch 0.5): task T-1 is r1
  (1,000 + 4,000 cached + 500 out = $0.0016) then r2 (2,000 + 1,000 out = $0.0024, beyond the
  first: prompt $0.0008, output $0.0016); task T-2 is r3 at batch ($0.0008). C = $0.0048,
  2 tasks, 1 verified outcome (q = 1/2): rework tasks 0.0048 / 2 = $0.0024; re-reads
  0.0008 / 2 = $0.0004; rework calls 0.0016 / 2 = $0.0008; sticker (r1 + r3) / 2 = $0.0012.
- code-review (claude-sonnet-4-5): PR-1's first call r4 has a 201,000-token prompt, above the
  200k cliff (6 / 0.6 cached / 7.5 cache write / 22.5 output): 0.9 + 0.03 + 0.0075 + 0.045 =
  $0.9825; r5 (10,000 + 100,000 cached + 1,000 out, below: 3 / 0.3 / 15) re-sends $0.06 of
  prompt and answers $0.015. One task, one outcome: sticker $0.9825, re-reads $0.06, rework
  calls $0.015. (Apportioning the calls beyond one by request count put half the model cost,
  $0.53, there instead.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from sources import report as analyzed

from tokenecon.report.analyze import AnalyzeOptions, run_analysis


def _analysis(usage: Path, *, since: str | None = None) -> Any:
    from datetime import UTC, datetime

    return run_analysis(
        [str(usage)],
        AnalyzeOptions(
            prices=[FIXTURES / "book.yaml"], no_default_prices=True,
            outcomes=FIXTURES / "mapping.yaml",
            since=datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None,
        ),
    )  # fmt: skip


def _later(analysis: Any, use_case: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for g in analysis.aggregates.groups:
        if g.use_case == use_case:
            for c, n in g.beyond_first.items():
                out[c] = out.get(c, 0) + n
    return out


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return analyzed(FIXTURES / "small.csv", "--outcomes", FIXTURES / "mapping.yaml")


def _steps(report: dict[str, Any], name: str) -> dict[str, str]:
    v = next(v for v in report["value"]["use_cases"] if v["name"] == name)
    return {s["step"]: s["cost"] for s in v["waterfall"]["steps"]}


def test_engine_measures_calls_beyond_the_first_per_task() -> None:
    a = _analysis(FIXTURES / "small.csv")
    assert _later(a, "support-triage") == {
        "uncached_input_tokens": 2000, "cache_read_tokens": 0, "cache_write_tokens": 0,
        "cache_write_1h_tokens": 0, "output_tokens": 1000,
    }  # fmt: skip
    assert _later(a, "code-review")["cache_read_tokens"] == 100_000
    # D-1 is one call sent twice (r6, a duplicate of the first call): nothing beyond the first
    assert not any(_later(a, "contract-drafting").values())
    assert not any(_later(a, "").values())  # keyless requests are their own task


def test_the_first_call_is_the_first_in_the_period(tmp_path: Path) -> None:
    # From 09:00:30, T-1's first call r1 is outside the period: r2 is T-1's first call.
    a = _analysis(FIXTURES / "small.csv", since="2026-10-01T09:00:30")
    assert not any(_later(a, "support-triage").values())


def test_waterfall_steps_from_measured_rereads(report: dict[str, Any]) -> None:
    assert _steps(report, "support-triage") == {
        "sticker": "0.001200", "context_rereads": "0.000400", "rework_calls": "0.000800",
        "rework_tasks": "0.002400", "human_review": "3.000000", "placement_premium": "0.000000",
        "overhead": "0.000000",
    }  # fmt: skip
    review = _steps(report, "code-review")
    assert (review["sticker"], review["context_rereads"], review["rework_calls"]) == (
        "0.982500", "0.060000", "0.015000"
    )  # fmt: skip
    v = next(v for v in report["value"]["use_cases"] if v["name"] == "code-review")
    assert v["waterfall"]["reread_tokens"] == 110_000  # r5's whole prompt
    assert v["waterfall"]["reread_share"] == "0.056738"  # 0.06 / 1.0575


def test_steps_add_up_to_the_fully_loaded_cost(report: dict[str, Any]) -> None:
    from decimal import Decimal

    for v in report["value"]["use_cases"]:
        w = v["waterfall"]
        assert sum(Decimal(s["cost"]) for s in w["steps"]) == Decimal(w["fully_loaded_cost"])
        u = next(u for u in report["use_cases"] if u["name"] == v["name"])
        assert w["fully_loaded_cost"] == u["fully_loaded_cost"]


def test_a_repeated_later_call_counts_once(tmp_path: Path) -> None:
    lines = (FIXTURES / "small.csv").read_text().splitlines(keepends=True)
    # r2 (T-1's second call) sent twice: one call beyond the first, not two
    usage = tmp_path / "usage.csv"
    usage.write_text("".join([*lines[:3], lines[2], *lines[3:]]))
    a = _analysis(usage)
    assert a.aggregates.rows_duplicate == 2  # r6 as before, and r2
    assert _later(a, "support-triage")["uncached_input_tokens"] == 2000
    assert _later(a, "support-triage")["output_tokens"] == 1000


def test_calls_at_the_first_instant_are_all_first(tmp_path: Path) -> None:
    lines = (FIXTURES / "small.csv").read_text().splitlines(keepends=True)
    # r7: another call of T-1 at r1's instant (the same grain group as r1 but for its id):
    # nothing of it is beyond the first call; r2 still is.
    tied = lines[1].replace(",r1,", ",r7,").replace(",1000,4000,", ",300,0,")
    usage = tmp_path / "usage.csv"
    usage.write_text("".join([*lines[:2], tied, *lines[2:]]))
    later = _later(_analysis(usage), "support-triage")
    assert (later["uncached_input_tokens"], later["output_tokens"]) == (2000, 1000)


def test_copies_of_a_later_call_sent_at_other_instants_count_once(tmp_path: Path) -> None:
    lines = (FIXTURES / "small.csv").read_text().splitlines(keepends=True)
    # r2 sent again 30 s later: one call beyond the first (its copies are one group again).
    resent = lines[2].replace("09:01:00Z", "09:01:30Z")
    usage = tmp_path / "usage.csv"
    usage.write_text("".join([*lines[:3], resent, *lines[3:]]))
    a = _analysis(usage)
    assert a.aggregates.rows_duplicate == 2  # r6 as before, and r2
    later = _later(a, "support-triage")
    assert (later["uncached_input_tokens"], later["output_tokens"]) == (2000, 1000)
