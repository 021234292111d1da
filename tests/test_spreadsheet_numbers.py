"""Numbers as a spreadsheet saves formatted cells: thousands separators in counts and in
amounts with a decimal point are read; a decimal comma is refused, never guessed."""

from __future__ import annotations

from pathlib import Path

from sources import report

# gpt-4.1 in tests/fixtures/book.yaml: $2.00 input, $8.00 output per 1M tokens
ROWS = (
    "timestamp,provider,model,input_tokens,output_tokens,reported_cost\n"
    '2026-10-01T09:00:00Z,openai,gpt-4.1,"1,234","2,000,000","1,234.50"\n'
    '2026-10-01T09:01:00Z,openai,gpt-4.1," 10,000 ",500,\n'
    '2026-10-01T09:02:00Z,openai,gpt-4.1,"12,34",500,\n'
    '2026-10-01T09:03:00Z,openai,gpt-4.1,100,500,"1,234"\n'
    '2026-10-01T09:04:00Z,openai,gpt-4.1,"1,2345",500,\n'
)


def test_thousands_separators_are_read_and_a_decimal_comma_refused(tmp_path: Path) -> None:
    usage = tmp_path / "sheet.csv"
    usage.write_text(ROWS)
    r = report(str(usage), "--cost-source", "computed")
    tokens = r["totals"]["tokens"]
    assert (tokens["uncached_input"], tokens["output"]) == (1234 + 10000, 2_000_000 + 500)
    # (11234 x 2.00 + 2000500 x 8.00) / 1M = 0.022468 + 16.004 = 16.026468
    assert r["totals"]["cost"] == "16.026468"
    assert r["totals"]["reported_cost"] == "1234.500000"
    assert (r["totals"]["rows_read"], r["totals"]["rows_rejected"]) == (5, 3)
    reasons = {x["line"]: x["reason"] for x in r["rejected"]["rows"]}
    assert reasons == {
        4: "input_tokens: '12,34' is not a number",
        5: "reported_cost: '1,234' is not a number",
        6: "input_tokens: '1,2345' is not a number",
    }


def test_a_cost_of_a_trillion_or_more_is_a_broken_value(tmp_path: Path) -> None:
    """Found by damaging the FOCUS fixture (tests/test_fuzz_exports.py): an EffectiveCost of
    1e25 passed the reader and failed rounding money to 1e-6 (exit 3)."""
    usage = tmp_path / "costs.csv"
    usage.write_text(
        "timestamp,provider,model,input_tokens,output_tokens,reported_cost\n"
        "2026-10-01T09:00:00Z,openai,gpt-4.1,100,10,10000000000000000000000000\n"
        "2026-10-01T09:01:00Z,openai,gpt-4.1,100,10,-1000000000000\n"
        "2026-10-01T09:02:00Z,openai,gpt-4.1,100,10,999999999999.5\n"
    )
    r = report(str(usage), "--cost-source", "reported")
    assert (r["totals"]["rows_read"], r["totals"]["rows_rejected"]) == (3, 2)
    assert r["totals"]["cost"] == "999999999999.500000"
    reasons = {x["line"]: x["reason"] for x in r["rejected"]["rows"]}
    assert reasons == {
        2: "reported_cost: '10000000000000000000000000' is out of range (a trillion or more)",
        3: "reported_cost: '-1000000000000' is out of range (a trillion or more)",
    }
