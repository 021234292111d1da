"""Cost lines without a model ("(all models)"): the cost report of their day's usage, never
spend added on top of it (docs/sources.md, "Cost sources").

An OpenAI cost export fetched without ``group_by=line_item`` has dollars per day and no model.
Read beside the usage export of the same period, each line is compared with the computed cost
of the usage of its day; the figures below are worked by hand.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES
from sources import accounted as rows_add_up
from sources import default_report, model, report

from tokenecon.aggregate.types import UsageGroup
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.price.apply import price_groups
from tokenecon.price.book import load_price_book
from tokenecon.price.reconcile import choose_costs, reconcile

GUARDIAN = FIXTURES / "public" / "openai"
USAGE = GUARDIAN / "dashboard_usage_2025-10.tsv"
COST = GUARDIAN / "dashboard_cost_2025-10.tsv"
IN_LINE = "its cost is in the (all models) cost line of its day"

DAY = {"2026-01-05": 1767571200, "2026-01-06": 1767657600, "2026-01-07": 1767744000,
       "2026-01-08": 1767830400}  # fmt: skip
USAGE_HEADER = "start_time,end_time,num_model_requests,model,batch,input_tokens,output_tokens,"
USAGE_HEADER += "input_cached_tokens"
COST_HEADER = "start_time,end_time,amount_value,amount_currency,line_item,project_id"


def _files(tmp_path: Path) -> tuple[Path, Path]:
    """Four days, test book (per 1M: gpt-4.1-mini 0.40 in / 1.60 out, gpt-4.1 2 / 8):

    - 01-05: mini 1,000,000 in + 100,000 out = 0.40 + 0.16 = 0.56; gpt-4.1 100,000 in +
      50,000 out = 0.20 + 0.40 = 0.60; the day 1.16, its cost line 1.20;
    - 01-06: mini 500,000 in = 0.20; no cost line;
    - 01-07: a cost line of 0.75, no usage;
    - 01-08: gpt-4.1 200,000 in = 0.40 and 11,000 tokens of o9-preview (not in the book);
      the cost line 1.00.
    """
    usage = [
        ("2026-01-05", 3, "gpt-4.1-mini-2025-04-14", 1_000_000, 100_000),
        ("2026-01-05", 2, "gpt-4.1-2025-04-14", 100_000, 50_000),
        ("2026-01-06", 1, "gpt-4.1-mini-2025-04-14", 500_000, 0),
        ("2026-01-08", 4, "gpt-4.1-2025-04-14", 200_000, 0),
        ("2026-01-08", 1, "o9-preview", 10_000, 1_000),
    ]
    lines = [USAGE_HEADER]
    for day, n, name, tokens_in, out in usage:
        lines.append(f"{DAY[day]},{DAY[day] + 86400},{n},{name},FALSE,{tokens_in},{out},0")
    u = tmp_path / "completions_usage.csv"
    u.write_text("\n".join(lines) + "\n")
    costs = [("2026-01-05", "1.20"), ("2026-01-07", "0.75"), ("2026-01-08", "1.00")]
    c = tmp_path / "cost.csv"
    c.write_text(
        "\n".join([COST_HEADER, *(f"{DAY[d]},{DAY[d] + 86400},{v},usd,," for d, v in costs)]) + "\n"
    )
    return u, c


def _causes(r: dict) -> dict[str, str]:
    (line,) = [m for m in r["reconciliation"] if m["model"] == "(all models)"]
    parts = {c["cause"]: c["amount"] for c in line["causes"]}
    assert sum(map(Decimal, parts.values())) == Decimal(line["gap"])
    return {"computed": line["computed"], "reported": line["reported"], **parts}


def test_auto_prices_the_usage_and_keeps_what_no_usage_explains(tmp_path: Path) -> None:
    """auto: computed 1.16 + 0.20 + 0.40 = 1.76; reported 0.75 (01-07, no usage: real spend)
    + 0.60 (01-08: 1.00 - the priced 0.40, the cost of o9-preview as far as the line tells);
    the 01-05 line (1.20) adds nothing: the day's usage is its spend. Total 3.11."""
    r = rows_add_up(report(*_files(tmp_path)))
    t = r["totals"]
    assert t["cost"] == "3.110000"
    assert r["cost_source"] == {"option": "auto", "computed": "1.760000", "reported": "1.350000"}
    assert model(r, "(all models)")["cost"] == "1.350000"
    assert (model(r, "gpt-4.1-mini")["cost"], model(r, "gpt-4.1")["cost"]) == (
        "0.760000",
        "1.000000",
    )
    # 5 usage rows + 3 cost lines; o9-preview unpriced, listed
    assert (t["rows_read"], t["rows_priced"], t["rows_unpriced"]) == (8, 7, 1)
    assert [u["model"] for u in r["unpriced"]] == ["o9-preview"]


def test_reconciliation_compares_each_line_with_its_days_usage(tmp_path: Path) -> None:
    """computed 1.16 (01-05) + 0 (01-07) + 0.40 (01-08) = 1.56; reported 1.20 + 0.75 + 1.00
    = 2.95; gap 1.39 = 0.04 (01-05, the test book has no checked date: unexplained) + 0.75
    (no token usage to compare) + 0.60 (01-08: usage the book does not price)."""
    assert _causes(report(*_files(tmp_path))) == {
        "computed": "1.560000",
        "reported": "2.950000",
        "unexplained": "0.040000",
        "no token usage to compare": "0.750000",
        "unpriced model": "0.600000",
    }


def test_reported_takes_the_lines_and_leaves_the_usage_unpriced(tmp_path: Path) -> None:
    """reported: 1.20 + 0.75 + 1.00 = 2.95, nothing counted twice. The usage of 01-05 and
    01-08 (4 rows) has its dollars in a line: unpriced with that reason; 01-06 has no line."""
    r = rows_add_up(report(*_files(tmp_path), "--cost-source", "reported"))
    t = r["totals"]
    assert t["cost"] == t["reported_cost"] == "2.950000"
    assert (t["rows_priced"], t["rows_unpriced"]) == (3, 5)
    reasons = {(u["model"], u["reason"], u["rows"]) for u in r["unpriced"]}
    assert reasons == {
        ("gpt-4.1-mini-2025-04-14", f"{IN_LINE}; no reported cost", 2),
        ("gpt-4.1-2025-04-14", IN_LINE, 2),
        ("o9-preview", IN_LINE, 1),
    }


def test_computed_leaves_the_lines_unpriced(tmp_path: Path) -> None:
    """computed: the book's 1.76; the three lines have no model to price."""
    r = rows_add_up(report(*_files(tmp_path), "--cost-source", "computed"))
    assert r["totals"]["cost"] == "1.760000"
    assert (r["totals"]["rows_priced"], r["totals"]["rows_unpriced"]) == (4, 4)


def test_the_guardian_pair_counts_each_dollar_once() -> None:
    """The real pair (tests/fixtures/public/PROVENANCE.md), default book. Usage by day:
    10-05 gpt-4o 0.24726; 10-06 gpt-5 0.81584275; 10-07 gpt-5-mini 0.569788; 10-10 0.3409;
    10-11 0.072054: 2.04584475. The cost lines: 0.895874, 0.56177125, 0.569788, 0.5455665
    (10-08: the usage export has only an empty bucket that day), 0.3409, 0.072054: 2.98595375.

    auto: 2.04584475 + 0.5455665 (10-08, real spend no usage explains) = 2.59141125 -> 2.591411
    (it printed the sum, 5.031799). reported: the lines, 2.985954.
    """
    r = default_report(USAGE, COST)
    assert r["totals"]["cost"] == "2.591411"
    assert r["cost_source"] == {"option": "auto", "computed": "2.045845", "reported": "0.545567"}
    # gap 0.94010900 = 0.5455665 (10-08) + (0.895874 - 0.24726) + (0.56177125 - 0.81584275)
    # = 0.5455665 + 0.3945425 (10-07, 10-10 and 10-11 match to the micro-dollar); both parts
    # end in half a micro-dollar: printed so that they add up to the gap, the larger one down
    assert _causes(r) == {
        "computed": "2.045845",
        "reported": "2.985954",
        "no token usage to compare": "0.545566",
        "unexplained": "0.394543",
    }
    reported = default_report(USAGE, COST, "--cost-source", "reported")
    t = reported["totals"]
    assert t["cost"] == t["reported_cost"] == "2.985954"
    # 6 cost lines priced; the 6 usage rows carry their dollars in the lines
    assert (t["rows_priced"], t["rows_unpriced"], t["rows_rejected"]) == (6, 6, 3)
    assert {u["reason"] for u in reported["unpriced"]} == {IN_LINE}


@pytest.mark.parametrize(
    ("paths", "usage_note", "cost_note"),
    [((USAGE,), False, False), ((COST,), False, True), ((USAGE, COST), False, True)],
)
def test_the_all_models_notes_only_where_such_rows_were_read(
    paths: tuple[Path, ...], usage_note: bool, cost_note: bool
) -> None:
    notes = [n for u in default_report(*paths)["inputs"]["usage"] for n in u["notes"]]
    said = [n for n in notes if "'(all models)'" in n]
    assert any("group_by=model" in n for n in said) is usage_note
    assert any("group_by=line_item" in n for n in said) is cost_note


def _group(
    model: str, use_case: str | None, uncached: int = 0, reported: str | None = None
) -> UsageGroup:
    tokens = dict.fromkeys(TOKEN_COLUMNS, 0)
    tokens["uncached_input_tokens"] = uncached
    return UsageGroup(
        use_case=use_case, model=model, day=date(2026, 1, 5), service_tier="standard",
        prompt_class=0, by_value=None, rows=1, requests=1, requests_unknown_rows=0,
        tokens=tokens, reported_cost=None if reported is None else Decimal(reported),
        reported_rows=0 if reported is None else 1,
    )  # fmt: skip


def test_a_line_of_a_use_case_covers_that_use_cases_usage_only() -> None:
    """Test book, gpt-4.1-mini at $0.40 per 1M input: 1M tokens of use case a ($0.40) and 1M
    of b ($0.40). A line of a ($0.50) is a's cost report: $0 under auto, and a's usage is
    unpriced under reported while b's has no reported cost; a line of no use case ($0.90)
    covers both."""
    book = load_price_book([FIXTURES / "book.yaml"], include_default=False)
    a, b = _group("gpt-4.1-mini", "a", 1_000_000), _group("gpt-4.1-mini", "b", 1_000_000)
    for line, covered in ((_group("(all models)", "a", reported="0.50"), {"a"}),
                          (_group("(all models)", None, reported="0.90"), {"a", "b"})):  # fmt: skip
        priced = price_groups([a, b, line], book)
        auto = choose_costs(priced, "auto")
        assert [(p.cost, p.cost_source) for p in auto] == [
            (Decimal("0.40"), "computed"), (Decimal("0.40"), "computed"), (0, "computed"),
        ]  # fmt: skip
        reported = choose_costs(priced, "reported")
        assert reported[2].cost == line.reported_cost
        unpriced = {p.group.use_case: p.unpriced_reason for p in reported[:2]}
        assert unpriced == {u: IN_LINE if u in covered else "no reported cost" for u in "ab"}
        (rec,) = reconcile(priced, [], book)
        # computed: the covered usage, $0.40 per use case; the gap unexplained
        computed = Decimal("0.40") * len(covered)
        assert (rec.computed, rec.reported) == (computed, line.reported_cost)
        assert rec.causes == {"unexplained": line.reported_cost - computed}


def test_convert_focus_writes_the_same_3_11(tmp_path: Path) -> None:
    """`convert --focus` under auto: the same 3.11 as analyze (1.76 computed; the 01-05 line
    $0; 01-07 0.75; 01-08 1.00 - 0.40 = 0.60), o9-preview's rows without a cost."""
    import csv

    from conftest import run_cli

    out = tmp_path / "focus.csv"
    usage, cost = _files(tmp_path)
    result = run_cli(
        "convert", str(usage), str(cost), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--focus", "--allow-unpriced", "-o", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    lines = {r["ChargePeriodStart"][:10]: r["BilledCost"] for r in rows
             if r["x_Model"] == "(all models)"}  # fmt: skip
    assert {d: Decimal(v) for d, v in lines.items()} == {
        "2026-01-05": Decimal(0), "2026-01-07": Decimal("0.75"), "2026-01-08": Decimal("0.60"),
    }  # fmt: skip
    assert sum(Decimal(r["BilledCost"] or 0) for r in rows) == Decimal("3.11")
