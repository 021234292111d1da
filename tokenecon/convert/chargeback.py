"""Chargeback files for a finance system: one CSV line per domain and period, and the allocated
cost as FOCUS 1.3 rows of each billing period with the allocation columns (``AllocatedMethodId``,
``AllocatedMethodDetails``, ``AllocatedResourceId``/``Name``, ``AllocatedTags``).

Both are written atomically; a text cell that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, tab or carriage return) is prefixed with ``'``
(:mod:`tokenecon.csvsafe`, shared with the FOCUS usage file).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tokenecon.csvsafe import safe_cell as safe
from tokenecon.economics.allocation import PoolAllocation, largest_remainder
from tokenecon.economics.chargeback import UNALLOCATED, ChargeLine, in_cents
from tokenecon.economics.showback import Showback

CSV_COLUMNS = (
    "period_start", "period_end", "domain", "owner", "stage", "currency", "direct_cost",
    "review_overhead", "shared_cost", "total", "verified_outcomes", "rate_per_outcome", "charge",
    "platform_variance", "unpriced_tokens",
)  # fmt: skip
"""``unpriced_tokens``: tokens of the line's usage with no price, in none of its money columns
(a line of $0.00 direct cost and tokens there was not free: its models need a price)."""
FOCUS_COLUMNS = (
    "BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart",
    "ChargePeriodEnd", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
    "ServiceProviderName", "ServiceCategory", "ServiceName", "BilledCost", "EffectiveCost", "Tags",
    "AllocatedMethodId", "AllocatedMethodDetails", "AllocatedResourceId",
    "AllocatedResourceName", "AllocatedTags", "x_Pool", "x_PoolKind",
)  # fmt: skip
RATIO = Decimal("0.0000000001")
MONEY = Decimal("0.000001")
_UNITS = {"cost": "USD", "requests": "Requests", "tokens": "Tokens"}


def _money(x: Decimal) -> str:
    return format(x.quantize(MONEY, rounding=ROUND_HALF_UP), "f")


def _plain(x: Decimal | None) -> str:
    return "" if x is None else format(x, "f")


def _csv(header: Sequence[str], rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _period_cents(lines: Sequence[ChargeLine]) -> dict[str, list[Decimal]]:
    """Each money column in cents, each period's lines adding up to the period's rounded
    column total."""
    periods: dict[tuple[date, date], list[int]] = {}
    for i, x in enumerate(lines):
        periods.setdefault((x.start, x.end), []).append(i)
    columns: dict[str, list[Decimal]] = {}
    for name in ("direct", "review_overhead", "shared", "total", "charge"):
        cents = [Decimal(0)] * len(lines)
        for members in periods.values():
            rounded = in_cents([getattr(lines[i], name) for i in members])
            for i, value in zip(members, rounded, strict=True):
                cents[i] = value
        columns[name] = cents
    return columns


def chargeback_csv(lines: Sequence[ChargeLine], currency: str) -> str:
    """The finance file: money in cents, each column of each period adding up to its rounded
    total, the variance the difference of the rounded total and charge."""
    columns = _period_cents(lines)
    rows = []
    for i, x in enumerate(lines):
        total, charge = columns["total"][i], columns["charge"][i]
        rows.append([
            x.start.isoformat(), x.end.isoformat(), safe(x.domain), safe(x.owner), x.stage,
            currency, *(_plain(columns[c][i]) for c in ("direct", "review_overhead", "shared")),
            _plain(total), "" if x.outcomes is None else str(x.outcomes), _plain(x.rate),
            _plain(charge), "" if x.variance is None else _plain(total - charge),
            str(x.unpriced_tokens),
        ])  # fmt: skip
    return _csv(CSV_COLUMNS, rows)


def _when(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _ratios(allocation: PoolAllocation) -> list[Decimal]:
    """Each share / what the pool placed, to 1e-10, summing to exactly 1."""
    shares = list(allocation.shares.values())
    if not any(shares):
        shares = [allocation.weights[d] for d in allocation.shares]
    return largest_remainder(Decimal(1), shares, RATIO)


def _method(a: PoolAllocation) -> str:
    return f"tokenecon/{a.pool.rule}" + (f"/{a.pool.basis}" if a.pool.basis else "")


def focus_rows(periods: Sequence[tuple[Showback, date, date]], currency: str) -> str:
    """FOCUS 1.3 rows of each billing period (``BillingPeriodStart``/``End`` its first day and
    the day after its last): each domain's direct model cost, each pool's share per domain
    (with the allocation columns), and each pool's unallocated rest. Usage no domain owns is
    the origin charge of the ``unattributed`` pool, if there is one, and is written as its
    shares."""
    rows: list[list[str]] = []
    for showback, start, end in periods:
        rows += _period_rows(showback, start, end, currency)
    return _csv(FOCUS_COLUMNS, rows)


def _period_rows(showback: Showback, start: date, end: date, currency: str) -> list[list[str]]:
    """One period's FOCUS rows."""
    owners = {x.domain.name: x.domain.owner for x in showback.lines}
    period = [currency, _when(start), _when(end + timedelta(days=1)), _when(start),
              _when(end + timedelta(days=1))]  # fmt: skip
    rows: list[list[str]] = []

    def row(description: str, frequency: str, cost: Decimal, domain: str, **cols: str) -> None:
        tags = json.dumps({"domain": domain, "owner": owners.get(domain, "")}, sort_keys=True)
        rows.append([
            *period, "Usage", "", safe(description), frequency, "tokenecon",
            "AI and Machine Learning",
            "LLM usage" if frequency == "Usage-Based" else "Shared cost", _money(cost),
            _money(cost), tags, cols.get("method", ""), cols.get("details", ""),
            cols.get("resource", ""), safe(cols.get("name", "")), cols.get("tags", ""),
            safe(cols.get("pool", "")), safe(cols.get("kind", "")),
        ])  # fmt: skip

    for x in showback.lines:
        row(f"LLM usage of {x.domain.name}", "Usage-Based", x.volume.cost, x.domain.name)
    if showback.unowned.cost and all(a.pool.amount is not None for a in showback.allocations):
        row("LLM usage no domain owns", "Usage-Based", showback.unowned.cost, UNALLOCATED)
    for a in showback.allocations:
        quantities: dict[str, Any] = {d: a.weights.get(d, Decimal(0)) for d in a.shares}
        for (domain, share), ratio in zip(a.shares.items(), _ratios(a), strict=True):
            element: dict[str, Any] = {"AllocatedRatio": float(ratio)}
            if a.pool.basis:
                element |= {"UsageUnit": _UNITS[a.pool.basis],
                            "UsageQuantity": float(quantities[domain])}  # fmt: skip
            details = {"Elements": [element], "x_Pool": a.pool.name, "x_Rule": a.rule_text}
            row(
                f"{a.pool.name} allocated to {domain}", "Recurring", share, domain,
                method=_method(a), details=json.dumps(details), resource=f"domain:{domain}",
                name=domain, tags=json.dumps({"domain": domain, "owner": owners.get(domain, "")},
                                             sort_keys=True),
                pool=a.pool.name, kind=a.pool.kind,
            )  # fmt: skip
        if a.unallocated:
            row(f"{a.pool.name} unallocated", "Recurring", a.unallocated, UNALLOCATED,
                pool=a.pool.name, kind=a.pool.kind)  # fmt: skip
    return rows
