"""Logarithmic mean Divisia index (LMDI-I, additive): exact attribution of a change to factors.

For V = x1 · x2 · … · xn, the change V₂ − V₁ splits into Σ_k L(V₂, V₁) · ln(x_k₂ / x_k₁) with no
residual, where L(a, b) = (a − b) / (ln a − ln b) is the logarithmic mean, L(a, a) = a. A sum of
such products (total cost over use cases) splits term by term.

Zeros: L(a, 0) = 0 (its limit), so a term that appears or disappears contributes nothing through
the logarithms; :func:`split_product` gives its whole change to the factor that went to or from
zero instead (the ε → 0 limit of Ang & Liu, 2007). Arithmetic is Decimal at 50 digits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, localcontext

PRECISION = 50
ZERO = Decimal(0)


def log_mean(a: Decimal, b: Decimal) -> Decimal:
    """L(a, b) = (a − b) / ln(a / b); L(a, a) = a; L(a, 0) = L(0, b) = 0."""
    if a <= 0 or b <= 0:
        return ZERO
    if a == b:
        return a
    with localcontext() as ctx:
        ctx.prec = PRECISION
        quotient = a / b
        if quotient == 1:  # equal to 50 digits (products of rounded factors): the limit
            return (a + b) / 2
        return (a - b) / quotient.ln()


def log_ratio(head: Decimal, base: Decimal) -> Decimal:
    """ln(head / base) for positive values."""
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return (head / base).ln()


def split_product(
    base: Mapping[str, Decimal], head: Mapping[str, Decimal]
) -> dict[str, Decimal] | None:
    """Contributions of each factor to Π head − Π base (the same keys, in order).

    Every factor positive in both periods: LMDI. A product that is zero in one period because
    one factor is zero (in either period or both): that factor carries the whole change (the
    limit). Several zero factors, or a negative one: None, the change cannot be attributed.
    """
    with localcontext() as ctx:
        ctx.prec = PRECISION
        v1 = _product(base.values())
        v2 = _product(head.values())
        if all(base[k] > 0 and head[k] > 0 for k in base):
            weight = log_mean(v2, v1)
            return {k: weight * log_ratio(head[k], base[k]) for k in base}
        zeros = {k for k in base if base[k] == 0 or head[k] == 0}
        if any(base[k] < 0 or head[k] < 0 for k in base) or len(zeros) != 1:
            return None
        (only,) = zeros
        return {k: (v2 - v1) if k == only else ZERO for k in base}


def _product(values: Iterable[Decimal]) -> Decimal:
    out = Decimal(1)
    for v in values:
        out *= v
    return out
