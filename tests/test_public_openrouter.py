"""An OpenRouter ``/api/v1/generation`` response written by others
(tests/fixtures/public/PROVENANCE.md): meta-llama/llama-4-scout-17b-16e-instruct served by
DeepInfra, 64 native prompt and 98 native completion tokens, total_cost $0.00003452 (= 64 x
$0.08 + 98 x $0.30 per 1M: the native counts are the billed ones). The default book has no
price for the model, so the reported cost prices it."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import FIXTURES
from sources import default_report as report

SAMPLE = FIXTURES / "public" / "openrouter" / "generation_llama4_scout.json"


def test_a_generation_response_reads_its_native_counts_and_cost() -> None:
    r = report(SAMPLE)
    assert r["inputs"]["usage"][0]["format"] == "openrouter_generation_json"
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["requests"]) == (1, 1, 1)
    # native counts (64 / 98), not OpenRouter's normalized 65 / 116
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (64, 98)
    assert t["cost"] == t["reported_cost"] == "0.000035"
    assert r["models"][0]["cost_source"] == "reported"


def test_bare_and_byok_generations_one_per_line(tmp_path: Path) -> None:
    data = json.loads(SAMPLE.read_text())["data"]
    byok = {**data, "id": "gen-b", "is_byok": True, "upstream_inference_cost": 0.0001}
    lines = tmp_path / "generations.jsonl"
    lines.write_text(json.dumps(data) + "\n" + json.dumps(byok) + "\n")
    t = report(lines)["totals"]
    assert (t["rows_read"], t["requests"], t["tokens"]["output"]) == (2, 2, 196)
    # 0.00003452 + (0.00003452 + 0.0001 paid to the provider on the BYOK one) = 0.00016904
    assert t["reported_cost"] == "0.000169"
