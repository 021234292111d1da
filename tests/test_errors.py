"""Bad input never gives a traceback: `Error: ...`, a hint, exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

BOOK = str(FIXTURES / "book.yaml")


def analyze(*args: str):
    return run_cli("analyze", *args, "--prices", BOOK, "--no-default-prices")


def check_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stderr.startswith("Error: ")
    assert "\nHint: " in result.stderr  # every exit 2 names a next step
    for fragment in fragments:
        assert fragment in result.stderr


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    check_error(analyze(str(empty)), "is empty")


def test_no_usable_columns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n")
    check_error(analyze(str(bad)), "no timestamp column", "--map")


def test_unterminated_quote(tmp_path: Path) -> None:
    bad = tmp_path / "quote.csv"
    bad.write_text('timestamp,model,output_tokens\n2026-10-01,"gpt-4.1,5\n2026-10-02,gpt-4.1,6\n')
    check_error(analyze(str(bad)), "cannot read")


def test_yaml_error_names_the_line(tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text("models:\n  m:\n    prices: [\n      {from: 2025-01-01\n")
    result = run_cli("analyze", str(FIXTURES / "small.csv"), "--prices", str(book))
    check_error(result, "not valid YAML", f"{book}:")


def test_mapping_names_a_missing_file(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text("use_cases:\n  x:\n    match: {team: a}\n    outcomes: {file: nope.csv}\n")
    check_error(
        analyze(str(FIXTURES / "small.csv"), "--outcomes", str(mapping)),
        "nope.csv does not exist",
    )


@pytest.mark.parametrize("flag", ["--since", "--until"])
def test_bad_date(flag: str) -> None:
    check_error(analyze(str(FIXTURES / "small.csv"), flag, "last tuesday"), flag)


def test_missing_usage_file() -> None:
    check_error(analyze("/nonexistent/usage.csv"), "does not exist")


def test_bad_map_option() -> None:
    check_error(analyze(str(FIXTURES / "small.csv"), "--map", "foo"), "--map")


def test_unknown_by_column() -> None:
    check_error(analyze(str(FIXTURES / "small.csv"), "--by", "colour"), "--by")


def test_prices_unknown_model_says_did_you_mean() -> None:
    result = run_cli("prices", "gpt-4.1-mimi", "--prices", BOOK)
    check_error(result, "no price book knows", "did you mean")


def test_token_sums_too_large_to_add_exactly(tmp_path: Path) -> None:
    usage = tmp_path / "huge.csv"
    usage.write_text(
        "timestamp,model,output_tokens\n2026-10-01T00:00:00Z,gpt-4.1,9007199254740992\n"
    )
    check_error(analyze(str(usage)), "too many to add up exactly", "--since")
