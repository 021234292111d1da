"""The value sections in the HTML report: the CEO questions on the first page, the waterfall
drawn to scale, and the page in a real headless Chromium."""

from __future__ import annotations

import base64
import itertools
from pathlib import Path

import pytest
from cdp import Browser, required_chromium
from conftest import FIXTURES, run_cli

VALUE = FIXTURES / "value"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("value") / "value.html"
    result = run_cli(
        "analyze", str(VALUE / "usage.csv"), "--prices", str(FIXTURES / "book.yaml"),
        "--no-default-prices", "--outcomes", str(VALUE / "mapping.yaml"), "--html", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_questions_come_before_the_board_lines(page: Path) -> None:
    html = page.read_text(encoding="utf-8")
    assert html.index("Five questions a CEO should ask") < html.index("Five lines for the board")
    assert "The sticker is 0.3% of the real bill" in html
    assert 'class="n wiped"' in html  # leads: error cost eats the saving


def test_page_in_headless_chromium(page: Path, tmp_path: Path) -> None:
    binary = required_chromium()
    browser = Browser(binary, tmp_path / "profile")
    try:
        browser.open_page()
        browser.load(page)
        questions = browser.evaluate(
            "[...document.querySelectorAll('tr[data-question]')].map(r => r.dataset.question)"
        )
        assert questions == ["real_cost", "integrity", "time_saved", "value_areas", "right_price"]
        # The questions are on the first screen (900 px), above the board lines.
        top = browser.evaluate(
            "document.querySelector('section[aria-label=\"ceo questions\"]')"
            ".getBoundingClientRect().top"
        )
        assert 0 < top < 900
        # Floating bars: each starts where the last ended; together they span the track.
        bars = browser.evaluate(
            "[...document.querySelectorAll('.waterfall .row:not(.total) .bar')].map(b => {"
            " const t = b.parentElement.getBoundingClientRect(), r = b.getBoundingClientRect();"
            " return [(r.left - t.left) / t.width, r.width / t.width]; })"
        )
        assert len(bars) == 7
        for (left, width), (next_left, _) in itertools.pairwise(bars):
            assert abs(left + width - next_left) < 0.01 or width * 1000 < 3  # min-width 2px
        assert abs(bars[4][1] - 0.750 / 1.0066) < 0.01  # $0.75 of $1.0066 per outcome
        assert abs(bars[-1][0] + bars[-1][1] - 1) < 0.01
        shot = browser.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        png = base64.b64decode(shot["data"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
        (tmp_path / "value.png").write_bytes(png)
    finally:
        browser.close()
