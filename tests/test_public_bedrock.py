"""Bedrock model invocation logs written by others (tests/fixtures/public/PROVENANCE.md)."""

from __future__ import annotations

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
