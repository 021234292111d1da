"""Regional prices applied: usage a residency policy keeps in a region the book prices
regionally costs the book's uplift, and the placement premium is that uplift, from the book;
the declared ``placement_premium`` stands in only where the book has no regional price.

Fixture: tests/fixtures/value/regional/ (gpt-5.4 at litellm 1.110.2's prices and eu uplift of
1.1; gpt-4.1-mini with no regional price). Every figure below is computed by hand:

- sovereign (residency [eu, eu-*], declared 25% unused): r1 eu, 200k input + 20k output =
  0.50 + 0.30 = $0.80 global, $0.88 in the eu; r2 eu-west-1, 200k cached = $0.05 -> $0.055;
  r3 us-east (outside the policy) 100k input = $0.25 at the global price.
  Cost $1.185; in-region $0.935, global $0.85, premium $0.085 (book); hit rate 2/3.
- mixed (residency [eu], declared 10%): r5 gpt-5.4 eu 100k input $0.25 -> $0.275 (book
  premium $0.025); r6 gpt-4.1-mini eu 1M input $0.40, no regional price: declared
  0.40 x 0.1 / 1.1 = $0.036364. Cost $0.675, premium $0.061364 (book+declared).
- open (no residency) r4 eu 100k input: $0.25, the global price (no policy asked for the eu).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES
from sources import report as analyzed

from tokenecon.errors import PriceBookError
from tokenecon.price.book import load_price_book
from tokenecon.price.regional import book_region, regional_rate

HERE = FIXTURES / "value" / "regional"


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return analyzed(
        HERE / "usage.csv", "--outcomes", HERE / "mapping.yaml", book=str(HERE / "book.yaml")
    )


def _of(report: dict[str, Any], name: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    u = next(u for u in report["use_cases"] if u["name"] == name)
    v = next(v for v in report["value"]["use_cases"] if v["name"] == name)
    return u, v["placement"]


def test_regional_price_is_applied_to_the_cost(report: dict[str, Any]) -> None:
    assert _of(report, "sovereign")[0]["cost"] == "1.185000"
    assert _of(report, "mixed")[0]["cost"] == "0.675000"
    assert report["totals"]["cost"] == "2.110000"


def test_premium_comes_from_the_book(report: dict[str, Any]) -> None:
    _, p = _of(report, "sovereign")
    assert p is not None
    assert p["source"] == "book" and p["book_regions"] == {"eu": "1.100000"}
    assert p["regions"] == ["eu", "eu-*"]
    assert (p["in_region_cost"], p["global_cost"]) == ("0.935000", "0.850000")
    assert (p["book_premium"], p["declared_premium"], p["premium"]) == (
        "0.085000", "0.000000", "0.085000"
    )  # fmt: skip
    assert p["sovereignty_hit_rate"] == "0.666667"


def test_declared_premium_only_where_the_book_has_none(report: dict[str, Any]) -> None:
    _, p = _of(report, "mixed")
    assert p is not None and p["source"] == "book+declared"
    assert p["book_premium"] == "0.025000"
    assert p["declared_premium"] == "0.036364"  # 0.40 x 0.1 / 1.1
    assert p["premium"] == "0.061364"


def test_no_policy_no_regional_price(report: dict[str, Any]) -> None:
    u, p = _of(report, "open")
    assert p is None and u["cost"] == "0.250000"


def test_the_finding_names_the_book_rate(report: dict[str, Any]) -> None:
    u, _ = _of(report, "sovereign")
    (finding,) = [f for f in u["findings"] if f["layer"] == "placement"]
    assert Decimal(finding["actual"]) == Decimal("0.085")
    assert "eu x1.1 from the price book" in finding["message"]


def test_waterfall_carves_the_premium_out_of_the_model_cost(report: dict[str, Any]) -> None:
    v = next(v for v in report["value"]["use_cases"] if v["name"] == "sovereign")
    steps = {s["step"]: Decimal(s["cost"]) for s in v["waterfall"]["steps"]}
    assert steps["placement_premium"] == Decimal("0.085")
    assert sum(steps.values()) == Decimal(v["waterfall"]["fully_loaded_cost"]) == Decimal("1.185")


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("eu", "eu"), ("EU", "eu"), ("eu-*", "eu"), ("eu-west-1", "eu"), ("us-east", "us"),
     ("europe-west4", None), ("euro", None), ("*", None)],
)  # fmt: skip
def test_policy_region_names_a_book_region(policy: str, expected: str | None) -> None:
    assert book_region(policy, ["eu", "us", "fedramp"]) == expected


def test_a_policy_spanning_differently_priced_regions_has_no_single_rate() -> None:
    book = load_price_book([HERE / "book.yaml"], include_default=False)
    model = book.models["gpt-5.4"]
    assert regional_rate(model, ["eu", "eu-*"]) == ("eu", Decimal("1.1"))
    assert regional_rate(model, ["eu", "us"]) == ("eu+us", Decimal("1.1"))  # same uplift
    assert regional_rate(model, ["eu", "uk"]) is None  # uk unpriced: it may have run there
    assert regional_rate(book.models["gpt-4.1-mini"], ["eu"]) is None


def test_a_later_book_adds_regions_to_an_earlier_model(tmp_path: Path) -> None:
    later = tmp_path / "later.yaml"
    later.write_text("models:\n  gpt-4.1-mini:\n    regions: {eu: 1.1}\n")
    book = load_price_book([HERE / "book.yaml", later], include_default=False)
    model = book.models["gpt-4.1-mini"]
    assert model.regions == {"eu": Decimal("1.1")}
    assert model.entries[0].rates.input == Decimal("0.4")  # prices kept


def test_a_zero_uplift_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "models:\n  m:\n    regions: {eu: 0}\n    prices:\n      - {from: 2026-01-01, "
        "input: 1, output: 1}\n"
    )
    with pytest.raises(PriceBookError, match=r"regions\.eu: an uplift of 0"):
        load_price_book([bad], include_default=False)
