"""Codex rollouts written by other tools' tests (tests/fixtures/public/PROVENANCE.md).
Prices per 1M, default book: gpt-5.2 $1.75 input / $0.175 cached input / $14 output."""

from __future__ import annotations

from conftest import FIXTURES
from sources import default_report as report

TOKSCALE = FIXTURES / "public" / "tokscale" / "codex_task_started_duration.jsonl"


def test_token_counts_without_a_total_are_still_turns() -> None:
    # tokscale's fixture writes total_token_usage without total_tokens (and task_started
    # events between the turns): every turn was dropped, and the run refused "no usage rows"
    r = report(TOKSCALE)
    assert r["inputs"]["usage"][0]["format"] == "codex_jsonl"
    t = r["totals"]
    # four turns of 10 in (2 cached) and 3 out; the cumulative totals 13, 26, 39, 52 (input +
    # output) key them apart
    assert (t["rows_read"], t["requests"], t["rows_duplicate"]) == (4, 4, 0)
    assert (t["tokens"]["uncached_input"], t["tokens"]["cache_read"]) == (32, 8)
    assert t["tokens"]["output"] == 12
    # 32 x 1.75 + 8 x 0.175 + 12 x 14 = 56 + 1.4 + 168 = 225.4 per 1M
    assert t["cost"] == "0.000225"
    assert [m["model"] for m in r["models"]] == ["gpt-5.2"]
