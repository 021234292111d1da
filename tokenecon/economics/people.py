"""People and role tiers: adoption, cost per employee, and token budgets sized from deliverables.

Per role tier of the people file: headcount, active users (any usage in the period), seats with
no usage (adoption gaps), cost and tokens per active user (median and p90, nearest rank), the
top users, cost per million tokens, cost per employee and the fully loaded cost per employee
(usage + seat licences). Usage of users the people file does not list is its own line.

Role budgets: a tier's need per user per month is deliverables per month x tokens per
deliverable (the tier's users at the stated percentile) x headroom. Tokens per deliverable of a
user are their tokens per request on the deliverable use case x that use case's requests per
task (the engine counts tasks per use case, not per user). A tier held to fewer tokens per user
than that need is a finding.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal

from tokenecon.attribute.budgets import RoleTier
from tokenecon.attribute.people import Person
from tokenecon.economics.decompose import Economics, Volume, product, ratio
from tokenecon.economics.owner_usage import OwnerUsage, merge
from tokenecon.errors import MappingError

NOT_LISTED = "(not in people file)"
TOP_USERS = 3


def percentile(values: Sequence[Decimal], p: int) -> Decimal | None:
    """Nearest-rank percentile: the value at rank ceil(p/100 x n) of the sorted values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p * len(ordered) / 100)) - 1]


@dataclass
class TierStats:
    """One role tier over the period."""

    tier: str
    people: list[str]
    """Users of the tier in the people file (empty for the not-listed line)."""
    usage: dict[str, Volume] = field(default_factory=dict)
    """User -> usage, for users with any."""
    seat_cost: Decimal = Decimal(0)

    @property
    def active(self) -> list[str]:
        """Users with usage."""
        return sorted(self.usage)

    @property
    def idle_seats(self) -> list[str]:
        """People of the tier with no usage: the adoption gap."""
        return sorted(set(self.people) - set(self.usage))

    @property
    def cost(self) -> Decimal:
        """The tier's model cost."""
        return sum((v.cost for v in self.usage.values()), Decimal(0))

    @property
    def tokens(self) -> int:
        """The tier's billable tokens."""
        return sum(v.billable for v in self.usage.values())

    def per_user(self, what: str, p: int) -> Decimal | None:
        """Cost or tokens per active user at percentile ``p``."""
        values = [v.cost if what == "cost" else Decimal(v.billable) for v in self.usage.values()]
        return percentile(values, p)

    @property
    def top(self) -> list[tuple[str, Decimal]]:
        """The costliest users."""
        ranked = sorted(self.usage.items(), key=lambda kv: (-kv[1].cost, kv[0]))
        return [(u, v.cost) for u, v in ranked[:TOP_USERS]]

    @property
    def cost_per_million_tokens(self) -> Decimal | None:
        """Cost / tokens x 1M."""
        return ratio(self.cost * 1_000_000, self.tokens)

    @property
    def headcount(self) -> int:
        """People of the tier (active users for the not-listed line)."""
        return len(self.people) if self.people else len(self.usage)

    @property
    def cost_per_employee(self) -> Decimal | None:
        """Model cost / headcount."""
        return ratio(self.cost, self.headcount)

    @property
    def loaded_cost_per_employee(self) -> Decimal | None:
        """(Model cost + seat licences) / headcount."""
        return ratio(self.cost + self.seat_cost, self.headcount)


@dataclass(frozen=True)
class RoleBudget:
    """What a tier needs against what it uses and is held to."""

    role: RoleTier
    tokens_per_deliverable: Decimal | None
    """At the stated percentile of the tier's users."""
    need_per_user: int | None
    """Tokens per user per month the deliverables need."""
    headcount: int
    actual_per_user: Decimal | None
    """Median tokens per active user, per month."""
    cost_per_token: Decimal | None
    """The tier's observed cost per token, to turn tokens into money."""

    @property
    def need(self) -> int | None:
        """Tokens per month for the whole tier."""
        return None if self.need_per_user is None else self.need_per_user * self.headcount

    @property
    def need_cost(self) -> Decimal | None:
        """The tier's need in money at its cost per token."""
        return product(self.need, self.cost_per_token)

    @property
    def starved(self) -> bool:
        """Held to fewer tokens per user than the deliverables need."""
        held = self.role.budget_tokens_per_user
        return held is not None and self.need_per_user is not None and held < self.need_per_user


def tier_stats(
    people: Mapping[str, Person], usage: OwnerUsage
) -> tuple[list[TierStats], dict[tuple[str, str | None], Volume]]:
    """Usage per tier (people-file tiers in order of first appearance, then the not-listed
    line) and per (user, use case)."""
    tiers: dict[str, TierStats] = {}
    for person in people.values():
        stats = tiers.setdefault(person.role, TierStats(person.role, []))
        stats.people.append(person.user)
        stats.seat_cost += person.seat_cost
    unlisted = TierStats(NOT_LISTED, [])
    per_use_case: dict[tuple[str, str | None], Volume] = {}
    for (use_case, user), volume in usage.volumes.items():
        if user is None:
            continue
        listed = people.get(user)
        stats = tiers[listed.role] if listed else unlisted
        merge(stats.usage.setdefault(user, Volume()), volume)
        per_use_case[(user, use_case)] = volume
    out = list(tiers.values())
    return ([*out, unlisted] if unlisted.usage else out), per_use_case


def months_in(start: date | None, end: date | None) -> Decimal:
    """The period's length in months of the end's calendar month (1 for a whole month)."""
    if start is None or end is None:
        return Decimal(1)
    days = (end - start).days + 1
    return Decimal(days) / calendar.monthrange(end.year, end.month)[1]


def size_role_budgets(
    roles: Sequence[RoleTier],
    tiers: Sequence[TierStats],
    per_use_case: Mapping[tuple[str, str | None], Volume],
    economics: Economics,
) -> list[RoleBudget]:
    """Each declared role tier's need from its deliverables, against its use."""
    by_name = {t.tier: t for t in tiers}
    requests_per_task = {u.name: u.requests_per_task for u in economics.use_cases}
    months = months_in(economics.start, economics.end)
    out = []
    for role in roles:
        stats = by_name.get(role.name)
        if stats is None:
            raise MappingError(
                f"{role.where}: no one in the people file has role tier {role.name!r}",
                "tiers in the people file: "
                + (", ".join(sorted(set(by_name) - {NOT_LISTED})) or "none"),
            )
        per_deliverable = []
        for user in stats.active:
            volume = per_use_case.get((user, role.use_case)) if role.use_case else stats.usage[user]
            if volume is None or not volume.requests:
                continue
            per_request = Decimal(volume.billable) / volume.requests
            factor = requests_per_task.get(role.use_case) if role.use_case else Decimal(1)
            if factor is not None:
                per_deliverable.append(per_request * factor)
        tpd = percentile(per_deliverable, role.percentile)
        need = None
        if tpd is not None:
            exact = role.deliverables_per_month * tpd * role.headroom
            need = int(exact.to_integral_value(rounding=ROUND_CEILING))
        median = stats.per_user("tokens", 50)
        out.append(
            RoleBudget(
                role=role,
                tokens_per_deliverable=tpd,
                need_per_user=need,
                headcount=stats.headcount,
                actual_per_user=ratio(median, months) if median is not None else None,
                cost_per_token=ratio(stats.cost, stats.tokens),
            )
        )
    return out
