"""Invariants: the three factors multiply to cost per outcome exactly."""

from __future__ import annotations

from decimal import Decimal, localcontext

from hypothesis import given
from hypothesis import strategies as st

from tokenecon.economics.decompose import UseCaseEconomics, Volume


@given(
    cost=st.decimals(min_value=Decimal("0.000001"), max_value=Decimal(10**7), places=6),
    tokens=st.integers(min_value=1, max_value=10**12),
    tasks=st.integers(min_value=1, max_value=10**8),
    outcomes=st.integers(min_value=1, max_value=10**8),
)
def test_factors_multiply_to_cost_per_outcome(
    cost: Decimal, tokens: int, tasks: int, outcomes: int
) -> None:
    volume = Volume(cost=cost)
    volume.tokens["uncached_input_tokens"] = tokens
    u = UseCaseEconomics("x", None, volume, tasks, outcomes, None, {})
    assert u.cost_per_token and u.tokens_per_task and u.tasks_per_outcome and u.cost_per_outcome
    with localcontext() as ctx:
        ctx.prec = 40
        product = u.cost_per_token * u.tokens_per_task * u.tasks_per_outcome
        assert abs(product - u.cost_per_outcome) <= u.cost_per_outcome * Decimal("1e-38")
