"""Saved API responses read as usage: OpenAI response objects and Batch API output, Gemini /
Vertex AI responses and batch prediction output, Anthropic messages and batch results
(tests/fixtures/public/responses, PROVENANCE.md). Figures worked out by hand with the default
book; responses without a time are refused by name (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli
from sources import accounted, default_report, fmt, model

PUBLIC = FIXTURES / "public" / "responses"
REFERENCE = PUBLIC / "openai_spec_responses.jsonl"
BATCH = PUBLIC / "openai_batch_output_litellm.jsonl"
BATCH_ERRORS = PUBLIC / "openai_batch_errors_guide.jsonl"
VERTEX_BATCH = PUBLIC / "vertex_batch_output_litellm.jsonl"
VERTEX = PUBLIC / "vertex_generate_content.jsonl"
GEMINI_API = PUBLIC / "gemini_api_response.jsonl"
ANTHROPIC_BATCH = PUBLIC / "anthropic_batch_results_docs.jsonl"
ANTHROPIC_MESSAGE = PUBLIC / "anthropic_message_docs.jsonl"


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _write(path: Path, records: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (REFERENCE, "openai_responses"),
        (BATCH, "openai_batch_output"),
        (BATCH_ERRORS, "openai_batch_output"),
        (VERTEX_BATCH, "vertex_batch_output"),
        (VERTEX, "gemini_responses"),
        (GEMINI_API, "gemini_responses"),
        (ANTHROPIC_BATCH, "anthropic_responses"),
        (ANTHROPIC_MESSAGE, "anthropic_responses"),
    ],
)
def test_each_file_is_detected_without_format(path: Path, name: str) -> None:
    result = run_cli("sources", str(path), "--json")
    assert result.exit_code == 0, result.output
    (found,) = json.loads(result.stdout)["sources"]
    assert found["format"] == name


def test_openai_response_objects_of_the_api_reference() -> None:
    r = default_report(REFERENCE)
    assert fmt(r) == "openai_responses"
    # o1 (Responses API): 81 in, 1035 out of which 832 reasoning; $15 / $60 per 1M:
    # 81 x 15 + 1035 x 60 = 1215 + 62100 = 63315 micro-dollars
    o1 = model(r, "o1")
    assert (o1["tokens"]["uncached_input"], o1["tokens"]["output"]) == (81, 1035)
    assert o1["tokens"]["reasoning"] == 832
    assert o1["cost"] == "0.063315"
    assert r["totals"]["cost"] == "0.063315"
    # gpt-5.4 (a chat.completion, 19 + 10, and a response, 8438 + 398): the examples are
    # dated 2025, the model's first price 2026-03-05: unpriced, never $0
    gpt = model(r, "gpt-5.4")
    assert (gpt["tokens"]["uncached_input"], gpt["tokens"]["output"]) == (19 + 8438, 10 + 398)
    assert gpt["requests"] == 2
    # text_completion of the placeholder model VAR_completion_model_id: 5 + 7, unknown
    var = model(r, "VAR_completion_model_id")
    assert (var["tokens"]["uncached_input"], var["tokens"]["output"]) == (5, 7)
    t = r["totals"]
    assert t["unpriced_tokens"] == 19 + 10 + 8438 + 398 + 5 + 7
    assert (t["rows_read"], t["rows_priced"], t["rows_unpriced"], t["rows_rejected"]) == (
        4,
        1,
        3,
        0,
    )


def test_batch_output_is_priced_at_half_and_failed_lines_are_rejected_at_their_line(
    tmp_path: Path,
) -> None:
    r = default_report(BATCH, BATCH_ERRORS)
    t = r["totals"]
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (20 + 22, 10 + 10)
    # gpt-4o-mini at the batch tier ($0.15 / $0.60 per 1M, x 0.5):
    # (42 x 0.15 + 20 x 0.6) x 0.5 = 18.3 / 2 = 9.15 micro-dollars
    assert t["cost"] == "0.000009"
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (4, 2, 2)
    reason = "error: batch_expired (a failed batch request: no usage, not billed)"
    assert [(row["line"], row["reason"]) for row in r["rejected"]["rows"]] == [
        (1, reason),
        (2, reason),
    ]
    sources = {Path(row["source"]).name for row in r["rejected"]["rows"]}
    assert sources == {"openai_batch_errors_guide.jsonl"}
    # the same bodies saved as plain responses are billed at standard: twice the batch cost
    bodies = _write(tmp_path / "bodies.jsonl", [line["response"]["body"] for line in _lines(BATCH)])
    standard = default_report(bodies)
    assert fmt(standard) == "openai_responses"
    assert standard["totals"]["cost"] == "0.000018"  # 18.3 micro-dollars


def test_a_non_200_line_is_rejected_with_its_status(tmp_path: Path) -> None:
    # an error line as OpenAI writes it (its shape as in tolgee/tolgee-platform's batch poller
    # test): a 400 with an error body, no usage
    failed = (
        '{"id":"batch_req_1","custom_id":"42:100:5","response":{"status_code":400,'
        '"request_id":"req_1","body":{"error":{"message":"Invalid request","type":'
        '"invalid_request_error","code":"invalid_model"}}},"error":null}'
    )
    path = _write(tmp_path / "out.jsonl", [*BATCH.read_text().splitlines(), failed])
    r = default_report(path)
    assert (r["totals"]["rows_priced"], r["totals"]["rows_rejected"]) == (2, 1)
    (row,) = r["rejected"]["rows"]
    assert row["line"] == 3
    assert row["reason"] == "status_code 400 (a failed batch request: no usage, not billed)"


def test_a_broken_line_is_rejected_with_its_file_and_line(tmp_path: Path) -> None:
    lines = REFERENCE.read_text().splitlines()
    broken = lines[2][: len(lines[2]) // 2]  # the o1 response cut short
    path = _write(tmp_path / "responses.jsonl", [lines[0], lines[1], broken, lines[3]])
    r = default_report(path)
    t = r["totals"]
    assert (t["rows_read"], t["rows_rejected"], t["rows_unpriced"]) == (4, 1, 3)
    (row,) = r["rejected"]["rows"]
    assert (Path(row["source"]).name, row["line"]) == ("responses.jsonl", 3)
    assert "not valid JSON" in row["reason"]


def test_the_same_response_twice_counts_once(tmp_path: Path) -> None:
    first, second = BATCH.read_text().splitlines()
    path = _write(tmp_path / "twice.jsonl", [first, second, first])
    r = default_report(path)
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_duplicate"]) == (3, 2, 1)
    assert t["tokens"]["uncached_input"] == 42
    assert r["duplicates"]["ids"] == [
        {"request_id": "chatcmpl-AhjSMl7oZ79yIPHLRYgmgXSixTJr7", "copies": 2}
    ]


def test_vertex_batch_output_at_the_batch_tier() -> None:
    r = default_report(VERTEX_BATCH)
    assert fmt(r) == "vertex_batch_output"
    t = r["totals"]
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (9 + 9, 10 + 9)
    # gemini-2.5-flash-lite ($0.10 / $0.40 per 1M) at batch (x 0.5):
    # (18 x 0.1 + 19 x 0.4) x 0.5 = 9.4 / 2 = 4.7 micro-dollars
    assert t["cost"] == "0.000005"
    assert (t["rows_read"], t["rows_priced"]) == (2, 2)


def test_a_failed_vertex_batch_line_is_rejected_with_its_status(tmp_path: Path) -> None:
    # a failed line as Vertex writes it: the status says why, the response is empty
    failed = {
        "status": "Bad Request: 400 INVALID_ARGUMENT",
        "processed_time": "2025-09-19T21:29:47.360+00:00",
        "request": {"contents": [{"parts": [{"text": "Hello world!"}], "role": "user"}]},
        "response": {},
    }
    path = _write(tmp_path / "predictions.jsonl", [*VERTEX_BATCH.read_text().splitlines(), failed])
    r = default_report(path)
    assert (r["totals"]["rows_priced"], r["totals"]["rows_rejected"]) == (2, 1)
    (row,) = r["rejected"]["rows"]
    assert row["line"] == 3
    assert row["reason"].startswith("status: Bad Request: 400 INVALID_ARGUMENT")


def test_a_vertex_response_reads_its_create_time() -> None:
    r = default_report(VERTEX)
    assert fmt(r) == "gemini_responses"
    t = r["totals"]
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (13, 40)
    assert r["period"]["start"] == "2025-06-18"
    # gemini-2.0-flash-001 is not in the default book: unpriced, with its tokens
    assert (t["rows_unpriced"], t["unpriced_tokens"]) == (1, 53)


@pytest.mark.parametrize(
    ("path", "name"),
    [
        (GEMINI_API, "gemini_responses"),
        (ANTHROPIC_BATCH, "anthropic_responses"),
        (ANTHROPIC_MESSAGE, "anthropic_responses"),
    ],
)
@pytest.mark.parametrize("forced", [False, True])
def test_responses_without_a_time_are_refused_by_name(path: Path, name: str, forced: bool) -> None:
    extra = ["--format", name] if forced else []
    result = run_cli("analyze", str(path), "--json", *extra)
    assert result.exit_code == 2, result.output
    assert f"format {name}: no line carries a time" in result.output
    assert "`timestamp` field on its line" in result.output
    assert "docs/sources.md" in result.output


def test_gemini_api_responses_read_once_each_line_has_a_timestamp(tmp_path: Path) -> None:
    (line,) = _lines(GEMINI_API)
    path = _write(tmp_path / "gemini.jsonl", [{"timestamp": "2025-11-02T10:00:00Z", **line}])
    r = default_report(path)
    tokens = r["totals"]["tokens"]
    # the response's own total: 12 + 87 + 156 = 255; output = candidates + thoughts
    assert (tokens["uncached_input"], tokens["output"], tokens["reasoning"]) == (12, 243, 156)
    assert tokens["billable"] == 255
    # gemini-2.5-flash: $0.30 / $2.50 per 1M: 12 x 0.3 + 243 x 2.5 = 3.6 + 607.5 = 611.1
    assert r["totals"]["cost"] == "0.000611"


def test_anthropic_batch_results_read_once_each_line_has_a_timestamp(tmp_path: Path) -> None:
    lines = [{"timestamp": "2025-11-05T08:00:00Z", **r} for r in _lines(ANTHROPIC_BATCH)]
    errored = {
        "timestamp": "2025-11-05T08:00:00Z",
        "custom_id": "my-third-request",
        "result": {"type": "errored", "error": {"type": "invalid_request_error"}},
    }
    r = accounted(default_report(_write(tmp_path / "results.jsonl", [*lines, errored])))
    t = r["totals"]
    # exclusive input: 11 + 10 in, 36 + 34 out
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (21, 70)
    # claude-sonnet-4-5 ($3 / $15 per 1M) at batch (x 0.5):
    # (21 x 3 + 70 x 15) x 0.5 = 1113 / 2 = 556.5 micro-dollars, shown to the micro-dollar
    assert t["cost"] == "0.000557"
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (3, 2, 1)
    (row,) = r["rejected"]["rows"]
    assert (row["line"], row["reason"]) == (3, "result: errored (no usage, not billed)")


def test_the_service_tier_of_a_response_is_priced_as_the_book_has_it(tmp_path: Path) -> None:
    # the two real bodies, their service_tier set (ours) to priority and to flex
    bodies = [line["response"]["body"] for line in _lines(BATCH)]
    pairs = zip(bodies, ("priority", "flex"), strict=True)
    tiers = [{**body, "service_tier": tier} for body, tier in pairs]
    r = default_report(_write(tmp_path / "tiers.jsonl", tiers))
    # gpt-4o-mini priority ($0.25 / $1.00 per 1M): 20 x 0.25 + 10 x 1 = 15 micro-dollars;
    # the book has no flex price for it: standard, 22 x 0.15 + 10 x 0.6 = 9.3; 24.3 in all
    assert r["totals"]["cost"] == "0.000024"
    (finding,) = [f for f in r["findings"] if f["metric"] == "tier_billed_at_standard"]
    assert "flex on gpt-4o-mini (1 requests)" in finding["message"]


def test_audio_tokens_are_taken_out_of_the_text_buckets(tmp_path: Path) -> None:
    # a real body with audio counts set (ours): 5 of the 20 prompt tokens, 3 of the 10 output
    body = _lines(BATCH)[0]["response"]["body"]
    usage = body["usage"]
    usage["prompt_tokens_details"]["audio_tokens"] = 5
    usage["completion_tokens_details"]["audio_tokens"] = 3
    r = default_report(_write(tmp_path / "audio.jsonl", [body]))
    tokens = r["totals"]["tokens"]
    assert (tokens["uncached_input"], tokens["output"]) == (15, 7)
    notes = r["inputs"]["usage"][0]["notes"]
    assert any(n.startswith("audio tokens") and "not priced" in n for n in notes)


def test_a_file_forced_into_a_response_format_it_is_not_is_refused_as_such() -> None:
    # OpenAI responses forced through the Gemini reader: not "no line carries a time"
    result = run_cli("analyze", str(REFERENCE), "--format", "gemini_responses")
    assert result.exit_code == 2, result.output
    assert "no line carries a time" not in result.output
    assert "--format gemini_responses" in result.output
