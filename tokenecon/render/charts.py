"""Charts as Vega-Lite specs (built with Altair) rendered to SVG by vl-convert, offline.

Every function returns a spec (a dict, so tests can check it without rendering); :func:`svg`
turns one into an SVG document. vl-convert runs Vega in-process: no browser, no network, and
labels are escaped as XML text (a name like ``<img ...>`` stays text).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from tokenecon.render.difftext import split_terms

WIDTH = 520
FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
BLUE, RED, GREEN, GREY, AMBER = "#3465a4", "#cc3b3b", "#3f8f4f", "#8a8f98", "#c88a12"


def _alt() -> Any:
    import altair as alt

    return alt


def _theme(spec: dict[str, Any]) -> dict[str, Any]:
    spec.setdefault("config", {}).update(
        {
            "font": FONT,
            "view": {"stroke": None},
            "axis": {"labelFontSize": 11, "titleFontSize": 11, "gridColor": "#e6e6e6"},
            "legend": {"labelFontSize": 11, "titleFontSize": 11},
            "background": "white",
        }
    )
    spec.pop("$schema", None)
    return spec


def _f(value: str | None) -> float | None:
    return None if value is None else float(Decimal(value))


def svg(spec: dict[str, Any]) -> str:
    """The SVG of a spec, without an XML declaration, with a role for assistive technology."""
    import vl_convert as vlc

    text: str = vlc.vegalite_to_svg(spec)
    text = re.sub(r"^<\?xml[^>]*>\s*", "", text)
    return text.replace("<svg ", '<svg role="img" ', 1)


def cost_split_chart(doc: dict[str, Any]) -> dict[str, Any]:
    """Waterfall from the base period's total cost to the head's, term by term."""
    alt = _alt()
    totals = doc["totals"]["cost"]
    base, head = _f(totals["base"]) or 0.0, _f(totals["head"]) or 0.0
    terms = split_terms(doc)
    rows = [{"step": f"base {doc['base']['period']['end'][:7]}", "start": 0.0, "end": base,
             "kind": "total", "label": f"${base:,.2f}"}]  # fmt: skip
    level = base
    for name, value in terms:
        amount = _f(value) or 0.0
        rows.append({"step": name, "start": level, "end": level + amount,
                     "kind": "increase" if amount > 0 else "decrease" if amount < 0 else "none",
                     "label": f"{amount:+,.2f}"})  # fmt: skip
        level += amount
    rows.append({"step": f"head {doc['head']['period']['end'][:7]}", "start": 0.0, "end": head,
                 "kind": "total", "label": f"${head:,.2f}"})  # fmt: skip
    order = [r["step"] for r in rows]
    colour = alt.Scale(domain=["total", "increase", "decrease", "none"],
                       range=[BLUE, RED, GREEN, GREY])  # fmt: skip
    base_chart = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=160))
    )
    bars = base_chart.mark_bar(size=28).encode(
        y=alt.Y("start:Q", title=f"total cost ({doc['currency']})"),
        y2="end:Q",
        color=alt.Color("kind:N", scale=colour, legend=None),
        tooltip=["step:N", "label:N"],
    )
    labels = base_chart.mark_text(dy=-6, fontSize=10).encode(
        y=alt.Y("max_end:Q"), text="label:N"
    ).transform_calculate(max_end="max(datum.start, datum.end)")  # fmt: skip
    title = "Total cost change: volume, mix, then cost per outcome by factor (LMDI)"
    chart = (bars + labels).properties(width=WIDTH, height=240, title=title)
    return _theme(chart.to_dict())


def layers_chart(report: dict[str, Any]) -> dict[str, Any] | None:
    """Each use case's three factors as multiples of their targets (1 = on target)."""
    alt = _alt()
    rows = []
    for u in report["use_cases"]:
        for layer in u.get("layers", []):
            times = _f(layer["times_target"])
            if times is None:
                continue
            tolerance = 1.1 if layer["target_source"] == "mapping" else 1.0
            rows.append({"use case": u["name"], "layer": layer["layer"], "times": times,
                         "metric": layer["metric"], "source": layer["target_source"],
                         "off": times > tolerance})  # fmt: skip
    if not rows:
        return None
    layer_scale = alt.Scale(domain=["pricing", "efficiency", "design"], range=[BLUE, AMBER, RED])
    base = alt.Chart(alt.Data(values=rows)).transform_calculate(target="1")
    bars = base.mark_bar(height=9).encode(
        y=alt.Y("use case:N", title=None, sort=None),
        yOffset=alt.YOffset("layer:N", sort=["pricing", "efficiency", "design"]),
        x=alt.X("times:Q", title="× target (log scale; right of 1 is over target)",
                scale=alt.Scale(type="log")),
        x2="target:Q",
        color=alt.Color("layer:N", scale=layer_scale, sort=["pricing", "efficiency", "design"]),
        opacity=alt.condition("datum.off", alt.value(1.0), alt.value(0.45)),
        tooltip=["use case:N", "layer:N", "metric:N", alt.Tooltip("times:Q", format=".2f"),
                 "source:N"],
    )  # fmt: skip
    target = alt.Chart(alt.Data(values=[{"x": 1}])).mark_rule(color="#333", strokeDash=[4, 3])
    chart = (bars + target.encode(x="x:Q")).properties(
        width=WIDTH, title="The three layers against their targets"
    )
    return _theme(chart.to_dict())


def frontier(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Points no other point beats on both cost (lower) and quality (higher), by cost."""
    best: list[dict[str, Any]] = []
    for p in sorted(points, key=lambda p: (p["cost per outcome"], -p["outcomes per task"])):
        if not best or p["outcomes per task"] > best[-1]["outcomes per task"]:
            best.append(p)
    return best


def frontier_chart(report: dict[str, Any]) -> dict[str, Any] | None:
    """Quality (verified outcomes per task) against cost per outcome, with the frontier."""
    alt = _alt()
    points = []
    for u in report["use_cases"]:
        cpo, tpo = _f(u["cost_per_outcome"]), _f(u["tasks_per_outcome"])
        if not cpo or not tpo:
            continue
        points.append({"use case": u["name"], "cost per outcome": cpo,
                       "outcomes per task": 1 / tpo, "cost": _f(u["cost"]) or 0.0})  # fmt: skip
    if not points:
        return None
    x = alt.X("cost per outcome:Q", scale=alt.Scale(type="log"),
              title=f"cost per verified outcome ({report['currency']}, log scale)")  # fmt: skip
    y = alt.Y("outcomes per task:Q", title="verified outcomes per task",
              scale=alt.Scale(domain=[0, 1.05]), axis=alt.Axis(format="%"))  # fmt: skip
    base = alt.Chart(alt.Data(values=points))
    dots = base.mark_circle(opacity=0.85, color=BLUE).encode(
        x=x, y=y, size=alt.Size("cost:Q", title="model cost", legend=None),
        tooltip=["use case:N", alt.Tooltip("cost per outcome:Q", format="$.4f"),
                 alt.Tooltip("outcomes per task:Q", format=".0%")],
    )  # fmt: skip
    names = base.mark_text(align="left", dx=8, fontSize=10).encode(x=x, y=y, text="use case:N")
    # Use cases do different jobs: no line joins them (a frontier compares ways of doing one).
    chart = (dots + names).properties(
        width=WIDTH, height=260, title="Quality against cost, by use case"
    )
    return _theme(chart.to_dict())


def spend_chart(report: dict[str, Any]) -> dict[str, Any]:
    """Model cost by use case, unattributed spend apart."""
    alt = _alt()
    rows = [{"name": u["name"], "cost": _f(u["cost"]) or 0.0, "kind": "use case"}
            for u in report["use_cases"] if u["rows"]]  # fmt: skip
    rows.append({"name": "(unattributed)", "cost": _f(report["unattributed"]["cost"]) or 0.0,
                 "kind": "unattributed"})  # fmt: skip
    chart = alt.Chart(alt.Data(values=rows)).mark_bar(height=14).encode(
        y=alt.Y("name:N", sort="-x", title=None),
        x=alt.X("cost:Q", title=f"model cost ({report['currency']})"),
        color=alt.Color("kind:N", scale=alt.Scale(domain=["use case", "unattributed"],
                                                  range=[BLUE, AMBER]), legend=None),
        tooltip=["name:N", alt.Tooltip("cost:Q", format="$,.2f")],
    ).properties(width=WIDTH, title="Where the money went")  # fmt: skip
    return _theme(chart.to_dict())


def trend_chart(points: list[dict[str, Any]], currency: str) -> dict[str, Any] | None:
    """Cost per verified outcome across periods (needs two or more)."""
    alt = _alt()
    rows = [{"period": p["period"], "value": _f(p["value"])} for p in points if p["value"]]
    if len(rows) < 2:
        return None
    chart = alt.Chart(alt.Data(values=rows)).mark_line(point=True, color=BLUE).encode(
        x=alt.X("period:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=f"cost per verified outcome ({currency})",
                scale=alt.Scale(zero=False)),
        tooltip=["period:O", alt.Tooltip("value:Q", format="$.4f")],
    ).properties(width=WIDTH, height=160, title="Cost per verified outcome, by period")  # fmt: skip
    return _theme(chart.to_dict())
