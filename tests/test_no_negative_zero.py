"""No figure prints a signed zero: a change, share, count or amount that rounds to zero has no
sign (``0.0pp``, not ``-0.0pp``; ``0.0%``, not ``+0.0%``; ``$0.00``, not ``-$0.00``)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from tokenecon.render.difftext import _measured, pct1, signed_pct, signed_pp, signed_usd
from tokenecon.render.formats import count, money_text, pct, signed_percent, unsigned_zero, usd
from tokenecon.render.value import area_diff_rows

SIGNED_ZERO = re.compile(r"(?<![\d.])[-+]\$?0(?:[.,]0*)?(?:pp|%)?(?![\d.,])")
"""A sign in front of a figure whose every digit is 0."""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (signed_pp("-0.0004"), "0.0pp"),
        (signed_pp("0.0004"), "0.0pp"),
        (signed_pp("0"), "0.0pp"),
        (signed_pp("-0.0006"), "-0.1pp"),
        (signed_pp("0.02"), "+2.0pp"),
        (signed_pct("-0.00001"), "0.0%"),
        (signed_pct("0.29"), "+29.0%"),
        (signed_pct("-0.3"), "-30.0%"),
        (pct1("-0.0001"), "0.0%"),
        (pct("-0.004"), "0%"),
        (pct("-0.004", 1), "-0.4%"),
        (pct("-0.0004", 1), "0.0%"),
        (count("-0.4"), "0"),
        (count("-0.04", 1), "0.0"),
        (count("-1234.6"), "-1,235"),
        (usd("-0.000001"), ">-$0.0001"),
        (usd("-0.00"), "$0.00"),
        (signed_usd("-0"), "$0.00"),
        (signed_usd("-0.5"), "-$0.5000"),
        (signed_percent(Decimal("-0.00049"), 1, "pp"), "0.0pp"),
        (unsigned_zero("-0"), "0"),
        (unsigned_zero("-10"), "-10"),
    ],
)
def test_rounded_zero_has_no_sign(text: str, expected: str) -> None:
    assert text == expected


def test_diff_roi_change_of_a_tiny_drop_is_zero() -> None:
    """The value-area row of a diff whose ROI fell by 0.004 points."""
    doc = {
        "value_areas": [
            {
                "area": "operational_efficiency",
                "use_cases": {"base": ["triage"], "head": ["triage"]},
                "cost": {"base": "10", "head": "10", "change": "0"},
                "value": {"base": "20", "head": "20", "change": "0"},
                "roi": {"base": "1.00000", "head": "0.99996", "change": "-0.00004"},
            }
        ]
    }
    row = area_diff_rows(doc)[0]
    assert row[-3:] == ["100%", "100%", "0.0pp"]


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        ({"measured": "-0.0001", "mode": "change", "kind": "share"}, "0.0pp"),
        ({"measured": "-0.0001", "mode": "value", "kind": "share"}, "0.0%"),
        ({"measured": "-0", "mode": "value", "kind": "count"}, "0"),
        ({"measured": "0.05", "mode": "change", "kind": "share"}, "+5.0pp"),
    ],
)
def test_threshold_figures_have_no_signed_zero(check: dict[str, str], expected: str) -> None:
    assert _measured(check) == expected


@given(st.decimals(min_value=-1, max_value=1, allow_nan=False, places=8))
def test_no_formatter_prints_a_signed_zero(x: Decimal) -> None:
    text = str(x)
    for shown in (
        signed_pp(text), signed_pct(text), pct1(text), pct(text), pct(text, 1), count(text),
        count(text, 2), usd(text), signed_usd(text), money_text(x),
    ):  # fmt: skip
        assert not SIGNED_ZERO.search(shown), shown


def test_no_golden_file_holds_a_signed_zero() -> None:
    for path in sorted((ROOT / "tests" / "golden").rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".md"):
            text = path.read_text(encoding="utf-8")
            found = SIGNED_ZERO.findall(text)
            assert not found, (path.name, found)


def test_findings_write_money_and_shares_as_the_tables_do() -> None:
    from tokenecon.economics.diagnose import _usd
    from tokenecon.units import percent_text

    assert percent_text(Decimal("-0.0000004")) == "0.0%"
    assert percent_text(Decimal("-1.348")) == "-134.8%"
    assert _usd(Decimal("-0.00001")) == ">-$0.0001"
    assert _usd(Decimal("-0.0012")) == "-$0.0012"
    assert _usd(Decimal("-1234.5")) == "-$1,234.50"
    assert _usd(Decimal("0")) == "$0.00"
    assert _usd(Decimal("0.48145")) == "$0.4815"
