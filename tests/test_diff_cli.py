"""`tokenecon diff` on the command line: --fail-on, exit codes, errors, golden outputs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli, small_report
from golden_files import as_json, captured, check

from tokenecon.diff.compare import diff_reports
from tokenecon.diff.document import diff_to_dict
from tokenecon.diff.thresholds import check_thresholds, check_to_dict, parse_threshold
from tokenecon.errors import TokenEconError
from tokenecon.render.diff import render_diff_console
from tokenecon.render.markdown import render_diff_markdown
from tokenecon.report.document import Report


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The small fixture, and the same with support-triage's cost doubled and one more task."""
    out = tmp_path_factory.mktemp("pair")
    base = small_report()
    head = json.loads(json.dumps(base))
    u = next(x for x in head["use_cases"] if x["name"] == "support-triage")
    u["cost"] = "0.009600"  # 0.0048 -> 0.0096
    u["tasks"] = 3  # 2 -> 3 (outcomes stay 1)
    head["totals"]["cost"] = str(Decimal(head["totals"]["cost"]) + Decimal("0.0048"))
    (out / "base.json").write_text(json.dumps(base))
    (out / "head.json").write_text(json.dumps(head))
    return out / "base.json", out / "head.json"


def diff(pair: tuple[Path, Path], *args: str) -> Any:
    return run_cli("diff", str(pair[0]), str(pair[1]), *args)


@pytest.mark.parametrize(
    ("expression", "crossed", "measured"),
    [
        # support-triage cost per outcome 0.0048 -> 0.0096: +100%.
        ("use_case:support-triage.cost_per_outcome>+50%", True, "1"),
        ("use_case:support-triage.cost_per_outcome>+100%", False, "1"),
        ("use_case:support-triage.cost_per_outcome>=+100%", True, "1"),
        # tasks per outcome 2 -> 3: the head's value, and the absolute change.
        ("use_case:support-triage.tasks_per_outcome>2", True, "3"),
        ("use_case:support-triage.tasks_per_outcome>+1", False, "1"),
        # total cost 1.1197 -> 1.1245: +$0.0048.
        ("total_cost>+$0.004", True, "0.0048"),
        ("total_cost > +$0.005", False, "0.0048"),
        # unattributed share 0.003400/1.1197 = 0.3036% of spend in the head report (unchanged
        # in the JSON, which this test edits by hand).
        ("unattributed_share>0.3%", True, "0.003037"),
        ("unattributed_share<-1pp", False, "0"),
        ("use_case:code-review.cost_per_outcome<-1%", False, "0"),
    ],
)
def test_thresholds(pair: tuple[Path, Path], expression: str, crossed: bool, measured: str) -> None:
    result = diff(pair, "--format", "json", "--fail-on", expression)
    assert result.exit_code == (1 if crossed else 0), result.output
    (c,) = json.loads(result.stdout)["checks"]
    assert (c["crossed"], c["measured"]) == (crossed, measured)
    if crossed:
        assert f"Threshold crossed: {expression.strip()}" in result.stderr


def test_glob_checks_every_use_case_and_names_the_one_crossed(pair: tuple[Path, Path]) -> None:
    result = diff(pair, "--fail-on", "use_case:*.cost>+$0.001")
    assert result.exit_code == 1
    assert "CROSSED  use_case:*.cost>+$0.001 (use_case:support-triage)" in result.stdout
    assert "ok       use_case:*.cost>+$0.001 (use_case:code-review)" in result.stdout
    assert result.stderr.count("Threshold crossed") == 1


def test_a_use_case_without_a_base_value_is_not_evaluated(tmp_path: Path) -> None:
    base = small_report()
    head = json.loads(json.dumps(base))
    head["use_cases"].append({**head["use_cases"][0], "name": "new-bot"})
    (tmp_path / "b.json").write_text(json.dumps(base))
    (tmp_path / "h.json").write_text(json.dumps(head))
    result = run_cli("diff", str(tmp_path / "b.json"), str(tmp_path / "h.json"), "--format",
                     "json", "--fail-on", "use_case:new-bot.cost>+1%")  # fmt: skip
    assert result.exit_code == 0
    (c,) = json.loads(result.stdout)["checks"]
    assert c["reason"] == "no value in the base report to compare with"
    added = next(u for u in json.loads(result.stdout)["use_cases"] if u["name"] == "new-bot")
    assert added["status"] == "added"


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("cost_per_outcome", "not an expression"),
        ("cost_per_outcome>>10%", "not an expression"),
        ("cost_per_outcome>+10%%", "not an expression"),
        ("cost_per_outcom>+10%", "unknown metric 'cost_per_outcom'"),
        ("model:gpt-4.1.tasks>1", "unknown metric 'tasks'"),
        ("tokens>+$5", "tokens is not money"),
        ("total_cost>10%", "total_cost is not a share"),
        ("unattributed_share>2pp", "pp (percentage points) is a signed change"),
        ("total_cost>+$5%", "both $ and %"),
        ("use_case:nope.cost>1", "no use case 'nope' in either report"),
    ],
)
def test_bad_expressions_exit_2(pair: tuple[Path, Path], expression: str, fragment: str) -> None:
    result = diff(pair, "--fail-on", expression)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"Error: --fail-on {expression!r}: ")
    assert fragment in result.stderr
    assert "Hint: " in result.stderr
    assert "Traceback" not in result.output


def test_unknown_metric_hint_lists_the_metrics() -> None:
    with pytest.raises(TokenEconError) as info:
        parse_threshold("use_case:x.speed>1")
    assert "tasks_per_outcome" in info.value.hint


def test_an_older_schema_is_refused_by_name(pair: tuple[Path, Path], tmp_path: Path) -> None:
    old = json.loads(pair[0].read_text())
    old["schema"] = "tokenecon.report/v0"
    (tmp_path / "old.json").write_text(json.dumps(old))
    result = run_cli("diff", str(tmp_path / "old.json"), str(pair[1]))
    assert result.exit_code == 2
    assert "report schema 'tokenecon.report/v0' is not supported" in result.stderr
    assert str(tmp_path / "old.json") in result.stderr


def test_missing_and_broken_reports_exit_2(pair: tuple[Path, Path], tmp_path: Path) -> None:
    result = run_cli("diff", str(tmp_path / "nope.json"), str(pair[1]))
    assert result.exit_code == 2 and "does not exist" in result.stderr
    (tmp_path / "broken.json").write_text('{"schema": \n')
    result = run_cli("diff", str(pair[0]), str(tmp_path / "broken.json"))
    assert result.exit_code == 2 and f"{tmp_path / 'broken.json'}:2:1: not valid JSON" in (
        result.stderr
    )


def test_chart_is_an_svg_and_markdown_does_not_embed_it(
    pair: tuple[Path, Path], tmp_path: Path
) -> None:
    chart = tmp_path / "diff.svg"
    result = diff(pair, "--format", "markdown", "--chart", str(chart))
    assert result.exit_code == 0, result.output
    text = chart.read_text()
    assert text.startswith("<svg") and "outcome volume" in text and "<script" not in text
    assert str(chart) not in result.stdout and "![" not in result.stdout  # no local image


# --- golden files: the example months ----------------------------------------------------------


@pytest.fixture(scope="module")
def example_diff(example_months: Path) -> dict[str, Any]:
    reports = [Report.from_dict(json.loads((example_months / f"{month}.json").read_text()))
               for month in ("10", "11")]  # fmt: skip
    d = diff_reports(*reports)
    thresholds = [parse_threshold(x) for x in EXAMPLE_CHECKS]
    return diff_to_dict(d, [check_to_dict(c) for c in check_thresholds(d, thresholds)])


EXAMPLE_CHECKS = (
    "cost_per_outcome>+10%", "use_case:support-triage.tokens_per_task>+20%",
    "unattributed_share>15%",
)  # fmt: skip


def screen(doc: dict[str, Any], width: int) -> str:
    """The diff on a terminal ``width`` columns wide (lines wrapped)."""
    return captured(width, lambda console: render_diff_console(doc, console, wrap=True))


def test_golden_diff_table_markdown_json(example_diff: dict[str, Any]) -> None:
    check("diff-example.txt", screen(example_diff, 140))
    check("diff-example.md", render_diff_markdown(example_diff))
    check("diff-example.json", as_json(example_diff))
    # A narrow terminal leaves columns out (named in the caption), never splits a table.
    check("diff-example-80.txt", screen(example_diff, 80))
    check("diff-example-120.txt", screen(example_diff, 120))


def test_golden_diff_piped(example_months: Path) -> None:
    reports = [str(example_months / f"{month}.json") for month in ("10", "11")]
    fail_on = [x for e in EXAMPLE_CHECKS for x in ("--fail-on", e)]
    piped = run_cli("diff", *reports, *fail_on)
    assert piped.exit_code == 1  # a threshold is crossed
    check("diff-example-piped.txt", piped.stdout)
    # piped: 120 columns, each line whole (the 80-column screen drops factor columns)
    assert "not shown at" not in piped.stdout
    assert max(len(x) for x in piped.stdout.splitlines() if x.startswith("│")) <= 120
    narrow = run_cli("diff", *reports, *fail_on, "--width", "80").stdout
    assert "not shown at 80 columns" in narrow
    assert max(len(x) for x in narrow.splitlines() if x.startswith("│")) <= 80


def test_a_diff_of_usage_without_any_price_says_unknown(tmp_path: Path) -> None:
    """Two saves of OpenAI's cookbook usage page (no model: nothing priced, 15,816,188 tokens):
    the total cost is unknown on both sides, not "$0.00 ($0.00 → $0.00)", in the terminal and
    the PR comment; no split of zeros and no table of headers alone."""
    usage = FIXTURES / "public" / "openai_cookbook_usage_list.json"
    saved = tmp_path / "month.json"
    assert run_cli("analyze", str(usage), "--save", str(saved), "-q").exit_code == 0
    text = run_cli("diff", str(saved), str(saved))
    assert text.exit_code == 0, text.output
    said = " ".join(text.output.split())
    assert (
        "Total cost unknown (no price → no price); unpriced tokens, in no cost: 15,816,188 in "
        "base and 15,816,188 in head"
    ) in said
    assert "$0.00" not in said
    assert "Total cost change, split" not in said and "Why cost per outcome" not in said
    markdown = run_cli("diff", str(saved), str(saved), "--format", "markdown")
    assert "**Total cost** unknown (no price → no price)" in markdown.output
    document = json.loads(run_cli("diff", str(saved), str(saved), "--format", "json").stdout)
    assert document["totals"]["unpriced_tokens"] == {
        "base": 15816188, "head": 15816188, "change": 0, "change_pct": "0.000000",
    }  # fmt: skip
