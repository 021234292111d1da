"""Identities of issue 15's figures, for any inputs: the waterfall's steps add up to the fully
loaded cost (and per outcome to the fully loaded cost per outcome); the sticker is the first
calls of the tasks that became verified outcomes, at the model cost net of the placement
premium; rounded steps add up to the rounded total; ROI net of errors is ROI less error cost
over fully loaded cost."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from tokenecon.attribute.mapping import UseCase
from tokenecon.attribute.value_keys import ValueInputs
from tokenecon.economics.decompose import UseCaseEconomics, Volume
from tokenecon.economics.integrity import assess_integrity
from tokenecon.economics.waterfall import BeyondFirst, rounded_steps, waterfall_of

money = st.decimals(min_value=0, max_value=10_000, places=6, allow_nan=False)
share = st.decimals(min_value=0, max_value=1, places=4, allow_nan=False)


def _use_case(review: Decimal, rate: Decimal, overhead: Decimal, value: ValueInputs) -> UseCase:
    return UseCase(
        name="u", match=(), task_key=None, outcome="", outcomes=None,
        value_per_outcome=Decimal(3), review_minutes_per_task=review, reviewer_hourly_rate=rate,
        overhead=overhead, targets={}, urgent=True, residency=(), value=value,
    )  # fmt: skip


def _close(a: Decimal, b: Decimal) -> bool:
    """Equal to 25 significant digits: decompose's fully loaded cost is a 28-digit sum, the
    waterfall's exact (the report shows 6 decimals)."""
    return abs(a - b) <= Decimal("1e-25") * max(Decimal(1), abs(b))


@settings(max_examples=300, deadline=None)
@given(
    cost=money, premium_share=share, later=share, s=share, review=money, rate=money,
    overhead=money, outcomes=st.integers(1, 500), extra_tasks=st.integers(0, 500),
    extra_calls=st.integers(0, 500),
)  # fmt: skip
def test_waterfall_adds_up_to_the_fully_loaded_cost(
    cost: Decimal, premium_share: Decimal, later: Decimal, s: Decimal, review: Decimal,
    rate: Decimal, overhead: Decimal, outcomes: int, extra_tasks: int, extra_calls: int,
) -> None:  # fmt: skip
    """``later``: the share of the model cost (net of the premium) in calls beyond the first
    of their task; ``s``: the prompt's share of that."""
    tasks = outcomes + extra_tasks
    requests = tasks + extra_calls
    u = UseCaseEconomics(
        "u", _use_case(review, rate, overhead, ValueInputs()), Volume(cost=cost, requests=requests),
        tasks=tasks, outcomes=outcomes, outcomes_in_file=None, models={},
    )  # fmt: skip
    premium = cost * premium_share
    model = cost - premium
    beyond = BeyondFirst(model * later * s, model * later * (1 - s))
    w = waterfall_of(u, premium, beyond)
    assert w is not None
    review = u.review_cost  # as decompose computes it
    with localcontext() as ctx:
        ctx.prec = 120
        assert w.total == cost + review + overhead  # exact: the sticker is the rest
    assert _close(w.total, u.fully_loaded_cost)
    with localcontext() as ctx:
        ctx.prec = 50
        assert _close(sum(w.per_outcome(), Decimal(0)), u.fully_loaded_cost_per_outcome or 0)
        first = model - beyond.prompt_cost - beyond.output_cost
        assert _close(w.steps[0], first * outcomes / tasks)  # first calls of verified tasks
        assert _close(w.steps[1] + w.steps[2], model * later * outcomes / tasks)
    assert all(step >= 0 for step in w.steps)
    q = Decimal("0.000001")
    shown = rounded_steps(w.steps, w.total, q)
    assert sum(shown) == w.total.quantize(q, rounding=ROUND_HALF_UP)
    assert all(abs(a - b) <= q * len(shown) for a, b in zip(shown, w.steps, strict=True))


@settings(max_examples=200, deadline=None)
@given(cost=money, error_rate=share, per_error=money, outcomes=st.integers(0, 1000))
def test_roi_net_of_errors_is_roi_less_error_cost(
    cost: Decimal, error_rate: Decimal, per_error: Decimal, outcomes: int
) -> None:
    value = ValueInputs(error_rate=error_rate, cost_per_error=per_error)
    u = UseCaseEconomics(
        "u", _use_case(Decimal(0), Decimal(0), Decimal(1), value), Volume(cost=cost),
        tasks=outcomes, outcomes=outcomes, outcomes_in_file=None, models={},
    )  # fmt: skip
    i = assess_integrity(u)
    assert i.error_cost == outcomes * error_rate * per_error
    assert u.roi is not None and i.roi_net is not None
    with localcontext() as ctx:
        ctx.prec = 50
        assert _close(u.roi - i.roi_net, (i.error_cost or 0) / u.fully_loaded_cost)
    assert i.wiped_out == (bool(i.error_cost) and (i.error_cost or 0) >= (i.saving or 0))
