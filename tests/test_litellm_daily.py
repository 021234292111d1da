"""LiteLLM's daily activity (``GET /user/daily/activity`` and its team/tag/org siblings), read
with the default price book. Refused before as "no timestamp column (found: results,
metadata)".

Two public pages (tests/fixtures/public/PROVENANCE.md): LiteLLM's documented response
(``docs/my-website/docs/proxy/cost_tracking.md``, the v1.65 shape: a model's counts flat in its
entry) and the aggregated response of LiteLLM's own usage-chat tests (the current shape,
``{metrics, metadata, api_key_breakdown}``, its gpt-4 entry written without token counts).
The rest is a page of the current shape with our values: Claude with cache reads and writes
split over two API keys, the keys covering less than the model, the models less than the day.
Prices per 1M, default book: claude-sonnet-4-5 $3 input / $0.30 cache read / $3.75 write / $15
output (from 2025-09-29); gpt-4o-mini $0.15 / $0.60.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli
from sources import accounted, default_report, fmt, model

from tokenecon.ingest.formats.litellm_daily import REST_MODEL, LiteLLMDailyActivity
from tokenecon.ingest.probe import probe_source
from tokenecon.ingest.sources import expand_sources

PUBLIC = FIXTURES / "public" / "litellm"
DOCS = PUBLIC / "daily_activity_docs.json"
CHAT = PUBLIC / "ai_usage_chat_sample.json"


def _metrics(spend: float, prompt: int, completion: int, read: int, write: int,
             requests: int, failed: int = 0) -> dict[str, Any]:  # fmt: skip
    return {
        "spend": spend, "prompt_tokens": prompt, "completion_tokens": completion,
        "total_tokens": prompt + completion, "cache_read_input_tokens": read,
        "cache_creation_input_tokens": write, "api_requests": requests,
        "successful_requests": requests - failed, "failed_requests": failed,
    }  # fmt: skip


def _key(metrics: dict[str, Any], alias: str | None, team: str | None) -> dict[str, Any]:
    metadata = {"key_alias": alias, "team_id": team, "user_id": "u-1", "key_exists": True}
    return {"metrics": metrics, "metadata": metadata}


HASH = "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b"
SONNET_KEYS = {
    "a1b2": _key(_metrics(0.3, 40_000, 1_000, 30_000, 5_000, 7), "ci-bot", "team-a"),
    HASH: _key(_metrics(0.15, 15_000, 800, 10_000, 4_000, 4, failed=1), None, None),
}
DAY = {
    "date": "2025-10-02",
    # the models ($0.5003, 15 requests) and an MCP tool call ($0.1, 1 request, no model)
    "metrics": _metrics(0.6003, 61_000, 2_250, 40_000, 10_000, 16, failed=1),
    "breakdown": {
        "models": {
            # the keys cover $0.45 of it: the rest is one call of a key past api_key_limit
            "claude-sonnet-4-5": {
                "metrics": _metrics(0.5, 60_000, 2_000, 40_000, 10_000, 12, failed=1),
                "metadata": {},
                "api_key_breakdown": SONNET_KEYS,
            },
            "gpt-4o-mini": {
                "metrics": _metrics(0.0003, 1_000, 250, 0, 0, 3),
                "metadata": {},
                "api_key_breakdown": {},
            },
        },
        # the same spend seen by provider and by key: never read, never counted twice
        "providers": {"anthropic": {"metrics": _metrics(0.5, 60_000, 2_000, 40_000, 10_000, 12)}},
        "api_keys": {"a1b2": {"metrics": _metrics(0.3, 40_000, 1_000, 30_000, 5_000, 7)}},
        "mcp_servers": {"github": {"metrics": _metrics(0.1, 0, 0, 0, 0, 1)}},
    },
}
PAGE = {"results": [DAY], "metadata": {"total_spend": 0.6003, "page": 1, "total_pages": 1,
                                       "has_more": False, "api_key_limit": 2}}  # fmt: skip


def _write(tmp_path: Path, page: Any, name: str = "activity.json", indent: int = 2) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(page, indent=indent))
    return path


def test_the_documented_response_is_read_per_day_and_model() -> None:
    r = default_report(DOCS)
    assert fmt(r) == "litellm_daily_activity"
    t = r["totals"]
    # gpt-4o-mini and the rest of the day (10 calls the documented breakdown leaves out)
    assert (t["rows_read"], t["rows_rejected"], t["requests"]) == (2, 0, 11)
    # the day's own metrics, whole: 111 prompt, 1711 completion, $0.0177072
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (111, 1711)
    assert t["reported_cost"] == "0.017707"
    mini = model(r, "gpt-4o-mini")
    # 37 x 0.15 + 9 x 0.6 = 5.55 + 5.4 = 10.95 per 1M: LiteLLM's own spend, 1.095e-05
    assert (mini["cost"], mini["reported_cost"], mini["cost_source"]) == (
        "0.000011", "0.000011", "computed"
    )  # fmt: skip
    assert mini["tokens"]["billable"] == 46 and mini["requests"] == 1
    rest = model(r, REST_MODEL)
    # 111 - 37 prompt, 1711 - 9 completion, 11 - 1 requests, 0.0177072 - 0.00001095
    assert (rest["tokens"]["uncached_input"], rest["tokens"]["output"]) == (74, 1702)
    assert (rest["requests"], rest["reported_cost"]) == (10, "0.017696")


def test_litellms_own_test_response_rejects_a_model_without_tokens() -> None:
    # gpt-4 is written with spend, requests and total_tokens only: no bucket to price. The
    # day's rest would be its 20000 / 10000 tokens (gpt-4's among them) with $50.25 - $40 of
    # spend (gpt-4's not): tokens without their spend, so the rest is refused too, and with
    # both rows rejected the file is refused, each reason at its line.
    result = run_cli("analyze", str(CHAT), "--json")
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: every row read was rejected (2 of 2): ")
    assert (
        f"{CHAT}:3: results[0]: a model of breakdown.models gives no prompt_tokens: the day's "
        "prompt_tokens beyond its other models cannot be told apart from that model's"
    ) in result.stderr
    assert (
        f'{CHAT}:18: results[0].breakdown.models["gpt-4"]: no token counts: every token column '
        "is empty"
    ) in result.stderr  # line 18: "gpt-4": {


def test_a_model_that_gives_spend_without_tokens_refuses_the_days_rest(tmp_path: Path) -> None:
    """The rest of a day is priced only when the models it is the rest of give their tokens."""
    page = copy.deepcopy(PAGE)
    metrics = page["results"][0]["breakdown"]["models"]["gpt-4o-mini"]["metrics"]
    for name in ("prompt_tokens", "completion_tokens"):
        metrics.pop(name, None)
    t, [row] = _rejected(_write(tmp_path, page))
    assert t["rows_rejected"] == 1
    assert row["reason"] == (
        "results[0]: a model of breakdown.models gives no prompt_tokens: the day's "
        "prompt_tokens beyond its other models cannot be told apart from that model's"
    )


def test_keys_models_and_the_rest_add_up_to_the_day(tmp_path: Path) -> None:
    r = default_report(_write(tmp_path, PAGE))
    assert fmt(r) == "litellm_daily_activity"
    t = r["totals"]
    # 2 keys + the Sonnet calls no key covers + gpt-4o-mini + the MCP call: 5 rows
    assert (t["rows_read"], t["rows_rejected"], t["requests"]) == (5, 0, 16)
    # inclusive prompt: 61000 - 40000 read - 10000 written = 11000 uncached
    assert t["tokens"] == {
        "uncached_input": 11_000, "cache_read": 40_000, "cache_write": 10_000,
        "cache_write_1h": 0, "output": 2_250, "reasoning": 0, "billable": 63_250,
    }  # fmt: skip
    assert t["reported_cost"] == "0.600300"  # the day's spend, once
    sonnet = model(r, "claude-sonnet-4-5")
    # 10000 x 3 + 40000 x 0.3 + 10000 x 3.75 + 2000 x 15 = 30000 + 12000 + 37500 + 30000
    assert (sonnet["cost"], sonnet["cost_source"]) == ("0.109500", "computed")
    assert (sonnet["reported_cost"], sonnet["requests"]) == ("0.500000", 12)
    assert model(r, "gpt-4o-mini")["cost"] == "0.000300"  # 1000 x 0.15 + 250 x 0.6
    rest = model(r, REST_MODEL)
    assert (rest["reported_cost"], rest["requests"], rest["tokens"]["billable"]) == (
        "0.100000", 1, 0
    )  # fmt: skip


def test_each_key_is_an_api_key_with_its_team(tmp_path: Path) -> None:
    path = _write(tmp_path, PAGE)
    result = run_cli("analyze", str(path), "--by", "api_key", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["value"]: row for row in json.loads(result.stdout)["breakdown"]["rows"]}
    # ci-bot: 5000 x 3 + 30000 x 0.3 + 5000 x 3.75 + 1000 x 15 = 15000 + 9000 + 18750 + 15000
    assert rows["ci-bot"]["cost"] == "0.057750"
    # the key without an alias, by its hash: 1000 x 3 + 10000 x 0.3 + 4000 x 3.75 + 800 x 15
    assert rows[HASH]["cost"] == "0.033000"
    team = run_cli("analyze", str(path), "--by", "team", "--json")
    teams = {row["value"]: row["cost"] for row in json.loads(team.stdout)["breakdown"]["rows"]}
    assert teams["team-a"] == "0.057750"


@pytest.mark.parametrize("layout", ["array of pages", "pages per line"])
def test_pages_in_an_array_or_one_per_line(tmp_path: Path, layout: str) -> None:
    # paginated: a day's rows can fall on two pages, each page summing its own
    first = copy.deepcopy(PAGE)
    first["results"][0]["breakdown"]["models"].pop("gpt-4o-mini")
    first["results"][0]["metrics"] = _metrics(0.6, 60_000, 2_000, 40_000, 10_000, 13, failed=1)
    second = copy.deepcopy(PAGE)
    second["results"][0]["breakdown"]["models"].pop("claude-sonnet-4-5")
    second["results"][0]["metrics"] = _metrics(0.0003, 1_000, 250, 0, 0, 3)
    pages = [first, second]
    if layout == "array of pages":
        path = _write(tmp_path, pages)
    else:
        path = tmp_path / "activity.jsonl"
        path.write_text("".join(json.dumps(p) + "\n" for p in pages))
    t = default_report(path)["totals"]
    assert (t["rows_read"], t["requests"], t["reported_cost"]) == (5, 16, "0.600300")
    assert t["cost"] == default_report(_write(tmp_path, PAGE, "one.json"))["totals"]["cost"]


def _rejected(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    result = run_cli("analyze", str(path), "--json")
    assert result.exit_code == 0, result.output
    r = accounted(json.loads(result.stdout))
    return r["totals"], r["rejected"]["rows"]


def test_a_model_entry_that_is_not_an_object_is_rejected_at_its_line(tmp_path: Path) -> None:
    page = copy.deepcopy(PAGE)
    page["results"][0]["breakdown"]["models"]["gpt-4o-mini"] = 0.0003
    path = _write(tmp_path, page)
    t, [row] = _rejected(path)
    assert (t["rows_read"], t["rows_rejected"]) == (5, 1)
    line = path.read_text().splitlines().index('          "gpt-4o-mini": 0.0003') + 1
    assert (row["line"], row["reason"]) == (
        line, 'results[0].breakdown.models["gpt-4o-mini"]: the model\'s entry: not an object'
    )  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("spend", 0.4, "api_key_breakdown adds up to more than the model's spend"),
        ("prompt_tokens", "abc", "the model's prompt_tokens: 'abc' is not a number"),
    ],
)
def test_a_model_total_that_its_keys_do_not_fit_is_rejected(
    tmp_path: Path, field: str, value: object, reason: str
) -> None:
    page = copy.deepcopy(PAGE)
    page["results"][0]["breakdown"]["models"]["claude-sonnet-4-5"]["metrics"][field] = value
    t, [row] = _rejected(_write(tmp_path, page))
    assert (t["rows_read"], t["rows_rejected"]) == (5, 1)
    assert row["reason"] == f'results[0].breakdown.models["claude-sonnet-4-5"]: {reason}'


def test_a_damaged_page_is_one_rejected_row(tmp_path: Path) -> None:
    path = tmp_path / "activity.jsonl"
    lines = [PAGE, {"results": {"date": "2025-10-03"}, "metadata": {}}]
    path.write_text("".join(json.dumps(p) + "\n" for p in lines) + '{"results": [\n')
    t, rows = _rejected(path)
    assert (t["rows_read"], t["rows_rejected"], t["reported_cost"]) == (7, 2, "0.600300")
    assert [(row["line"], row["reason"]) for row in rows] == [
        (2, "results: not a list"),
        (3, "line is not valid JSON (or a JSON value with none of the fields read)"),
    ]


def _probe(path: Path) -> Any:
    return probe_source(expand_sources([str(path)])[0])


def test_no_other_fixture_is_read_as_daily_activity() -> None:
    daily = LiteLLMDailyActivity()
    assert daily.detect(_probe(DOCS)) and daily.detect(_probe(CHAT))
    saved = FIXTURES / "sources" / "litellm_daily_activity.json"  # the documented page
    assert daily.detect(_probe(saved))
    others = [p for p in sorted((FIXTURES / "sources").iterdir())
              if p.suffix in (".json", ".jsonl") and p != saved]  # fmt: skip
    others += sorted(p for p in (FIXTURES / "public").rglob("*.json*") if p.parent != PUBLIC)
    assert len(others) > 30
    assert [p.name for p in others if daily.detect(_probe(p))] == []
