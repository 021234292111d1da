"""One model, one story in every output; no all-clear that the data cannot back (issue 13).

fixtures/money/cheapest.csv (PROVENANCE.md there): triage spends on gpt-4.1 (1000 in x 2.00 +
100 out x 8.00 per 1M = $0.0028) and on acme-ft-llama-70b, which the book lacks, at the $1.00
its source reported.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from conftest import FIXTURES, run_cli
from sources import BOOK, SOURCES, model, report

MONEY = FIXTURES / "money"
MAPPING = str(MONEY / "mapping.yaml")


def test_vs_cheapest_compares_like_with_like() -> None:
    r = report(MONEY / "cheapest.csv", "--outcomes", MAPPING)
    (triage,) = r["use_cases"]
    assert triage["cost"] == "1.002800"
    # gpt-4.1's tokens at gpt-4.1-mini (the cheapest openai utility model): 1000 x 0.40 +
    # 100 x 1.60 = $0.00056; gpt-4.1 cost $0.0028 for them: 5x (not 1.0028 / 0.00056 = 1790x)
    assert triage["cheapest_model"] == "gpt-4.1-mini"
    assert triage["cost_at_cheapest_model"] == "0.000560"
    assert triage["price_vs_cheapest"] == "5.000000"


def test_reported_spend_is_as_reported_in_the_terminal_json_and_html(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    args = ["analyze", str(MONEY / "cheapest.csv"), "--prices", BOOK, "--no-default-prices"]
    terminal = run_cli(*args, "--html", str(html))
    assert terminal.exit_code == 0, terminal.output
    r = report(MONEY / "cheapest.csv")
    ft = model(r, "acme-ft-llama-70b")
    assert (ft["tier"], ft["cost_source"], ft["cost"]) == (None, "reported", "1.000000")
    assert ft["cost_share"] == str((Decimal(1) / Decimal("1.0028")).quantize(Decimal("0.000001")))
    line = next(x for x in terminal.stdout.splitlines() if x.startswith("│ acme-ft-llama-70b"))
    assert "as reported" in line and "$1.00" in line
    page = html.read_text()
    row = re.search(r"<tr><td>acme-ft-llama-70b</td>.*?</tr>", page, re.S)
    assert row is not None
    assert "<td>as reported</td>" in row.group(0) and "$1.00" in row.group(0)
    assert "unpriced" not in row.group(0)
    # the HTML's accounting agrees with the JSON's: 2 priced, none unpriced
    assert r["totals"]["rows_priced"] == 2 and r["totals"]["rows_unpriced"] == 0
    assert re.search(r"2\s+read = 2\s+priced\s+\+ 0\s+unpriced", page)


def test_the_diff_says_unpriced_not_zero_dollars(tmp_path: Path) -> None:
    saved = []
    for name in ("first", "second"):
        rows = "2026-01-05T09:00:00Z,acme-ft-llama-70b,1000,100,1,,x1\n"
        if name == "second":
            rows += "2026-01-05T10:00:00Z,acme-ft-llama-70b,1000,100,1,,x2\n"
        usage = tmp_path / f"{name}.csv"
        usage.write_text(
            "timestamp,model,uncached_input_tokens,output_tokens,requests,reported_cost,"
            "request_id\n" + rows
        )
        out = tmp_path / f"{name}.json"
        result = run_cli(
            "analyze", str(usage), "--prices", BOOK, "--no-default-prices", "--save", str(out)
        )
        assert result.exit_code == 0, result.output
        saved.append(str(out))
    text = run_cli("diff", *saved)
    assert "acme-ft-llama-70b  unpriced (changed)" in text.stdout
    model_line = next(x for x in text.stdout.splitlines() if "acme-ft-llama-70b" in x)
    assert "$0.00" not in model_line
    document = json.loads(run_cli("diff", *saved, "--format", "json").stdout)
    cost = next(m for m in document["models"] if m["model"] == "acme-ft-llama-70b")["cost"]
    assert (cost["base"], cost["head"], cost["change"]) == (None, None, None)


def findings(*args: str, book: str = BOOK) -> list[dict]:
    r = report(*args, book=book)
    return [f for u in r["use_cases"] for f in u["findings"]] + r["findings"]


def test_no_all_clear_without_a_mapping() -> None:
    (f,) = findings(str(SOURCES / "openai_usage.csv"))
    assert (f["layer"], f["actual"]) == ("attribution", "1.000000")
    assert "no use case is mapped" in f["message"] and "--outcomes" in f["message"]


def test_no_all_clear_when_nothing_has_a_price() -> None:
    # every row unpriced: no cost to take a share of; the share is of tokens
    f, unpriced = findings(
        str(MONEY / "partial_cost.csv"), "--cost-source", "computed", "--outcomes", MAPPING,
        book=str(MONEY / "empty_book.yaml"),
    )  # fmt: skip
    assert f["metric"] == "unattributed_share" and f["actual"] == "1.000000"
    assert f["message"].startswith("100.0% of tokens matches no use case")
    # and the usage without a price is a finding of its own, naming what to do
    assert (unpriced["layer"], unpriced["metric"]) == ("data", "unpriced_share")
    assert unpriced["actual"] == "1.000000" and "prices import" in unpriced["message"]
