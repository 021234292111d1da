"""Cost per verified outcome over time: outcomes counted on the day their events file dates them
(on the clocks of --timezone), divided into the cost that day of the use cases that date them.
Every figure below is worked out by hand from the prices of tests/fixtures/book.yaml (gpt-4.1:
$2 per 1M input, $8 per 1M output)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli

BOOK = str(FIXTURES / "book.yaml")

USAGE = """timestamp,model,input_tokens,output_tokens,task_id,use_case
2026-10-01T12:00:00Z,gpt-4.1,500000,125000,T1,support
2026-10-01T13:00:00Z,gpt-4.1,250000,0,T2,support
2026-10-02T15:00:00Z,gpt-4.1,1000000,250000,T3,support
2026-10-02T16:00:00Z,gpt-4.1,1000000,0,C1,chat
"""
# T1 $1.00 + $1.00 = $2.00 and T2 $0.50 on Oct 1; T3 $2.00 + $2.00 = $4.00 and chat $2.00 on
# Oct 2. T2's outcome comes the next day (UTC), T4 is not verified, T9 has no usage.
EVENTS = """task_id,verified,timestamp
T1,true,2026-10-01T10:00:00Z
T2,true,2026-10-02T01:00:00Z
T3,true,2026-10-02T12:00:00Z
T4,false,2026-10-02T12:00:00Z
T9,true,2026-10-02T12:00:00Z
"""
MAPPING = """use_cases:
  support:
    match: {use_case: support}
    task_key: task_id
    outcomes: {file: events.csv, key: task_id, verified: verified}
  chat:
    match: {use_case: chat}
    task_key: task_id
    outcomes: {count: 10}
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("over-time")
    (out / "usage.csv").write_text(USAGE)
    (out / "events.csv").write_text(EVENTS)
    (out / "mapping.yaml").write_text(MAPPING)
    events = "{file: events.csv, key: task_id, verified: verified}"
    (out / "counts-only.yaml").write_text(MAPPING.replace(events, "{count: 3}"))
    return out


def report(folder: Path, *extra: str, mapping: str = "mapping.yaml") -> dict[str, Any]:
    result = run_cli(
        "analyze", str(folder / "usage.csv"), "--outcomes", str(folder / mapping),
        "--prices", BOOK, "--no-default-prices", "--json", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def per_day(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    keys = ("day", "cost", "outcomes", "outcome_cost", "cost_per_outcome")
    return [tuple(d[k] for k in keys) for d in data["time"]["daily"]]


def test_outcomes_fall_on_the_day_their_events_date_them(folder: Path) -> None:
    data = report(folder)
    assert per_day(data) == [
        ("2026-10-01", "2.500000", 1, "2.500000", "2.500000"),  # T1; T2's outcome is Oct 2
        ("2026-10-02", "6.000000", 2, "4.000000", "2.000000"),  # T2, T3: $4.00 / 2
    ]
    outcomes = data["time"]["outcomes"]
    assert (outcomes["available"], outcomes["use_cases"], outcomes["left_out"]) == (
        True, ["support"], ["chat"],
    )  # fmt: skip
    assert "chat count outcomes without dates" in outcomes["note"]
    # the series adds up to the use case's own figures: 3 matched outcomes (T9 has no usage)
    support = next(u for u in data["use_cases"] if u["name"] == "support")
    assert (support["outcomes"], support["cost"]) == (3, "6.500000")


def test_the_days_are_those_of_the_time_zone(folder: Path) -> None:
    # Los Angeles (UTC-7): T2's outcome at 01:00 UTC on Oct 2 is 18:00 on Oct 1.
    data = report(folder, "--timezone", "America/Los_Angeles")
    assert per_day(data) == [
        ("2026-10-01", "2.500000", 2, "2.500000", "1.250000"),
        ("2026-10-02", "6.000000", 1, "4.000000", "4.000000"),
    ]


def test_a_week_adds_the_days_up(folder: Path) -> None:
    data = report(folder, "--by", "week")
    (row,) = data["breakdown"]["rows"]  # Thursday and Friday of ISO week 40
    assert (row["value"], row["outcomes"], row["outcome_cost"], row["cost_per_outcome"]) == (
        "2026-W40", 3, "6.500000", "2.166667",
    )  # fmt: skip


def test_counts_without_dates_say_the_series_is_unavailable(folder: Path) -> None:
    data = report(folder, mapping="counts-only.yaml")
    assert {d["outcomes"] for d in data["time"]["daily"]} == {None}  # never zeros
    assert {d["cost_per_outcome"] for d in data["time"]["daily"]} == {None}
    outcomes = data["time"]["outcomes"]
    assert outcomes["available"] is False and outcomes["left_out"] == ["support", "chat"]
    assert "so there is no cost per outcome over time" in outcomes["note"]


def test_the_html_draws_cost_per_outcome_over_time(folder: Path, tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    result = run_cli(
        "analyze", str(folder / "usage.csv"), "--outcomes", str(folder / "mapping.yaml"),
        "--prices", BOOK, "--no-default-prices", "--html", str(page),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    html = page.read_text()
    assert "cost per verified outcome (line) by day" in html
    assert 'data-note="outcomes-over-time">chat count outcomes without dates' in html


def _table(data: dict[str, Any], width: int) -> tuple[list[list[str]], str]:
    """The time table's cells on the terminal (the header row, then the data rows), and the
    text."""
    from rich.console import Console

    from tokenecon.render.timeviews import time_tables

    console = Console(width=width, no_color=True, record=True)
    with console.capture() as capture:
        for table in time_tables(data, width):
            console.print(table)
    text = capture.get()
    cells = [[c.strip() for c in re.split(r"[┃│]", line)[1:-1]] for line in text.splitlines()]
    return [c for c in cells if c], text


def test_the_terminal_shows_outcomes_per_day(folder: Path) -> None:
    """--by day on the terminal: outcomes and $/outcome per day, and the whole series' in the
    total row ($6.50 of support over its 3 outcomes = $2.1667)."""
    cells, text = _table(report(folder, "--by", "day"), 120)
    header, *rows = cells
    assert header[:6] == ["day", "cost", "share", "requests", "outcomes", "$/outcome"]
    assert [r[:6] for r in rows] == [
        ["2026-10-01", "$2.50", "29%", "2", "1", "$2.50"],
        ["2026-10-02", "$6.00", "71%", "2", "2", "$2.00"],
        ["total", "$8.50", "100%", "4", "3", "$2.17"],
    ]
    assert "outcomes and $/outcome: support only" in text


def test_the_terminal_has_no_outcome_columns_without_dated_outcomes(folder: Path) -> None:
    cells, _ = _table(report(folder, "--by", "day", mapping="counts-only.yaml"), 120)
    assert "outcomes" not in cells[0] and "$/outcome" not in cells[0]


def test_narrow_tables_keep_cost_per_outcome(folder: Path) -> None:
    """Too narrow for all: the columns left out are named, cost per outcome is not one."""
    _, text = _table(report(folder, "--by", "day"), 60)
    left_out = " ".join(text.split()).split("not shown at 60 columns: ")[1].split(" (--width")[0]
    assert left_out.split(", ") == ["share", "requests", "outcomes", "cache write"]
    assert "$2.17" in text
