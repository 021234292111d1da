"""The spend-over-time chart of the HTML report: model cost per day (week, month) as bars."""

from __future__ import annotations

from typing import Any

from tokenecon.render.charts import BLUE, WIDTH, _alt, _f, _theme
from tokenecon.render.timeviews import series_of


def daily_chart(report: dict[str, Any]) -> dict[str, Any] | None:
    """Cost per period of the report's daily series, on the clocks of its time zone (none for
    fewer than two periods: one bar says no more than the total)."""
    period, rows = series_of(report)
    values = [{"period": r["value"], "cost": _f(r["cost"]) or 0.0} for r in rows]
    if len(values) < 2:
        return None
    zone = report.get("time", {}).get("timezone", "UTC")
    alt = _alt()
    chart = alt.Chart(alt.Data(values=values)).mark_bar(color=BLUE).encode(
        x=alt.X("period:O", title=f"{period} ({zone})", axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("cost:Q", title=f"model cost ({report['currency']})"),
        tooltip=["period:O", alt.Tooltip("cost:Q", format="$,.2f")],
    ).properties(width=WIDTH, height=180, title=f"Model cost by {period}")  # fmt: skip
    return _theme(chart.to_dict())
