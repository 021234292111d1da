"""Spend over time in the terminal: per day (or week, or month) on the clocks of --timezone.

Without a ``--by`` period the report's daily series is shown, rolled up into weeks past
:data:`DAILY_ROWS` days and into months past as many weeks, so that the table stays a screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from rich.table import Table
from rich.text import Text

from tokenecon.economics.periods import period_label
from tokenecon.render.formats import count, pct, tokens, usd, volume_cost
from tokenecon.render.tables import Column, fitted_tables

DAILY_ROWS = 62
"""More days than this are shown by week; more weeks than this, by month."""
_TOKENS = ("uncached_input", "cache_write", "cache_write_1h", "cache_read", "output")


def _rolled(daily: Sequence[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """The daily rows summed per week or month (costs are exact to the JSON's 1e-6)."""
    from datetime import date

    out: dict[str, dict[str, Any]] = {}
    for row in daily:
        label = period_label(date.fromisoformat(row["day"]), key)
        into = out.setdefault(
            label, {"value": label, "cost": Decimal(0), "requests": 0, "tokens": {}}
        )
        into["cost"] += Decimal(row["cost"])
        into["requests"] += row["requests"]
        for name, n in row["tokens"].items():
            into["tokens"][name] = into["tokens"].get(name, 0) + n
        if row.get("outcomes") is not None:  # dated outcomes: summed, then divided again
            into["outcomes"] = into.get("outcomes", 0) + row["outcomes"]
            into["outcome_cost"] = into.get("outcome_cost", Decimal(0)) + Decimal(
                row["outcome_cost"]
            )
    return [_per_outcome({**r, "cost": str(r["cost"])}) for r in out.values()]


def _per_outcome(row: dict[str, Any]) -> dict[str, Any]:
    if "outcomes" not in row:
        return row
    cost, outcomes = row["outcome_cost"], row["outcomes"]
    each = str((cost / outcomes).quantize(Decimal("0.000001"))) if outcomes else None
    return {**row, "outcome_cost": str(cost), "cost_per_outcome": each}


def series_of(report: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The period and rows to show: the --by period's, else the daily series (rolled up)."""
    breakdown = report.get("breakdown")
    if breakdown and breakdown["by"] in ("day", "week", "month"):
        return breakdown["by"], breakdown["rows"]
    daily = [{**d, "value": d["day"]} for d in report.get("time", {}).get("daily", [])]
    if len(daily) <= DAILY_ROWS:
        return "day", daily
    weeks = _rolled(daily, "week")
    return ("week", weeks) if len(weeks) <= DAILY_ROWS else ("month", _rolled(daily, "month"))


def _token_cells(t: dict[str, int]) -> list[str]:
    return [
        tokens(t["uncached_input"]),
        tokens(t["cache_write"] + t.get("cache_write_1h", 0)),
        tokens(t["cache_read"]),
        tokens(t["output"]),
    ]


def time_tables(report: dict[str, Any], width: int) -> list[Table]:
    """The spend-over-time table (none without usage), with a total row."""
    zone = report.get("time", {}).get("timezone", "UTC")
    total = Decimal(report["totals"]["cost"])
    breakdown = report.get("breakdown")
    if breakdown and "," in breakdown["by"]:
        period, attribute = breakdown["by"].split(",", 1)
        columns = [
            Column(period, "left"), Column(attribute, "left"), Column("cost", rank=9),
            Column("share", rank=8), Column("requests", rank=6), Column("tokens", rank=7),
        ]  # fmt: skip
        rows: list[list[Any]] = [
            [r["period"], r["value"], volume_cost(r), pct(r["cost_share"]),
             count(r["requests"]), tokens(r["tokens"]["billable"])]
            for r in breakdown["rows"]
        ]  # fmt: skip
        title = f"Spend by {period} and {attribute} (days in {zone})"
        return fitted_tables(title, columns, rows, width, keys=2) if rows else []
    period, series = series_of(report)
    if not series:
        return []
    dated = any(r.get("outcomes") is not None for r in series)
    columns = [
        Column(period, "left"), Column("cost", rank=9), Column("share", rank=4),
        Column("requests", rank=5),
        *([Column("outcomes", rank=6), Column("$/outcome", rank=9)] if dated else []),
        Column("uncached in", rank=8), Column("cache write", rank=6),
        Column("cache read", rank=7), Column("output", rank=8),
    ]  # fmt: skip
    rows = []
    for r in series:
        share = Decimal(r["cost"]) / total if total else None
        rows.append([r["value"], volume_cost(r), pct(None if share is None else str(share)),
                     count(r["requests"]), *(_outcome_cells(r) if dated else []),
                     *_token_cells(r["tokens"])])  # fmt: skip
    if len(rows) > 1:
        totals = report["totals"]
        rows.append([Text("total", style="bold"), volume_cost(totals), "100%" if total else "—",
                     count(totals["requests"]),
                     *(_outcome_cells(_outcome_total(series)) if dated else []),
                     *_token_cells(totals["tokens"])])  # fmt: skip
    tables = fitted_tables(f"Spend by {period} (days in {zone})", columns, rows, width)
    covered = report.get("time", {}).get("outcomes", {})
    if dated and covered.get("left_out"):
        note = (
            f"outcomes and $/outcome: {', '.join(covered['use_cases'])} only (the others' "
            "outcomes have no dates: docs/time-views.md)"
        )
        caption = tables[0].caption
        tables[0].caption = note if caption is None else f"{note}\n{caption}"
    return tables


def _outcome_cells(row: dict[str, Any]) -> list[str]:
    """Verified outcomes dated in the period, and the cost of each (— where none)."""
    return [count(row.get("outcomes")), usd(row.get("cost_per_outcome"))]


def _outcome_total(series: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The outcomes of the whole series, and their cost each (the sums divided again)."""
    dated = [r for r in series if r.get("outcomes") is not None]
    outcomes = sum(r["outcomes"] for r in dated)
    cost = sum((Decimal(r["outcome_cost"]) for r in dated), Decimal(0))
    each = str((cost / outcomes).quantize(Decimal("0.000001"))) if outcomes else None
    return {"outcomes": outcomes, "cost_per_outcome": each}


BLOCK_ROWS = 10
"""The most recent blocks shown on the terminal (the JSON has them all)."""


def block_tables(report: dict[str, Any], width: int) -> list[Table]:
    """The 5-hour billing blocks of agent logs: the latest :data:`BLOCK_ROWS`, with the burn
    rate and, for the block still open, its projected cost."""
    rows_in = report.get("blocks", {}).get("rows", [])
    if not rows_in:
        return []
    shown = rows_in[-BLOCK_ROWS:]
    columns = [
        Column("block (UTC)", "left"), Column("cost", rank=9), Column("requests", rank=5),
        Column("tokens", rank=6), Column("$/hour", rank=7), Column("projected", rank=8),
    ]  # fmt: skip
    rows = [
        [
            b["start"][:16].replace("T", " ") + (" (open)" if b["active"] else ""),
            usd(b["cost"]), count(b["requests"]), tokens(b["tokens"]),
            usd(b["burn_rate_per_hour"]), usd(b["projected_cost"]),
        ]
        for b in shown
    ]  # fmt: skip
    latest = f", the latest {len(shown)} of {len(rows_in)}" if len(shown) < len(rows_in) else ""
    return fitted_tables(f"5-hour billing blocks{latest}", columns, rows, width)
