"""LiteLLM spend logs in the shapes LiteLLM writes them.

LiteLLM's ``Usage`` splits Anthropic's cache writes by retention in
``prompt_tokens_details.cache_creation_token_details`` (``ephemeral_5m_input_tokens``,
``ephemeral_1h_input_tokens``: BerriAI/litellm, ``litellm/types/utils.py``,
``PromptTokensDetailsWrapper``, "Used for tracking 5m/1h cache creation tokens for Anthropic
prompt caching"); the spend log keeps that object as ``metadata.usage_object``. Prices per 1M,
default book: claude-sonnet-4-5 $3 input / $0.30 cache read / $3.75 5-minute write / $6 1-hour
write / $15 output."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES
from sources import default_report as report

ROW = json.loads((FIXTURES / "sources" / "litellm_spendlogs.json").read_text())[0]


def test_one_hour_cache_writes_are_priced_at_the_one_hour_rate(tmp_path: Path) -> None:
    usage = {
        "prompt_tokens": 60, "completion_tokens": 5, "total_tokens": 65,
        "cache_read_input_tokens": 20, "cache_creation_input_tokens": 30,
        "prompt_tokens_details": {
            "cached_tokens": 20, "cache_creation_tokens": 30,
            "cache_creation_token_details": {
                "ephemeral_5m_input_tokens": 18, "ephemeral_1h_input_tokens": 12,
            },
        },
    }  # fmt: skip
    row = {**ROW, "prompt_tokens": 60, "completion_tokens": 5, "total_tokens": 65,
           "metadata": {"usage_object": usage}}  # fmt: skip
    logs = tmp_path / "spend_logs.json"
    logs.write_text(json.dumps([row]))
    r = report(logs)
    assert r["inputs"]["usage"][0]["format"] == "litellm_spendlogs"
    t = r["totals"]
    assert (t["tokens"]["uncached_input"], t["tokens"]["cache_read"]) == (10, 20)
    assert (t["tokens"]["cache_write"], t["tokens"]["cache_write_1h"]) == (18, 12)
    # 10*3 + 20*0.3 + 18*3.75 + 12*6 + 5*15 = 30 + 6 + 67.5 + 72 + 75 = 250.5 per 1M; all 30
    # writes at the 5-minute rate gave 223.5 ($0.000224)
    assert t["cost"] == "0.000251"


def test_writes_without_a_retention_split_stay_five_minute(tmp_path: Path) -> None:
    logs = tmp_path / "spend_logs.json"
    logs.write_text(json.dumps([ROW]))
    t = report(logs)["totals"]
    assert (t["tokens"]["cache_write"], t["tokens"]["cache_write_1h"]) == (0, 0)
    assert t["tokens"]["cache_read"] == 2048
