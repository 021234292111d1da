"""Answer integrity per use case: the error rate, what errors cost, and ROI net of that cost
(docs/formulas.md#answer-integrity)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tokenecon.attribute.value_keys import ValueInputs, count_errors
from tokenecon.economics.decompose import UseCaseEconomics, ratio
from tokenecon.errors import MappingError
from tokenecon.price.book import PriceBook


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


def blended_rate(u: UseCaseEconomics, declared: ValueInputs, book: PriceBook) -> Decimal | None:
    """``error_rate_by_model`` weighed by each model's share of the use case's requests; a model
    without its own rate takes the use case's ``error_rate`` (None when it has none either)."""
    rates = {}
    for model, share, where in declared.model_error_rates:
        key = book.resolve(model)
        if key is None:
            raise MappingError(
                f"{where}: model {model!r} is not in the price book",
                "name a model of the book (tokenecon prices lists them)",
            )
        rates[key] = share
    requests = u.volume.requests
    if not requests:
        return None
    total = Decimal(0)
    for key, volume in u.models.items():
        rate = rates.get(key, declared.error_rate)
        if rate is None:
            return None
        total += rate * volume.requests
    return ratio(total, requests)


def assess_integrity(u: UseCaseEconomics, book: PriceBook | None = None) -> Integrity:
    """Errors and their cost for one use case (nothing declared: every figure None). With a
    book, ``error_rate_by_model`` wins over the use case's single rate."""
    declared = u.use_case.value if u.use_case else None
    rate: Decimal | None = None
    errors: Decimal | None = None
    source: str | None = None
    if declared and declared.model_error_rates and book is not None:
        rate = blended_rate(u, declared, book)
        source = "declared by model" if rate is not None else None
        errors = rate * u.outcomes if rate is not None and u.outcomes is not None else None
    elif declared and declared.error_rate is not None:
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
