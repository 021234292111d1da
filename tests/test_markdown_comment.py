"""The Markdown diff as GitHub renders it: names from the mapping cannot mention anyone, add
HTML, links or images, or break a table, and no image the comment cannot show is embedded
(its chart is Unicode bars; the SVG of --chart is a file for the artifacts)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli, small_report
from markdown_it import MarkdownIt

HOSTILE = "@octocat <img src=x onerror=alert(1)> | [x](https://evil.example) `a`` ![i](y) *b*"


def render(markdown: str) -> str:
    """HTML as GitHub's Markdown makes it (CommonMark and GFM tables; raw HTML allowed, as
    GitHub allows details/summary, and then sanitises)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def outside_code(page: str) -> str:
    return re.sub(r"<(pre|code)>.*?</\1>", "", page, flags=re.S)


@pytest.fixture(scope="module")
def comment(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("comment")
    base = small_report()
    head = json.loads(json.dumps(base))
    for report in (base, head):
        for u in report["use_cases"]:
            if u["name"] == "support-triage":
                u["name"] = HOSTILE
    head["totals"]["cost"] = "9.000000"
    (out / "base.json").write_text(json.dumps(base))
    (out / "head.json").write_text(json.dumps(head))
    chart = out / "diff.svg"
    result = run_cli("diff", str(out / "base.json"), str(out / "head.json"),
                     "--format", "markdown", "--chart", str(chart))  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.stdout, chart


def test_no_image_and_no_local_path_is_embedded(comment: tuple[str, Path]) -> None:
    markdown, chart = comment
    assert chart.read_text().startswith("<svg")  # still written, for the artifacts
    assert str(chart) not in markdown and "diff.svg" not in markdown
    page = render(markdown)
    assert "<img" not in page
    assert "│" in markdown and "change in total cost" in markdown  # the text chart


def test_names_cannot_mention_inject_html_or_links(comment: tuple[str, Path]) -> None:
    markdown, _ = comment
    assert HOSTILE.split()[0] in markdown  # the name is there (in a code block)
    page = outside_code(render(markdown))
    assert not re.search(r"(^|[^\w@])@[A-Za-z0-9]", page), page  # no live @mention
    assert "<img" not in page and "&lt;img src=x" in page  # shown as text, not as an image
    assert "<a " not in page and "<em>" not in page
    tags = set(re.findall(r"</?([a-z0-9]+)", page))
    assert tags <= {"h3", "p", "strong", "details", "summary", "table", "thead", "tbody", "tr",
                    "th", "td", "ul", "li", "br"}, tags  # fmt: skip


def test_tables_keep_their_columns(comment: tuple[str, Path]) -> None:
    markdown, _ = comment
    page = render(markdown)
    for table in re.findall(r"<table>.*?</table>", page, flags=re.S):
        rows = re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)
        widths = {len(re.findall(r"<t[hd][ >]", r)) for r in rows}
        assert len(widths) == 1, table
    assert HOSTILE.replace(" ", "") not in page
