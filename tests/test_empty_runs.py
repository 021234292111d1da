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


def test_usage_without_any_price_is_unknown_not_zero(tmp_path: Path) -> None:
    """OpenAI's cookbook Usage API page (no model: nothing can be priced, 15,816,188 tokens):
    the terminal and the page say the cost is unknown where they printed "$0.00" for each day,
    the total, the bill the CEO questions quote and the board's "$0.00 of $0.00". The JSON keeps
    its figures (cost 0, every token unpriced), as the schema has them."""
    usage = FIXTURES / "public" / "openai_cookbook_usage_list.json"
    text = run_cli("analyze", str(usage))
    assert text.exit_code == 0, text.output
    out = " ".join(text.output.split())
    assert "$0.00" not in out
    assert "Total unknown: none of 15.8M tokens has a price (12,961 requests)" in out
    assert "│ 2025-01-13 │ no price │" in text.output
    assert "the model bill is unknown: none of its 15,816,188 tokens has a price" in out
    assert "all spend (no price yet) is unattributed" in out
    assert "Direct-allocation share: — (no priced spend to claim)" in out
    assert "Cache and batch leverage: — (no priced usage to weigh them against;" in out
    page = tmp_path / "report.html"
    html = run_cli("analyze", str(usage), "--html", str(page))
    assert html.exit_code == 0, html.output
    body = page.read_text()
    assert '<div class="value">no price</div>' in body
    assert "$0.00" not in body
    document = json.loads(run_cli("analyze", str(usage), "--json").stdout)
    assert document["totals"]["cost"] == "0.000000"
    assert document["totals"]["unpriced_tokens"] == document["totals"]["tokens"]["billable"]


def test_a_partly_unpriced_total_says_what_it_leaves_out() -> None:
    """The small fixture prices all but 5,500 tokens: its total is the priced part, and says so."""
    book = str(FIXTURES / "book.yaml")
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", book, "--no-default-prices"
    )
    out = " ".join(result.output.split())
    assert "Total $1.12 for 350.9K tokens, 8 requests" in out
    assert "; 5.5K unpriced tokens are not in it" in out
    assert "the model bill is $1.12 for the period, without 5,500 tokens that have no price" in out


def test_a_whatif_of_usage_without_any_price_is_refused() -> None:
    """Every cost and saving of it would be $0.00: exit 2 and what to add, not a table of them.
    Partly priced usage gets a note of what its figures leave out."""
    usage = FIXTURES / "public" / "openai_cookbook_usage_list.json"
    result = run_cli("whatif", str(usage), "--batch", "50%")
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "no token of the usage has a price (15,816,188 tokens)" in said
    assert "docs/price-book-fields.md" in said
    small = run_cli("whatif", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
                    "--no-default-prices", "--batch", "50%", "--json")  # fmt: skip
    assert small.exit_code == 0, small.output
    notes = json.loads(small.stdout)["notes"]
    assert notes[-1].startswith("5,500 of 350,900 tokens have no price: they are in no cost")
