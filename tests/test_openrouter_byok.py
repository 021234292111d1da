"""OpenRouter BYOK in the activity exports: OpenRouter's charge (``cost_total``, ``Usage``) is
its fee only; the provider's inference, which the Activity page counts as "estimated BYOK
spend" (openrouter.ai/docs/guides/features/activity), is ``byok_usage_inference`` /
``BYOK Usage``. The reported cost is their sum (docs/sources.md)."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES, run_cli
from sources import model, report

ACTIVITY = FIXTURES / "sources" / "openrouter_activity.csv"
DAILY = FIXTURES / "sources" / "openrouter_daily.csv"


def _byok(path: Path, source: Path, old: str, new: str) -> Path:
    raw = source.read_text(encoding="utf-8-sig")
    assert old in raw
    path.write_text(raw.replace(old, new, 1))
    return path


def test_a_byok_generation_costs_the_fee_plus_the_providers_inference(tmp_path: Path) -> None:
    # the fixture's claude row (cost_total 0.01, byok 0) made a BYOK one: OpenRouter charged
    # its fee, 0.0005, and estimated the provider's inference at 0.0095
    byok = _byok(tmp_path / "a.csv", ACTIVITY, ",0.01,0,0,0,0,", ",0.0005,0,0,0,0.0095,")
    r = report(byok)
    # 0.0008976 (the gpt-4.1-mini row, no BYOK) + 0.0005 + 0.0095
    assert r["totals"]["reported_cost"] == "0.010898"
    assert model(r, "anthropic/claude-4.5-sonnet-20250929")["reported_cost"] == "0.010000"
    column = r["inputs"]["usage"][0]["columns"]["reported_cost"]
    assert column == "cost_total (USD; + byok_usage_inference)"


def test_without_byok_the_cost_is_cost_total() -> None:
    r = report(ACTIVITY)
    assert r["totals"]["reported_cost"] == "0.010898"  # 0.0008976 + 0.01, byok 0 on both


def test_a_byok_amount_that_is_not_a_number_is_refused_by_line(tmp_path: Path) -> None:
    bad = _byok(tmp_path / "b.csv", ACTIVITY, ",0.01,0,0,0,0,", ",0.0005,0,0,0,n/a,")
    result = run_cli("analyze", str(bad), "--json")
    assert result.exit_code == 0, result.output
    import json

    data = json.loads(result.stdout)
    assert data["totals"]["rows_rejected"] == 1
    assert "byok_usage_inference: not a number" in json.dumps(data)


def test_the_daily_aggregate_adds_byok_usage_to_usage(tmp_path: Path) -> None:
    daily = _byok(tmp_path / "d.csv", DAILY, '"0.0028","0"', '"0.0028","0.0112"')
    r = report(daily)
    assert r["totals"]["reported_cost"] == "0.014000"  # 0.0028 + 0.0112
