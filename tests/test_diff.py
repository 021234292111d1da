"""`tokenecon diff`: LMDI attribution with no residual, the total-cost split, edge cases.

Hand-computed examples are in the comments; the property tests check the invariants on random
reports (contributions add up to the change to 1e-9, a report diffed with itself is zero).
"""

from __future__ import annotations

import json
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenecon.diff.compare import Period, _use_case, diff_reports, split_total_cost
from tokenecon.diff.document import diff_to_dict
from tokenecon.diff.lmdi import log_mean, split_product
from tokenecon.report.document import Report

EPS = Decimal("1e-9")


def entry(cost: str | int, tokens: int, tasks: int, outcomes: int | None) -> dict[str, Any]:
    """The fields of a report's use-case entry that the diff reads."""
    return {"rows": 1, "cost": str(cost), "tokens": {"billable": tokens}, "tasks": tasks,
            "outcomes": outcomes}  # fmt: skip


def test_lmdi_by_hand() -> None:
    # CPO 100/5 = 20 -> 150/5 = 30. cost/token 0.1 -> 0.125, tokens/task 100 -> 120, tasks/
    # outcome 2 -> 2. L(30, 20) = 10 / ln 1.5; cost/token: 10 ln 1.25 / ln 1.5 = 5.5034,
    # tokens/task: 10 ln 1.2 / ln 1.5 = 4.4966, tasks/outcome: ln 1 = 0.
    u = _use_case("x", entry(100, 1000, 10, 5), entry(150, 1200, 10, 5))
    assert u.contributions is not None
    c = u.contributions
    assert abs(float(c["cost_per_token"]) - 10 * math.log(1.25) / math.log(1.5)) < 1e-12
    assert abs(float(c["tokens_per_task"]) - 10 * math.log(1.2) / math.log(1.5)) < 1e-12
    assert c["tasks_per_outcome"] == 0
    assert abs(sum(c.values()) - Decimal(10)) < EPS


def test_unchanged_cost_per_outcome_uses_l_of_a_a() -> None:
    # CPO 20 both periods, so L(20, 20) = 20: cost/token halves (-20 ln 2), tokens/task doubles
    # (+20 ln 2); they cancel exactly.
    assert log_mean(Decimal(20), Decimal(20)) == 20
    u = _use_case("x", entry(100, 1000, 10, 5), entry(100, 2000, 10, 5))
    assert u.contributions is not None
    assert abs(float(u.contributions["cost_per_token"]) + 20 * math.log(2)) < 1e-12
    assert abs(float(u.contributions["tokens_per_task"]) - 20 * math.log(2)) < 1e-12
    assert abs(sum(u.contributions.values())) < EPS


def test_zero_cost_in_one_period_goes_to_cost_per_token() -> None:
    # All of the base's usage unpriced: CPO 0 -> 30, the limit gives it all to cost/token.
    u = _use_case("x", entry(0, 1000, 10, 5), entry(150, 1200, 10, 5))
    assert u.contributions == {"cost_per_token": Decimal(30), "tokens_per_task": 0,
                               "tasks_per_outcome": 0}  # fmt: skip
    assert split_product({"a": Decimal(0), "b": Decimal(0)}, {"a": Decimal(1), "b": Decimal(1)}) \
        is None  # fmt: skip


@pytest.mark.parametrize(
    ("base", "head", "status", "note"),
    [
        (None, entry(10, 100, 2, 1), "added", "added: no cost per outcome to compare"),
        (entry(10, 100, 2, 1), None, "removed", "removed: no cost per outcome to compare"),
        (entry(10, 100, 2, 1), entry(10, 100, 2, 0), "changed",
         "no cost per outcome in the head period (zero outcomes)"),
        (entry(10, 100, 2, None), entry(12, 100, 2, None), "changed",
         "no cost per outcome in the base period (no outcome source)"),
        (entry(10, 100, 2, 1), entry(10, 100, 2, 1), "unchanged", None),
    ],
)  # fmt: skip
def test_edge_cases_are_named(base: Any, head: Any, status: str, note: str | None) -> None:
    u = _use_case("x", base, head)
    assert (u.status, u.note) == (status, note)
    assert (u.contributions is None) == (note is not None)


def test_total_cost_split_by_hand() -> None:
    # A: cost 100 -> 100, outcomes 10 -> 20; B: cost 100 -> 200, outcomes 10 -> 20.
    # All outcomes 20 -> 40; each share 1/2 -> 1/2 (no mix).
    # A: L = 100; volume 100 ln 2, cost/outcome 10 -> 5: -100 ln 2.
    # B: L = 100/ln 2; volume 100, cost/outcome 10 -> 10: 0.
    a = _use_case("a", entry(100, 1000, 10, 10), entry(100, 1000, 10, 20))
    b = _use_case("b", entry(100, 1000, 10, 10), entry(200, 2000, 20, 20))
    # C has no outcome source: its +5 is carried apart; unattributed 7 -> 4.
    c = _use_case("c", entry(10, 100, 1, None), entry(15, 100, 1, None))
    split = split_total_cost([a, b, c], Decimal(7), Decimal(4))
    assert abs(float(split.outcome_volume) - (100 * math.log(2) + 100)) < 1e-9
    assert abs(split.mix) < EPS
    assert abs(float(split.cost_per_outcome) + 100 * math.log(2)) < 1e-9
    assert (split.without_outcomes, split.unattributed) == (5, -3)
    assert abs(split.total - Decimal(100 + 5 - 3)) < EPS
    assert abs(sum(split.factors.values()) - split.cost_per_outcome) < EPS


def test_added_use_case_enters_the_mix() -> None:
    a = _use_case("a", entry(100, 1000, 10, 10), entry(100, 1000, 10, 10))
    new = _use_case("new", None, entry(40, 100, 4, 2))
    split = split_total_cost([a, new], Decimal(0), Decimal(0))
    # a: L = 100, volume 100 ln(12/10), mix 100 ln((10/12)/1); they cancel. new: +40 of mix.
    assert abs(split.outcome_volume + split.mix - Decimal(40)) < EPS
    assert abs(split.total - Decimal(40)) < EPS


periods = st.one_of(
    st.none(),
    st.builds(
        entry,
        cost=st.decimals(min_value=0, max_value=10**6, places=6).map(str),
        tokens=st.integers(min_value=1, max_value=10**10),
        tasks=st.integers(min_value=1, max_value=10**6),
        outcomes=st.one_of(st.none(), st.integers(min_value=0, max_value=10**6)),
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    pairs=st.lists(st.tuples(periods, periods), min_size=1, max_size=6),
    unattributed=st.tuples(*(st.decimals(min_value=0, max_value=10**5, places=6),) * 2),
)
def test_contributions_add_up_to_the_change(
    pairs: list[tuple[Any, Any]], unattributed: tuple[Decimal, Decimal]
) -> None:
    use_cases = [_use_case(f"u{i}", b, h) for i, (b, h) in enumerate(pairs)]
    for u in use_cases:
        if u.contributions is not None:
            change = u.cost_per_outcome_change
            assert change is not None
            assert abs(sum(u.contributions.values()) - change) <= EPS
    split = split_total_cost(use_cases, *unattributed)
    cost_change = sum((Period.of(h).cost - Period.of(b).cost for b, h in pairs), Decimal(0))
    assert abs(split.total - (cost_change + unattributed[1] - unattributed[0])) <= EPS
    assert abs(sum(split.factors.values()) - split.cost_per_outcome) <= EPS


@settings(max_examples=100, deadline=None)
@given(pairs=st.lists(periods, min_size=1, max_size=6))
def test_a_report_diffed_with_itself_is_zero(pairs: list[Any]) -> None:
    use_cases = [_use_case(f"u{i}", p, p) for i, p in enumerate(pairs)]
    split = split_total_cost(use_cases, Decimal(3), Decimal(3))
    assert split.total == 0
    assert split.outcome_volume == split.mix == split.cost_per_outcome == 0
    for u in use_cases:
        assert u.status in ("unchanged", "added")  # absent in both reads as added with no usage
        assert not u.contributions or all(v == 0 for v in u.contributions.values())


# --- the command ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def months(example_months: Path) -> tuple[Path, Path]:
    """The two example months' saved reports."""
    return example_months / "10.json", example_months / "11.json"


def test_example_months_tell_the_story(months: tuple[Path, Path]) -> None:
    result = run_cli("diff", str(months[0]), str(months[1]), "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    cases = {u["name"]: u for u in doc["use_cases"]}

    def contribution(name: str, factor: str) -> Decimal:
        return Decimal(cases[name]["factors"][factor]["contribution"])

    # The price cut is code-review's cost per token: 20% off (a little more with November's
    # token mix), and the largest part of its fall in cost per outcome.
    review = cases["code-review"]["factors"]
    assert Decimal("-0.21") < Decimal(review["cost_per_token"]["change_pct"]) < Decimal("-0.19")
    assert min(review, key=lambda f: contribution("code-review", f)) == "cost_per_token"
    # The prompt that grew is support-triage's tokens per task, its largest contribution.
    triage = {f: contribution("support-triage", f) for f in cases["support-triage"]["factors"]}
    assert max(triage, key=lambda f: triage[f]) == "tokens_per_task"
    # The workflow that stopped re-prompting is contract-drafting's tasks per outcome.
    assert contribution("contract-drafting", "tasks_per_outcome") < Decimal("-0.1")
    # The split adds up to the change in total cost, to the micro-dollar of rounding.
    split = doc["cost_split"]
    terms = ("outcome_volume", "mix", "cost_per_outcome", "without_outcomes", "unattributed")
    assert abs(sum(Decimal(split[k]) for k in terms) - Decimal(split["change"])) <= Decimal(
        "0.000005"
    )
    # The report rounds each cost to 1e-6, so the total and the sum of its parts may differ
    # by a few millionths.
    total_change = Decimal(doc["totals"]["cost"]["change"])
    assert abs(Decimal(split["change"]) - total_change) <= Decimal("0.000010")
    # Sovereignty: a failover sent some support calls outside the EU.
    assert Decimal(doc["board"]["sovereignty_hit_rate"]["change"]) < 0


def test_self_diff_is_all_zero_and_exit_0(months: tuple[Path, Path]) -> None:
    result = run_cli(
        "diff", str(months[1]), str(months[1]), "--format", "json",
        "--fail-on", "cost_per_outcome>+0%", "--fail-on", "use_case:*.cost>+$0",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert all(v == "0.000000" for k, v in doc["cost_split"].items() if isinstance(v, str))
    for u in doc["use_cases"]:
        assert u["status"] == "unchanged"
        assert all(f["contribution"] == "0.000000" for f in u["factors"].values())
    assert not any(c["crossed"] for c in doc["checks"])
    assert len(doc["checks"]) == 1 + 5


def test_report_object_round_trip(months: tuple[Path, Path]) -> None:
    data = json.loads(months[0].read_text())
    doc = diff_to_dict(diff_reports(Report.from_dict(data), Report.from_dict(data)))
    assert doc["schema"] == "tokenecon.diff/v1"
