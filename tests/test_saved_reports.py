"""Hand-edited or damaged saved reports given to `diff` and `report`: exit 2 with the file, the
line and the JSON path at fault and a Hint naming docs/reports.md; never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli, small_report

from tokenecon.report.validate import schema_problem


def edit(report: dict[str, Any], change: Callable[[dict[str, Any]], Any]) -> dict[str, Any]:
    copy = json.loads(json.dumps(report))
    change(copy)
    return copy


EDITS: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
    ("totals a list", lambda d: d.__setitem__("totals", [1]), "$.totals: expected object"),
    ("use cases a mapping", lambda d: d.__setitem__("use_cases", {"a": 1}),
     "$.use_cases: expected array"),
    ("NaN cost", lambda d: d["totals"].__setitem__("cost", "NaN"), "$.totals.cost: 'NaN' is not"),
    ("huge cost", lambda d: d["totals"].__setitem__("cost", "1" * 30 + ".000000"),
     "out of range"),
    ("null model cost", lambda d: d["models"][0].__setitem__("cost", None),
     "$.models[0].cost: expected string, found null"),
    ("tokens removed", lambda d: d["totals"].pop("tokens"), "$.totals: `tokens` is missing"),
    ("negative tokens", lambda d: d["totals"]["tokens"].__setitem__("output", -1),
     "$.totals.tokens.output: -1 is below 0"),
]  # fmt: skip


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("saved")
    report = small_report()
    (folder / "good.json").write_text(json.dumps(report, indent=2))
    return folder, report


def test_a_fresh_report_follows_its_schema(saved: tuple[Path, dict[str, Any]]) -> None:
    assert schema_problem(saved[1]) is None


@pytest.mark.parametrize(("name", "change", "fragment"), EDITS, ids=[e[0] for e in EDITS])
def test_hand_edited_reports_are_refused(
    saved: tuple[Path, dict[str, Any]],
    tmp_path: Path,
    name: str,
    change: Callable[[dict[str, Any]], Any],
    fragment: str,
) -> None:
    folder, report = saved
    bad = tmp_path / "edited.json"
    bad.write_text(json.dumps(edit(report, change), indent=2))
    for args in (("diff", str(folder / "good.json"), str(bad)),
                 ("report", str(bad), "-o", str(tmp_path / "r.html"))):  # fmt: skip
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith(f"Error: {bad}"), result.stderr
        assert fragment in result.stderr and "docs/reports.md" in result.stderr, result.stderr
    assert not (tmp_path / "r.html").exists()


def test_the_line_of_the_value_is_named(saved: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    _, report = saved
    bad = tmp_path / "edited.json"
    text = json.dumps(edit(report, lambda d: d["totals"].__setitem__("cost", "NaN")), indent=2)
    bad.write_text(text)
    line = next(i for i, x in enumerate(text.splitlines(), 1) if '"cost": "NaN"' in x)
    result = run_cli("report", str(bad), "-o", str(tmp_path / "r.html"))
    assert f"Error: {bad}:{line}: not a tokenecon.report/v1 report" in result.stderr


@pytest.mark.parametrize(
    "text", ['{"schema": "tokenecon.report/v1", "x": ' + "9" * 5000 + "}", "[" * 100_000]
)
def test_unreadable_json_is_refused(tmp_path: Path, text: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(text)
    result = run_cli("report", str(bad), "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 2 and "Hint: " in result.stderr and "Traceback" not in result.output
