"""`tokenecon chargeback`: the analysis, then each domain's line for the period on the
operating ladder (showback, usage, outcome), as a document and as files for finance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tokenecon.economics.budgets import period_of
from tokenecon.economics.chargeback import ChargeLine, charge_lines
from tokenecon.economics.ownership import Accounts
from tokenecon.errors import OptionError
from tokenecon.report.analyze import AnalyzeOptions, run_analysis
from tokenecon.report.figures import money

SCHEMA = "tokenecon.chargeback/v1"


@dataclass(frozen=True)
class Chargeback:
    """The lines of one period, and what they came from."""

    accounts: Accounts
    lines: list[ChargeLine]
    currency: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON document."""
        return {
            "schema": SCHEMA,
            "currency": self.currency,
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
                }
                for x in self.lines
            ],
        }


def run_chargeback(
    usage: Sequence[str], options: AnalyzeOptions, stage: str | None = None
) -> Chargeback:
    """Analyse one calendar month of usage and charge each domain by its rung (or ``stage``)."""
    analysis = run_analysis(usage, options)
    accounts = analysis.ownership
    if accounts is None or not accounts.ownership.domains:
        raise OptionError(
            "chargeback needs domains in the mapping", "declare `domains:` (docs/ownership.md)"
        )
    economics = analysis.economics
    if economics.start is None or economics.end is None:
        raise OptionError("no priced usage in the period: nothing to charge")
    start, end = period_of(economics.end, "month")
    if economics.start < start:
        raise OptionError(
            f"the usage runs from {economics.start} to {economics.end}: chargeback bills one "
            "calendar month at a time",
            f"add --since {start.isoformat()} (and --until the first day of the next month)",
        )
    lines = charge_lines(accounts.showback, start, end, stage)
    return Chargeback(accounts, lines, analysis.book.currency)
