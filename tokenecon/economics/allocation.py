"""Shared costs allocated in the open: each pool by its declared rule, to the cent.

A pool is split among its domains by weights: ``even`` (1 each), ``proportional`` (each
domain's direct cost, requests or tokens) or ``fixed`` (the declared weights). Shares are whole
cents by the largest-remainder method, so they add up to the pool exactly; what a rule cannot
place (a sub-cent remainder, a pool whose domains have no usage to be proportional to, a pool
with no domains) stays on the pool as ``unallocated``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

from tokenecon.attribute.domains import SharedPool

CENT = Decimal("0.01")


def largest_remainder(
    amount: Decimal, weights: Sequence[Decimal | int], quantum: Decimal = CENT
) -> list[Decimal]:
    """``amount`` (a whole number of ``quantum``) split in proportion to ``weights`` (>= 0, not
    all zero) into whole quanta that add up to it exactly: each share gets the whole quanta of
    its exact quota, and the quanta left go one each to the largest fractional parts (ties to
    the earlier weight)."""
    units = amount / quantum
    if units != units.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of {quantum}")
    total = sum((Fraction(w) for w in weights), Fraction(0))
    if total <= 0:
        raise ValueError("weights must not all be zero")
    quotas = [Fraction(int(units)) * Fraction(w) / total for w in weights]
    floors = [q.numerator // q.denominator for q in quotas]
    left = int(units) - sum(floors)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(n) * quantum for n in floors]


@dataclass(frozen=True)
class PoolAllocation:
    """One pool and where its money went."""

    pool: SharedPool
    amount: Decimal
    """The pool's amount (for the unattributed pool, the cost of usage no domain owns)."""
    shares: dict[str, Decimal]
    """Domain -> its share, in whole cents."""
    weights: dict[str, Decimal] = field(default_factory=dict)
    """Domain -> the weight the rule gave it (for the record beside the figures)."""
    reason: str | None = None
    """Why some of it is unallocated, if it is."""

    @property
    def allocated(self) -> Decimal:
        """What the rule placed."""
        return sum(self.shares.values(), Decimal(0))

    @property
    def unallocated(self) -> Decimal:
        """What stays on the pool."""
        return self.amount - self.allocated

    @property
    def rule_text(self) -> str:
        """The rule in words, printed beside the figures."""
        p = self.pool
        if p.rule == "even":
            text = f"even over {len(self.weights)} domain{'s' if len(self.weights) != 1 else ''}"
        elif p.rule == "proportional":
            text = f"proportional to direct {p.basis}"
        else:
            text = "fixed: " + ", ".join(f"{d} {(w * 100).normalize():f}%" for d, w in p.weights)
        return text if not p.domains or p.rule == "fixed" else f"{text} ({', '.join(p.domains)})"


def allocate_pool(
    pool: SharedPool,
    amount: Decimal,
    domains: Sequence[str],
    basis: Mapping[str, Mapping[str, Decimal]],
) -> PoolAllocation:
    """Split one pool among ``domains`` (all declared domains, in order) by its rule.

    ``basis`` maps cost, requests and tokens to each domain's direct usage.
    """
    recipients = [d for d in domains if not pool.domains or d in pool.domains]
    if pool.rule == "fixed":
        weights = {d: w for d, w in pool.weights}
    elif pool.rule == "even":
        weights = {d: Decimal(1) for d in recipients}
    else:
        values = basis[pool.basis or "cost"]
        weights = {d: Decimal(values.get(d, 0)) for d in recipients}
    placeable = amount.quantize(CENT, rounding=ROUND_FLOOR)
    if not weights or not any(weights.values()):
        why = (
            "no domain to share it"
            if not recipients
            else f"its domains have no direct {pool.basis} to be proportional to"
        )
        return PoolAllocation(pool, amount, {}, weights, why)
    names = list(weights)
    shares = largest_remainder(placeable, [weights[d] for d in names])
    reason = "less than a cent left after whole cents" if placeable != amount else None
    return PoolAllocation(pool, amount, dict(zip(names, shares, strict=True)), weights, reason)
