"""The spend-over-time chart of the HTML report: model cost per day (week, month) as bars, and
cost per verified outcome as a line on its own axis where outcomes are dated."""

from __future__ import annotations

from typing import Any

from tokenecon.render.charts import AMBER, BLUE, WIDTH, _alt, _f, _theme
from tokenecon.render.formats import unpriced_all
from tokenecon.render.timeviews import series_of


def daily_chart(report: dict[str, Any]) -> dict[str, Any] | None:
    """Cost per period of the report's daily series, on the clocks of its time zone (none for
    fewer than two periods: one bar says no more than the total), with cost per verified
    outcome as a line where the report dates outcomes (``time.outcomes``); a period without
    outcomes has no point, never a zero; none where no token has a price (bars of $0.00 would
    say the usage was free)."""
    if unpriced_all(report["totals"]):
        return None
    period, rows = series_of(report)
    values = [
        {
            "period": r["value"],
            "cost": _f(r["cost"]) or 0.0,
            "cost_per_outcome": _f(r.get("cost_per_outcome")),
            "outcomes": r.get("outcomes"),
        }
        for r in rows
    ]
    if len(values) < 2:
        return None
    zone = report.get("time", {}).get("timezone", "UTC")
    currency = report["currency"]
    alt = _alt()
    base = alt.Chart(alt.Data(values=values)).encode(
        x=alt.X("period:O", title=f"{period} ({zone})", axis=alt.Axis(labelAngle=-45))
    )
    bars = base.mark_bar(color=BLUE).encode(
        y=alt.Y("cost:Q", title=f"model cost ({currency})"),
        tooltip=["period:O", alt.Tooltip("cost:Q", format="$,.2f")],
    )
    title = f"Model cost by {period}"
    chart: Any = bars
    if any(v["cost_per_outcome"] is not None for v in values):
        line = base.transform_filter("isValid(datum.cost_per_outcome)").mark_line(
            color=AMBER, point=True
        ).encode(
            y=alt.Y("cost_per_outcome:Q", title=f"cost per verified outcome ({currency})",
                    axis=alt.Axis(titleColor=AMBER)),
            tooltip=["period:O", alt.Tooltip("cost_per_outcome:Q", format="$,.4f"),
                     alt.Tooltip("outcomes:Q", title="verified outcomes")],
        )  # fmt: skip
        chart = alt.layer(bars, line).resolve_scale(y="independent")
        title = f"Model cost (bars) and cost per verified outcome (line) by {period}"
    chart = chart.properties(width=WIDTH, height=180, title=title)
    return _theme(chart.to_dict())
