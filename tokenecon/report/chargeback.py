"""`tokenecon chargeback`: the analysis, then each domain's line per billing period on the
operating ladder (showback, usage, outcome), as a document and as files for finance.

Usage spanning several calendar months (or quarters) is billed one period at a time: each
period is analysed on its own (its tasks, outcomes, review, and the pools allocated over its
usage alone), so every period's lines reconcile to that period's spend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from tokenecon.attribute.domains import STAGES, invoiced_in
from tokenecon.economics.chargeback import (
    ChargeLine,
    billing_period,
    billing_periods,
    charge_lines,
)
from tokenecon.economics.ownership import Accounts
from tokenecon.errors import OptionError
from tokenecon.report.analyze import AnalyzeOptions, run_analysis
from tokenecon.report.figures import money

SCHEMA = "tokenecon.chargeback/v1"


@dataclass(frozen=True)
class PeriodCharge:
    """One billing period: what it was analysed into, and its lines."""

    start: date
    end: date
    accounts: Accounts
    lines: list[ChargeLine]


@dataclass(frozen=True)
class Chargeback:
    """The lines of every period, and what they came from."""

    period: str
    """month or quarter."""
    periods: list[PeriodCharge]
    currency: str

    @property
    def lines(self) -> list[ChargeLine]:
        """Every period's lines, oldest period first."""
        return [x for p in self.periods for x in p.lines]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document."""
        return {
            "schema": SCHEMA,
            "currency": self.currency,
            "period": self.period,
            "lines": [
                {
                    "period_start": x.start.isoformat(),
                    "period_end": x.end.isoformat(),
                    "domain": x.domain,
                    "owner": x.owner,
                    "stage": x.stage,
                    "direct_cost": money(x.direct),
                    "review_overhead": money(x.review_overhead),
                    "shared_cost": money(x.shared),
                    "total": money(x.total),
                    "verified_outcomes": x.outcomes,
                    "rate_per_outcome": money(x.rate),
                    "charge": money(x.charge),
                    "platform_variance": money(x.variance),
                    "unpriced_tokens": x.unpriced_tokens,
                }
                for x in self.lines
            ],
        }


def _window(options: AnalyzeOptions, start: date, end: date) -> AnalyzeOptions:
    """The options narrowed to one period (within any --since/--until given)."""
    first = datetime(start.year, start.month, start.day)
    after = datetime.combine(end + timedelta(days=1), datetime.min.time())
    since = max(first, options.since) if options.since else first
    until = min(after, options.until) if options.until else after
    return replace(options, since=since, until=until)


def run_chargeback(
    usage: Sequence[str],
    options: AnalyzeOptions,
    stage: str | None = None,
    period: str | None = None,
) -> Chargeback:
    """Analyse the usage and charge each domain by its rung (or ``stage``), one line per
    domain and billing period (``period``: month or quarter; default from the budgets)."""
    if stage is not None and stage not in STAGES:
        raise OptionError(f"--stage {stage!r}", f"one of {', '.join(STAGES)}")
    billing_period((), period)  # a bad --period fails before any reading
    analysis = run_analysis(usage, options)
    accounts = analysis.ownership
    if accounts is None or not accounts.ownership.domains:
        raise OptionError(
            "chargeback needs domains in the mapping", "declare `domains:` (docs/ownership.md)"
        )
    economics = analysis.economics
    if economics.start is None or economics.end is None:
        raise OptionError("no priced usage in the period: nothing to charge")
    kind = billing_period(accounts.ownership.budgets, period)
    spans = billing_periods(economics.start, economics.end, kind)
    several = len(spans) > 1
    periods = []
    for start, end in spans:
        # an undated invoices file cannot be split over several periods: that fails here
        dated = invoiced_in(accounts.ownership, start, end, several)
        billed = replace(options, invoice_window=(start, end))
        if several:  # each period analysed on its own
            done = run_analysis(usage, _window(billed, start, end), empty_ok=True)
        elif dated == accounts.ownership:  # the analysis already made holds the same invoices
            done = analysis
        else:  # a quarter with invoices dated in a month without usage: the accounts anew
            done = run_analysis(usage, billed)
        mine: Accounts = done.ownership
        lines = charge_lines(mine.showback, start, end, stage)
        periods.append(PeriodCharge(start, end, mine, lines))
    return Chargeback(kind, periods, analysis.book.currency)
