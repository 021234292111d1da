"""Bad ownership input: a clear error naming the file and line, and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

OUTCOMES = str(FIXTURES / "outcomes") + "/"
BASE = (FIXTURES / "mapping.yaml").read_text().replace("outcomes/", OUTCOMES)


def analyze(tmp_path: Path, extra: str, people: str | None = None) -> tuple[int, str]:
    if people is not None:
        (tmp_path / "people.csv").write_text(people)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(BASE + extra)
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(mapping), "-q",
    )  # fmt: skip
    return result.exit_code, result.output


DOMAINS = """
domains:
  Care: {owner: c@x.com, use_cases: [support-triage]}
  Legal: {owner: l@x.com, use_cases: [contract-drafting]}
"""


def test_budget_for_an_undeclared_domain(tmp_path: Path) -> None:
    code, out = analyze(tmp_path, DOMAINS + "budgets:\n  - {domain: Marketing, amount: 10}\n")
    assert code == 2
    assert "mapping.yaml:25: budget for domain 'Marketing', which the mapping does not" in out
    assert "declared: Care, Legal" in out


def test_weights_that_do_not_sum(tmp_path: Path) -> None:
    extra = DOMAINS + (
        "shared_costs:\n  gateway:\n    amount: 10\n    allocate: fixed\n"
        "    weights: {Care: 60%, Legal: 30%}\n"
    )
    code, out = analyze(tmp_path, extra)
    assert code == 2
    assert "mapping.yaml:25: shared_costs.gateway.weights: fixed weights sum to 0.9, not 1" in out


def test_weights_naming_an_undeclared_domain(tmp_path: Path) -> None:
    extra = DOMAINS + (
        "shared_costs:\n  gateway:\n    amount: 10\n    allocate: fixed\n"
        "    weights: {Care: 60%, Sales: 40%}\n"
    )
    code, out = analyze(tmp_path, extra)
    assert code == 2
    assert "no domain 'Sales' is declared" in out


def test_people_file_with_a_duplicate_user(tmp_path: Path) -> None:
    people = "user,role,team\na@x.com,agent,support\nb@x.com,agent,support\na@x.com,lead,support\n"
    code, out = analyze(tmp_path, DOMAINS + "people: people.csv\n", people)
    assert code == 2
    assert "people.csv:4: user a@x.com appears twice (first at line 2)" in out


def test_people_file_with_a_role_without_a_tier(tmp_path: Path) -> None:
    people = "user,role,team\na@x.com,agent,support\nb@x.com,,support\n"
    code, out = analyze(tmp_path, DOMAINS + "people: people.csv\n", people)
    assert code == 2
    assert "people.csv:3: b@x.com has no role tier" in out


def test_role_budget_for_a_tier_nobody_has(tmp_path: Path) -> None:
    people = "user,role,team\na@x.com,agent,support\n"
    extra = DOMAINS + "people: people.csv\nroles:\n  partner: {deliverables_per_month: 5}\n"
    code, out = analyze(tmp_path, extra, people)
    assert code == 2
    assert "mapping.yaml:26: role partner: no one in the people file has role tier 'partner'" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("domains:\n  Care: {use_cases: [nope]}\n", "use case 'nope' is not declared"),
        ("domains:\n  Care: {owner: x, colour: red}\n",
         "domain Care: unknown key 'colour' (line 21)"),
        ("shared_costs:\n  g: {allocate: even}\n", "a shared cost needs `amount` or `invoices`"),
        ("shared_costs:\n  g: {amount: 1, allocate: random}\n", "allocate 'random' (line 21)"),
        ("budgets:\n  - {use_case: support-triage, amount: 5, period: week}\n", "period 'week'"),
        ("roles:\n  junior: {deliverables_per_month: 5}\n",
         "mapping.yaml:20: role budgets need a people file"),
        ("domains:\n  A: {use_cases: [code-review]}\n  B: {use_cases: [code-review]}\n",
         "use case 'code-review' is in two domains (A, B)"),
    ],
)  # fmt: skip
def test_schema_errors(tmp_path: Path, extra: str, message: str) -> None:
    code, out = analyze(tmp_path, extra)
    assert code == 2
    assert message in out


def test_ownership_by_team_and_by_project_at_once(tmp_path: Path) -> None:
    extra = "domains:\n  A: {teams: [legal]}\n  B: {projects: [p4]}\n"
    code, out = analyze(tmp_path, extra)
    assert code == 2
    assert "ownership reads project and team per row; tokenecon groups by one" in out
