"""`convert --focus` of a file whose rows are all rejected: exit 2 naming each rejected line,
and no FOCUS file (a file of its header alone would reach a FinOps tool as $0.00), not an
engine error blamed on -o."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, run_cli


def test_every_row_rejected_writes_no_focus_file(tmp_path: Path) -> None:
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,input_tokens,output_tokens\n"
        "yesterday,gpt-4.1,10,5\n"
        "2026-10-01T09:00:00Z,gpt-4.1,x,5\n"
    )
    out = tmp_path / "focus.csv"
    result = run_cli("convert", str(usage), "--focus", "-o", str(out), "--json", "--prices",
                     str(FIXTURES / "book.yaml"), "--no-default-prices")  # fmt: skip
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert "every row read was rejected (2 of 2)" in said
    assert f"{usage}:2: timestamp: 'yesterday' is not a date-time" in said
    assert f"{usage}:3: input_tokens: 'x' is not a number" in said
    assert not out.exists()
