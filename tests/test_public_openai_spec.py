"""The response examples of OpenAI's own API specification (openai/openai-openapi, `openapi.yaml`,
commit f85dbe2): one page per Usage API endpoint and the Costs API page, verbatim
(tests/fixtures/public/PROVENANCE.md). Prices per 1M tokens, default book: gpt-4o $2.50 input
(also its cache writes: the book has no write rate) / $1.25 cache read / $10 output."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli
from sources import default_report as report

P = FIXTURES / "public" / "openai"


def test_a_completions_page_split_by_modality_prices_only_the_text() -> None:
    # input_tokens 1,000 = 500 uncached (400 text + 50 audio + 50 image) + 400 cached
    # (300 text + 50 audio + 50 image) + 100 cache writes; output 500 = 400 text + 50 + 50
    r = report(P / "spec_completions.json")
    t = r["totals"]
    assert (t["rows_read"], t["requests"]) == (1, 5)
    assert t["tokens"]["uncached_input"] == 400 and t["tokens"]["cache_read"] == 300
    assert (t["tokens"]["cache_write"], t["tokens"]["output"]) == (100, 400)
    notes = r["inputs"]["usage"][0]["notes"]
    assert any("input_audio_tokens" in n and "not priced" in n for n in notes)
    # model null (no group_by): kept, unpriced, never $0 as if free
    assert [m["model"] for m in r["models"]] == ["(all models)"]
    assert (t["rows_unpriced"], t["unpriced_tokens"]) == (1, 1200)


def test_the_audio_and_image_tokens_of_a_priced_model_are_not_priced_as_text(
    tmp_path: Path,
) -> None:
    page = tmp_path / "grouped.json"
    raw = (P / "spec_completions.json").read_text()
    page.write_text(raw.replace('"model": null', '"model": "gpt-4o-2024-08-06"'))
    t = report(page)["totals"]
    # 400*2.5 + 300*1.25 + 100*2.5 + 400*10 = 1000 + 375 + 250 + 4000 = 5625 per 1M; reading
    # input_tokens whole priced the 200 audio and image tokens as text: $0.007000
    assert (t["cost"], t["rows_priced"]) == ("0.005625", 1)


@pytest.mark.parametrize("endpoint", ["embeddings", "moderations"])
def test_embeddings_and_moderations_pages_are_input_tokens(endpoint: str) -> None:
    r = report(P / f"spec_{endpoint}.json")
    assert r["inputs"]["usage"][0]["format"] == "openai_embeddings_api"
    t = r["totals"]
    assert (t["rows_read"], t["requests"], t["tokens"]["uncached_input"]) == (1, 2, 16)
    assert (t["tokens"]["output"], t["rows_unpriced"], t["unpriced_tokens"]) == (0, 1, 16)


@pytest.mark.parametrize(
    ("endpoint", "counts"),
    [
        ("audio_speeches", "characters"),
        ("audio_transcriptions", "seconds"),
        ("images", "images"),
        ("vector_stores", "bytes stored"),
        ("code_interpreter_sessions", "sessions"),
        ("file_search_calls", "file search calls"),
        ("web_search_calls", "web search calls"),
    ],
)
def test_pages_of_endpoints_without_tokens_are_refused(endpoint: str, counts: str) -> None:
    result = run_cli("analyze", str(P / f"spec_{endpoint}.json"), "--json")
    assert result.exit_code == 2
    assert f"it counts {counts}, not tokens" in result.output
    assert "Hint:" in result.output and "/v1/organization/costs" in result.output


def test_an_ungrouped_costs_page_keeps_its_dollars() -> None:
    r = report(P / "spec_costs.json")
    assert r["inputs"]["usage"][0]["format"] == "openai_costs_api"
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["cost"]) == (1, 1, "0.060000")
    assert [m["model"] for m in r["models"]] == ["(all models)"]
