"""The hidden-cost waterfall: from the sticker (one clean attempt per verified outcome) to the
fully loaded cost per verified outcome (docs/formulas.md#hidden-cost-waterfall).

With model cost C, placement premium P, requests R, tasks K, verified outcomes O, and s the
list-price share of input tokens in the use case's token bill:

- rework, tasks per outcome beyond one: (C - P) x (K - O) / K (0 when K <= O)
- the rest A = C - P - that; calls beyond one per task: B = A x (R - K) / R (0 when R <= K)
- context re-reads: B x s (the prompt those calls sent again); rework, calls: B x (1 - s)
- sticker: the rest of C - P, i.e. A - B = (C - P) x O / R when O <= K <= R
- human review, placement premium P, orchestration and platform overhead

The sticker is the remainder, so the steps add up to model cost + review + overhead, the fully
loaded cost, exactly (at :data:`EXACT` digits).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from tokenecon.economics.decompose import PRECISION, UseCaseEconomics, ratio
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS, INPUT_TOKEN_COLUMNS
from tokenecon.price.book import BUCKETS, PriceBook

EXACT = 120
"""Digits for the sticker (the remainder) and the sum: enough that neither rounds."""

STEPS = (
    "sticker", "context_rereads", "rework_calls", "rework_tasks", "human_review",
    "placement_premium", "overhead",
)  # fmt: skip


@dataclass(frozen=True)
class Waterfall:
    """Period money per step (in :data:`STEPS` order) and the outcomes they are divided by."""

    steps: tuple[Decimal, ...]
    outcomes: int
    input_share: Decimal | None
    """The share of input in the list-price token bill used to split calls beyond one."""

    @property
    def total(self) -> Decimal:
        """The fully loaded cost (the sum of the steps, exact)."""
        with localcontext() as ctx:
            ctx.prec = EXACT
            return sum(self.steps, Decimal(0))

    def per_outcome(self) -> tuple[Decimal, ...]:
        """Each step / outcomes."""
        return tuple(ratio(s, self.outcomes) or Decimal(0) for s in self.steps)

    @property
    def sticker_share(self) -> Decimal | None:
        """Sticker / fully loaded cost: "the sticker is X% of the real bill"."""
        return ratio(self.steps[0], self.total)


def input_share(u: UseCaseEconomics, book: PriceBook, at: date | None) -> Decimal | None:
    """List-price cost of the input buckets / list-price cost of every bucket, over the use
    case's book-priced models; the token share when no model is in the book."""
    inputs, everything = Decimal(0), Decimal(0)
    for key, volume in u.models.items():
        model = book.models.get(key)
        entry = model.active(at) if model and at else None
        if entry is None:
            continue
        for column, bucket in zip(BILLABLE_TOKEN_COLUMNS, BUCKETS, strict=True):
            cost = volume.tokens[column] * entry.rates.of(bucket)
            everything += cost
            inputs += cost if column in INPUT_TOKEN_COLUMNS else 0
    if everything:
        return ratio(inputs, everything)
    return ratio(u.volume.input, u.volume.billable)


def waterfall_of(u: UseCaseEconomics, premium: Decimal, share: Decimal | None) -> Waterfall | None:
    """The waterfall of a use case with verified outcomes (None without any)."""
    if not u.outcomes:
        return None
    review = u.review_cost  # at the context decompose uses, so the sum is the same number
    with localcontext() as ctx:
        ctx.prec = PRECISION
        model = u.volume.cost - premium
        tasks, requests = u.tasks, u.volume.requests
        rework_tasks = model * (tasks - u.outcomes) / tasks if tasks > u.outcomes else Decimal(0)
        kept = model - rework_tasks
        beyond = kept * (requests - tasks) / requests if requests > tasks else Decimal(0)
        context = beyond * (share or 0)
        overhead = u.use_case.overhead if u.use_case else Decimal(0)
        rework_calls = beyond - context
    with localcontext() as ctx:
        ctx.prec = EXACT
        sticker = model - rework_tasks - context - rework_calls
    steps = (sticker, context, rework_calls, rework_tasks, review, premium, overhead)
    return Waterfall(steps, u.outcomes, share)


def portfolio_waterfall(falls: Iterable[Waterfall]) -> Waterfall | None:
    """The use cases' waterfalls summed step by step, over their outcomes together."""
    falls = list(falls)
    if not falls:
        return None
    with localcontext() as ctx:
        ctx.prec = EXACT
        columns = zip(*(f.steps for f in falls), strict=True)
        steps = tuple(sum(parts, Decimal(0)) for parts in columns)
    return Waterfall(steps, sum(f.outcomes for f in falls), None)


def rounded_steps(values: Sequence[Decimal], total: Decimal, quantum: Decimal) -> list[Decimal]:
    """Steps rounded half-up to ``quantum`` that add up to ``total`` rounded: the few quanta of
    rounding gap go, one each, to the steps that rounding moved most the other way (largest
    remainder)."""
    rounded = [v.quantize(quantum, rounding=ROUND_HALF_UP) for v in values]
    gap = total.quantize(quantum, rounding=ROUND_HALF_UP) - sum(rounded, Decimal(0))
    step = quantum if gap > 0 else -quantum
    order = sorted(range(len(values)), key=lambda i: -((values[i] - rounded[i]) * step))
    for i in order[: int(abs(gap) / quantum)]:
        rounded[i] += step
    return rounded
