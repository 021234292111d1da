"""Success rates of models within a use case: verified outcomes per task, observed or stated.

Observed rates come from per-task outcome events (tasks that called the model, and how many
of them ended in a verified outcome), with a 95% Wilson interval as their uncertainty. Stated
rates come from the mapping's ``success_rate:`` and win over observed ones: a person who
states a rate knows something the sample does not (and the output names the source).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from tokenecon.aggregate.types import UsageAggregates
from tokenecon.attribute.mapping import OutcomeMapping, UseCase
from tokenecon.economics.decompose import UseCaseEconomics, ratio
from tokenecon.errors import UnknownModelError
from tokenecon.price.book import PriceBook


@dataclass(frozen=True)
class SuccessRate:
    """Verified outcomes per task on one model in one use case, with its plausible range."""

    expected: Decimal
    low: Decimal
    high: Decimal
    source: str
    """Where it comes from, in words (``stated at mapping.yaml:12``, ``observed: ...``)."""

    def at(self, bound: str) -> Decimal:
        """The rate at ``low``, ``expected`` or ``high`` (no other field)."""
        return {"low": self.low, "expected": self.expected, "high": self.high}[bound]

    @property
    def uncertain(self) -> bool:
        """Whether low and high differ."""
        return self.low != self.high


Z95 = Decimal("1.959963984540054")
"""The normal quantile of a two-sided 95% interval."""


def wilson(successes: int, trials: int, z: Decimal = Z95) -> tuple[Decimal, Decimal]:
    """The Wilson score interval of a binomial proportion (no bound escapes 0..1)."""
    with localcontext() as ctx:
        ctx.prec = 28
        n = Decimal(trials)
        p = Decimal(successes) / n
        z2 = z * z
        centre = p + z2 / (2 * n)
        margin = z * (p * (1 - p) / n + z2 / (4 * n * n)).sqrt()
        denominator = 1 + z2 / n
        return max(Decimal(0), (centre - margin) / denominator), min(
            Decimal(1), (centre + margin) / denominator
        )


def model_yields(
    aggregates: UsageAggregates, book: PriceBook
) -> dict[tuple[str, str], tuple[int, int]]:
    """(tasks, verified outcomes) per (use case, price-book model) from the engine's counts."""
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for (use_case, raw), tasks in sorted(aggregates.model_tasks.items()):
        key = book.resolve(raw) or raw
        seen_tasks, seen_outcomes = out.get((use_case, key), (0, 0))
        outcomes = aggregates.model_outcomes.get((use_case, raw), 0)
        out[(use_case, key)] = (seen_tasks + tasks, seen_outcomes + outcomes)
    return out


def check_stated_models(mapping: OutcomeMapping | None, book: PriceBook) -> None:
    """Every model a ``success_rate:`` names is known to the price book."""
    for use_case in mapping.use_cases if mapping else ():
        for stated in use_case.success_rates:
            if book.resolve(stated.model) is None:
                close = book.suggest(stated.model)
                raise UnknownModelError(
                    f"{stated.where}: no price book knows the model {stated.model!r} "
                    f"(success_rate of {use_case.name})",
                    f"did you mean {', '.join(close)}?" if close else "see `tokenecon prices`",
                )


def stated_rate(use_case: UseCase | None, key: str, book: PriceBook) -> SuccessRate | None:
    """The mapping's stated rate for the model ``key`` in this use case, if any."""
    for stated in use_case.success_rates if use_case else ():
        if book.resolve(stated.model) == key:
            return SuccessRate(
                stated.expected, stated.low, stated.high, f"stated at {stated.where}"
            )
    return None


def observed_rate(
    yields: dict[tuple[str, str], tuple[int, int]], use_case: str, key: str
) -> SuccessRate | None:
    """The rate the outcome events show for the model in the use case, if it ran any task."""
    tasks, outcomes = yields.get((use_case, key), (0, 0))
    if not tasks:
        return None
    rate = ratio(outcomes, tasks)
    assert rate is not None
    low, high = wilson(outcomes, tasks)
    return SuccessRate(rate, low, high, f"observed: {outcomes:,} verified of {tasks:,} tasks")


def use_case_rate(economics: UseCaseEconomics) -> SuccessRate | None:
    """The whole use case's rate (outcomes / tasks), standing in for one model's."""
    if economics.outcomes is None or not economics.tasks:
        return None
    rate = ratio(economics.outcomes, economics.tasks)
    assert rate is not None
    return SuccessRate(rate, rate, rate, "the use case's rate (no outcomes per model)")
