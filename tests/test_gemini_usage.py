"""Gemini usage as a table of usageMetadata fields: thinking is counted apart from the answer
and billed as output (tests/fixtures/public/gemini, PROVENANCE.md)."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from sources import default_report

from tokenecon.ingest.formats import detect_format
from tokenecon.ingest.sources import expand_sources

FIREBASE = FIXTURES / "public" / "gemini" / "firebase_template_usage.csv"


def test_thoughts_are_output_beside_the_candidates() -> None:
    r = default_report(FIREBASE)
    tokens = r["totals"]["tokens"]
    # the response's own total: 34 + 418 + 438 = 890
    assert (tokens["uncached_input"], tokens["output"], tokens["reasoning"]) == (34, 856, 438)
    assert tokens["billable"] == 890
    # gemini-3-flash-preview: $0.50 input, $3.00 output per 1M: 34 x 0.5 + 856 x 3 = 2585
    assert r["totals"]["cost"] == "0.002585"
    assert r["inputs"]["usage"][0]["format"] == "gemini_usage_csv"


def test_snake_case_names_of_the_python_sdk(tmp_path: Path) -> None:
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model_version,prompt_token_count,cached_content_token_count,"
        "candidates_token_count,thoughts_token_count\n"
        "2026-10-01T09:00:00Z,gemini-3-flash-preview,5000,4200,30,12\n"
    )
    (source,) = expand_sources([str(usage)])
    assert detect_format(source).name == "gemini_usage_csv"
    r = default_report(usage)
    tokens = r["totals"]["tokens"]
    # prompt includes the cached content: 800 uncached + 4200 read; output 30 + 12
    assert (tokens["uncached_input"], tokens["cache_read"], tokens["output"]) == (800, 4200, 42)
    # 800 x 0.5 + 4200 x 0.05 + 42 x 3 = 400 + 210 + 126 = 736 per 1M
    assert r["totals"]["cost"] == "0.000736"
