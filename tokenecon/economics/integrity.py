"""Answer integrity per use case: the error rate, what errors cost, and ROI net of that cost
(docs/formulas.md#answer-integrity)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tokenecon.attribute.value_keys import count_errors
from tokenecon.economics.decompose import UseCaseEconomics, ratio


@dataclass(frozen=True)
class Integrity:
    """A use case's errors over the period."""

    error_rate: Decimal | None
    """Errors per verified outcome (declared, or counted / outcomes)."""
    source: str | None
    """``declared``, ``counted`` or None (nothing said)."""
    errors: Decimal | None
    """Expected errors: outcomes x rate (declared) or the count (counted)."""
    cost_per_error: Decimal | None
    basis: str | None
    """``rework`` or ``liability``."""
    error_cost: Decimal | None
    """errors x cost per error."""
    saving: Decimal | None
    """value - fully loaded cost (what the use case earns before errors)."""
    roi_net: Decimal | None
    """(value - fully loaded cost - error cost) / fully loaded cost."""

    @property
    def wiped_out(self) -> bool:
        """Whether error cost eats the whole saving (or the saving is already gone)."""
        if self.error_cost is None or self.saving is None or not self.error_cost:
            return False
        return self.error_cost >= self.saving


def assess_integrity(u: UseCaseEconomics) -> Integrity:
    """Errors and their cost for one use case (nothing declared: every figure None)."""
    declared = u.use_case.value if u.use_case else None
    rate: Decimal | None = None
    errors: Decimal | None = None
    source: str | None = None
    if declared and declared.error_rate is not None:
        rate, source = declared.error_rate, "declared"
        errors = rate * u.outcomes if u.outcomes is not None else None
    elif declared and declared.error_count and u.use_case and u.use_case.outcomes:
        outcomes = u.use_case.outcomes
        assert outcomes.path is not None
        errors = Decimal(count_errors(outcomes.path, outcomes.key, declared.error_count))
        source = "counted"
        rate = ratio(errors, u.outcomes) if u.outcomes else None
    per_error = declared.cost_per_error if declared else None
    error_cost = errors * per_error if errors is not None and per_error is not None else None
    saving = u.value - u.fully_loaded_cost if u.value is not None else None
    roi_net = None
    if u.value is not None:
        roi_net = ratio(u.value - u.fully_loaded_cost - (error_cost or 0), u.fully_loaded_cost)
    return Integrity(
        error_rate=rate,
        source=source,
        errors=errors,
        cost_per_error=per_error,
        basis=declared.cost_per_error_basis if declared else None,
        error_cost=error_cost,
        saving=saving,
        roi_net=roi_net,
    )
