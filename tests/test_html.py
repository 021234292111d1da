"""The HTML report: one offline file, escaped names, charts inside; and in a real Chromium."""

from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from cdp import Browser, required_chromium
from conftest import FIXTURES, ROOT, run_cli
from golden_files import check

from tokenecon.render import charts
from tokenecon.render.html import render_html

XSS = "<img src=x onerror=alert(1)>"
MAX_BYTES = 2 * 1024 * 1024


def mask_svg(html: str) -> str:
    """The page with each chart's SVG replaced by its size (its drawing depends on fonts)."""
    return re.sub(r"<svg .*?</svg>", lambda m: f"<svg>[{len(m[0]) // 1000} kB chart]</svg>",
                  html, flags=re.S)  # fmt: skip


@pytest.fixture(scope="module")
def months(example_months: Path) -> dict[str, Any]:
    """The example months' reports and November's page (with October as its trend)."""
    out = example_months
    result = run_cli("report", str(out / "10.json"), str(out / "11.json"), "-o",
                     str(out / "trend.html"))  # fmt: skip
    assert result.exit_code == 0, result.output
    return {"dir": out, "report": json.loads((out / "11.json").read_text())}


def test_example_page_is_small_offline_and_complete(months: dict[str, Any]) -> None:
    page = (months["dir"] / "trend.html").read_text()
    assert len(page.encode()) < MAX_BYTES
    # Nothing to fetch: no script, no external reference; the SVG namespace is a name only.
    assert "<script" not in page
    assert not re.findall(r"(?:src|href)\s*=", page)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "default-src 'none'" in page
    # The five board lines, the charts, the findings, the ladder, the leftovers, print CSS.
    for text in ("Cost per verified outcome", "Direct-allocation share", "Route win rate",
                 "Cache and batch leverage", "Sovereignty hit rate", "unpriced: acme-ft-llama-70b",
                 "Next:</strong> act on the findings", "@media print", "vs 2026-10"):  # fmt: skip
        assert text in page, text
    for chart in ("trend", "layers", "frontier", "spend"):
        assert f'data-chart="{chart}"><svg' in page, chart


def test_analyze_html_is_the_report_command_without_a_trend(months: dict[str, Any]) -> None:
    out = months["dir"]
    run_cli("report", str(out / "11.json"), "-o", str(out / "alone.html"))
    assert (out / "alone.html").read_text() == (out / "11.html").read_text()
    assert 'data-chart="trend"' not in (out / "11.html").read_text()


def test_golden_page_of_the_small_fixture() -> None:
    fixtures = FIXTURES.relative_to(ROOT)
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        result = run_cli(
            "analyze", str(fixtures / "small.csv"), "--prices", str(fixtures / "book.yaml"),
            "--no-default-prices", "--outcomes", str(fixtures / "mapping.yaml"), "--by", "team",
            "--json",
        )  # fmt: skip
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    check("small.html", mask_svg(render_html(json.loads(result.stdout))))


def test_chart_specs_carry_the_numbers(months: dict[str, Any]) -> None:
    report = months["report"]
    spec = charts.layers_chart(report)
    assert spec is not None
    rows = {(r["use case"], r["layer"]): r for r in spec["layer"][0]["data"]["values"]}
    # contract drafting: 1.871875 tasks per outcome against the mapping's 1.5.
    assert rows[("contract-drafting", "design")]["times"] == pytest.approx(1.871875 / 1.5, 1e-6)
    assert rows[("contract-drafting", "design")]["off"] is True
    points = charts.frontier_chart(report)
    assert points is not None
    # The frontier keeps a point only if it is better than every cheaper one.
    front = charts.frontier([
        {"cost per outcome": 1, "outcomes per task": 0.5},
        {"cost per outcome": 2, "outcomes per task": 0.4},
        {"cost per outcome": 3, "outcomes per task": 0.9},
    ])  # fmt: skip
    assert [p["cost per outcome"] for p in front] == [1, 3]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A page whose team, model and use case are all named like an HTML injection."""
    out = tmp_path_factory.mktemp("hostile")
    usage = (FIXTURES / "small.csv").read_text().splitlines()
    row = usage[1].replace("gpt-4.1-mini-2025-04-14", f'"{XSS}"').replace(",support,", f',"{XSS}",')
    (out / "usage.csv").write_text("\n".join([usage[0], *usage[1:], row.replace(",r1,", ",r99,")])
                                   + "\n")  # fmt: skip
    (out / "mapping.yaml").write_text(
        f"use_cases:\n  '{XSS}':\n    match: {{team: '{XSS}'}}\n    outcomes: {{count: 1}}\n"
    )
    result = run_cli(
        "analyze", str(out / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(out / "mapping.yaml"), "--by", "team",
        "--html", str(out / "page.html"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert any(u["name"] == XSS for u in report["use_cases"])
    assert any(m["model"] == XSS for m in report["models"])
    return out / "page.html"


def test_hostile_names_are_escaped(hostile: Path) -> None:
    page = hostile.read_text()
    assert XSS not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.slow
def test_page_in_headless_chromium(months: dict[str, Any], hostile: Path, tmp_path: Path) -> None:
    binary = required_chromium()
    browser = Browser(binary, tmp_path / "profile")
    try:
        browser.open_page()
        for page in (months["dir"] / "trend.html", hostile):
            browser.load_offline(page)
            charts_drawn = browser.charts(".chart svg")
            assert charts_drawn and all(ok and marks > 5 for ok, marks in charts_drawn)
            shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
            png = base64.b64decode(shot["data"])
            assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
            (tmp_path / f"{page.stem}.png").write_bytes(png)
        # The hostile page is the one loaded last: its names are text, not elements.
        assert browser.evaluate("document.images.length") == 0
        assert browser.evaluate(f"document.body.innerText.includes({json.dumps(XSS)})") is True
        assert browser.evaluate("[...document.querySelectorAll('td')].filter(td => "
                                f"td.textContent === {json.dumps(XSS)}).length") >= 2  # fmt: skip
    finally:
        browser.close()


def test_report_command_refuses_other_schemas(tmp_path: Path) -> None:
    (tmp_path / "old.json").write_text(json.dumps({"schema": "tokenecon.report/v0"}))
    result = run_cli("report", str(tmp_path / "old.json"), "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ")
    assert "report schema 'tokenecon.report/v0' is not supported" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_pages_fit_1280_pixels_without_empty_tables_or_local_paths(
    months: dict[str, Any], tmp_path: Path
) -> None:
    """At 1280 px no table scrolls sideways; no table is a lone header; a finding's saving is
    said once; inputs are named by file, not by the folders of whoever ran it."""
    agents = tmp_path / "agents.html"
    sources = FIXTURES / "sources"
    result = run_cli("analyze", str(sources / "claude_code"), str(sources / "codex_cumulative"),
                     str(sources / "codex"), "--html", str(agents))  # fmt: skip
    assert result.exit_code == 0, result.output
    weekly = tmp_path / "weekly.html"
    result = run_cli("analyze", str(FIXTURES / "small.csv"), "--prices",
                     str(FIXTURES / "book.yaml"), "--no-default-prices", "--outcomes",
                     str(FIXTURES / "mapping.yaml"),
                     "--by", "day,team", "--html", str(weekly))  # fmt: skip
    assert result.exit_code == 0, result.output
    pages = [months["dir"] / "trend.html", agents, weekly]
    for page in pages:
        text = page.read_text()
        assert str(FIXTURES) not in text and str(tmp_path) not in text, page.name
        assert "saving up to $181.79" not in text  # the message says "saves up to $181.79"
        assert re.search(r"<table>\s*<thead>(?:(?!<tbody>).)*</thead>\s*<tbody>\s*</tbody>",
                         text, flags=re.S) is None, page.name  # fmt: skip
    assert 'data-chart="daily"' in (months["dir"] / "trend.html").read_text()
    agent_page = agents.read_text()
    assert "Use cases:" not in agent_page and "rung 1 of 0–4" in agent_page
    assert "By day and team (days in UTC)" in weekly.read_text()
    binary = required_chromium()
    browser = Browser(binary, tmp_path / "profile", width=1280, height=900)
    try:
        browser.open_page()
        for page in pages:
            browser.load(page)
            assert browser.evaluate("window.innerWidth") == 1280
            assert browser.evaluate(
                "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
            ), page.name
            wide = browser.evaluate(
                "[...document.querySelectorAll('table, .chart')].filter(t => "
                "t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > "
                "document.querySelector('main').getBoundingClientRect().right + 1).length"
            )
            assert wide == 0, page.name
    finally:
        browser.close()
