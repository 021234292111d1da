"""`tokenecon chargeback` over two months, billed month by month, by hand
(tests/fixtures/ownership/two-months.*; prices of tests/fixtures/book.yaml).

Rows: October: a@x.com T-1 $0.0012 (1000 in, 500 out of gpt-4.1-mini at $0.40/$1.60),
b@x.com T-2 $0.0024, PR-1 $0.045 (10k in, 1k out of Sonnet 4.5 at $3/$15); November: a@x.com
T-9 $0.0012, PR-2 $0.09, PR-3 $0.045. Support review: 1.5 min at $60/h = $1.50 a task.
Verified support outcomes (../outcomes/support.csv): T-1 and T-9, not T-2. Code review counts
1 outcome per analysed period. Pools: gateway $10 even; evals from invoices dated 2026-10-15
($3.00) and 2026-11-15 ($5.00), proportional to requests (a logging invoice is ignored).

October: Care = $0.0036 + review $3.00 + gateway $5 + evals $2 (2:1 of $3) = $10.0036;
Platform = $0.045 + $5 + $1 = $6.045. November: evals $5 by requests 1:2 = 166.67c and
333.33c -> $1.67 and $3.33 (the cent left to the larger remainder); Care = $0.0012 + $1.50 +
$5 + $1.67 = $8.1712; Platform = $0.135 + $5 + $3.33 = $8.465.
"""

from __future__ import annotations

import csv
import json
import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from conftest import FIXTURES, run_cli
from hypothesis import given
from hypothesis import strategies as st

HERE = FIXTURES / "ownership"
ARGS = (
    str(HERE / "two-months.csv"), "--prices", str(FIXTURES / "book.yaml"),
    "--no-default-prices", "--outcomes", str(HERE / "two-months.yaml"), "-q",
)  # fmt: skip


def test_one_line_per_domain_and_month_in_cents(tmp_path: Path) -> None:
    out = tmp_path / "chargeback.csv"
    result = run_cli("chargeback", *ARGS, "-o", str(out))
    assert result.exit_code == 0, result.output
    rows = [
        (r["period_start"], r["period_end"], r["domain"], r["direct_cost"], r["review_overhead"],
         r["shared_cost"], r["total"], r["verified_outcomes"], r["charge"],
         r["platform_variance"])
        for r in csv.DictReader(out.open())
    ]  # fmt: skip
    october, november = ("2026-10-01", "2026-10-31"), ("2026-11-01", "2026-11-30")
    assert rows == [
        # totals $10.0036 + $6.045 = $16.0486 -> $16.05: floors $10.00 + $6.04, the cent left
        # to Platform (.5 of a cent against .36); direct $0.0486 -> $0.05 likewise; Care pays
        # 1 outcome x $2.00, Platform its total
        (*october, "Care", "0.00", "3.00", "7.00", "10.00", "1", "2.00", "8.00"),
        (*october, "Platform", "0.05", "0.00", "6.00", "6.05", "1", "6.05", "0.00"),
        (*october, "(unallocated)", "0.00", "0.00", "0.00", "0.00", "", "0.00", ""),
        # $8.1712 + $8.465 = $16.6362 -> $16.64: floors $8.17 + $8.46, the cent to Platform
        (*november, "Care", "0.00", "1.50", "6.67", "8.17", "1", "2.00", "6.17"),
        (*november, "Platform", "0.14", "0.00", "8.33", "8.47", "1", "8.47", "0.00"),
        (*november, "(unallocated)", "0.00", "0.00", "0.00", "0.00", "", "0.00", ""),
    ]


def test_focus_rows_per_billing_period(tmp_path: Path) -> None:
    out = tmp_path / "focus.csv"
    result = run_cli("chargeback", *ARGS, "--focus", str(out))
    assert result.exit_code == 0, result.output
    billed: dict[tuple[str, str], Decimal] = {}
    evals = []
    for r in csv.DictReader(out.open()):
        period = (r["BillingPeriodStart"], r["BillingPeriodEnd"])
        billed[period] = billed.get(period, Decimal(0)) + Decimal(r["BilledCost"])
        if r["x_Pool"] == "evals":
            evals.append((period[0][:10], r["AllocatedResourceName"], r["BilledCost"]))
    # each period: its usage + gateway $10 + its own evals invoices
    assert billed == {
        ("2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z"): Decimal("13.0486"),
        ("2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"): Decimal("15.1362"),
    }
    assert evals == [
        ("2026-10-01", "Care", "2.000000"), ("2026-10-01", "Platform", "1.000000"),
        ("2026-11-01", "Care", "1.670000"), ("2026-11-01", "Platform", "3.330000"),
    ]  # fmt: skip


def test_by_the_quarter_one_line_per_domain() -> None:
    result = run_cli("chargeback", *ARGS, "--period", "quarter", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["period"] == "quarter"
    care, platform, rest = document["lines"]
    assert (care["period_start"], care["period_end"]) == ("2026-10-01", "2026-12-31")
    # 3 support tasks of review ($4.50), gateway $5, evals $8 by requests 3:3
    assert (care["review_overhead"], care["shared_cost"], care["total"]) == (
        "4.500000", "9.000000", "13.504800",
    )  # fmt: skip
    assert (care["verified_outcomes"], care["charge"]) == (2, "4.000000")
    assert (platform["direct_cost"], platform["total"]) == ("0.180000", "9.180000")
    assert rest["total"] == "0.000000"
    assert run_cli("chargeback", *ARGS, "--period", "week").exit_code == 2


def test_since_narrows_to_one_month() -> None:
    result = run_cli("chargeback", *ARGS, "--since", "2026-11", "--json")
    assert result.exit_code == 0, result.output
    lines = json.loads(result.stdout)["lines"]
    assert {x["period_start"] for x in lines} == {"2026-11-01"}
    assert [x["total"] for x in lines] == ["8.171200", "8.465000", "0.000000"]


def test_invoices_without_dates_cannot_be_split_by_month(tmp_path: Path) -> None:
    here = tmp_path
    shutil.copy(HERE / "two-months.csv", here / "two-months.csv")
    events = str(FIXTURES / "outcomes" / "support.csv")
    mapping = (HERE / "two-months.yaml").read_text().replace("../outcomes/support.csv", events)
    (here / "two-months.yaml").write_text(mapping)
    (here / "two-months-invoices.csv").write_text("pool,amount\nevals,8.00\n")
    args = (
        str(here / "two-months.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(here / "two-months.yaml"), "-q",
    )  # fmt: skip
    result = run_cli("chargeback", *args)
    assert result.exit_code == 2
    assert "two-months-invoices.csv:1: an invoices file needs a `date` column" in result.output
    # one month at a time, the file's sum is the month's pool, as before: $8 by requests 2:1
    # = 533.33c and 266.67c -> $5.33 and $2.67, plus $5 of gateway each
    one = run_cli("chargeback", *args, "--since", "2026-10", "--until", "2026-10", "--json")
    assert one.exit_code == 0, one.output
    shared = [x["shared_cost"] for x in json.loads(one.stdout)["lines"][:2]]
    assert shared == ["10.330000", "7.670000"]


def test_the_budgets_say_quarter_when_every_domain_budget_is_quarterly() -> None:
    from datetime import date

    from tokenecon.attribute.budgets import Budget
    from tokenecon.economics.chargeback import billing_period, billing_periods

    def budget(scope: str, period: str) -> Budget:
        return Budget(scope, "X", period, Decimal(1), (), "m.yaml:1")

    assert billing_period([budget("domain", "quarter"), budget("team", "month")]) == "quarter"
    assert billing_period([budget("domain", "quarter"), budget("domain", "month")]) == "month"
    assert billing_period([budget("team", "quarter")]) == "month"
    assert billing_period([budget("domain", "quarter")], "month") == "month"
    assert billing_periods(date(2026, 11, 30), date(2027, 2, 1), "month") == [
        (date(2026, 11, 1), date(2026, 11, 30)), (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 1, 31)), (date(2027, 2, 1), date(2027, 2, 28)),
    ]  # fmt: skip
    assert billing_periods(date(2026, 9, 30), date(2026, 10, 1), "quarter") == [
        (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 10, 1), date(2026, 12, 31)),
    ]  # fmt: skip


MONEY = st.decimals(min_value=0, max_value=10**6, places=6, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(st.integers(0, 2), MONEY, MONEY), min_size=1, max_size=12))
def test_each_period_reconciles_to_the_cent(lines: list[tuple[int, Decimal, Decimal]]) -> None:
    from datetime import date, timedelta

    from tokenecon.convert.chargeback import chargeback_csv
    from tokenecon.economics.chargeback import ChargeLine

    starts = [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    charged = [
        ChargeLine(
            domain=f"D{i}", owner="", stage="usage", start=starts[p],
            end=starts[p] + timedelta(days=27), direct=direct, review_overhead=Decimal(0),
            shared=shared, total=direct + shared, outcomes=None, rate=None, charge=direct + shared,
        )
        for i, (p, direct, shared) in enumerate(lines)
    ]  # fmt: skip
    rows = list(csv.DictReader(chargeback_csv(charged, "USD").splitlines()))
    for start in {x.start for x in charged}:
        mine = [(x, r) for x, r in zip(charged, rows, strict=True) if x.start == start]
        for column, field in (("direct_cost", "direct"), ("shared_cost", "shared"),
                              ("total", "total"), ("charge", "charge")):  # fmt: skip
            exact = sum((getattr(x, field) for x, _ in mine), Decimal(0))
            cents = [Decimal(r[column]) for _, r in mine]
            assert sum(cents) == exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            for (x, _), value in zip(mine, cents, strict=True):
                assert abs(value - getattr(x, field)) < Decimal("0.01")


def test_analyze_takes_the_invoices_dated_in_the_months_it_covers() -> None:
    """The evals invoices are $3.00 (October) and $5.00 (November): a report of October holds
    October's invoice only, as October's chargeback line does, not the whole file's $8.00."""
    amounts = {}
    for span in (("--until", "2026-11-01"), ("--since", "2026-11-01"), ()):
        result = run_cli("analyze", *ARGS, "--json", *span)
        assert result.exit_code == 0, result.output
        pools = json.loads(result.stdout)["allocation"]
        amounts[span[:1]] = {p["pool"]: Decimal(p["amount"]) for p in pools}
    assert amounts[("--until",)] == {"gateway": Decimal(10), "evals": Decimal(3)}
    assert amounts[("--since",)] == {"gateway": Decimal(10), "evals": Decimal(5)}
    assert amounts[()] == {"gateway": Decimal(10), "evals": Decimal(8)}


def test_a_quarter_bills_invoices_dated_in_a_month_without_usage() -> None:
    """October's usage billed by the quarter: the evals pool holds the quarter's invoices,
    $3.00 (October) + $5.00 (November), though November has no usage in the span; the direct
    costs are those of the month's analysis."""
    result = run_cli("chargeback", *ARGS, "--until", "2026-11-01", "--period", "quarter",
                     "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    care, platform, rest = json.loads(result.stdout)["lines"]
    assert (care["period_start"], care["period_end"]) == ("2026-10-01", "2026-12-31")
    assert rest["shared_cost"] == "0.000000"
    # gateway $10 even ($5 each) + evals $8 by requests 2:1 ($5.33, $2.67)
    assert (care["shared_cost"], platform["shared_cost"]) == ("10.330000", "7.670000")
    assert (care["direct_cost"], platform["direct_cost"]) == ("0.003600", "0.045000")


def test_a_domain_whose_usage_has_no_price_is_not_billed_as_free(tmp_path: Path) -> None:
    """Care's calls on a model the book does not price: its direct cost is no $0.00 a finance
    system should take as free. The CSV and JSON carry the tokens left out (October: 1,000 +
    500 and 2,000 + 1,000; November 1,000 + 500), and the terminal says "no price" and names
    them; Platform's figures are those of the priced file."""
    usage = tmp_path / "usage.csv"
    with (HERE / "two-months.csv").open() as source, usage.open("w", newline="") as target:
        reader = csv.DictReader(source)
        assert reader.fieldnames is not None
        writer = csv.DictWriter(target, reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for row in reader:
            if row["use_case"] == "support-bot":
                row["model"] = "acme-unpriced-model"
            writer.writerow(row)
    args = (str(usage), *ARGS[1:])
    out = tmp_path / "chargeback.csv"
    result = run_cli("chargeback", *args, "-o", str(out))
    assert result.exit_code == 0, result.output
    unpriced = {
        (r["period_start"], r["domain"]): r["unpriced_tokens"] for r in csv.DictReader(out.open())
    }
    assert unpriced == {
        ("2026-10-01", "Care"): "4500", ("2026-10-01", "Platform"): "0",
        ("2026-10-01", "(unallocated)"): "0", ("2026-11-01", "Care"): "1500",
        ("2026-11-01", "Platform"): "0", ("2026-11-01", "(unallocated)"): "0",
    }  # fmt: skip
    said = " ".join(result.output.split())
    assert "│ Care │ outcome │ no price │" in said
    assert "Care: 4,500 tokens have no price and are in no cost or charge above" in said
    document = json.loads(run_cli("chargeback", *args, "--json").stdout)
    assert [x["unpriced_tokens"] for x in document["lines"]] == [4500, 0, 0, 1500, 0, 0]
    assert [x["direct_cost"] for x in document["lines"] if x["domain"] == "Platform"] == [
        "0.045000", "0.135000",
    ]  # fmt: skip


def test_no_budgets_table_without_budgets() -> None:
    """The mapping declares no budget and its credits are all zero: no budgets table (an
    empty one was printed, headers and no row)."""
    result = run_cli("analyze", *ARGS, "--width", "160")
    assert result.exit_code == 0, result.output
    assert "Budgets (soft" not in result.output
    assert "Showback by domain" in result.output
