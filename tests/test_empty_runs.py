"""A run that leaves nothing to analyse is refused (exit 2) with where the rows went, never
printed as a confident $0.00: a file with a header and no rows, every row rejected, every valid
row outside --since/--until. One billing period of several may be empty (chargeback)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

HEADER = "timestamp,provider,model,input_tokens,output_tokens\n"


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (HEADER, "usage.csv: no usage rows"),
        # a decimal comma in a count: the row is rejected, and it was the only one
        (HEADER + '2026-10-01T09:00:00Z,openai,gpt-4o,"12,34",500\n',
         "every row read was rejected (1 of 1): {path}:2: input_tokens: '12,34' is not a number"),
        (HEADER + "2026-10-01T09:00:00Z,openai,gpt-4o,12,x\n2026-10-01T09:00:00Z,openai,,1,1\n",
         "every row read was rejected (2 of 2): {path}:2: output_tokens: 'x' is not a number; "
         "{path}:3: model: empty"),
    ],
)  # fmt: skip
def test_nothing_to_analyse_is_bad_input(tmp_path: Path, content: str, said: str) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(content)
    out = tmp_path / "usage.parquet"
    for command in (("analyze",), ("whatif", "--batch", "50%"), ("convert", "-o", str(out))):
        result = run_cli(*command, str(path), "--json")
        assert result.exit_code == 2, result.output
        assert said.format(path=path) in " ".join(result.output.split()), result.output
        assert "Hint:" in result.output
    assert not out.exists()  # convert wrote nothing


def test_a_period_outside_the_usage_is_bad_input() -> None:
    usage = str(ROOT / "examples" / "usage-2026-10.csv")
    result = run_cli("analyze", usage, "--since", "2030-01-01")
    assert result.exit_code == 2
    # the example month has 14,387 rows, 3 of them rejected on purpose
    assert "the 14,384 valid rows of 14,387 read are all outside --since/--until" in (
        " ".join(result.output.split())
    )
    assert "widen --since/--until" in result.output


def test_a_month_without_usage_between_two_is_billed_empty(tmp_path: Path) -> None:
    """October and December usage, none in November: three months billed, November's lines
    carry only its invoices and fixed pools (unallocated: nobody used anything)."""
    here = FIXTURES / "ownership"
    text = (here / "two-months.csv").read_text().replace("2026-11-", "2026-12-")
    (tmp_path / "usage.csv").write_text(text)
    for name in ("two-months.yaml", "two-months-invoices.csv"):
        (tmp_path / name).write_text((here / name).read_text())
    (tmp_path / "two-months.yaml").write_text(
        (here / "two-months.yaml")
        .read_text()
        .replace("../outcomes/", str(FIXTURES / "outcomes") + "/")
    )
    out = tmp_path / "chargeback.csv"
    result = run_cli(
        "chargeback", str(tmp_path / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(tmp_path / "two-months.yaml"), "-q",
        "-o", str(out), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    starts = [r["period_start"] for r in csv.DictReader(out.open())]
    assert sorted(set(starts)) == ["2026-10-01", "2026-11-01", "2026-12-01"]
    assert json.loads(result.stdout)["lines"]
