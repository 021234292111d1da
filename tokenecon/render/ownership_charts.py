"""Ownership charts (Vega-Lite specs, rendered by :func:`tokenecon.render.charts.svg`): the
showback as stacked bars per domain, and a burn-down per budget with its projection."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from tokenecon.render.charts import AMBER, BLUE, GREY, RED, WIDTH, _alt, _theme

PARTS = ("direct model cost", "review and overhead", "allocated shared cost")


def showback_chart(report: dict[str, Any]) -> dict[str, Any] | None:
    """Each domain's total as direct + review and overhead + shared, stacked."""
    alt = _alt()
    rows = []
    lines = [*report["showback"]["domains"]]
    for d in lines:
        for part, key in zip(PARTS, ("direct_cost", "review_overhead", "shared_cost"), strict=True):
            rows.append({"domain": d["domain"], "part": part, "rank": PARTS.index(part),
                         "cost": float(Decimal(d[key]))})  # fmt: skip
    un = report["showback"]["unallocated"]
    if Decimal(un["total"]):
        rows.append({"domain": "(unallocated)", "part": PARTS[0], "rank": 0,
                     "cost": float(Decimal(un["total"]))})  # fmt: skip
    if not rows:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(height=16).encode(
        y=alt.Y("domain:N", sort=None, title=None),
        x=alt.X("sum(cost):Q", title=f"cost of the period ({report['currency']})"),
        color=alt.Color("part:N", scale=alt.Scale(domain=list(PARTS), range=[BLUE, AMBER, GREY]),
                        legend=alt.Legend(orient="bottom", title=None)),
        order=alt.Order("rank:Q", sort="ascending"),
        tooltip=["domain:N", "part:N", alt.Tooltip("cost:Q", format="$,.2f")],
    ).properties(width=WIDTH, title="Showback: every dollar on a domain")  # fmt: skip
    return _theme(chart.to_dict())


def burndown_points(budget: dict[str, Any]) -> list[dict[str, Any]]:
    """Cumulative spend per day (``actual``) to the "as of" day, then the weekday-aware
    projection (``projected``) to the period's end."""
    start, end = date.fromisoformat(budget["start"]), date.fromisoformat(budget["end"])
    as_of = date.fromisoformat(budget["as_of"])
    daily = {d["day"]: Decimal(d["cost"]) for d in budget["daily"]}
    weekday, weekend = Decimal(budget["weekday_burn"]), Decimal(budget["weekend_burn"])
    points, running, day = [], Decimal(0), start
    while day <= end:
        if day <= as_of:
            running += daily.get(day.isoformat(), Decimal(0))
            points.append({"day": day.isoformat(), "spent": float(running), "kind": "actual"})
            if day == as_of and as_of < end:
                points.append({"day": day.isoformat(), "spent": float(running),
                               "kind": "projected"})  # fmt: skip
        else:
            running += weekend if day.weekday() >= 5 else weekday
            points.append({"day": day.isoformat(), "spent": float(running), "kind": "projected"})
        day += timedelta(days=1)
    return points


def burndown_chart(budget: dict[str, Any], currency: str) -> dict[str, Any]:
    """Spend against the budget over its period, the projection dashed."""
    alt = _alt()
    amount = float(Decimal(budget["amount"]))
    lines = alt.Chart(alt.Data(values=burndown_points(budget))).mark_line().encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%d %b", tickCount=6)),
        y=alt.Y("spent:Q", title=f"spent ({currency})"),
        color=alt.Color("kind:N", scale=alt.Scale(domain=["actual", "projected"],
                                                  range=[BLUE, BLUE]), legend=None),
        strokeDash=alt.StrokeDash("kind:N", scale=alt.Scale(domain=["actual", "projected"],
                                                            range=[[1, 0], [5, 4]]), legend=None),
        tooltip=["day:T", "kind:N", alt.Tooltip("spent:Q", format="$,.2f")],
    )  # fmt: skip
    rule = alt.Chart(alt.Data(values=[{"amount": amount}])).mark_rule(
        color=RED, strokeDash=[2, 2]
    ).encode(y="amount:Q")  # fmt: skip
    title = f"{budget['scope']}:{budget['name']}: ${amount:,.2f} a {budget['period']}"
    chart = (lines + rule).properties(width=WIDTH, height=150, title=title)
    return _theme(chart.to_dict())
