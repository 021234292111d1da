"""`convert --focus` takes cost lines as `analyze` does: a cost report read alone is its own
spend (it was written as $0.00: the book prices its models, and a line has no tokens), and an
"(all models)" line beside the usage it reports is that usage's cost report, not more spend
(the Guardian pair was written as $5.031799 = usage + cost)."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

PUBLIC, SOURCES = FIXTURES / "public", FIXTURES / "sources"
CASES = {
    "anthropic cost report alone": ([PUBLIC / "anthropic" / "cost_report_example.json"],
                                    {"auto": "1.237891", "reported": "1.237891"}),
    "OpenAI cost CSV alone": ([SOURCES / "openai_cost.csv"],
                              {"auto": "0.078680", "reported": "0.078680"}),
    "Console cost CSV alone": ([SOURCES / "anthropic_console_cost.csv"],
                               {"auto": "0.676560", "reported": "0.676560"}),
    "OpenAI usage and cost by model": (
        [SOURCES / "openai_usage.csv", SOURCES / "openai_cost.csv"],
        {"auto": "0.084680", "computed": "0.084680"}),
    # 2.04584475 usage computed + 0.5455665 (10-08: a cost line without usage beside it)
    "Guardian usage and ungrouped cost": (
        [PUBLIC / "openai" / "dashboard_usage_2025-10.tsv",
         PUBLIC / "openai" / "dashboard_cost_2025-10.tsv"],
        {"auto": "2.591411", "reported": "2.985954", "computed": "2.045845"}),
}  # fmt: skip


@pytest.mark.parametrize(
    ("files", "source", "total"),
    [(files, s, t) for files, totals in CASES.values() for s, t in totals.items()],
    ids=[f"{name}-{s}" for name, (_, totals) in CASES.items() for s in totals],
)
def test_focus_rows_add_up_to_what_analyze_reports(
    tmp_path: Path, files: list[Path], source: str, total: str
) -> None:
    paths = [str(f) for f in files]
    analyzed = run_cli("analyze", *paths, "--cost-source", source, "--json")
    assert analyzed.exit_code == 0, analyzed.output
    assert json.loads(analyzed.stdout)["totals"]["cost"] == total
    out = tmp_path / "focus.csv"
    converted = run_cli(
        "convert", *paths, "--cost-source", source, "--focus", "--allow-unpriced", "-o", str(out)
    )
    assert converted.exit_code == 0, converted.output
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    billed = sum((Decimal(r["BilledCost"] or 0) for r in rows), Decimal(0))
    assert billed.quantize(Decimal("0.000001")) == Decimal(total)
