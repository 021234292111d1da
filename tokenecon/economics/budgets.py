"""Soft budgets: spent, remaining, burn, a weekday-aware projection to the period's end, the
day the money runs out at that pace, and alert levels. Nothing is ever capped.

A budget's period is the calendar month or quarter that holds the last day of usage (the "as
of" day). Spend is the direct model cost of the budget's scope, day by day. The projection adds,
for each day left, the average spend of the elapsed weekdays (Monday to Friday) or of the
elapsed weekend days, by what that day is; a day type with no elapsed day uses the average of
all elapsed days.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from tokenecon.attribute.budgets import Budget
from tokenecon.economics.decompose import ratio

Scoper = Callable[[str, str | None, str | None], str | None]
"""(scope, use case, ownership key value) -> the name within that scope the spend counts for."""


def period_of(as_of: date, period: str) -> tuple[date, date]:
    """First and last day of the month or quarter holding ``as_of``."""
    first_month = as_of.month if period == "month" else 3 * ((as_of.month - 1) // 3) + 1
    start = date(as_of.year, first_month, 1)
    months = 1 if period == "month" else 3
    year, month = divmod(first_month - 1 + months, 12)
    return start, date(as_of.year + year, month + 1, 1) - timedelta(days=1)


def _weekend(day: date) -> bool:
    return day.weekday() >= 5


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


@dataclass(frozen=True)
class BudgetStatus:
    """Where a budget stands on its "as of" day."""

    budget: Budget
    start: date
    end: date
    as_of: date
    daily: dict[date, Decimal]
    """Spend per day of the period up to ``as_of``."""
    observed_from: date | None = None
    """The first day of usage the analysis read, when after ``start``: the period's spend
    before it is not in the data (a quarter analysed one month at a time), so spent, burn and
    projection count from this day."""
    unpriced_tokens: int = 0
    """Tokens of its scope in the period up to ``as_of`` with no price: in no spend, burn,
    projection or alert."""

    @property
    def spent(self) -> Decimal:
        """Spend so far."""
        return sum(self.daily.values(), Decimal(0))

    @property
    def remaining(self) -> Decimal:
        """Amount - spent (negative when over)."""
        return self.budget.amount - self.spent

    @property
    def elapsed(self) -> list[date]:
        """The days of the period so far (that the data covers)."""
        return _days(self.observed_from or self.start, self.as_of)

    @property
    def daily_burn(self) -> Decimal | None:
        """Spent / days so far."""
        return ratio(self.spent, len(self.elapsed))

    def rate(self, weekend: bool) -> Decimal:
        """Average spend of the elapsed days of that type (or of all days, if none)."""
        days = [d for d in self.elapsed if _weekend(d) == weekend]
        if not days:
            return self.daily_burn or Decimal(0)
        return ratio(sum((self.daily.get(d, Decimal(0)) for d in days), Decimal(0)), len(days)) \
            or Decimal(0)  # fmt: skip

    @property
    def left(self) -> list[date]:
        """The days of the period after ``as_of``."""
        return _days(self.as_of + timedelta(days=1), self.end) if self.as_of < self.end else []

    @property
    def projected(self) -> Decimal:
        """Spent + the weekday-aware pace over the days left."""
        weekday, weekend = self.rate(False), self.rate(True)
        return self.spent + sum((weekend if _weekend(d) else weekday for d in self.left),
                                Decimal(0))  # fmt: skip

    def crossed_on(self, level: Decimal) -> date | None:
        """The day spend reached ``level`` x the amount, if it has."""
        threshold, running = self.budget.amount * level, Decimal(0)
        for day in self.elapsed:
            running += self.daily.get(day, Decimal(0))
            if running >= threshold and running > 0:
                return day
        return None

    @property
    def runs_out(self) -> date | None:
        """The day the budget is used up: when it was, or at the projected pace (None if not
        within the period)."""
        if self.spent >= self.budget.amount:
            return self.crossed_on(Decimal(1))
        weekday, weekend = self.rate(False), self.rate(True)
        running = self.spent
        for day in self.left:
            running += weekend if _weekend(day) else weekday
            if running >= self.budget.amount:
                return day
        return None

    @property
    def alerts(self) -> list[tuple[str, date | None]]:
        """The alert levels reached: ``80%``... with the day crossed, and ``projected over``."""
        out: list[tuple[str, date | None]] = []
        for level in self.budget.alerts:
            day = self.crossed_on(level)
            if day is not None:
                out.append((f"{(level * 100).normalize():f}%", day))
        if self.spent < self.budget.amount < self.projected:
            out.append(("projected over", self.runs_out))
        return out


def track_budgets(
    budgets: Sequence[Budget],
    daily: Mapping[tuple[str | None, str | None, date], Decimal],
    scope_of: Scoper,
    as_of: date,
    first: date | None = None,
    unpriced: Mapping[tuple[str | None, str | None, date], int] | None = None,
) -> list[BudgetStatus]:
    """Every budget's status on ``as_of`` from the priced cost per (use case, ownership key
    value, day), whose first day is ``first``, and the tokens with no price on the same keys
    (``unpriced``)."""
    out = []
    for budget in budgets:
        start, end = period_of(as_of, budget.period)
        names: dict[tuple[str | None, str | None], bool] = {}
        spend: dict[date, Decimal] = defaultdict(Decimal)
        for (use_case, value, day), cost in daily.items():
            if _counts(budget, scope_of, names, start, as_of, use_case, value, day):
                spend[day] += cost
        left_out = sum(
            n
            for (use_case, value, day), n in (unpriced or {}).items()
            if _counts(budget, scope_of, names, start, as_of, use_case, value, day)
        )
        observed = first if first is not None and first > start else None
        out.append(BudgetStatus(budget, start, end, as_of, dict(spend), observed, left_out))
    return out


def _counts(
    budget: Budget,
    scope_of: Scoper,
    names: dict[tuple[str | None, str | None], bool],
    start: date,
    as_of: date,
    use_case: str | None,
    value: str | None,
    day: date,
) -> bool:
    """Whether a (use case, value, day) is the budget's, in its period up to ``as_of``
    (``names`` caches each pair's answer)."""
    if not start <= day <= as_of:
        return False
    key = (use_case, value)
    if key not in names:
        names[key] = scope_of(budget.scope, use_case, value) == budget.name
    return names[key]


def scoper(
    resolve: Callable[[str | None, str | None], str | None],
    key: str | None,
    team_of: Mapping[str, str],
) -> Scoper:
    """How each budget scope names a priced group: its domain, use case, team or user."""

    def scope_of(scope: str, use_case: str | None, value: str | None) -> str | None:
        if scope == "domain":
            return resolve(use_case, value)
        if scope == "use_case":
            return use_case
        if scope == key:
            return value
        if scope == "team" and key == "user" and value is not None:
            return team_of.get(value)
        return None

    return scope_of
