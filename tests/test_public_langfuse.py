"""Langfuse observations with the usage types of Langfuse's own price list.

langfuse/langfuse, ``worker/src/constants/default-model-prices.json`` (commit
00e25def4ae8d0ddf27f118c9495752efa631fed), prices Claude usage under the keys ``input``,
``input_tokens``, ``output``, ``output_tokens``, ``cache_creation_input_tokens``,
``input_cache_creation``, ``input_cache_creation_5m``, ``input_cache_creation_1h`` ($6/1M on
claude-3-5-sonnet: twice input), ``cache_read_input_tokens``, ``input_cached_tokens`` and
``input_cache_read``, each on its own, summed. An instrumentation that writes Anthropic's own
names (``input_tokens``, ``cache_creation_input_tokens``...) or splits writes by retention
(``input_cache_creation_5m``/``_1h``) was read as no input, no output and no 1-hour writes.
Prices per 1M, default book: claude-sonnet-4-5 $3 input / $0.30 read / $3.75 5-minute write / $6
1-hour write / $15 output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from sources import default_report as report

FIRST = json.loads(
    (FIXTURES / "sources" / "langfuse_observations.jsonl").read_text().splitlines()[0]
)


@pytest.mark.parametrize(
    "usage",
    [
        # Anthropic's own names, writes split by retention
        {"input_tokens": 100, "output_tokens": 50, "cache_read_input_tokens": 2000,
         "input_cache_creation_5m": 400, "input_cache_creation_1h": 600},
        # Langfuse's names, the 5-minute writes under the older key
        {"input": 100, "output": 50, "input_cache_read": 2000,
         "cache_creation_input_tokens": 400, "input_cache_creation_1h": 600},
    ],
)  # fmt: skip
def test_every_usage_type_of_langfuses_price_list_is_a_bucket(
    tmp_path: Path, usage: dict[str, int]
) -> None:
    details = {**usage, "total": 3150}
    row = {**FIRST, "provided_model_name": "claude-sonnet-4-5-20250929",
           "usage_details": details, "cost_details": {}, "total_cost": None}  # fmt: skip
    export = tmp_path / "observations.jsonl"
    export.write_text(json.dumps(row) + "\n")
    t = report(export)["totals"]
    assert t["tokens"] == {
        "uncached_input": 100, "cache_read": 2000, "cache_write": 400, "cache_write_1h": 600,
        "output": 50, "reasoning": 0, "billable": 3150,
    }  # fmt: skip
    # 100*3 + 2000*0.3 + 400*3.75 + 600*6 + 50*15 = 300 + 600 + 1500 + 3600 + 750 = 6750
    assert (t["rows_priced"], t["cost"]) == (1, "0.006750")


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def test_a_saved_api_page_of_observations_reads_as_the_export(tmp_path: Path) -> None:
    # GET /api/public/observations (and its v2) answer {"data": [observation...], "meta": {..}}
    # in camelCase: refused before as "no timestamp column (found: data, meta)"
    lines = (FIXTURES / "sources" / "langfuse_observations.jsonl").read_text().splitlines()
    data = [{_camel(k): v for k, v in json.loads(line).items()} for line in lines]
    page = tmp_path / "observations_page.json"
    page.write_text(json.dumps({"data": data, "meta": {"page": 1, "totalPages": 1}}))
    paged = report(page)
    assert paged["inputs"]["usage"][0]["format"] == "langfuse_observations"
    flat = report(FIXTURES / "sources" / "langfuse_observations.jsonl")
    # the SPAN is no model call: 2 GENERATIONs, the same figures as the flat export
    assert paged["totals"] == flat["totals"]
    assert (paged["totals"]["rows_read"], paged["totals"]["cost"]) == (2, "0.010850")


DAILY = FIXTURES / "public" / "langfuse" / "langshark_metrics_daily.json"


def test_a_saved_daily_metrics_page_reads_per_day_and_model() -> None:
    # LangShark's (a Langfuse deployment) documented response of GET /api/public/metrics/daily:
    # refused before as "no timestamp column (found: data, meta)" with a hint to --map one
    r = report(DAILY)
    assert r["inputs"]["usage"][0]["format"] == "langfuse_daily_metrics"
    t = r["totals"]
    # 2 + 7 model entries; the two null-model entries (0 usage, $0: spans) are no usage rows
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (9, 9, 0)
    # countObservations of the model entries: 1 + 6 + 2 + 33 + 33 + 18 + 33 + 27 + 49
    assert t["requests"] == 202
    # inputUsage: 23 + 258 + 2158 + 84845 + 85200 + 40114 + 76410 + 59472 + 173354
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (521_834, 38_520)
    # the days' totalCost: 0.068223 + 0.86053464 = 0.92875764
    assert t["reported_cost"] == t["cost"] == "0.928758"
    sonnet = next(m for m in r["models"] if m["model"].startswith("anthropic.claude-3-5-sonnet"))
    # 2181 in, 1904 out at $3 / $15 per 1M = 0.035103, what Langfuse reported (0.005184 +
    # 0.029919): the input has no cache tokens to hide here
    assert (sonnet["cost"], sonnet["cost_source"]) == ("0.035103", "computed")
    groq = next(m for m in r["models"] if m["model"] == "llama-3.1-70b-versatile")
    assert (groq["cost"], groq["cost_source"]) == ("0.192387", "reported")  # 0.063039+0.129348
    notes = r["inputs"]["usage"][0]["notes"]
    assert any("cannot be split" in n for n in notes)


@pytest.mark.parametrize("shape", ["jsonl", "array"])
def test_daily_metrics_pages_one_per_line_or_in_an_array(tmp_path: Path, shape: str) -> None:
    # the page split in two (a page per day), saved one per line or as a JSON array
    page = json.loads(DAILY.read_text())
    pages = [{**page, "data": [day]} for day in page["data"]]
    path = tmp_path / f"pages.{'jsonl' if shape == 'jsonl' else 'json'}"
    text = "\n".join(map(json.dumps, pages)) + "\n" if shape == "jsonl" else json.dumps(pages)
    path.write_text(text)
    r = report(path)
    t = r["totals"]
    assert (t["rows_read"], t["requests"], t["cost"]) == (9, 202, "0.928758")
