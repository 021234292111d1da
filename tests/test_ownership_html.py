"""The ownership section of the HTML report: the showback chart, a burn-down per budget, the
tables, escaped names; and the page in a real headless Chromium like the rest."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from cdp import Browser, required_chromium
from conftest import FIXTURES, ROOT, run_cli
from golden_files import check
from test_html import XSS, mask_svg

from tokenecon.render.html import render_html
from tokenecon.render.ownership_charts import burndown_points


def section(page: str) -> str:
    found = re.search(r'<section aria-label="ownership">.*?</section>', page, flags=re.S)
    assert found, "no ownership section"
    return found[0]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("owners")
    page = out / "owners.html"
    result = run_cli(
        "analyze", str(ROOT / "examples" / "usage-2026-10.csv"), "--outcomes",
        str(ROOT / "examples" / "owners" / "ownership.yaml"), "--html", str(page), "--json", "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return {"page": page, "report": json.loads(result.stdout)}


def test_example_page_has_the_ownership_section(example: dict[str, Any]) -> None:
    page = example["page"].read_text()
    part = section(page)
    assert 'data-chart="showback"><svg' in part
    assert part.count('data-chart="burndown"><svg') == len(example["report"]["budgets"]["budgets"])
    for text in ("Customer Care", "dana.okafor@acme.example", "proportional to direct requests",
                 "fixed: Engineering 50%, Sales 30%, Legal 20%", "Budgets: alerts, never caps",
                 "2026-10-15", "People by role tier", "starved"):  # fmt: skip
        assert text in part, text
    assert "<script" not in page


def test_burndown_points_follow_the_projection(example: dict[str, Any]) -> None:
    quarter = next(b for b in example["report"]["budgets"]["budgets"] if b["period"] == "quarter")
    points = burndown_points(quarter)
    actual = [p for p in points if p["kind"] == "actual"]
    projected = [p for p in points if p["kind"] == "projected"]
    assert actual[-1]["day"] == "2026-10-31" and projected[0]["day"] == "2026-10-31"
    assert projected[-1]["day"] == "2026-12-31"
    assert actual[-1]["spent"] == pytest.approx(float(quarter["spent"]))
    assert projected[-1]["spent"] == pytest.approx(float(quarter["projected"]))


def test_golden_section_of_the_small_fixture() -> None:
    fixtures = FIXTURES.relative_to(ROOT)
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        result = run_cli(
            "analyze", str(fixtures / "small.csv"), "--prices", str(fixtures / "book.yaml"),
            "--no-default-prices", "--outcomes", str(fixtures / "ownership" / "mapping.yaml"),
            "--json", "-q",
        )  # fmt: skip
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    check("ownership-small.html", mask_svg(section(render_html(json.loads(result.stdout)))))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hostile-owner")
    mapping = (
        (FIXTURES / "mapping.yaml")
        .read_text()
        .replace("outcomes/", str(FIXTURES / "outcomes") + "/")
    )
    mapping += (
        f"domains:\n  '{XSS}': {{owner: '{XSS}', use_cases: [code-review]}}\n"
        f"shared_costs:\n  '{XSS}': {{amount: 5, allocate: even}}\n"
        f"budgets:\n  - {{domain: '{XSS}', amount: 1}}\n"
    )
    (out / "mapping.yaml").write_text(mapping)
    page = out / "page.html"
    result = run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(out / "mapping.yaml"), "--html", str(page), "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return page


def test_hostile_domain_names_are_escaped(hostile: Path) -> None:
    page = hostile.read_text()
    assert XSS not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in section(page)


@pytest.mark.slow
def test_ownership_page_in_headless_chromium(
    example: dict[str, Any], hostile: Path, tmp_path: Path
) -> None:
    binary = required_chromium()
    browser = Browser(binary, tmp_path / "profile")
    try:
        browser.open_page()
        for page in (example["page"], hostile):
            browser.load_offline(page)
            drawn = browser.charts("section[aria-label=ownership] .chart svg")
            assert drawn and all(ok and marks > 3 for ok, marks in drawn)
        assert browser.evaluate("document.images.length") == 0
        assert browser.evaluate(f"document.body.innerText.includes({json.dumps(XSS)})") is True
    finally:
        browser.close()
