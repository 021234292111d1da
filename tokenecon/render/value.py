"""The report's value sections for people (console and HTML): integrity, the human baseline,
value areas, the hidden-cost waterfall, the operating ladder and the five CEO questions.

Reports saved before these sections existed simply have none to show.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.table import Table
from rich.text import Text

from tokenecon.render.difftext import signed_pp, signed_usd
from tokenecon.render.formats import count, dec, pct, usd
from tokenecon.render.tables import DIFF_WIDER, Column, fitted_tables

STEP_LABELS = {
    "sticker": "sticker (one clean attempt)",
    "context_rereads": "context re-reads",
    "rework_calls": "rework: calls beyond one per task",
    "rework_tasks": "rework: tasks beyond one per outcome",
    "human_review": "human review",
    "placement_premium": "placement premium",
    "overhead": "orchestration and platform overhead",
}
AREA_LABELS = {
    "revenue_growth": "revenue growth",
    "operational_efficiency": "operational efficiency",
    "risk_reduction": "risk reduction",
    "decision_intelligence": "decision intelligence",
    "unassigned": "(no area)",
}


def areas_named(areas: list[dict[str, Any]]) -> bool:
    """Whether any use case is in one of the four value areas (an analysis's areas, or a
    diff's, whose ``use_cases`` are per side). Without one the table would be four rows of
    $0.00, a confident zero on a mapping that names no area; the CEO question on where the
    money goes says what to add instead."""

    def named(area: dict[str, Any]) -> bool:
        cases = area.get("use_cases")
        return (
            bool(cases.get("base") or cases.get("head")) if isinstance(cases, dict) else bool(cases)
        )

    return any(named(a) for a in areas if a["area"] != "unassigned")


def _left(*headers: str) -> list[Column]:
    return [Column(h, "left" if i == 0 else "right") for i, h in enumerate(headers)]


def value_tables(report: dict[str, Any], width: int) -> list[Table]:
    """Beyond the sticker per use case, and the value areas."""
    if "value" not in report:
        return []
    columns = _left(
        "use case", "area", "error rate", "error cost", "ROI", "ROI net of errors",
        "hours saved", "ROI vs people", "placement premium", "sticker share",
    )  # fmt: skip
    rows: list[list[Any]] = []
    for v in report["value"]["use_cases"]:
        i, h, p, w = v["integrity"], v["human_baseline"], v["placement"], v["waterfall"]
        rows.append([
            v["name"], AREA_LABELS.get(v["value_area"] or "unassigned", "—"),
            pct(i["error_rate"], 1), usd(i["error_cost"]), pct(i["roi"]),
            Text(pct(i["roi_net_of_errors"]), style="bold red")
            if i["error_cost_exceeds_saving"] else pct(i["roi_net_of_errors"]),
            count(h["hours_saved"], 1) if h else "—", pct(h["roi_vs_human"]) if h else "—",
            usd(p["premium"]) if p else "—", pct(w["sticker_share"], 1) if w else "—",
        ])  # fmt: skip
    tables = fitted_tables("Beyond the sticker price", columns, rows, width) if rows else []
    if not areas_named(report["value"]["areas"]):
        return tables
    area_columns = _left("value area", "use cases", "spend", "fully loaded", "outcomes",
                         "value", "ROI")  # fmt: skip
    area_rows = [
        [AREA_LABELS[a["area"]], count(len(a["use_cases"])), usd(a["cost"]),
         usd(a["fully_loaded_cost"]), count(a["outcomes"]), usd(a["value"]), pct(a["roi"])]
        for a in report["value"]["areas"]
    ]  # fmt: skip
    return tables + fitted_tables("Value areas", area_columns, area_rows, width)


def waterfall_text(w: dict[str, Any]) -> str:
    """``The sticker is X% of the real bill: ...`` for one waterfall."""
    parts = [
        f"{STEP_LABELS[s['step']]} {usd(s['per_outcome'])}"
        for s in w["steps"]
        if dec(s["per_outcome"]) or s["step"] == "sticker"
    ]
    return (
        f"The sticker is {pct(w['sticker_share'], 1)} of the real bill: "
        + " + ".join(parts)
        + f" = {usd(w['fully_loaded_cost_per_outcome'])} per verified outcome, fully loaded"
    )


def placement_text(name: str, p: dict[str, Any]) -> str | None:
    """``support-triage pays $0.48 for placement (eu x1.1 from the price book) ...``, or None
    without a premium."""
    if not dec(p["premium"]):
        return None
    if p.get("source") in ("book", "book+declared"):
        rates = ", ".join(f"{r} x{Decimal(m).normalize():f}" for r, m in p["book_regions"].items())
        basis = f"{rates} from the price book"
        if p["source"] == "book+declared":
            basis += f", declared {pct(p['premium_rate'], 1)} where the book has none"
    else:
        basis = f"declared {pct(p['premium_rate'], 1)}: the price book has no regional price"
    return (
        f"Placement: {name} pays {usd(p['premium'])} above the global price of the same "
        f"tokens ({basis}), required by residency [{', '.join(p['regions'])}]; "
        f"sovereignty hit rate {pct(p['sovereignty_hit_rate'], 1)}"
    )


def ladder_lines(ladder: dict[str, Any]) -> list[Text]:
    """The operating stage, what earns the next one, and the margin per workload."""
    stage = ladder["stage"].replace("_", " ")
    out = [Text(f"Operating model: {stage} ({ladder['level']}/3). Next: {ladder['next_step']}")]
    margins = ladder["kpis"].get("margin_per_workload") or {}
    if margins:
        shown = ", ".join(f"{name} {usd(m)}" for name, m in margins.items())
        out.append(Text(f"  Margin per workload (value - fully loaded cost): {shown}"))
    return out


def value_lines(report: dict[str, Any]) -> list[Text]:
    """The portfolio waterfall, placement premiums, the operating ladder (with the margin per
    workload) and the five CEO questions."""
    if "value" not in report:
        return []
    out: list[Text] = []
    if report["waterfall"]:
        out.append(Text(waterfall_text(report["waterfall"])))
    for v in report["value"]["use_cases"]:
        line = placement_text(v["name"], v["placement"]) if v["placement"] else None
        if line:
            out.append(Text(line))
    out += ladder_lines(report["operating_ladder"])
    out.append(Text("Five questions a CEO should ask", style="bold"))
    for q in report["ceo_questions"]:
        if q["answered"]:
            out.append(Text.assemble("  ", (q["question"], "bold"), f" {q['operator']}"))
        else:
            gap = f" Buyer's answer: {q['buyer']}. Missing: {q['missing']}; add {q['closes']}"
            out.append(Text.assemble("  ", (q["question"], "bold"), gap))
    return out


def waterfall_bars(w: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The waterfall as floating bars for the HTML: each step starts where the last ended,
    as a percentage of the fully loaded cost."""
    if not w:
        return []
    total = dec(w["fully_loaded_cost_per_outcome"]) or Decimal(0)
    bars, start = [], Decimal(0)
    for s in w["steps"]:
        amount = dec(s["per_outcome"]) or Decimal(0)
        share = amount / total * 100 if total else Decimal(0)
        bars.append({
            "label": STEP_LABELS[s["step"]], "amount": usd(s["per_outcome"]),
            "left": f"{start:.2f}", "width": f"{share:.2f}", "share": f"{share:.1f}%",
        })  # fmt: skip
        start += share
    return bars


AREA_DIFF_HEADERS = (
    "value area", "base spend", "head spend", "change", "base value", "head value",
    "base ROI", "head ROI", "ROI change",
)  # fmt: skip


def area_diff_rows(doc: dict[str, Any]) -> list[list[str]]:
    """A diff's value areas, one row each (none when neither report has a use case in one)."""
    areas = doc.get("value_areas") or []
    if not areas_named(areas):
        return []
    return [
        [AREA_LABELS.get(a["area"], a["area"]), usd(a["cost"]["base"]), usd(a["cost"]["head"]),
         signed_usd(a["cost"]["change"]), usd(a["value"]["base"]), usd(a["value"]["head"]),
         pct(a["roi"]["base"]), pct(a["roi"]["head"]), signed_pp(a["roi"]["change"])]
        for a in areas
    ]  # fmt: skip


def area_diff_tables(doc: dict[str, Any], width: int) -> list[Table]:
    """Value areas month over month: spend, value and ROI of each area, base against head."""
    rows = area_diff_rows(doc)
    if not rows:
        return []
    columns = _left(*AREA_DIFF_HEADERS)
    return fitted_tables("Value areas, month over month", columns, rows, width, wider=DIFF_WIDER)
