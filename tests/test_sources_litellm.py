"""LiteLLM SpendLogs: the CSV and JSON exports, and the real table read in place from Postgres.

Prices per 1M tokens (fixtures/book.yaml): claude-sonnet-4-5 3 in / 0.30 cache read / 15 out;
gpt-4.1-mini 0.40 / 0.10 / 1.60; gpt-4.1 2.00 / 0.50 / 8.00.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli
from pg import load_sql, postgres_server
from sources import SOURCES, fmt, model, report

# chatcmpl-7d1f  sonnet: prompt 2900 incl. 2048 cache read -> 852*3 + 2048*0.3 + 220*15 = 6470.4
# chatcmpl-88aa  mini: prompt 5000 incl. 1000 cached -> 4000*0.4 + 1000*0.1 + 500*1.6 = 2500
#                (and an exact duplicate line, counted once)
# chatcmpl-stream0 mini, spend 0 (streamed): 1000*0.4 + 200*1.6 = 720
# chatcmpl-reason gpt-4.1: 2000*2 + 1000*8 = 12000 (600 reasoning inside the 1000 output)
# chatcmpl-cachehit: LiteLLM's response cache answered: 0 tokens, $0
# total 21690.4 per 1M = $0.021690; reported spend 0.004215 + 0.0025 + 0 + 0.012 + 0
COST = "0.021690"
REPORTED = "0.018715"


def check(r: dict, rows: int, duplicates: int) -> None:
    assert fmt(r) == "litellm_spendlogs"
    t = r["totals"]
    assert (t["cost"], t["reported_cost"]) == (COST, REPORTED)
    assert (t["rows_read"], t["rows_duplicate"], t["rows_rejected"]) == (rows, duplicates, 0)
    assert t["tokens"]["uncached_input"] == 852 + 4000 + 1000 + 2000
    assert t["tokens"]["cache_read"] == 2048 + 1000
    assert t["tokens"]["reasoning"] == 600
    assert t["tokens"]["output"] == 220 + 500 + 200 + 1000  # reasoning not added again
    assert t["requests"] == 5
    assert model(r, "claude-sonnet-4-5")["cost"] == "0.006470"


@pytest.mark.parametrize("name", ["litellm_spendlogs.csv", "litellm_spendlogs.json"])
def test_exports(name: str) -> None:
    check(report(SOURCES / name), rows=6, duplicates=1)


def test_request_tags_and_spend_logs_metadata_are_tags(tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    mapping.write_text(
        "use_cases:\n"
        "  triage: {match: {tags.feature: triage, tags.ticket: T-1}}\n"
        "  support: {match: {tags.feature: triage}, task_key: session_id}\n"
    )
    r = report(SOURCES / "litellm_spendlogs.csv", "--outcomes", mapping)
    cases = {u["name"]: u for u in r["use_cases"]}
    assert cases["triage"]["cost"] == "0.006470"  # only the row with ticket T-1
    # mini 2500 + streamed 720; the cache hit is $0; sessions sess_77, sess_78, sess_79
    assert cases["support"]["cost"] == "0.003220"
    assert cases["support"]["tasks"] == 3


def test_read_in_place_from_postgres(tmp_path: Path) -> None:
    with postgres_server() as url:
        load_sql(url, (SOURCES / "litellm_spendlogs.sql").read_text())
        r = report(url, "--table", "LiteLLM_SpendLogs")
        # the primary key holds each request once: no duplicate line here
        check(r, rows=5, duplicates=0)
        assert r["inputs"]["usage"][0]["path"].endswith("/usage#LiteLLM_SpendLogs")
        assert r["inputs"]["usage"][0]["sha256"] is None  # a table has no file digest
        # the HTML report of a table (a traceback on the missing digest before)
        html, saved = tmp_path / "pg.html", tmp_path / "pg.json"
        made = run_cli("analyze", url, "--table", "LiteLLM_SpendLogs", "--html", str(html),
                       "--save", str(saved))  # fmt: skip
        assert made.exit_code == 0, made.output
        again = run_cli("report", str(saved), "-o", str(tmp_path / "again.html"))
        assert again.exit_code == 0, again.output
        for page in (html, tmp_path / "again.html"):
            assert "usage#LiteLLM_SpendLogs</span> (a database table, read in place" in (
                page.read_text()
            )
        missing = run_cli("analyze", url, "--table", "Nope", "--prices",
                          str(FIXTURES / "book.yaml"), "--no-default-prices")  # fmt: skip
        assert missing.exit_code == 2
        assert "no table 'Nope'" in missing.stderr


def test_postgres_url_needs_a_table() -> None:
    result = run_cli("analyze", "postgres://u@127.0.0.1:1/db")
    assert result.exit_code == 2
    assert "--table" in result.stderr


def test_postgres_unreachable_is_an_error_not_a_traceback() -> None:
    # a closed port on this machine: the driver refuses at once
    result = run_cli("analyze", "postgres://u:secret@127.0.0.1:9/db", "--table", "T")
    assert result.exit_code == 2
    assert "cannot connect" in result.stderr
    assert "secret" not in result.stderr  # the password is never printed
