"""The self-contained HTML report: one file, no script, no network, charts inlined as SVG.

Jinja2 autoescapes every value from the report (names from usage files are data, not markup);
the only markup inserted as-is is the SVG that vl-convert rendered, which escapes its own text.
A Content-Security-Policy in the page forbids loading anything, so a mistake cannot phone home.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from tokenecon.render import charts
from tokenecon.render.board import board_lines
from tokenecon.render.formats import (
    count,
    dec,
    pct,
    per_million,
    priced_usd,
    signed_percent,
    tokens,
    unpriced_all,
    usd,
    volume_cost,
)
from tokenecon.render.time_charts import daily_chart
from tokenecon.render.value import areas_named, waterfall_bars


def period_label(report: dict[str, Any]) -> str:
    """``2026-10`` for a period inside one month, else ``start – end``."""
    start, end = report["period"]["start"], report["period"]["end"]
    if not start or not end:
        return "no usage"
    return start[:7] if start[:7] == end[:7] else f"{start} – {end}"


def _trend_change(report: dict[str, Any], previous: dict[str, Any] | None) -> dict[str, Any] | None:
    if not previous or "board" not in previous:
        return None
    before = dec(previous["board"]["cost_per_verified_outcome"]["value"])
    now = dec(report["board"]["cost_per_verified_outcome"]["value"])
    if not before or now is None:
        return None
    change = (now - before) / before
    return {
        "text": signed_percent(change),
        "direction": "up" if change > 0 else "down" if change < 0 else "",
        "since": period_label(previous),
    }


def file_name(path: str | None) -> str:
    """An input as the page shows it: its file name only, so that a shared page does not
    carry the local folders of whoever made it (``default`` and ``-`` stay as they are)."""
    if not path:
        return ""
    return path.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1] or path


def _svg(spec: dict[str, Any] | None) -> Any:
    from markupsafe import Markup

    return Markup(charts.svg(spec)) if spec else None  # vl-convert escapes its own text


def render_html(report: dict[str, Any], history: Sequence[dict[str, Any]] = ()) -> str:
    """The page for ``report``; earlier reports in ``history`` (oldest first) give the trend."""
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("tokenecon.render", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        usd=usd, pct=pct, count=count, tokens=tokens, per_million=per_million,
        file_name=file_name, volume_cost=volume_cost, priced_usd=priced_usd,
    )  # fmt: skip
    env.globals["waterfall_bars"] = waterfall_bars
    env.globals["areas_named"] = areas_named
    previous = history[-1] if history else None
    points = [
        {"period": period_label(r), "value": r["board"]["cost_per_verified_outcome"]["value"]}
        for r in [*history, report]
        if "board" in r
    ]
    findings = [f for u in report["use_cases"] for f in u["findings"]] + report["findings"]
    loaded = sum((Decimal(u["fully_loaded_cost"]) for u in report["use_cases"]), Decimal(0))
    loaded += Decimal(report["unattributed"]["cost"])
    return env.get_template("report.html.j2").render(
        report=report,
        board=report["board"],
        board_lines=board_lines(report, previous),
        previous={"label": period_label(previous)} if previous else None,
        period=period_label(report),
        usage_files=[file_name(f["path"]) for f in report["inputs"].get("usage", [])],
        trend_change=_trend_change(report, previous),
        findings=findings,
        loaded_cost=(
            "no price" if not loaded and unpriced_all(report["totals"]) else usd(str(loaded))
        ),
        charts={
            "trend": _svg(charts.trend_chart(points, report["currency"])),
            "layers": _svg(charts.layers_chart(report)),
            "frontier": _svg(charts.frontier_chart(report)),
            "spend": _svg(charts.spend_chart(report)) if report["use_cases"] else None,
            "daily": _svg(daily_chart(report)),
        },
        ownership=_ownership(report),  # showback, budgets, people: None without them
    )


def _ownership(report: dict[str, Any]) -> dict[str, Any] | None:
    """The ownership section's charts, when the report has a showback."""
    if "showback" not in report:
        return None
    from tokenecon.render import ownership_charts as oc

    return {
        "showback_chart": _svg(oc.showback_chart(report)),
        "burndowns": [
            _svg(oc.burndown_chart(b, report["currency"])) for b in report["budgets"]["budgets"]
        ],
    }
