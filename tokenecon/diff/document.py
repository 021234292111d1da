"""A report diff as a JSON-ready document (``tokenecon.diff/v1``): each figure as base, head,
change and relative change, in the report's number formats.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokenecon.diff.compare import (
    FACTORS,
    NamedChange,
    Period,
    ReportDiff,
    UseCaseDiff,
    relative_change,
)
from tokenecon.report.figures import money, number, rate

SCHEMA = "tokenecon.diff/v1"


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _change(
    base: Decimal | None, head: Decimal | None, fmt: Any = money, relative: bool = True
) -> dict[str, Any]:
    out: dict[str, Any] = {"base": fmt(base), "head": fmt(head)}
    out["change"] = None if base is None or head is None else fmt(head - base)
    if relative:
        out["change_pct"] = number(relative_change(base, head))
    return out


def _use_case_dict(u: UseCaseDiff) -> dict[str, Any]:
    fb, fh = u.base.factors() or {}, u.head.factors() or {}
    fmt = {"cost_per_token": rate, "tokens_per_task": number, "tasks_per_outcome": number}
    return {
        "name": u.name,
        "status": u.status,
        "cost": _change(_opt(u.base.cost, u.base), _opt(u.head.cost, u.head)),
        "tasks": _change(_int(u.base.tasks, u.base), _int(u.head.tasks, u.head), _count),
        "outcomes": _change(_opt(u.base.outcomes, u.base), _opt(u.head.outcomes, u.head), _count),
        "cost_per_outcome": _change(u.base.cost_per_outcome, u.head.cost_per_outcome),
        "factors": {
            f: {
                **_change(fb.get(f), fh.get(f), fmt[f]),
                "contribution": money(u.contributions[f]) if u.contributions else None,
            }
            for f in FACTORS
        },
        "note": u.note,
    }


def _count(x: Decimal | None) -> int | None:
    return None if x is None else int(x)


def _int(x: int, p: Period) -> Decimal | None:
    return Decimal(x) if p.present else None


def _opt(x: Decimal | int | None, p: Period) -> Decimal | None:
    return Decimal(x) if p.present and x is not None else None


def _model_dict(m: NamedChange) -> dict[str, Any]:
    b, h = m.base or {}, m.head or {}
    return {
        "model": m.name,
        "status": m.status,
        "cost": _change(_priced_cost(b), _priced_cost(h)),
        "requests": _change(_dec(b.get("requests")), _dec(h.get("requests")), _count),
        "cost_per_million_tokens": _change(
            _dec(b.get("cost_per_million_tokens")), _dec(h.get("cost_per_million_tokens"))
        ),
    }


def _priced_cost(entry: dict[str, Any]) -> Decimal | None:
    """A model's cost, None where the report left it unpriced (not a cost of $0)."""
    if "cost_source" in entry and entry["cost_source"] is None and entry.get("unpriced_tokens"):
        return None
    return _dec(entry.get("cost"))


BOARD_FORMATS = {
    "cost_per_verified_outcome": money,
    "direct_allocation_share": number,
    "route_win_rate": number,
    "cache_batch_leverage": number,
    "sovereignty_hit_rate": number,
}


def _board(base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    b, h = base.get("board", {}), head.get("board", {})
    return {
        line: _change(_dec(b.get(line, {}).get("value")), _dec(h.get(line, {}).get("value")), fmt)
        for line, fmt in BOARD_FORMATS.items()
    }


def _period(report: dict[str, Any]) -> dict[str, Any]:
    return {"start": report["period"]["start"], "end": report["period"]["end"]}


def diff_to_dict(diff: ReportDiff, checks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The diff as a JSON-ready document (``tokenecon.diff/v1``)."""
    b, h, s = diff.base, diff.head, diff.split
    totals = {
        "cost": _change(Decimal(b["totals"]["cost"]), Decimal(h["totals"]["cost"])),
        "outcomes": _change(_dec(b["totals"]["outcomes"]), _dec(h["totals"]["outcomes"]), _count),
        "tasks": _change(_dec(b["totals"]["tasks"]), _dec(h["totals"]["tasks"]), _count),
        "requests": _change(_dec(b["totals"]["requests"]), _dec(h["totals"]["requests"]), _count),
        "unattributed_cost": _change(
            Decimal(b["unattributed"]["cost"]), Decimal(h["unattributed"]["cost"])
        ),
        # the tokens no cost counts: a cost of 0 beside them is unknown, not free
        "tokens": _change(
            _dec(b["totals"]["tokens"]["billable"]), _dec(h["totals"]["tokens"]["billable"]), _count
        ),
        "unpriced_tokens": _change(
            _dec(b["totals"]["unpriced_tokens"]), _dec(h["totals"]["unpriced_tokens"]), _count
        ),
    }
    return {
        "schema": SCHEMA,
        "currency": h["currency"],
        "base": {"period": _period(b), "inputs": b["inputs"].get("usage", [])},
        "head": {"period": _period(h), "inputs": h["inputs"].get("usage", [])},
        "totals": totals,
        "board": _board(b, h),
        "cost_split": {
            "change": money(s.total),
            "outcome_volume": money(s.outcome_volume),
            "mix": money(s.mix),
            "cost_per_outcome": money(s.cost_per_outcome),
            "cost_per_outcome_by_factor": {f: money(v) for f, v in s.factors.items()},
            "without_outcomes": money(s.without_outcomes),
            "unattributed": money(s.unattributed),
            "outcomes": {"base": s.outcomes_base, "head": s.outcomes_head},
        },
        "use_cases": [_use_case_dict(u) for u in diff.use_cases],
        "models": [_model_dict(m) for m in diff.models],
        "checks": checks or [],
        **_ownership(b, h),
        **_value_areas(b, h),
    }


def _value_areas(base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    """Spend, value and ROI by value area side by side, when either report has them."""
    from tokenecon.diff.value import value_area_diff

    found = value_area_diff(base, head)
    return {"value_areas": found} if found is not None else {}


def _ownership(base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    """Showback, budgets and tiers side by side, when either report has them."""
    from tokenecon.diff.ownership import ownership_diff

    found = ownership_diff(base, head)
    return {"ownership": found} if found else {}
