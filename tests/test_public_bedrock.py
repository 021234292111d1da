"""Bedrock model invocation logs written by others (tests/fixtures/public/PROVENANCE.md)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES
from sources import default_report as report

P = FIXTURES / "public" / "bedrock"


def test_a_pretty_printed_converse_stream_log_of_a_model_the_book_lacks() -> None:
    r = report(P / "nova_lite_converse_stream.json")
    assert r["inputs"]["usage"][0]["format"] == "bedrock_invocation_log"
    t = r["totals"]
    assert (t["rows_read"], t["requests"]) == (1, 1)
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (4, 38)
    assert (t["tokens"]["cache_read"], t["tokens"]["cache_write"]) == (0, 0)
    # amazon.nova-lite-v1:0 has no price in the default book: unpriced, never $0 as if free
    assert [m["model"] for m in r["models"]] == ["amazon.nova-lite-v1:0"]
    assert (t["rows_unpriced"], t["unpriced_tokens"]) == (1, 42)
    assert t["cost"] == "0.000000"


def test_a_model_id_logged_as_an_inference_profile_arn_is_priced() -> None:
    # Claude Code on Bedrock: modelId is the system inference profile's ARN. It was kept whole
    # as the model, which no price matches: 6,396 tokens unpriced, $0.00
    r = report(P / "claude_code_opus_profile_arn.json")
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["unpriced_tokens"]) == (1, 1, 0)
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (5757, 639)
    # us.anthropic.claude-opus-4-6-v1, a geographic (us.) profile: the default book prices it
    # at AWS's regional rate, $5.50 in / $27.50 out per 1M (10% over the global $5 / $25):
    # 5,757 x 5.5 + 639 x 27.5 = 31,663.5 + 17,572.5 = 49,236 per 1M
    assert t["cost"] == "0.049236"
    assert any("tags.model_arn" in n for n in r["inputs"]["usage"][0]["notes"])


def test_a_foundation_model_arn_and_an_application_profile(tmp_path: Path) -> None:
    log = json.loads((P / "claude_code_opus_profile_arn.json").read_text())
    # a foundation-model ARN (no account): the model id inside it, anthropic.claude-opus-4-6-v1,
    # at the global $5 / $25: 5,757 x 5 + 639 x 25 = 28,785 + 15,975 = 44,760 per 1M
    log["modelId"] = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-opus-4-6-v1"
    # an application inference profile's id is opaque: kept whole, unpriced (never $0 as free)
    other = dict(
        log,
        requestId="c91de5d3-2",
        modelId=("arn:aws:bedrock:us-east-2:111111111111:application-inference-profile/abc123"),
    )
    path = tmp_path / "logs.jsonl"
    path.write_text(json.dumps(log) + "\n" + json.dumps(other) + "\n")
    r = report(path)
    t = r["totals"]
    assert (t["rows_priced"], t["rows_unpriced"], t["unpriced_tokens"]) == (1, 1, 6396)
    assert t["cost"] == "0.044760"


# 1-hour cache writes. The log's cacheWriteInputTokenCount counts 5-minute and 1-hour writes
# together; the response body it keeps splits them. Anthropic models bill a 1-hour write at 2x
# input, a 5-minute one at 1.25x. global.anthropic.claude-sonnet-4-6 in the default book
# (anthropic.claude-sonnet-4-6, AWS's list price), per 1M tokens: input 3, cache read 0.30,
# cache write 5m 3.75, cache write 1h 6, output 15.
INVOKE = P / "invoke_model_sonnet46_1h_write.json"
CONVERSE = P / "converse_stream_sonnet46_mixed_ttl.json"


def tokens(r: dict) -> tuple[int, ...]:
    t = r["totals"]["tokens"]
    return tuple(t[k] for k in ("uncached_input", "cache_read", "cache_write", "cache_write_1h",
                                "output"))  # fmt: skip


def lines(tmp_path: Path, *logs: dict) -> Path:
    path = tmp_path / "logs.jsonl"
    path.write_text("".join(json.dumps(log) + "\n" for log in logs))
    return path


def test_an_invoke_model_log_prices_its_1h_cache_writes_at_the_1h_rate() -> None:
    # InvokeModel of an Anthropic model: the body is a Messages response whose
    # usage.cache_creation says all 2,403 written tokens went to the 1-hour cache
    r = report(INVOKE)
    assert tokens(r) == (9, 0, 0, 2403, 23)
    # 9 x 3 + 2,403 x 6 + 23 x 15 = 27 + 14,418 + 345 = 14,790 per 1M. Read as 5-minute writes
    # (as before): 27 + 2,403 x 3.75 + 345 = 27 + 9,011.25 + 345 = 9,383.25, $0.009383 (-37%)
    assert r["totals"]["cost"] == "0.014790"
    assert r["totals"]["rows_rejected"] == 0
    assert any("5-minute / 1-hour" in n for n in r["inputs"]["usage"][0]["notes"])


def test_a_converse_stream_log_splits_its_writes_by_cache_details() -> None:
    # Converse / ConverseStream: usage.cacheDetails, 1h 1,547 + 5m 1,823 = the log's 3,370
    r = report(CONVERSE)
    assert tokens(r) == (4, 0, 1823, 1547, 38)
    # 4 x 3 + 1,823 x 3.75 + 1,547 x 6 + 38 x 15 = 12 + 6,836.25 + 9,282 + 570 = 16,700.25
    # per 1M. All at the 5-minute rate (as before): 12 + 3,370 x 3.75 + 570 = 13,219.5
    assert r["totals"]["cost"] == "0.016700"


def test_a_log_whose_body_splits_nothing_prices_every_write_at_the_5m_rate(
    tmp_path: Path,
) -> None:
    # text data delivery off: no body; a body without cacheDetails (a model or a request
    # without 1-hour caching): both keep the log's one count in the 5-minute bucket
    invoke, converse = json.loads(INVOKE.read_text()), json.loads(CONVERSE.read_text())
    del invoke["output"]["outputBodyJson"]
    del converse["output"]["outputBodyJson"]["usage"]["cacheDetails"]
    r = report(lines(tmp_path, invoke, converse))
    assert tokens(r) == (13, 0, 2403 + 3370, 0, 61)
    # the figures before: 9,383.25 + 13,219.5 = 22,602.75 per 1M
    assert r["totals"]["cost"] == "0.022603"


def test_a_streamed_body_and_a_body_that_gives_only_the_1h_writes(tmp_path: Path) -> None:
    # InvokeModelWithResponseStream logs its body as the list of stream chunks: the usage with
    # cache_creation is in the message_start chunk (message_stop's invocation metrics do not
    # split the writes)
    streamed = json.loads(INVOKE.read_text())
    body = streamed["output"]["outputBodyJson"]
    usage = body.pop("usage")
    streamed["operation"] = "InvokeModelWithResponseStream"
    streamed["output"]["outputBodyJson"] = [
        {"type": "message_start", "message": {**body, "usage": {**usage, "output_tokens": 1}}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "."}},
        {"type": "message_delta", "usage": {"output_tokens": 23}},
        {"type": "message_stop", "amazon-bedrock-invocationMetrics": {
            "inputTokenCount": 9, "outputTokenCount": 23, "cacheWriteInputTokenCount": 2403}},
    ]  # fmt: skip
    # only the 1-hour figure: the 5-minute writes are the log's count less it
    hour_only = json.loads(INVOKE.read_text())
    hour_only["requestId"] = "7487ab04-2"
    hour_only["output"]["outputBodyJson"]["usage"]["cache_creation"] = {
        "ephemeral_1h_input_tokens": 403
    }
    r = report(lines(tmp_path, streamed, hour_only))
    # 1h: 2,403 + 403 = 2,806; 5m: 0 + (2,403 - 403) = 2,000
    assert tokens(r) == (18, 0, 2000, 2806, 46)
    # 18 x 3 + 2,000 x 3.75 + 2,806 x 6 + 46 x 15 = 54 + 7,500 + 16,836 + 690 = 25,080
    assert r["totals"]["cost"] == "0.025080"


def test_a_split_that_does_not_add_up_to_the_logged_count_is_rejected(tmp_path: Path) -> None:
    converse = json.loads(CONVERSE.read_text())
    wrong_sum = dict(converse, requestId="2", input=dict(converse["input"]))
    wrong_sum["input"]["cacheWriteInputTokenCount"] = 3000  # 1,547 + 1,823 = 3,370
    too_many = json.loads(INVOKE.read_text())
    too_many["output"]["outputBodyJson"]["usage"]["cache_creation"] = {
        "ephemeral_1h_input_tokens": 5000  # more than the log's 2,403 writes
    }
    path = lines(tmp_path, converse, wrong_sum, too_many)
    r = report(path)
    assert (r["totals"]["rows_priced"], r["totals"]["rows_rejected"]) == (1, 2)
    assert [(x["source"], x["line"], x["reason"]) for x in r["rejected"]["rows"]] == [
        (str(path), 2, "output.outputBodyJson usage: cache writes 5m 1823 + 1h 1547 = 3370, "
                       "not input.cacheWriteInputTokenCount 3000"),
        (str(path), 3, "output.outputBodyJson usage: 1h cache writes 5000 exceed "
                       "input.cacheWriteInputTokenCount 2403"),
    ]  # fmt: skip
    assert r["totals"]["cost"] == "0.016700"  # the first line alone
