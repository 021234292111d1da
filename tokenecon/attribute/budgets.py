"""Budgets and role tiers in the mapping (``budgets:`` and ``roles:``): soft budgets per domain,
team, use case or user, and what a role tier must deliver (``docs/ownership.md``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tokenecon.attribute.fields import DOCS, amount, check_keys, names, share
from tokenecon.errors import MappingError

SCOPES = ("domain", "team", "use_case", "user")
"""What a budget may be set on."""
PERIODS = ("month", "quarter")
DEFAULT_ALERTS = (Decimal("0.8"), Decimal(1))
"""Alert levels of a budget that states none (the projection over 100% is always checked)."""
_BUDGET_KEYS = {*SCOPES, "amount", "period", "alerts"}
_ROLE_KEYS = {"deliverables_per_month", "use_case", "percentile", "headroom",
              "budget_tokens_per_user"}  # fmt: skip


@dataclass(frozen=True)
class Budget:
    """A soft budget: alerts, never a cap."""

    scope: str
    name: str
    period: str
    amount: Decimal
    alerts: tuple[Decimal, ...]
    """Shares of the amount that raise an alert when spend reaches them."""
    where: str


@dataclass(frozen=True)
class RoleTier:
    """What a role tier must deliver, to size its token budget from."""

    name: str
    deliverables_per_month: Decimal
    use_case: str | None
    """The use case whose tasks are the deliverables (None: a request is a deliverable)."""
    percentile: int
    """Tokens per deliverable are taken at this percentile of the tier's users."""
    headroom: Decimal
    budget_tokens_per_user: int | None
    """The monthly tokens per user the tier is held to today, if any."""
    where: str


def parse_budget(raw: Any, where: str, domains: set[str], use_cases: set[str]) -> Budget:
    """One entry of ``budgets:``."""
    check_keys(raw, _BUDGET_KEYS, where)
    scopes = [s for s in SCOPES if s in raw]
    if len(scopes) != 1:
        raise MappingError(f"{where}: a budget names one of {', '.join(SCOPES)}", DOCS)
    scope = scopes[0]
    name = str(raw[scope])
    known = {"domain": domains, "use_case": use_cases}.get(scope)
    if known is not None and name not in known:
        raise MappingError(
            f"{where} for {scope} {name!r}, which the mapping does not declare",
            f"declared: {', '.join(sorted(known)) or 'none'}; {DOCS}",
        )
    period = str(raw.get("period", "month"))
    if period not in PERIODS:
        raise MappingError(f"{where}: period {period!r}", "month or quarter")
    if "amount" not in raw:
        raise MappingError(f"{where}: a budget needs an `amount`", DOCS)
    alerts = raw.get("alerts")
    levels = (
        tuple(sorted(share(a, f"{where}.alerts") for a in names(alerts, where)))
        if alerts is not None
        else DEFAULT_ALERTS
    )
    return Budget(scope, name, period, amount(raw["amount"], f"{where}.amount"), levels, where)


def parse_role(name: str, raw: Any, where: str, use_cases: set[str]) -> RoleTier:
    """One entry of ``roles:``."""
    check_keys(raw, _ROLE_KEYS, where)
    if "deliverables_per_month" not in raw:
        raise MappingError(f"{where}: a role tier needs `deliverables_per_month`", DOCS)
    use_case = raw.get("use_case")
    if use_case is not None and str(use_case) not in use_cases:
        raise MappingError(f"{where}: use case {use_case!r} is not declared")
    percentile = raw.get("percentile", 50)
    if not isinstance(percentile, int) or not 1 <= percentile <= 100:
        raise MappingError(f"{where}: percentile is a whole number 1-100, got {percentile!r}")
    budget = raw.get("budget_tokens_per_user")
    return RoleTier(
        name=name,
        deliverables_per_month=amount(raw["deliverables_per_month"], f"{where}.deliverables"),
        use_case=str(use_case) if use_case is not None else None,
        percentile=percentile,
        headroom=amount(raw.get("headroom", 1), f"{where}.headroom"),
        budget_tokens_per_user=int(amount(budget, where)) if budget is not None else None,
        where=where,
    )
