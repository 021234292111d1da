"""Outcomes per user, by role tier, where tasks carry a user.

Only use cases that count verified outcomes per task (an events file keyed by task) credit an
outcome to the users whose rows ran the task; a count of outcomes per period belongs to no user.
So per tier the figures are over its **outcome users**: active users with usage of such a use
case. Their verified outcomes (a user with none counts 0), outcomes per user (mean, and median
and p90 by nearest rank, as the other per-user figures), and the cost per verified outcome of
their usage of those use cases. A tier none of whose users touched such a use case has no
figures (None), not zero: its outcomes are not observed per user.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tokenecon.economics.decompose import Volume, ratio
from tokenecon.economics.people import TierStats, percentile


@dataclass(frozen=True)
class UserOutcomes:
    """What the engine counted: verified outcomes per (use case, user), and the use cases whose
    outcomes are counted per task (a user absent from ``counts`` on one of them has none)."""

    use_cases: frozenset[str]
    counts: Mapping[tuple[str, str], int] = field(default_factory=dict)


@dataclass(frozen=True)
class TierOutcomes:
    """One tier's verified outcomes per user."""

    tier: str
    users: dict[str, int]
    """Outcome user -> their verified outcomes."""
    cost: Decimal
    """The outcome users' model cost on the use cases that count outcomes per task."""
    use_cases: frozenset[str] = frozenset()
    """The use cases that count outcomes per task."""

    @property
    def outcomes(self) -> int | None:
        """All the tier's verified outcomes (None: no outcome user)."""
        return sum(self.users.values()) if self.users else None

    @property
    def mean(self) -> Decimal | None:
        """Outcomes / outcome users."""
        return ratio(self.outcomes or 0, len(self.users)) if self.users else None

    def per_user(self, p: int) -> Decimal | None:
        """Outcomes per outcome user at percentile ``p`` (nearest rank)."""
        return percentile([Decimal(n) for n in self.users.values()], p)

    @property
    def cost_per_outcome(self) -> Decimal | None:
        """Their cost on those use cases / their verified outcomes."""
        return ratio(self.cost, self.outcomes) if self.outcomes else None

    def of(self, user: str) -> int | None:
        """A user's verified outcomes (None: not an outcome user)."""
        return self.users.get(user)


def outcomes_by_tier(
    tiers: Sequence[TierStats],
    per_use_case: Mapping[tuple[str, str | None], Volume],
    counted: UserOutcomes,
) -> list[TierOutcomes]:
    """Each tier's outcomes per user, in the order of ``tiers``; ``per_use_case`` is usage by
    (user, use case)."""
    out = []
    for tier in tiers:
        users: dict[str, int] = {}
        cost = Decimal(0)
        for user in tier.active:
            used = _used(user, counted.use_cases, per_use_case)
            if not used:
                continue
            users[user] = sum(counted.counts.get((u, user), 0) for u, _ in used)
            cost += sum((v.cost for _, v in used), Decimal(0))
        out.append(TierOutcomes(tier.tier, users, cost, counted.use_cases))
    return out


def _used(
    user: str, use_cases: Collection[str], per_use_case: Mapping[tuple[str, str | None], Volume]
) -> list[tuple[str, Volume]]:
    """The user's usage of each use case that counts outcomes per task, where they have any."""
    found = ((u, per_use_case.get((user, u))) for u in sorted(use_cases))
    return [(u, v) for u, v in found if v is not None and (v.requests or v.rows)]
