"""Ownership adds sections and findings and changes no other figure: the engine grouping by user
for a people file gives the same use cases, models, totals and board as the plain mapping."""

from __future__ import annotations

import json
from typing import Any

from conftest import ROOT, run_cli

ADDED = {"showback", "allocation", "budgets", "people"}


def analyze(mapping: str) -> dict[str, Any]:
    result = run_cli(
        "analyze", str(ROOT / "examples" / "usage-2026-10.csv"), "--outcomes",
        str(ROOT / "examples" / mapping), "--json", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_user_grain_changes_no_other_figure() -> None:
    plain, owned = analyze("outcomes.yaml"), analyze("owners/ownership.yaml")
    assert set(owned) - set(plain) == ADDED
    for key in plain:
        if key in ("inputs", "findings"):
            continue
        assert owned[key] == plain[key], key
    own_findings = [f for f in owned["findings"] if f["layer"] in ("budget", "people",
                                                                   "allocation")]  # fmt: skip
    assert [f for f in owned["findings"] if f not in own_findings] == plain["findings"]
    # the showback's direct costs are the use cases' costs, the unowned usage spread by the
    # unattributed pool
    direct = {d["domain"]: d["direct_cost"] for d in owned["showback"]["domains"]}
    costs = {u["name"]: u["cost"] for u in plain["use_cases"]}
    assert direct["Sales"] == costs["lead-scoring"]
    assert direct["Legal"] == costs["contract-drafting"]
