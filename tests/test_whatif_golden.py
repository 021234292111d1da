"""Golden files of `tokenecon whatif`: the JSON document and the screens (no colour): on a
terminal of 80, 120 and 140 columns (sentences wrapped), and piped (120 columns, no sentence
wrapped) or piped with --width.

`UPDATE_GOLDEN=1 pytest tests/test_whatif_golden.py` rewrites them after a deliberate change.
"""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, ROOT, run_cli
from golden_files import captured, check

from tokenecon.render.whatif import render_whatif


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in documents are as given: relative ones keep the golden files portable."""
    monkeypatch.chdir(ROOT)


def render(document: dict, width: int) -> str:
    """The screen on a terminal ``width`` columns wide (sentences wrapped)."""
    return captured(width, lambda console: render_whatif(document, console, wrap=True))


def whatif(*args: str) -> str:
    fixtures = (FIXTURES / "whatif").relative_to(ROOT)
    result = run_cli(
        "whatif", str(fixtures / "usage.csv"), "--prices", str(fixtures / "book.yaml"),
        "--no-default-prices", "--outcomes", str(fixtures / "mapping.yaml"),
        "--scenarios", str(fixtures / "plans.yaml"), *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout


def test_scenario_file_json_and_tables() -> None:
    text = whatif("--json")
    check("whatif.json", text)
    document = json.loads(text)
    assert document["schema"] == "tokenecon.whatif/v1"
    check("whatif.txt", render(document, 140))
    # A narrow terminal leaves columns out (named in the caption) instead of cutting
    # figures short or splitting a table.
    check("whatif-80.txt", render(document, 80))
    check("whatif-120.txt", render(document, 120))


def test_piped_is_wide_and_keeps_sentences_whole() -> None:
    piped = whatif()
    check("whatif-piped.txt", piped)
    lines = piped.splitlines()
    # 120 columns: every table whole, and each assumption on one line however long.
    assert max(len(line) for line in lines if line.startswith(("┏", "│"))) <= 120
    assumptions = [line for line in lines if line.startswith("  • ")]
    assert assumptions and max(len(line) for line in assumptions) > 120
    assert all(not line.startswith("    ") for line in lines)  # no continuation lines
    # --width lays the tables out for that many columns, piped too.
    narrow = whatif("--width", "80")
    assert "not shown at 80 columns" in narrow
    assert max(len(line) for line in narrow.splitlines() if line.startswith("│")) <= 80
    assert [x for x in narrow.splitlines() if x.startswith("  • ")] == assumptions


def test_readme_scenario_file_is_valid(tmp_path) -> None:
    import re

    from tokenecon.whatif.scenario_input import load_scenarios

    text = (ROOT / "docs" / "whatif.md").read_text()
    found = re.search(r"## Scenario files\n\n```yaml\n(.+?)```", text, re.S)
    assert found, "docs/whatif.md lost its scenario file example"
    plans = tmp_path / "plans.yaml"
    plans.write_text(found.group(1))
    scenarios = load_scenarios(plans)
    assert [s.name for s in scenarios] == ["right-size", "lean-reviews"]
    assert [lever.kind for lever in scenarios[1].levers] == [
        "trim_prompt", "context_cap", "cache", "batch",
    ]  # fmt: skip
