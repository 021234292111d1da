"""Ownership month over month: domains' showback, budgets and role tiers of two reports, and
the ``--fail-on`` subjects ``domain:NAME.METRIC`` and ``budget:NAME.METRIC``.

A report without the ownership sections (saved before them, or without domains) has no
values: its subjects are "not evaluated", never zero.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tokenecon.report.figures import money, number

MONEY, SHARE, NUMBER = "money", "share", "number"
DOMAIN = {
    "total": MONEY, "direct_cost": MONEY, "review_overhead": MONEY, "shared_cost": MONEY,
    "share": SHARE, "cost_per_outcome": MONEY, "outcomes": NUMBER,
}  # fmt: skip
"""``--fail-on domain:NAME.METRIC`` metrics (the showback line's own fields)."""
BUDGET = {
    "spent": MONEY, "remaining": MONEY, "projected": MONEY, "daily_burn": MONEY,
    "spent_share": SHARE, "projected_share": SHARE, "amount": MONEY,
}  # fmt: skip
"""``--fail-on budget:NAME.METRIC`` metrics; NAME is the budget's domain, team, use case or
user (a glob allowed)."""
SCOPES = {"domain": DOMAIN, "budget": BUDGET}


def _dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _budget_figures(b: dict[str, Any]) -> dict[str, Any]:
    amount = Decimal(b["amount"])
    projected = Decimal(b["projected"])
    return {**b, "projected_share": number(projected / amount) if amount else None}


def _entries(report: dict[str, Any], scope: str) -> dict[str, dict[str, Any]]:
    """Subject name -> its figures, for one scope of one report."""
    if scope == "domain":
        return {d["domain"]: d for d in report.get("showback", {}).get("domains", [])}
    budgets = report.get("budgets", {}).get("budgets", [])
    return {f"{b['scope']}:{b['name']}": _budget_figures(b) for b in budgets}


def ownership_subjects(
    base: dict[str, Any], head: dict[str, Any], scope: str, pattern: str, metric: str
) -> list[tuple[str, Decimal | None, Decimal | None]]:
    """(subject, base value, head value) of every domain or budget ``pattern`` names; a
    budget matches on its name or on ``scope:name``."""
    b, h = _entries(base, scope), _entries(head, scope)
    names = [*b, *(n for n in h if n not in b)]

    def matches(name: str) -> bool:
        short = name.split(":", 1)[1] if scope == "budget" else name
        return fnmatch.fnmatchcase(short, pattern) or fnmatch.fnmatchcase(name, pattern)

    return [
        (f"{scope}:{n}", _dec(b[n].get(metric)) if n in b else None,
         _dec(h[n].get(metric)) if n in h else None)
        for n in names
        if matches(n)
    ]  # fmt: skip


def _change(base: Any, head: Any, fmt: Callable[[Decimal | None], Any] = money) -> dict[str, Any]:
    b, h = _dec(base), _dec(head)
    return {
        "base": fmt(b),
        "head": fmt(h),
        "change": None if b is None or h is None else fmt(h - b),
    }


def _count(x: Decimal | None) -> int | None:
    return None if x is None else int(x)


def _side_by_side(
    base: dict[str, dict[str, Any]],
    head: dict[str, dict[str, Any]],
    label: str,
    fields: dict[str, Callable[[Decimal | None], Any]],
) -> list[dict[str, Any]]:
    """One entry per name in either side: each field's base, head and change."""
    out = []
    for name in [*base, *(n for n in head if n not in base)]:
        b, h = base.get(name, {}), head.get(name, {})
        entry: dict[str, Any] = {label: name}
        for key, fmt in fields.items():
            entry[key] = _change(b.get(key), h.get(key), fmt)
        out.append(entry)
    return out


def ownership_diff(base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any] | None:
    """Domains, budgets and role tiers side by side; None when neither report has them."""
    if "showback" not in base and "showback" not in head:
        return None
    money_fields = ("direct_cost", "review_overhead", "shared_cost", "total", "cost_per_outcome")
    domain_fields: dict[str, Callable[[Decimal | None], Any]] = dict.fromkeys(money_fields, money)
    domain_fields["share"] = number
    budgets = _side_by_side(
        _entries(base, "budget"), _entries(head, "budget"), "budget",
        {"amount": money, "spent": money, "projected": money, "spent_share": number},
    )  # fmt: skip
    tiers = _side_by_side(
        {t["tier"]: t for t in base.get("people", {}).get("tiers", [])},
        {t["tier"]: t for t in head.get("people", {}).get("tiers", [])},
        "tier",
        {
            "active_users": _count,
            "idle_seats": _count,
            "cost_per_employee": money,
            "verified_outcomes": _count,
        },
    )
    return {
        "domains": _side_by_side(
            _entries(base, "domain"), _entries(head, "domain"), "domain", domain_fields
        ),
        "budgets": budgets,
        "tiers": tiers,
    }
