"""The ownership sections of ``tokenecon.report/v1``: ``showback``, ``allocation``, ``budgets``
and ``people`` (added beside the others; nothing existing is renamed), and their findings in the
report's ``findings`` list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from tokenecon.attribute.domains import invoiced_in, owner_key
from tokenecon.report.document import Report, finding_json
from tokenecon.report.figures import money, number

# The accounts are imported where a mapping declares ownership: a run without any (the
# usual one) does not load them (docs/benchmarks.md, "Start-up").
if TYPE_CHECKING:
    from tokenecon.attribute.domains import Ownership
    from tokenecon.attribute.mapping import OutcomeMapping
    from tokenecon.economics.budgets import BudgetStatus
    from tokenecon.economics.decompose import Economics
    from tokenecon.economics.owner_usage import OwnerUsage
    from tokenecon.economics.ownership import Accounts
    from tokenecon.economics.people import RoleBudget, TierStats
    from tokenecon.economics.showback import Showback
    from tokenecon.economics.user_outcomes import TierOutcomes
    from tokenecon.price.apply import PricedGroup


def _showback(s: Showback) -> dict[str, Any]:
    from tokenecon.economics.showback import cost_per_verified_outcome

    rows = [
        {
            "domain": x.domain.name,
            "owner": x.domain.owner,
            "use_cases": list(x.domain.use_cases),
            "direct_cost": money(x.volume.cost),
            "review_overhead": money(x.review_overhead),
            "shared_cost": money(x.shared_total),
            "total": money(x.total),
            "share": number(s.share(x.total)),
            "requests": x.volume.requests,
            "tokens": x.volume.billable,
            "unpriced_tokens": x.volume.unpriced_tokens,
            "outcomes": x.outcomes,
            "cost_per_outcome": money(x.cost_per_outcome),
            "chargeback": x.domain.stage,
        }
        for x in s.lines
    ]
    return {
        "domains": rows,
        "unallocated": {
            "unowned_cost": money(s.unowned.cost - s.unowned_placed),
            "unowned_review_overhead": money(s.unowned_review),
            "shared_cost": money(s.shared_unallocated),
            "total": money(s.unallocated),
            "share": number(s.share(s.unallocated)),
            "unpriced_tokens": s.unowned.unpriced_tokens,
        },
        "total": money(s.total),
        "cost_per_verified_outcome": money(cost_per_verified_outcome(s)),
    }


def _allocation(s: Showback) -> list[dict[str, Any]]:
    return [
        {
            "pool": a.pool.name,
            "kind": a.pool.kind,
            "amount": money(a.amount),
            "idle": money(a.pool.idle),
            "rule": a.pool.rule,
            "basis": a.pool.basis,
            "rule_text": a.rule_text,
            "shares": [
                {"domain": d, "weight": number(a.weights.get(d)), "amount": money(v)}
                for d, v in a.shares.items()
            ],
            "allocated": money(a.allocated),
            "unallocated": money(a.unallocated),
            "unallocated_reason": a.reason,
        }
        for a in s.allocations
    ]


def _budget(s: BudgetStatus) -> dict[str, Any]:
    b = s.budget
    return {
        "scope": b.scope,
        "name": b.name,
        "period": b.period,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "as_of": s.as_of.isoformat(),
        "observed_from": s.observed_from.isoformat() if s.observed_from else None,
        "amount": money(b.amount),
        "spent": money(s.spent),
        "unpriced_tokens": s.unpriced_tokens,
        "remaining": money(s.remaining),
        "spent_share": number(s.spent / b.amount) if b.amount else None,
        "daily_burn": money(s.daily_burn),
        "weekday_burn": money(s.rate(False)),
        "weekend_burn": money(s.rate(True)),
        "projected": money(s.projected),
        "runs_out": s.runs_out.isoformat() if s.runs_out else None,
        "alert_levels": [number(level) for level in b.alerts],
        "alerts": [{"level": lv, "on": d.isoformat() if d else None} for lv, d in s.alerts],
        "daily": [{"day": d.isoformat(), "cost": money(c)} for d, c in sorted(s.daily.items())],
    }


def _budgets(a: Accounts) -> dict[str, Any]:
    return {
        "budgets": [_budget(s) for s in a.budgets],
        "credits": [
            {
                "domain": c.domain,
                "cache_saving": money(c.cache_saving),
                "batch_saving": money(c.batch_saving),
                "total": money(c.total),
            }
            for c in a.credits
        ],
    }


def _tier(t: TierStats, o: TierOutcomes | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "tier": t.tier,
        "headcount": t.headcount,
        "active_users": len(t.active),
        "idle_seats": len(t.idle_seats),
        "idle_users": t.idle_seats,
        "cost": money(t.cost),
        "tokens": t.tokens,
        "seat_cost": money(t.seat_cost),
        "cost_per_active_user": {
            "median": money(t.per_user("cost", 50)),
            "p90": money(t.per_user("cost", 90)),
        },
        "tokens_per_active_user": {
            "median": number(t.per_user("tokens", 50)),
            "p90": number(t.per_user("tokens", 90)),
        },
        "top_users": [{"user": u, "cost": money(c)} for u, c in t.top],
        "cost_per_million_tokens": money(t.cost_per_million_tokens),
        "cost_per_employee": money(t.cost_per_employee),
        "loaded_cost_per_employee": money(t.loaded_cost_per_employee),
    }
    return out | _tier_outcomes(o, out["top_users"])


def _tier_outcomes(o: TierOutcomes | None, top: list[dict[str, Any]]) -> dict[str, Any]:
    """The tier's outcomes per user (null where tasks carry no user), and each top user's."""
    for x in top:
        x["verified_outcomes"] = o.of(x["user"]) if o else None
    return {
        "outcome_users": len(o.users) if o else 0,
        "verified_outcomes": o.outcomes if o else None,
        "outcomes_per_user": {
            "mean": number(o.mean if o else None),
            "median": number(o.per_user(50) if o else None),
            "p90": number(o.per_user(90) if o else None),
        },
        "cost_per_verified_outcome": money(o.cost_per_outcome if o else None),
    }


def _role(r: RoleBudget) -> dict[str, Any]:
    return {
        "tier": r.role.name,
        "deliverables_per_month": number(r.role.deliverables_per_month),
        "use_case": r.role.use_case,
        "percentile": r.role.percentile,
        "headroom": number(r.role.headroom),
        "tokens_per_deliverable": number(r.tokens_per_deliverable),
        "need_tokens_per_user": r.need_per_user,
        "need_tokens": r.need,
        "need_cost": money(r.need_cost),
        "actual_tokens_per_user": number(r.actual_per_user),
        "budget_tokens_per_user": r.role.budget_tokens_per_user,
        "starved": r.starved,
    }


def ownership_sections(accounts: Accounts) -> dict[str, Any]:
    """The four sections of an analysis with ownership."""
    sections: dict[str, Any] = {
        "showback": _showback(accounts.showback),
        "allocation": _allocation(accounts.showback),
        "budgets": _budgets(accounts),
    }
    if accounts.people:
        outcomes = {o.tier: o for o in accounts.outcomes}
        sections["people"] = {
            "users_listed": len(accounts.people),
            "outcome_use_cases": sorted({u for o in accounts.outcomes for u in o.use_cases}),
            "tiers": [_tier(t, outcomes.get(t.tier)) for t in accounts.tiers],
            "role_budgets": [_role(r) for r in accounts.roles],
        }
    return sections


def with_ownership(report: Report, accounts: Accounts | None) -> Report:
    """The report with the ownership sections and findings added (unchanged without them)."""
    if accounts is None:
        return report
    data = dict(report.data)
    data.update(ownership_sections(accounts))
    data["findings"] = [*data["findings"], *(finding_json(f) for f in accounts.findings)]
    return Report(data)


def ownership_key(mapping: OutcomeMapping | None, by: str | None) -> str | None:
    """The attribute the engine groups by: ``by``, or what the mapping's ownership needs."""
    return owner_key(mapping.ownership if mapping else None, by)


def account(
    priced: Sequence[PricedGroup] | OwnerUsage,
    economics: Economics,
    mapping: OutcomeMapping | None,
    key: str | None,
    count_outcomes: Callable[[OutcomeMapping], Mapping[tuple[str, str], int]] | None = None,
    window: tuple[date, date] | None = None,
) -> Accounts | None:
    """The ownership accounts of an analysis, when its mapping declares any.

    ``count_outcomes`` asks the engine for verified outcomes per (use case, user); it is
    called only with a people file and use cases that count outcomes per task. Invoiced
    pools hold the invoices dated in ``window`` (default: the months the usage spans)."""
    if mapping is None or mapping.ownership is None:
        return None
    from tokenecon.attribute.outcomes import event_sources
    from tokenecon.economics.ownership import account_ownership
    from tokenecon.economics.user_outcomes import UserOutcomes

    per_user = None
    counted = frozenset(n for _, names in event_sources(mapping) for n in names)
    if count_outcomes is not None and mapping.ownership.people and key == "user" and counted:
        per_user = UserOutcomes(counted, count_outcomes(mapping))
    return account_ownership(
        priced, economics, _invoiced(mapping.ownership, economics, window), key, per_user
    )


def _invoiced(
    ownership: Ownership, economics: Economics, window: tuple[date, date] | None
) -> Ownership:
    """The ownership with each invoiced pool cut to the invoices dated in ``window``, else in
    the calendar months the usage spans, as a chargeback of those months bills them."""
    from tokenecon.economics.budgets import period_of

    if window is not None:
        return invoiced_in(ownership, *window)
    if economics.start is None or economics.end is None:
        return ownership
    first, last = period_of(economics.start, "month")[0], period_of(economics.end, "month")[1]
    return invoiced_in(ownership, first, last)
