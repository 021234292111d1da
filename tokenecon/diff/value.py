"""Value areas month over month: spend, fully loaded cost, outcomes, value and ROI of each of
the four areas (and the use cases in none), base against head (docs/diff.md#value-areas).

A report saved before value areas existed has none: its side is null, never zero.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tokenecon.diff.compare import relative_change
from tokenecon.report.figures import money, number

AREA_ORDER = (
    "revenue_growth", "operational_efficiency", "risk_reduction", "decision_intelligence",
    "unassigned",
)  # fmt: skip
Format = Callable[[Decimal | None], Any]


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _count(value: Decimal | None) -> int | None:
    return None if value is None else int(value)


FIELDS: dict[str, Format] = {
    "cost": money, "fully_loaded_cost": money, "outcomes": _count, "value": money,
    "roi": number,
}  # fmt: skip
"""Each area's figures compared; a change of ``roi`` is in ratio points (0.05 = 5 pp)."""


def _areas(report: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    value = report.get("value")
    if not isinstance(value, dict) or "areas" not in value:
        return None
    return {a["area"]: a for a in value["areas"]}


def value_area_diff(base: dict[str, Any], head: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Every area either report has, in the areas' order, each field's base, head and change
    (null where a side has no value areas or the figure is unknown); None when neither report
    has value areas."""
    b, h = _areas(base), _areas(head)
    if b is None and h is None:
        return None
    names = [a for a in AREA_ORDER if a in (b or {}) or a in (h or {})]
    out = []
    for name in names:
        entry: dict[str, Any] = {"area": name}
        mine_b, mine_h = (b or {}).get(name, {}), (h or {}).get(name, {})
        for key, fmt in FIELDS.items():
            x, y = _dec(mine_b.get(key)), _dec(mine_h.get(key))
            if b is not None and key != "roi" and x is None and name not in b:
                x = Decimal(0)  # an area the base has none of: nothing spent there
            if h is not None and key != "roi" and y is None and name not in h:
                y = Decimal(0)
            change = None if x is None or y is None else y - x
            entry[key] = {
                "base": fmt(x), "head": fmt(y), "change": fmt(change),
                "change_pct": number(relative_change(x, y)),
            }  # fmt: skip
        entry["use_cases"] = {
            "base": mine_b.get("use_cases", []),
            "head": mine_h.get("use_cases", []),
        }
        out.append(entry)
    return out
