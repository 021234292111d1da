"""The value keys of a use case (docs/mapping.md#value-keys): defaults, accepted forms, and a
clear error (file, line, the fix; exit 2) on a bad value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

from tokenecon.attribute.mapping import load_mapping
from tokenecon.errors import MappingError


def _load(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text("use_cases:\n  u:\n    match: {use_case: x}\n" + body, encoding="utf-8")
    return path


def test_defaults_say_nothing(tmp_path: Path) -> None:
    value = load_mapping(_load(tmp_path, "")).use_cases[0].value
    assert value.error_rate is None and value.error_count is None
    assert value.cost_per_error is None and value.human_minutes_per_outcome is None
    assert value.value_area is None and value.placement_premium == 0


def test_accepted_forms(tmp_path: Path) -> None:
    body = (
        "    error_rate: 5%\n    cost_per_error: {rework_minutes: 45, hourly_rate: 80}\n"
        "    human_baseline: {minutes_per_outcome: 12, hourly_rate: 50}\n"
        "    value_area: Risk reduction\n    residency: [eu]\n    placement_premium: 0.2\n"
    )
    value = load_mapping(_load(tmp_path, body)).use_cases[0].value
    assert value.error_rate == Decimal("0.05")
    assert value.cost_per_error == 60 and value.cost_per_error_basis == "rework"
    assert (value.human_minutes_per_outcome, value.human_hourly_rate) == (12, 50)
    assert value.value_area == "risk_reduction" and value.placement_premium == Decimal("0.2")


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ("    error_rate: 5\n", "is not a share between 0 and 1", 4),
        ("    error_rate: lots\n", "expected a number, got 'lots'", 4),
        ("    error_rate: {column: audit}\n", "counted from per-task outcome events", 4),
        ("    cost_per_error: {minutes: 5}\n", "rework_minutes", 4),
        ("    cost_per_error: -3\n", "expected a number >= 0", 4),
        ("    human_baseline: 20\n", "minutes_per_outcome", 4),
        ("    value_area: growth\n", "unknown value area 'growth'", 4),
        ("    placement_premium: 10%\n", "needs `residency:`", 4),
    ],
)
def test_a_bad_value_is_refused_with_its_line(
    tmp_path: Path, body: str, message: str, line: int
) -> None:
    path = _load(tmp_path, body)
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert message in str(caught.value.message)
    assert f"(line {line})" in caught.value.message and str(path) in caught.value.message
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(path),
    )  # fmt: skip
    assert result.exit_code == 2 and message in result.stderr


def test_an_error_column_missing_from_the_events_file(tmp_path: Path) -> None:
    value = FIXTURES / "value"
    mapping = (value / "mapping.yaml").read_text().replace("{column: audit}", "{column: qa}")
    (tmp_path / "claims-events.csv").write_text((value / "claims-events.csv").read_text())
    path = tmp_path / "mapping.yaml"
    path.write_text(mapping)
    result = run_cli(
        "analyze", str(value / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(path),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no column 'qa' for `error_rate`" in result.stderr
