"""Who owns the spend, end to end: showback with allocated shared costs, budgets and their
alerts, credits for what caching and batching saved, people and role budgets, and the findings
they raise (soft alerts only: nothing here caps anything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tokenecon.attribute.domains import Ownership
from tokenecon.attribute.people import Person
from tokenecon.economics.budgets import BudgetStatus, scoper, track_budgets
from tokenecon.economics.decompose import Economics, Volume, ratio
from tokenecon.economics.diagnose import Finding, FindingKind
from tokenecon.economics.owner_usage import OwnerUsage, fold_usage
from tokenecon.economics.people import RoleBudget, TierStats, size_role_budgets, tier_stats
from tokenecon.economics.showback import Showback, build_showback, domain_resolver
from tokenecon.economics.user_outcomes import TierOutcomes, UserOutcomes, outcomes_by_tier
from tokenecon.price.apply import PricedGroup


@dataclass(frozen=True)
class Credit:
    """What a domain's caching and batching took off the list bill (its internal credit)."""

    domain: str
    cache_saving: Decimal
    batch_saving: Decimal

    @property
    def total(self) -> Decimal:
        """Cache + batch."""
        return self.cache_saving + self.batch_saving


def credit_of(domain: str, v: Volume) -> Credit:
    """The board's cache-and-batch leverage, for one domain's usage."""
    computed = v.cost - v.cost_from_reported
    return Credit(
        domain, v.cost_without_cache - v.cost_standard_tier, v.cost_standard_tier - computed
    )


@dataclass
class Accounts:
    """Everything ownership adds to an analysis."""

    ownership: Ownership
    key: str | None
    """The usage attribute grouped by for ownership (user, team or project), if any."""
    showback: Showback
    budgets: list[BudgetStatus]
    credits: list[Credit]
    people: dict[str, Person] = field(default_factory=dict)
    tiers: list[TierStats] = field(default_factory=list)
    roles: list[RoleBudget] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    outcomes: list[TierOutcomes] = field(default_factory=list)
    """Verified outcomes per user of each tier (in the order of ``tiers``), where tasks carry
    a user."""


def _fmt(x: Decimal) -> str:
    """Money as the tables show it: cents from $1 up, 4 places below."""
    return f"{x:,.2f}" if abs(x) >= 1 or x == 0 else f"{x:,.4f}"


UNPRICED_BUDGET = FindingKind("budget", "unpriced_tokens", "default", "price")
STARVED_ROLE = FindingKind("people", "tokens_per_user", "mapping", "resize")
IDLE_SEATS = FindingKind("people", "idle_seats", "default", "adopt")
SHARED_OVER_DIRECT = FindingKind("allocation", "shared_vs_direct", "default", "review")


def _budget_findings(statuses: Sequence[BudgetStatus]) -> list[Finding]:
    out = []
    for s in statuses:
        b = s.budget
        scope = f"{b.scope}:{b.name}"
        for level, day in s.alerts:
            if level == "projected over":
                when = f", running out on {day.isoformat()}" if day else ""
                message = (
                    f"{b.period} budget ${_fmt(b.amount)}: ${_fmt(s.spent)} spent by "
                    f"{s.as_of.isoformat()}, projected ${_fmt(s.projected)}{when}"
                )
                actual, target = s.projected, b.amount
            else:
                message = (
                    f"{b.period} budget ${_fmt(b.amount)}: {level} reached on "
                    f"{day.isoformat() if day else '?'} (${_fmt(s.spent)} spent by "
                    f"{s.as_of.isoformat()})"
                )
                actual, target = s.spent, b.amount * Decimal(level.rstrip("%")) / 100
            kind = FindingKind("budget", f"budget {level}", "mapping", "review")
            out.append(kind.on(scope, actual, target, message + "; an alert, not a cap"))
        if s.unpriced_tokens:
            out.append(UNPRICED_BUDGET.on(
                scope, Decimal(s.unpriced_tokens), Decimal(0),
                f"{s.unpriced_tokens:,} tokens of its usage have no price: its spend "
                f"(${_fmt(s.spent)}), projection and alerts leave them out; add their models "
                "to a --prices book (docs/price-book-fields.md)",
            ))  # fmt: skip
    return out


def _role_findings(roles: Sequence[RoleBudget]) -> list[Finding]:
    out = []
    for r in roles:
        if not r.starved or r.need_per_user is None or r.tokens_per_deliverable is None:
            continue
        held = Decimal(r.role.budget_tokens_per_user or 0)
        out.append(
            STARVED_ROLE.on(
                f"role:{r.role.name}",
                held,
                Decimal(r.need_per_user),
                f"held to {held:,.0f} tokens per user a month; its deliverables need "
                f"{r.need_per_user:,} ({r.role.deliverables_per_month.normalize():f} x "
                f"{r.tokens_per_deliverable:,.0f} tokens at p{r.role.percentile} x "
                f"{r.role.headroom.normalize():f} headroom)",
            )
        )
    return out


def _idle_findings(tiers: Sequence[TierStats]) -> list[Finding]:
    out = []
    for t in tiers:
        if t.people and t.idle_seats:
            share = ratio(len(t.idle_seats), len(t.people))
            out.append(
                IDLE_SEATS.on(
                    f"role:{t.tier}",
                    share,
                    None,
                    f"{len(t.idle_seats)} of {len(t.people)} seats had no usage "
                    f"(seat licences ${_fmt(t.seat_cost)})",
                )
            )
    return out


SHARED_DWARFS = Decimal(10)
"""Allocated shared cost this many times a domain's direct model cost: a finding (the pools, not
the domain's own use, decide its bill)."""


def _shared_findings(showback: Showback) -> list[Finding]:
    out = []
    for x in showback.lines:
        times = ratio(x.shared_total, x.volume.cost)
        if times is not None and times >= SHARED_DWARFS:
            out.append(
                SHARED_OVER_DIRECT.on(
                    f"domain:{x.domain.name}",
                    times,
                    SHARED_DWARFS,
                    f"allocated shared costs ${_fmt(x.shared_total)} are {times:,.0f}x "
                    f"its direct model cost ${_fmt(x.volume.cost)}: the pools' rules, not its "
                    "own use, decide its bill",
                )
            )
    return out


def account_ownership(
    priced: Sequence[PricedGroup] | OwnerUsage,
    economics: Economics,
    ownership: Ownership,
    key: str | None,
    user_outcomes: UserOutcomes | None = None,
) -> Accounts:
    """Showback, budgets, credits and people of one analysed period (with ``user_outcomes``,
    the engine's verified outcomes per user, each tier's outcomes per user). ``priced`` may
    come folded already (:func:`~.owner_usage.fold_owner_groups`)."""
    people = ownership.people
    team_of = {u: p.team for u, p in people.items() if p.team}
    resolve = domain_resolver(ownership, key, team_of)
    usage = priced if isinstance(priced, OwnerUsage) else fold_usage(priced)
    showback = build_showback(usage, economics, ownership, resolve)
    statuses = (
        track_budgets(
            ownership.budgets,
            usage.daily,
            scoper(resolve, key, team_of),
            economics.end,
            economics.start,
            usage.unpriced_daily,
        )
        if economics.end is not None
        else []
    )
    credits = [credit_of(x.domain.name, x.volume) for x in showback.lines]
    accounts = Accounts(ownership, key, showback, statuses, credits, people)
    if people:
        accounts.tiers, per_use_case = tier_stats(people, usage)
        accounts.roles = size_role_budgets(ownership.roles, accounts.tiers, per_use_case, economics)
        if user_outcomes is not None and user_outcomes.use_cases:
            accounts.outcomes = outcomes_by_tier(accounts.tiers, per_use_case, user_outcomes)
    accounts.findings = [
        *_shared_findings(showback),
        *_budget_findings(statuses),
        *_role_findings(accounts.roles),
        *_idle_findings(accounts.tiers),
    ]
    return accounts
