"""Time views (--by day|week|month, --timezone, the daily series), the first screen of agent
logs found by themselves, and tables that never split: numbers checked, screens as goldens."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, run_cli
from golden_files import GOLDEN, check
from rich.console import Console

from tokenecon.economics.periods import check_timezone, period_label, split_by
from tokenecon.errors import OptionError
from tokenecon.ingest.agent_logs import find_agent_logs
from tokenecon.render.console import render_console
from tokenecon.render.formats import money_text, usd

SOURCES = FIXTURES / "sources"
EXAMPLE = ROOT / "examples" / "usage-2026-10.csv"


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def analyze(*args: str) -> dict[str, Any]:
    result = run_cli("analyze", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def small(*extra: str) -> dict[str, Any]:
    return analyze(
        "tests/fixtures/small.csv", "--prices", "tests/fixtures/book.yaml",
        "--no-default-prices", "--outcomes", "tests/fixtures/mapping.yaml", *extra,
    )  # fmt: skip


def screen(document: dict[str, Any], width: int) -> str:
    """The terminal screen at ``width`` columns, sentences wrapped as on a terminal."""
    console = Console(width=width, no_color=True, force_terminal=False, record=True)
    with console.capture() as capture:
        render_console(document, console, wrap=True)
    return capture.get()


# -- the daily series and the time zone ----------------------------------------------------


def test_daily_series_adds_up_to_the_total_in_utc() -> None:
    report = small()
    daily = report["time"]["daily"]
    assert report["time"]["timezone"] == "UTC"
    assert [d["day"] for d in daily] == ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"]
    assert sum(Decimal(d["cost"]) for d in daily) == Decimal(report["totals"]["cost"])
    assert sum(d["requests"] for d in daily) == report["totals"]["requests"]


def test_timezone_moves_usage_to_the_local_day() -> None:
    utc = small()
    code_review = next(u for u in utc["use_cases"] if u["name"] == "code-review")
    # Kiritimati is UTC+14: 2026-10-02T10:00Z (code-review, r4 and r5) is 10-03 after midnight
    # there; r6 (10-03T11:00Z) moves to 10-04, r7 is rejected.
    kiri = small("--timezone", "Pacific/Kiritimati")
    days = {d["day"]: d for d in kiri["time"]["daily"]}
    assert kiri["time"]["timezone"] == "Pacific/Kiritimati"
    assert "2026-10-02" not in days
    assert days["2026-10-03"]["cost"] == code_review["cost"]
    assert days["2026-10-03"]["requests"] == 2
    assert kiri["totals"]["cost"] == utc["totals"]["cost"]  # prices stay per UTC day
    assert kiri["use_cases"] == utc["use_cases"]


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example month not generated")
def test_pacific_days_of_the_example_month() -> None:
    report = analyze(str(EXAMPLE.relative_to(ROOT)), "--tz", "America/Los_Angeles")
    daily = report["time"]["daily"]
    assert daily[0]["day"] == "2026-09-30"  # the first UTC hours of October are September there
    # each day's cost is rounded to 1e-6 on its own: the sum is within half of that per day
    gap = sum(Decimal(d["cost"]) for d in daily) - Decimal(report["totals"]["cost"])
    assert abs(gap) <= Decimal("0.0000005") * len(daily)
    assert sum(d["requests"] for d in daily) == report["totals"]["requests"]


def test_by_period_and_attribute() -> None:
    weekly = small("--by", "week")
    assert weekly["breakdown"]["by"] == "week"
    assert [r["value"] for r in weekly["breakdown"]["rows"]] == ["2026-W40"]
    assert weekly["breakdown"]["rows"][0]["cost"] == weekly["totals"]["cost"]
    by_team = small("--by", "day,team")
    rows = by_team["breakdown"]["rows"]
    assert by_team["breakdown"]["by"] == "day,team"
    assert [(r["period"], r["value"]) for r in rows][:2] == [
        ("2026-10-01", "support"),
        ("2026-10-02", "platform"),
    ]
    assert sum(Decimal(r["cost"]) for r in rows) == Decimal(by_team["totals"]["cost"])
    assert small("--by", "month")["breakdown"]["rows"][0]["value"] == "2026-10"


def test_period_labels_and_options() -> None:
    assert period_label(date(2027, 1, 1), "week") == "2026-W53"  # ISO weeks start on Monday
    assert period_label(date(2026, 12, 28), "month") == "2026-12"
    assert split_by("team,week") == ("week", "team")
    assert split_by("day") == ("day", None)
    with pytest.raises(OptionError):
        split_by("day,week")
    assert check_timezone("UTC") is None
    with pytest.raises(OptionError, match="not a known time zone"):
        check_timezone("America/Los_Angles")


def test_bad_timezone_is_exit_2() -> None:
    result = run_cli("analyze", "tests/fixtures/small.csv", "--timezone", "Mars/Olympus")
    assert result.exit_code == 2
    assert "--timezone 'Mars/Olympus'" in result.output


# -- agent logs found by themselves --------------------------------------------------------


def agent_home(home: Path) -> Path:
    """A home folder holding the Claude Code and Codex fixtures where the agents keep them."""
    import shutil

    shutil.copytree(SOURCES / "claude_code", home / ".claude" / "projects")
    shutil.copytree(SOURCES / "codex" / "sessions", home / ".codex" / "sessions")
    return home


def test_analyze_without_usage_reads_the_agent_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(agent_home(tmp_path)))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("CODEX_HOME", raising=False)
    result = run_cli("analyze")
    assert result.exit_code == 0, result.output
    assert (
        "Reading Claude Code logs in ~/.claude/projects (2 files), "
        "Codex logs in ~/.codex/sessions (1 file)" in result.stderr
    )
    assert result.stdout.startswith("Spend by day (days in UTC)")
    assert "│ 2026-01-05 │ $0.1888 │" in result.stdout
    # the same numbers as naming the folders
    named = analyze(str(SOURCES / "claude_code"), str(SOURCES / "codex"))
    found = json.loads(run_cli("analyze", "--json", "-q").stdout)
    assert found["totals"] == named["totals"]
    assert found["time"] == named["time"]


def test_claude_config_dir_and_nothing_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    config = tmp_path / "cfg"
    shutil.copytree(SOURCES / "claude_code", config / "projects")
    found = find_agent_logs({"CLAUDE_CONFIG_DIR": f"{tmp_path / 'none'},{config}"}, tmp_path)
    assert [(f.agent, f.folder, f.files) for f in found] == [
        ("Claude Code", config / "projects", 2)
    ]
    monkeypatch.setenv("HOME", str(tmp_path / "empty"))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("CODEX_HOME", raising=False)
    result = run_cli("analyze")
    assert result.exit_code == 2
    assert "no Claude Code or Codex logs found" in result.output
    assert "~/.claude/projects" in result.output


# -- screens -------------------------------------------------------------------------------


def agent_report() -> dict[str, Any]:
    return analyze("tests/fixtures/sources/claude_code", "tests/fixtures/sources/codex")


@pytest.mark.parametrize("width", [80, 120])
def test_first_screen_without_mapping(width: int) -> None:
    text = screen(agent_report(), width)
    check(f"agents-{width}.txt", text)
    assert "Value and efficiency" not in text and "Unit economics" not in text
    assert "Maturity: rung 1 of 0–4: Metered" in text
    assert "Cache and batch leverage: 81.0%" in text


def test_first_screen_piped() -> None:
    result = run_cli("analyze", str(SOURCES.relative_to(ROOT) / "claude_code"),
                     str(SOURCES.relative_to(ROOT) / "codex"))  # fmt: skip
    assert result.exit_code == 0
    check("agents-piped.txt", result.stdout)
    # piped: the wide layout, and no sentence broken across lines
    assert all(not line.startswith("would give") for line in result.stdout.splitlines())


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example month not generated")
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("day", ("--by", "day")),
        ("week-la", ("--by", "week", "--timezone", "America/Los_Angeles")),
        ("month-team", ("--by", "month,team")),
    ],
)
def test_time_view_screens(name: str, args: tuple[str, ...]) -> None:
    base = ("examples/usage-2026-10.csv", "--outcomes", "examples/outcomes.yaml", *args)
    report = analyze(*base)
    for width in (80, 120):
        check(f"time-{name}-{width}.txt", screen(report, width))
    piped = run_cli("analyze", *base)
    assert piped.exit_code == 0
    check(f"time-{name}-piped.txt", piped.stdout)


def test_no_golden_table_is_split() -> None:
    """Tables choose columns to fit; none is cut into "(1/2)" and "(2/2)"."""
    split = re.compile(r"\(\d+/\d+\)\s*$")
    for path in sorted(GOLDEN.glob("*.txt")):
        lines = path.read_text().splitlines()
        for title, top in itertools.pairwise(lines):
            assert not (top.startswith("┏") and split.search(title)), f"{path.name}: {title}"
        assert not any(len(line.rstrip()) > 80 for line in lines if "-80" in path.name and
                       line.startswith(("┏", "┃", "│", "└")))  # fmt: skip


def test_money_has_one_format() -> None:
    assert [money_text(Decimal(x)) for x in ("0", "-0.000001", "0.000001", "0.21739", "2.745")] == [
        "$0.00", ">-$0.0001", "<$0.0001", "$0.2174", "$2.75",
    ]  # fmt: skip
    report = small()
    model = next(m for m in report["models"] if m["model"] == "gpt-4.1-mini")
    text = screen(report, 140)
    use_case = next(u for u in report["use_cases"] if u["name"] == "support-triage")
    # the same $/1M in the use-case and the model table
    assert usd(model["cost_per_million_tokens"]) == "$0.3429"
    assert text.count("$0.3429") == 2
    assert use_case["models"] == ["gpt-4.1-mini"]


def test_json_figures_are_never_minus_zero() -> None:
    from tokenecon.report.figures import money, number, rate

    assert [money(Decimal("-0.0000004")), number(Decimal("-0.0000001")),
            rate(Decimal("-1e-14"))] == ["0.000000", "0.000000", "0.000000000000"]  # fmt: skip
    assert money(Decimal("-0.0000005")) == "-0.000001"  # half-up, away from zero


# -- 5-hour billing blocks -------------------------------------------------------------------


def test_blocks_start_at_the_hour_and_last_five_hours() -> None:
    from datetime import datetime

    from tokenecon.economics.blocks import blocks

    def at(h: int, m: int = 0) -> datetime:
        return datetime(2026, 1, 5, h, m)

    found = blocks([
        (at(14), Decimal("1.00"), 2, 100, "a"), (at(18), Decimal("0.50"), 1, 50, "b"),
        (at(19), Decimal("2.00"), 1, 10, "a"), (at(20), None, 3, 30, "x"),
    ])  # fmt: skip
    assert [(b.start.hour, b.cost, b.requests, b.unpriced_requests) for b in found] == [
        (14, Decimal("1.50"), 3, 0), (19, Decimal("2.00"), 4, 3),
    ]  # fmt: skip
    assert found[0].burn_rate() == Decimal("0.3")  # $1.50 over 14:00-19:00
    assert found[1].projection(at(20, 30)) == Decimal("2.00") / Decimal("1.5") * 5
    assert found[0].projection(at(20, 30)) is None  # closed


def test_agent_log_blocks_add_up_to_the_total() -> None:
    report = agent_report()
    rows = report["blocks"]["rows"]
    assert [r["start"] for r in rows] == ["2026-01-05T14:00:00Z"]
    assert sum(Decimal(r["cost"]) for r in rows) == Decimal(report["totals"]["cost"])
    assert sum(r["requests"] for r in rows) == report["totals"]["requests"]
    assert sum(r["tokens"] for r in rows) == report["totals"]["tokens"]["billable"]
    assert "blocks" not in small()  # only for agent logs


def test_sessions_view_of_agent_logs() -> None:
    """ccusage's session view is --by session_id: each session's cost is its files' cost."""
    report = analyze("tests/fixtures/sources/claude_code", "tests/fixtures/sources/codex",
                     "--by", "session_id")  # fmt: skip
    sessions = {r["value"]: r for r in report["breakdown"]["rows"]}
    codex = analyze("tests/fixtures/sources/codex")
    claude = analyze("tests/fixtures/sources/claude_code")
    assert sessions["0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]["cost"] == codex["totals"]["cost"]
    assert sessions["6b1e2c4d-0000-4000-8000-000000000001"]["cost"] == claude["totals"]["cost"]
