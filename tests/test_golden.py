"""Golden files: the rendered table (fixed width, no colour) and the report JSON.

`UPDATE_GOLDEN=1 pytest tests/test_golden.py` rewrites them after a deliberate change
(tests/golden_files.py compares them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli
from golden_files import check, render_width

from tokenecon.render.console import render_console


def render(report: dict, width: int = 140) -> str:
    return render_width(render_console, report, width)


def analyze_json(*args: str) -> str:
    result = run_cli("analyze", *args, "--json")
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in reports are as given: relative ones keep the golden files portable."""
    monkeypatch.chdir(ROOT)


def test_small_fixture_json_and_table() -> None:
    fixtures = FIXTURES.relative_to(ROOT)
    args = (
        str(fixtures / "small.csv"), "--prices", str(fixtures / "book.yaml"),
        "--no-default-prices", "--outcomes", str(fixtures / "mapping.yaml"), "--by", "team",
    )  # fmt: skip
    text = analyze_json(*args)
    check("small.json", text)
    check("small.txt", render(json.loads(text)))


EXAMPLE = ROOT / "examples" / "usage-2026-10.csv"


@pytest.mark.skipif(not EXAMPLE.exists(), reason="example month not generated")
def test_example_month_json_and_table() -> None:
    text = analyze_json("examples/usage-2026-10.csv", "--outcomes", "examples/outcomes.yaml")
    check("example.json", text)
    check("example.txt", render(json.loads(text)))
    # A narrow terminal splits tables by columns instead of cutting figures short.
    check("example-80.txt", render(json.loads(text), width=80))


SOURCES = Path("tests/fixtures/sources")


def test_reconciliation_json_and_table() -> None:
    # usage with its own cost: computed vs reported per model, gap by cause, at 100 columns
    args = (str(SOURCES / "litellm_spendlogs.csv"), str(SOURCES / "openrouter_activity.csv"),
            "--prices", "tests/fixtures/book.yaml", "--no-default-prices")  # fmt: skip
    text = analyze_json(*args)
    check("reconciliation.json", text)
    check("reconciliation.txt", render(json.loads(text), width=100))


def test_estimated_tokens_table() -> None:
    text = analyze_json(str(SOURCES / "text_log.csv"), "--prices", "tests/fixtures/book.yaml",
                        "--no-default-prices")  # fmt: skip
    check("text_log.txt", render(json.loads(text), width=100))


def test_count_json_and_table(tmp_path: Path) -> None:
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Summarise the ticket: the printer on floor 3 is jammed again.")
    args = ("count", str(prompt), "--model", "claude-sonnet-4-5", "--output-tokens", "200",
            "--at", "2026-01-05", "--prices", "tests/fixtures/book.yaml",
            "--no-default-prices")  # fmt: skip
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    document["source"] = "prompt.txt"  # the temp path differs per run
    check("count.json", json.dumps(document, indent=2) + "\n")
    from tokenecon.render.count import render_count

    check("count.txt", render_width(render_count, document, 80))
