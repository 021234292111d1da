"""Outcomes per user where tasks carry a user, by hand: a task run by two users counts for
each, a rejected row credits no one, and --timezone (which carries the local day in front of
the user inside the engine) changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli

HEADER = (
    "timestamp,provider,model,uncached_input_tokens,output_tokens,requests,service_tier,"
    "team,use_case,user,task_id,request_id"
)
ROWS = [
    # T-1 (verified in ../outcomes/support.csv) run by a and b; T-2 (not verified) by b;
    # T-9 (verified) only in a row rejected for its token count: f is credited nothing
    "2026-10-01T09:00:00Z,openai,gpt-4.1-mini-2025-04-14,1000,500,1,standard,support,support-bot,a@x.com,T-1,q1",
    "2026-10-01T23:30:00Z,openai,gpt-4.1-mini-2025-04-14,2000,1000,1,standard,support,support-bot,b@x.com,T-1,q2",
    "2026-10-02T09:00:00Z,openai,gpt-4.1-mini-2025-04-14,1000,500,1,standard,support,support-bot,b@x.com,T-2,q3",
    "2026-10-02T10:00:00Z,openai,gpt-4.1-mini-2025-04-14,abc,500,1,standard,support,support-bot,f@x.com,T-9,q4",
]  # fmt: skip


def people(tmp_path: Path, *extra: str) -> dict[str, Any]:
    usage = tmp_path / "usage.csv"
    usage.write_text("\n".join([HEADER, *ROWS]) + "\n")
    result = run_cli(
        "analyze", str(usage), "--prices", str(FIXTURES / "book.yaml"), "--no-default-prices",
        "--outcomes", str(FIXTURES / "ownership" / "mapping.yaml"), "--json", "-q", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["people"]


@pytest.mark.parametrize("zone", [(), ("--timezone", "America/Los_Angeles")])
def test_a_task_of_two_users_counts_for_each(tmp_path: Path, zone: tuple[str, ...]) -> None:
    section = people(tmp_path, *zone)
    agent = next(t for t in section["tiers"] if t["tier"] == "agent")
    # a: T-1 -> 1; b: T-1 and T-2 -> 1; f ran nothing valid: not active, not an outcome user
    assert (agent["active_users"], agent["outcome_users"], agent["verified_outcomes"]) == (2, 2, 2)
    assert agent["outcomes_per_user"] == {"mean": "1.000000", "median": "1.000000",
                                          "p90": "1.000000"}  # fmt: skip
    # a $0.0012 (1000 x $0.40 + 500 x $1.60 per 1M) + b $0.0024 + $0.0012, for 2 outcomes
    assert agent["cost_per_verified_outcome"] == "0.002400"
    assert [(x["user"], x["verified_outcomes"]) for x in agent["top_users"]] == [
        ("b@x.com", 1), ("a@x.com", 1),
    ]  # fmt: skip
