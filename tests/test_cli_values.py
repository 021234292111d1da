"""The values people type: shares (60% and 0.6 alike, a bare 20 refused), months and quarters
as dates, and database URLs whose passwords never reach a message or a report."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from conftest import FIXTURES, run_cli

from tokenecon.cli.dates import parse_when
from tokenecon.errors import OptionError
from tokenecon.redact import redact_passwords
from tokenecon.units import parse_share


@pytest.mark.parametrize(
    ("text", "share"),
    [("60%", "0.6"), ("0.6", "0.6"), (" 12.5 % ", "0.125"), ("1", "1"), ("0", "0"),
     ("100%", "1"), ("0.05", "0.05"), ("5%", "0.05")],
)  # fmt: skip
def test_shares(text: str, share: str) -> None:
    assert parse_share(text, "--cache") == Decimal(share)


def test_a_bare_number_above_one_is_ambiguous() -> None:
    with pytest.raises(OptionError) as info:
        parse_share("20", "--cache")
    assert info.value.message == "--cache: 20 is ambiguous as a share"
    assert info.value.hint == "write 20% for 20 percent, or 0.2 as a fraction"


@pytest.mark.parametrize("text", ["150%", "-5%", "-0.1", "abc", "", "nan", "1e999%"])
def test_not_shares(text: str) -> None:
    with pytest.raises(OptionError) as info:
        parse_share(text, "--batch")
    assert info.value.message.startswith("--batch: ")
    assert "60%" in info.value.hint or "%" in info.value.hint


def test_fail_on_reads_shares_alike_and_refuses_a_bare_five() -> None:
    from tokenecon.diff.thresholds import parse_threshold

    assert parse_threshold("unattributed_share>5%").limit == Decimal("0.05")
    assert parse_threshold("unattributed_share>0.05").limit == Decimal("0.05")
    assert parse_threshold("use_case:x.roi>2").limit == 2  # roi is no share of a whole
    with pytest.raises(OptionError, match="5 is ambiguous as a share") as info:
        parse_threshold("unattributed_share>5")
    assert info.value.hint == "write 5% for 5 percent, or 0.05 as a fraction"
    with pytest.raises(OptionError, match=r"\+5 is ambiguous for a share") as info:
        parse_threshold("unattributed_share>+5")
    assert "+5pp" in info.value.hint and "+5%" in info.value.hint


def test_fail_on_ambiguous_share_is_exit_2(example_months) -> None:  # type: ignore[no-untyped-def]
    months = [str(example_months / "10.json"), str(example_months / "11.json")]
    result = run_cli("diff", *months, "--fail-on", "unattributed_share>15")
    assert result.exit_code == 2
    assert "Hint: write 15% for 15 percent, or 0.15 as a fraction" in result.stderr


@pytest.mark.parametrize(
    ("text", "since", "until"),
    [
        ("2026-09", datetime(2026, 9, 1), datetime(2026, 10, 1)),
        ("2026-12", datetime(2026, 12, 1), datetime(2027, 1, 1)),
        ("2026-Q3", datetime(2026, 7, 1), datetime(2026, 10, 1)),
        ("2026-q4", datetime(2026, 10, 1), datetime(2027, 1, 1)),
        ("2026-10-05", datetime(2026, 10, 5), datetime(2026, 10, 5)),
        ("2026-10-05T08:00:00+02:00", datetime(2026, 10, 5, 6), datetime(2026, 10, 5, 6)),
    ],
)
def test_dates_months_and_quarters(text: str, since: datetime, until: datetime) -> None:
    assert parse_when(text, "--since") == since
    assert parse_when(text, "--until", end=True) == until


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "last tuesday"])
def test_not_dates(text: str) -> None:
    with pytest.raises(OptionError) as info:
        parse_when(text, "--since")
    assert info.value.message.startswith(f"--since {text!r}")


def test_a_quarter_filters_like_its_dates() -> None:
    book = ("--prices", str(FIXTURES / "book.yaml"), "--no-default-prices")
    args = ("analyze", str(FIXTURES / "small.csv"), *book, "--json")
    by_quarter = run_cli(*args, "--since", "2026-Q4", "--until", "2026-Q4")
    by_dates = run_cli(*args, "--since", "2026-10-01", "--until", "2027-01-01")
    assert by_quarter.exit_code == 0, by_quarter.output
    assert by_quarter.stdout == by_dates.stdout


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgres://u:secret@db:5432/x", "postgres://u:***@db:5432/x"),
        ("postgresql://u:se/cr@et@db/x", "postgresql://u:***@db/x"),
        ("POSTGRESQL://:secret@db/x", "POSTGRESQL://:***@db/x"),
        ("postgres://db/x?user=u&password=secret&sslmode=require",
         "postgres://db/x?user=u&password=***&sslmode=require"),
        ("postgres://u@db/x", "postgres://u@db/x"),
        ("usage file POSTGRES:/u:secret@db/x does not exist",
         "usage file POSTGRES:/u:***@db/x does not exist"),
    ],
)  # fmt: skip
def test_passwords_are_masked(url: str, shown: str) -> None:
    assert redact_passwords(url) == shown


def test_a_source_names_its_database_without_the_password() -> None:
    """What the report's inputs and every reader's message use (SourceFile.display)."""
    from tokenecon.ingest.sources import expand_sources

    for url in ("postgres://u:p@ss/w@rd@db/x", "postgresql://db/x?password=p@ss/w@rd"):
        [source] = expand_sources([url], "LiteLLM_SpendLogs")
        assert "p@ss" not in source.display and "w@rd" not in source.display


@pytest.mark.parametrize(
    "url",
    [
        "postgres://u:hunter2/x@127.0.0.1:1/db",
        "postgres://127.0.0.1:1/db?password=hunter2",
        "POSTGRESQL://:hunter2@127.0.0.1:1/db",
    ],
)
def test_no_error_prints_a_password(url: str) -> None:
    result = run_cli("analyze", url, "--table", "LiteLLM_SpendLogs")
    assert result.exit_code == 2, result.output
    assert "hunter2" not in result.output
    assert "***" in result.stderr


def test_passwords_in_the_command_line() -> None:
    from tokenecon.redact import passwords_in

    argv = ["analyze", "postgres://u:se/cr@et@db/x", "--table", "T", "postgres://db/y?password=pw1"]
    assert passwords_in(argv) == ["se/cr@et", "se", "cr", "et", "pw1"]
    # a driver's own words quoting a part of the password are masked too (not parts under 4)
    assert redact_passwords("cannot cast 'se/cr@et' nor 'secret'", ["se/cr@et", "secret"]) == (
        "cannot cast '***' nor '***'"
    )


def test_debug_traceback_masks_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgres://u:hunter2@127.0.0.1:1/db"

    def leak(*_: object, **__: object) -> None:
        raise RuntimeError(f"driver failed on {url} (password 'hunter2')")

    monkeypatch.setattr("tokenecon.report.analyze.analyze", leak)
    result = run_cli("--debug", "analyze", url, "--table", "T")
    assert result.exit_code == 3
    assert "Traceback" in result.stderr
    assert "hunter2" not in result.output
