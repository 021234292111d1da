"""The hidden-cost waterfall: from the sticker (one clean attempt per verified outcome) to the
fully loaded cost per verified outcome (docs/formulas.md#hidden-cost-waterfall).

With model cost C, placement premium P, tasks K and verified outcomes O; L_in and L_out the
cost, net of the premium, of the prompt and the output of the calls beyond the first of their
task (measured per task by the engine: ``UsageGroup.beyond_first``), and q = O / K (1 when
K <= O):

- rework, tasks per outcome beyond one: (C - P) x (1 - q)
- context re-reads: L_in x q (the prompt those calls sent again)
- rework, calls beyond one per task: L_out x q (what those calls answered)
- sticker: the rest of C - P, i.e. (C - P - L_in - L_out) x q: the first calls of the tasks
  that became verified outcomes
- human review, placement premium P, orchestration and platform overhead

The sticker is the remainder, so the steps add up to model cost + review + overhead, the fully
loaded cost, exactly (at :data:`EXACT` digits).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext

from tokenecon.economics.decompose import PRECISION, UseCaseEconomics, ratio
from tokenecon.ingest.canonical import INPUT_TOKEN_COLUMNS
from tokenecon.price.apply import PricedGroup

EXACT = 120
"""Digits for the sticker (the remainder) and the sum: enough that neither rounds."""

STEPS = (
    "sticker", "context_rereads", "rework_calls", "rework_tasks", "human_review",
    "placement_premium", "overhead",
)  # fmt: skip


@dataclass(frozen=True)
class BeyondFirst:
    """A use case's calls beyond the first of their task, net of the placement premium."""

    prompt_cost: Decimal = Decimal(0)
    """L_in: the prompt those calls re-sent."""
    output_cost: Decimal = Decimal(0)
    """L_out: their output."""
    reread_tokens: int = 0
    """Prompt tokens re-sent (every input bucket)."""


@dataclass(frozen=True)
class Waterfall:
    """Period money per step (in :data:`STEPS` order) and the outcomes they are divided by."""

    steps: tuple[Decimal, ...]
    outcomes: int
    reread_tokens: int = 0
    """Prompt tokens re-sent within tasks beyond their first call."""
    reread_share: Decimal | None = None
    """Context re-reads / (C - P): the share of the model cost the re-read step holds."""

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


def beyond_first(groups: Iterable[PricedGroup], declared_rate: Decimal) -> BeyondFirst:
    """L_in and L_out of a use case's priced groups, each group's share taken of its cost net
    of the placement premium: the book's regional uplift, or ``declared_rate`` on in-region
    usage the book does not price regionally (0 when the use case declares none)."""
    prompt, output, tokens = Decimal(0), Decimal(0), 0
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for p in groups:
            tokens += sum(p.group.beyond_first.get(c, 0) for c in INPUT_TOKEN_COLUMNS)
            base = p.cost_global
            if p.cost is None or not base or not any(p.cost_beyond_first):
                continue
            net = p.cost - p.regional_premium
            if p.region is None and p.group.in_region and declared_rate:
                net = net / (1 + declared_rate)
            prompt += p.cost_beyond_first[0] * net / base
            output += p.cost_beyond_first[1] * net / base
    return BeyondFirst(prompt, output, tokens)


def waterfall_of(u: UseCaseEconomics, premium: Decimal, later: BeyondFirst) -> Waterfall | None:
    """The waterfall of a use case with verified outcomes (None without any)."""
    if not u.outcomes:
        return None
    review = u.review_cost  # at the context decompose uses, so the sum is the same number
    with localcontext() as ctx:
        ctx.prec = PRECISION
        model = u.volume.cost - premium
        tasks = u.tasks
        kept = Decimal(u.outcomes) / tasks if tasks > u.outcomes else Decimal(1)
        context = later.prompt_cost * kept
        rework_calls = later.output_cost * kept
        overhead = u.use_case.overhead if u.use_case else Decimal(0)
    with localcontext() as ctx:
        ctx.prec = EXACT
        first = model - later.prompt_cost - later.output_cost
    with localcontext() as ctx:
        ctx.prec = PRECISION
        sticker = first * kept
    with localcontext() as ctx:
        # the rest, exactly, so the steps add up to the bill; it is the tasks beyond the
        # outcomes' share, model x (1 - kept), which is 0 when every task verified
        ctx.prec = EXACT
        rework_tasks = model - sticker - context - rework_calls if kept != 1 else Decimal(0)
    steps = (sticker, context, rework_calls, rework_tasks, review, premium, overhead)
    return Waterfall(steps, u.outcomes, later.reread_tokens, ratio(context, model))


def portfolio_waterfall(falls: Iterable[Waterfall]) -> Waterfall | None:
    """The use cases' waterfalls summed step by step, over their outcomes together."""
    falls = list(falls)
    if not falls:
        return None
    with localcontext() as ctx:
        ctx.prec = EXACT
        columns = zip(*(f.steps for f in falls), strict=True)
        steps = tuple(sum(parts, Decimal(0)) for parts in columns)
    tokens = sum(f.reread_tokens for f in falls)
    model = sum((f.steps[0] + f.steps[1] + f.steps[2] + f.steps[3] for f in falls), Decimal(0))
    rereads = sum((f.steps[1] for f in falls), Decimal(0))
    return Waterfall(steps, sum(f.outcomes for f in falls), tokens, ratio(rereads, model))


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
