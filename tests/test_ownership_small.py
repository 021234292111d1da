"""Ownership of the small fixture, computed by hand (tests/fixtures/ownership/mapping.yaml).

Direct cost per domain (see test_analyze_small.py for the pricing): Care = support-triage
$0.0048, Platform = code-review $1.0575, Legal = contract-drafting $0.054, Research = team
research through the people file: r9 $0.0034 (r8 is unpriced; r10 and r11 are rejected).
Requests: Care 3, Platform 2, Legal 1, Research 2.
"""

from __future__ import annotations

import functools
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import FIXTURES, run_cli

MAPPING = FIXTURES / "ownership" / "mapping.yaml"


@functools.cache
def report() -> dict[str, Any]:
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(MAPPING), "--json", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def domain(r: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in r["showback"]["domains"] if d["domain"] == name)


def pool(r: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in r["allocation"] if p["pool"] == name)


def test_each_rule_allocates_by_hand() -> None:
    r = report()
    # even: $100 / 4 domains.
    assert [s["amount"] for s in pool(r, "gateway")["shares"]] == ["25.000000"] * 4
    # proportional to requests 3:2:1:2 of $1.00 = 37.5c, 25c, 12.5c, 25c: 99 whole cents, the
    # cent left goes to the largest remainder (.5 twice: the first, Care).
    evals = pool(r, "evals")
    assert [s["amount"] for s in evals["shares"]] == ["0.380000", "0.250000", "0.120000",
                                                      "0.250000"]  # fmt: skip
    assert evals["rule_text"] == "proportional to direct requests"
    # fixed 60% / 0.4 of $99.99 = 5999.4c and 3999.6c: the cent left goes to Legal (.6).
    commitment = pool(r, "commitment")
    assert [(s["domain"], s["amount"]) for s in commitment["shares"]] == [
        ("Platform", "59.990000"), ("Legal", "40.000000"),
    ]  # fmt: skip
    assert commitment["idle"] == "30.000000"
    assert commitment["rule_text"] == "fixed: Platform 60%, Legal 40%"
    # every usage row has an owner: the unattributed pool has nothing to place
    assert pool(r, "unattributed")["amount"] == "0.000000"


def test_showback_adds_up_to_the_whole_spend() -> None:
    r = report()
    care = domain(r, "Care")
    # review: 2 tasks x 1.5 min x $60/h = $3; shared 25 + 0.38
    assert (care["direct_cost"], care["review_overhead"], care["shared_cost"]) == (
        "0.004800", "3.000000", "25.380000",
    )  # fmt: skip
    assert care["total"] == "28.384800"
    assert care["cost_per_outcome"] == "28.384800"  # one verified ticket
    platform = domain(r, "Platform")
    assert (platform["shared_cost"], platform["total"]) == ("85.240000", "86.297500")
    legal = domain(r, "Legal")
    assert (legal["shared_cost"], legal["total"]) == ("65.120000", "65.174000")
    research = domain(r, "Research")
    assert (research["direct_cost"], research["total"]) == ("0.003400", "25.253400")
    # $1.1197 of usage + $3 review + $200.99 of pools
    assert r["showback"]["total"] == "205.109700"
    total = sum(Decimal(d["total"]) for d in r["showback"]["domains"])
    assert total + Decimal(r["showback"]["unallocated"]["total"]) == Decimal("205.1097")
    # fully allocated cost of the domains with outcomes / their 3 outcomes
    assert r["showback"]["cost_per_verified_outcome"] == "59.952100"


def test_budget_projection_is_weekday_aware() -> None:
    r = report()
    platform, support = r["budgets"]["budgets"]
    # 2026-10-01 is a Thursday; the data ends on Sunday 10-04. Platform spent $1.0575 on
    # Friday 10-02: 2 weekdays elapsed ($0.52875 a weekday), 2 weekend days ($0).
    assert (platform["start"], platform["end"], platform["as_of"]) == (
        "2026-10-01", "2026-10-31", "2026-10-04",
    )  # fmt: skip
    assert platform["spent"] == "1.057500"
    assert platform["remaining"] == "-0.057500"
    assert platform["daily_burn"] == "0.264375"  # 1.0575 / 4 days
    # 20 weekdays left (5-9, 12-16, 19-23, 26-30): 1.0575 + 20 x 0.52875
    assert platform["projected"] == "11.632500"
    assert platform["runs_out"] == "2026-10-02"
    assert platform["alerts"] == [
        {"level": "80%", "on": "2026-10-02"}, {"level": "100%", "on": "2026-10-02"},
    ]  # fmt: skip
    # support (team from the people file): $0.0048 on Thursday; $0.0024 a weekday after
    # that: $0.0072 on Monday 10-05, $0.0096 on 10-06, $0.012 >= $0.01 on 10-07.
    assert support["projected"] == "0.052800"
    assert support["runs_out"] == "2026-10-07"
    assert support["alerts"] == [
        {"level": "25%", "on": "2026-10-01"}, {"level": "projected over", "on": "2026-10-07"},
    ]  # fmt: skip
    budget_findings = [f for f in r["findings"] if f["layer"] == "budget"]
    assert len(budget_findings) == 4
    assert all(f["message"].endswith("an alert, not a cap") for f in budget_findings)


def test_credits_are_the_cache_and_batch_leverage_per_domain() -> None:
    credits = {c["domain"]: c for c in report()["budgets"]["credits"]}
    # Care: r1 and r3 read 4000 tokens from cache at $0.10 instead of $0.40: 2 x 4000 x 0.30
    # = $0.0024; r3 at the batch tier took half of its $0.0016 off.
    assert (credits["Care"]["cache_saving"], credits["Care"]["batch_saving"]) == (
        "0.002400", "0.000800",
    )  # fmt: skip


def test_people_by_tier_and_role_budget() -> None:
    people = report()["people"]
    agent, engineer, lawyer = people["tiers"]
    assert (agent["headcount"], agent["active_users"], agent["idle_users"]) == (
        3, 2, ["f@x.com"],
    )  # fmt: skip
    # a: r1 + r2 = $0.004, 8500 tokens; b: r3 = $0.0008, 5500 tokens (nearest rank)
    assert agent["cost_per_active_user"] == {"median": "0.000800", "p90": "0.004000"}
    assert agent["tokens_per_active_user"]["p90"] == "8500.000000"
    assert agent["loaded_cost_per_employee"] == "10.001600"  # ($0.0048 + 3 x $10) / 3
    assert engineer["top_users"][0] == {"user": "c@x.com", "cost": "1.057500",
                                        "verified_outcomes": None}  # fmt: skip
    assert lawyer["cost_per_million_tokens"] == "6.000000"  # $0.054 / 9000 tokens
    (role,) = people["role_budgets"]
    # d's one contract task: 9000 tokens in 1 request, 1 request per task; 10 x 9000 x 1.5
    assert role["tokens_per_deliverable"] == "9000.000000"
    assert role["need_tokens_per_user"] == 135000
    assert role["need_cost"] == "0.810000"  # at the tier's $6 per 1M tokens
    assert role["starved"] is True
    (starved,) = [f for f in report()["findings"] if f["scope"] == "role:lawyer"]
    assert "need 135,000" in starved["message"]


def test_outcomes_per_user_where_tasks_carry_a_user() -> None:
    people = report()["people"]
    # support-triage counts outcomes per task (../outcomes/support.csv): T-1 (a@x.com's)
    # verified, T-2 (b@x.com's) not; code review and contract drafting count outcomes per
    # period, which belong to no user
    assert people["outcome_use_cases"] == ["support-triage"]
    agent, engineer, lawyer = people["tiers"]
    assert (agent["outcome_users"], agent["verified_outcomes"]) == (2, 1)
    # a: 1, b: 0 -> mean 0.5; nearest rank of [0, 1]: p50 rank 1 = 0, p90 rank 2 = 1
    assert agent["outcomes_per_user"] == {"mean": "0.500000", "median": "0.000000",
                                          "p90": "1.000000"}  # fmt: skip
    # a's $0.004 + b's $0.0008 of support triage for 1 verified outcome
    assert agent["cost_per_verified_outcome"] == "0.004800"
    assert [(x["user"], x["verified_outcomes"]) for x in agent["top_users"]] == [
        ("a@x.com", 1), ("b@x.com", 0),
    ]  # fmt: skip
    # nobody in these tiers ran a task whose outcome is counted per task: unknown, not zero
    for tier in (engineer, lawyer):
        assert (tier["outcome_users"], tier["verified_outcomes"]) == (0, None)
        assert tier["cost_per_verified_outcome"] is None
        assert {x["verified_outcomes"] for x in tier["top_users"]} == {None}


def test_a_mapping_without_ownership_adds_no_section() -> None:
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(FIXTURES / "mapping.yaml"), "--json", "-q",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert not {"showback", "allocation", "budgets", "people"} & set(data)


def test_a_budget_whose_usage_has_no_price_says_so(tmp_path: Path) -> None:
    """Support's three calls (r1-r3: 5,500 + 3,000 + 5,500 billable tokens) on a model the
    book does not price: the team's budget has spent nothing it can count, so it says "no
    price" and a finding names the 14,000 tokens its spend, projection and alerts leave out,
    where it said "$0.00 spent" with no alert."""
    usage = tmp_path / "small.csv"
    lines = (FIXTURES / "small.csv").read_text().splitlines(keepends=True)
    usage.write_text("".join(
        line.replace("gpt-4.1-mini-2025-04-14", "acme-unpriced").replace(
            "openai/gpt-4.1-mini", "acme-unpriced")
        if ",support-bot," in line else line
        for line in lines
    ))  # fmt: skip
    args = ("analyze", str(usage), "--prices", str(FIXTURES / "book.yaml"),
            "--no-default-prices", "--outcomes", str(MAPPING), "-q")  # fmt: skip
    document = json.loads(run_cli(*args, "--json").stdout)
    support = next(b for b in document["budgets"]["budgets"] if b["name"] == "support")
    assert (support["spent"], support["unpriced_tokens"], support["alerts"]) == (
        "0.000000",
        14000,
        [],
    )
    platform = next(b for b in document["budgets"]["budgets"] if b["name"] == "Platform")
    assert (platform["spent"], platform["unpriced_tokens"]) == ("1.057500", 0)
    [finding] = [f for f in document["findings"] if f["metric"] == "unpriced_tokens"]
    assert finding["scope"] == "team:support"
    assert finding["message"].startswith("14,000 tokens of its usage have no price: its spend")
    text = run_cli(*args, "--width", "160")
    assert "│ team:support    │ 2026-10-01..2026-10-31 │ $0.0100 │ no price │" in text.output
