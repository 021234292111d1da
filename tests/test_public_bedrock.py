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
