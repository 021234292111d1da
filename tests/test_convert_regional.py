"""`convert --focus` prices usage a residency policy keeps in a region at the book's regional
rate, as `analyze` does, so that the FOCUS BilledCost adds up to analyze's cost.

Fixture: tests/fixtures/value/regional/ (gpt-5.4 at litellm 1.110.2's prices, $2.50 input,
$0.25 cache read, $15 output per 1M, eu and us uplift 1.1; gpt-4.1-mini $0.40 input, no
regional price). By hand, per FOCUS row (tokens x price per 1M):

- r1 sovereign (residency [eu, eu-*]) in eu: input 200k x 2.75 = $0.55, output 20k x 16.5 =
  $0.33 (the global 2.5 and 15 x 1.1);
- r2 sovereign in eu-west-1 (matches eu-*): cache read 200k x 0.275 = $0.055;
- r3 sovereign in us-east: outside the policy, global price: 100k x 2.5 = $0.25 (the book's
  us uplift does not apply: the policy did not ask for the us);
- r4 open (no residency) in eu: global, $0.25;
- r5 mixed (residency [eu]) in eu: 100k x 2.75 = $0.275;
- r6 mixed gpt-4.1-mini in eu: no regional price in the book, 1M x 0.4 = $0.40.

Total $2.11 (analyze's), against $2.00 at global prices.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, run_cli

HERE = FIXTURES / "value" / "regional"
BOOK = ("--prices", str(HERE / "book.yaml"), "--no-default-prices")
MAPPING = ("--outcomes", str(HERE / "mapping.yaml"))


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _focus(tmp_path: Path, *args: str) -> list[dict[str, str]]:
    out = tmp_path / "focus.csv"
    result = run_cli("convert", *args, "--focus", "-o", str(out))
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _analyze(*args: str) -> dict[str, Any]:
    import json

    result = run_cli("analyze", *args, "--json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def test_regional_rows_priced_by_hand(tmp_path: Path) -> None:
    rows = _focus(tmp_path, str(HERE / "usage.csv"), *BOOK, *MAPPING)
    got = [
        (r["RegionId"], r["x_Feature"], r["x_Model"], r["x_TokenType"], r["ListUnitPrice"],
         r["ContractedUnitPrice"], r["ListCost"], r["BilledCost"], r["SkuPriceId"])
        for r in rows
    ]  # fmt: skip
    assert got == [
        ("eu", "sovereign", "gpt-5.4", "input", "2.75", "2.75", "0.55", "0.55",
         "gpt-5.4:input:2026-03-05:region-eu"),
        ("eu", "sovereign", "gpt-5.4", "output", "16.5", "16.5", "0.33", "0.33",
         "gpt-5.4:output:2026-03-05:region-eu"),
        ("eu-west-1", "sovereign", "gpt-5.4", "cache_read", "0.275", "0.275", "0.055", "0.055",
         "gpt-5.4:cache_read:2026-03-05:region-eu"),
        ("us-east", "sovereign", "gpt-5.4", "input", "2.5", "2.5", "0.25", "0.25",
         "gpt-5.4:input:2026-03-05"),
        ("eu", "open", "gpt-5.4", "input", "2.5", "2.5", "0.25", "0.25",
         "gpt-5.4:input:2026-03-05"),
        ("eu", "mixed", "gpt-5.4", "input", "2.75", "2.75", "0.275", "0.275",
         "gpt-5.4:input:2026-03-05:region-eu"),
        ("eu", "mixed", "gpt-4.1-mini", "input", "0.4", "0.4", "0.4", "0.4",
         "gpt-4.1-mini:input:2025-04-14"),
    ]  # fmt: skip
    total = sum(Decimal(r["BilledCost"]) for r in rows)
    assert total == Decimal("2.11")
    report = _analyze(str(HERE / "usage.csv"), *BOOK, *MAPPING)
    assert Decimal(report["totals"]["cost"]) == total


def test_without_a_mapping_no_residency_applies(tmp_path: Path) -> None:
    """No --outcomes: no use case, no residency policy, the global price (as analyze)."""
    rows = _focus(tmp_path, str(HERE / "usage.csv"), *BOOK)
    assert not any("region-" in r["SkuPriceId"] for r in rows)
    total = sum(Decimal(r["BilledCost"]) for r in rows)
    assert total == Decimal("2.00")
    assert Decimal(_analyze(str(HERE / "usage.csv"), *BOOK)["totals"]["cost"]) == total


def test_example_month_focus_equals_analyze(tmp_path: Path) -> None:
    """The acme book's eu uplift and the example mapping's residency policy: per model and in
    total, the FOCUS file adds up to analyze's cost (acme-ft-llama-70b is unpriced in both)."""
    args = (
        "examples/usage-2026-10.csv", "--prices", "examples/prices-acme.yaml",
        "--outcomes", "examples/outcomes.yaml",
    )  # fmt: skip
    rows = _focus(tmp_path, *args, "--allow-unpriced")
    assert any("region-eu" in r["SkuPriceId"] for r in rows)
    total = sum(Decimal(r["BilledCost"]) for r in rows if r["BilledCost"])
    report = _analyze(*args)
    assert total.quantize(Decimal("0.000001")) == Decimal(report["totals"]["cost"])
    assert report["totals"]["cost"] == "553.133495"
