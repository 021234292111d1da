"""Real exports read right: shapes written by others (tests/fixtures/exports/README.md names
each source). Prices per 1M tokens (fixtures/book.yaml): claude-sonnet-4-5 3 in / 0.30 cache
read / 3.75 cache write / 15 out; gpt-4.1 2 / 0.50 / 8."""

from __future__ import annotations

from conftest import FIXTURES
from sources import fmt, model, report

E = FIXTURES / "exports"


def test_claude_code_lines_without_a_type_are_read() -> None:
    # ccusage's fixture shape: no `type`, `uuid` or `parentUuid`, the message's role only.
    # 600*3 + 70*0.3 + 75*3.75 + 250*15 = 1800 + 21 + 281.25 + 3750 = 5852.25 per 1M
    r = report(E / "claude_code_untyped.jsonl")
    assert fmt(r) == "claude_code_jsonl"
    assert r["totals"]["requests"] == 3
    assert r["totals"]["cost"] == "0.005852"
    assert r["totals"]["reported_cost"] == "1.020000"  # 0.12 + 0.34 + 0.56 (costUSD)


def test_btw_replays_are_one_request_and_keyless_lines_are_never_merged() -> None:
    # Requests: the parent (its /btw replay, cache read 50000, is a copy: the parent's 20000
    # is kept), the sidechain answer, the midnight response (two copies), two keyless lines.
    r = report(E / "claude_code_btw.jsonl")
    t = r["totals"]
    assert (t["rows_read"], t["requests"], t["rows_duplicate"]) == (8 - 1, 5, 2)
    tokens = model(r, "claude-sonnet-4-5")["tokens"]
    assert tokens["cache_read"] == 20000 + 21000 + 22000 + 1000 + 1000
    assert (tokens["uncached_input"], tokens["cache_write"], tokens["output"]) == (29, 1000, 800)
    # 29*3 + 65000*0.3 + 1000*3.75 + 800*15 = 87 + 19500 + 3750 + 12000 = 35337 per 1M
    assert t["cost"] == "0.035337"
    ids = {d["request_id"]: d["copies"] for d in r["duplicates"]["ids"]}
    assert ids == {"msg-parent:req-parent": 2, "msg-midnight:req-midnight": 2}


def test_copies_straddling_midnight_count_on_the_first_copys_day() -> None:
    # Until 2026-03-30: the midnight response (copies at 23:59:59.5 and 00:00:00.4) is in the
    # period, on the 29th; only the two keyless lines of the 30th are outside it.
    r = report(E / "claude_code_btw.jsonl", "--until", "2026-03-30")
    t = r["totals"]
    assert (t["requests"], t["rows_outside_period"], t["rows_duplicate"]) == (3, 2, 2)
    assert t["tokens"]["output"] == 400 + 60 + 300


def test_a_forked_codex_session_does_not_count_its_parents_turns_again() -> None:
    # Parent turn: 1000 in (100 cached), 200 out. The fork replays it, then adds 600 in (200
    # cached), 250 out. Uncached 1300, cached 300, output 450:
    # 1300*2 + 300*0.5 + 450*8 = 2600 + 150 + 3600 = 6350 per 1M
    r = report(E / "codex_fork")
    assert fmt(r) == "codex_jsonl"
    t = r["totals"]
    assert (t["rows_read"], t["requests"], t["rows_duplicate"]) == (3, 2, 1)
    assert t["cost"] == "0.006350"
    assert model(r, "gpt-4.1")["tokens"]["reasoning"] == 40


def test_ungrouped_openai_usage_saved_as_a_bare_list_is_kept_as_all_models() -> None:
    # The cookbook's helper returns the buckets without their page; without group_by=model
    # every result has model null. 150000 input (20000 cached) + 10000 output, 500 requests:
    # real usage, kept (unpriced: no per-model price applies), never rejected as model: empty.
    r = report(E / "openai_usage_ungrouped_list.json")
    assert fmt(r) == "openai_usage_api"
    t = r["totals"]
    assert (t["rows_read"], t["rows_rejected"], t["rows_unpriced"]) == (2, 0, 2)
    assert (t["requests"], t["unpriced_tokens"]) == (500, 130000 + 20000 + 10000)
    assert [u["model"] for u in r["unpriced"]] == ["(all models)"]
    notes = r["inputs"]["usage"][0]["notes"]
    assert any("group_by=model" in n and "docs/sources.md" in n for n in notes)


def test_ungrouped_openai_usage_csv_is_kept_as_all_models() -> None:
    r = report(E / "openai_usage_ungrouped.csv")
    t = r["totals"]  # the second day is an empty bucket: skipped, as before
    assert (t["rows_read"], t["rows_rejected"], t["requests"]) == (1, 0, 42)
    assert t["unpriced_tokens"] == 56500 + 64000 + 9800


def test_ungrouped_openai_costs_keep_their_dollars() -> None:
    # Costs API page (line_item null) and the dashboard's cost CSV (line_item empty).
    api = report(E / "openai_costs_ungrouped.json")
    assert fmt(api) == "openai_costs_api"
    assert api["totals"]["cost"] == "1.920000"  # 0.42 + 1.50
    assert [m["model"] for m in api["models"]] == ["(all models)"]
    csv = report(E / "openai_cost_ungrouped.csv")
    assert fmt(csv) == "openai_cost_csv"
    assert (csv["totals"]["cost"], csv["totals"]["rows_rejected"]) == ("0.355000", 0)


def test_langfuse_usage_object_of_older_sdks_is_read() -> None:
    # gpt-4.1: 1200*2 + 300*8 = 4800; gpt-4.1-mini: 5000*0.40 + 1000*1.60 = 3600 per 1M.
    # The SPAN is no model call; costs come from usage.totalCost / calculatedTotalCost.
    r = report(E / "langfuse_observations_usage.json")
    assert fmt(r) == "langfuse_observations"
    t = r["totals"]
    assert (t["rows_read"], t["requests"], t["rows_rejected"]) == (2, 2, 0)
    assert (t["tokens"]["uncached_input"], t["tokens"]["output"]) == (6200, 1300)
    assert model(r, "gpt-4.1")["cost"] == "0.004800"
    assert (t["cost"], t["reported_cost"]) == ("0.008400", "0.008400")
