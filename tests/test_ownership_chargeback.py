"""`tokenecon chargeback` on the small fixture, by hand (see test_ownership_small.py for the
showback figures: Care $28.3848, Platform $86.2975, Legal $65.174, Research $25.2534)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES, run_cli

from tokenecon.convert.chargeback import chargeback_csv
from tokenecon.economics.chargeback import ChargeLine, in_cents

MAPPING = FIXTURES / "ownership" / "mapping.yaml"
ARGS = (
    str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"), "--no-default-prices",
    "--outcomes", str(MAPPING), "-q",
)  # fmt: skip


def test_csv_one_line_per_domain_in_cents(tmp_path: Path) -> None:
    out = tmp_path / "chargeback.csv"
    result = run_cli("chargeback", *ARGS, "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = {r["domain"]: r for r in csv.DictReader(out.open())}
    assert list(rows) == ["Care", "Platform", "Legal", "Research", "(unallocated)"]
    care, platform, legal = rows["Care"], rows["Platform"], rows["Legal"]
    assert (care["period_start"], care["period_end"]) == ("2026-10-01", "2026-10-31")
    # totals 205.1097 -> 205.11: floors 28.38 + 86.29 + 65.17 + 25.25 = 205.09, the two cents
    # left to the largest remainders: Platform (.75), then Care (.48)
    assert [r["total"] for r in rows.values()] == ["28.39", "86.30", "65.17", "25.25", "0.00"]
    # outcome: the portfolio's $205.1097 - $25.2534 (Research counts no outcomes) over 3
    # verified outcomes = $59.9521 per outcome x 1
    assert (care["stage"], care["rate_per_outcome"], care["charge"]) == (
        "outcome", "59.952100", "59.95",
    )  # fmt: skip
    assert care["platform_variance"] == "-31.56"  # 28.39 - 59.95
    assert (platform["stage"], platform["charge"], platform["platform_variance"]) == (
        "usage", "86.30", "0.00",
    )  # fmt: skip
    assert (legal["stage"], legal["charge"], legal["platform_variance"]) == ("showback", "0.00", "")


def test_stage_option_charges_every_domain_the_same_way() -> None:
    result = run_cli("chargeback", *ARGS, "--stage", "usage", "--json")
    assert result.exit_code == 0, result.output
    lines = json.loads(result.stdout)["lines"]
    assert [x["charge"] for x in lines[:4]] == [x["total"] for x in lines[:4]]
    assert run_cli("chargeback", *ARGS, "--stage", "free").exit_code == 2


def test_focus_rows_carry_the_allocation(tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    result = run_cli("chargeback", *ARGS, "--focus", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open()))
    # every dollar once: $1.1197 of usage + $200.99 of pools (review is not a FOCUS charge)
    assert sum(Decimal(r["BilledCost"]) for r in rows) == Decimal("202.1097")
    evals = [r for r in rows if r["x_Pool"] == "evals"]
    assert [(r["AllocatedResourceName"], r["BilledCost"]) for r in evals] == [
        ("Care", "0.380000"), ("Platform", "0.250000"), ("Legal", "0.120000"),
        ("Research", "0.250000"),
    ]  # fmt: skip
    assert {r["AllocatedMethodId"] for r in evals} == {"tokenecon/proportional/requests"}
    details = [json.loads(r["AllocatedMethodDetails"]) for r in evals]
    assert [d["Elements"][0]["AllocatedRatio"] for d in details] == [0.38, 0.25, 0.12, 0.25]
    assert [d["Elements"][0]["UsageQuantity"] for d in details] == [3, 2, 1, 2]
    assert details[0]["Elements"][0]["UsageUnit"] == "Requests"
    assert evals[0]["AllocatedResourceId"] == "domain:Care"
    assert json.loads(evals[0]["AllocatedTags"]) == {"domain": "Care", "owner": "care@x.com"}
    for pool in ("gateway", "evals", "commitment"):
        ratios = [
            Decimal(str(json.loads(r["AllocatedMethodDetails"])["Elements"][0]["AllocatedRatio"]))
            for r in rows
            if r["x_Pool"] == pool
        ]
        assert sum(ratios) == 1
    direct = [r for r in rows if r["ChargeFrequency"] == "Usage-Based"]
    assert all(r["AllocatedMethodId"] == "" for r in direct)  # not split: no allocation columns


def test_formula_injection_is_neutralised() -> None:
    line = ChargeLine(
        domain="=HYPERLINK(\"http://x\")", owner="+1-555", stage="usage", start=date(2026, 10, 1),
        end=date(2026, 10, 31), direct=Decimal(1), review_overhead=Decimal(0),
        shared=Decimal(0), total=Decimal(1), outcomes=None, rate=None, charge=Decimal(1),
    )  # fmt: skip
    row = next(csv.DictReader(chargeback_csv([line], "USD").splitlines()))
    assert row["domain"] == '\'=HYPERLINK("http://x")'
    assert row["owner"] == "'+1-555"
    assert row["total"] == "1.00"  # numbers are left alone


def test_cents_add_up_to_the_rounded_sum() -> None:
    values = [Decimal("0.335"), Decimal("0.335"), Decimal("0.33")]
    assert in_cents(values) == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]
    assert sum(in_cents(values)) == Decimal("1.00")


def test_without_domains_it_says_what_to_declare() -> None:
    args = list(ARGS)
    args[args.index(str(MAPPING))] = str(FIXTURES / "mapping.yaml")
    result = run_cli("chargeback", *args)
    assert result.exit_code == 2
    assert "chargeback needs domains in the mapping" in result.output
