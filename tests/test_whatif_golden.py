"""Golden files of `tokenecon whatif`: the JSON document and the tables (fixed width, no colour).

`UPDATE_GOLDEN=1 pytest tests/test_whatif_golden.py` rewrites them after a deliberate change.
"""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, ROOT, run_cli
from golden_files import check, render_width

from tokenecon.render.whatif import render_whatif


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in documents are as given: relative ones keep the golden files portable."""
    monkeypatch.chdir(ROOT)


def render(document: dict, width: int) -> str:
    return render_width(render_whatif, document, width)


def test_scenario_file_json_and_tables() -> None:
    fixtures = (FIXTURES / "whatif").relative_to(ROOT)
    result = run_cli(
        "whatif", str(fixtures / "usage.csv"), "--prices", str(fixtures / "book.yaml"),
        "--no-default-prices", "--outcomes", str(fixtures / "mapping.yaml"),
        "--scenarios", str(fixtures / "plans.yaml"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    check("whatif.json", result.stdout)
    document = json.loads(result.stdout)
    assert document["schema"] == "tokenecon.whatif/v1"
    check("whatif.txt", render(document, 140))
    # A narrow terminal splits the tables by columns instead of cutting figures short.
    check("whatif-80.txt", render(document, 80))


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
