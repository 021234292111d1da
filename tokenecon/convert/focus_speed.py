"""The speed a FOCUS row ran at (Anthropic's fast mode), as `analyze` prices it: each canonical
row's stated speed, and the price variant (regional rate x speed) it joins its prices on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.convert.focus_prices import PriceTables
from tokenecon.ingest.formats.anthropic import speed_expression, states_speed
from tokenecon.ingest.generic import ColumnPlan

if TYPE_CHECKING:
    import ibis.expr.types as ir


def row_speeds(rows: ir.Table, plans: Sequence[ColumnPlan]) -> ir.StringValue:
    """Each canonical row's speed, as `analyze` reads it
    (:func:`~tokenecon.ingest.formats.anthropic.speed_expression`): lower case where its
    source states one other than the standard speed (Anthropic's ``speed``), else null."""
    stating = [(i, p) for i, p in enumerate(plans) if states_speed(p)]
    if not stating:
        return ibis.null("string")
    ids = [i for i, _ in stating]
    return ibis.cases(
        (rows.source_id.isin(ids), speed_expression(rows, stating[0][1])),
        else_=ibis.null("string"),
    )


def speed_variant(
    rows: ir.Table, fast: ir.Table, tables: PriceTables, rate: Any
) -> tuple[ir.Table, Any]:
    """``rows`` with ``price_variant``, the (regional ``rate``, speed) pair it is priced at
    (:func:`~tokenecon.convert.focus_prices.price_key`'s variant), and that variant: a row
    whose stated speed the model has a rate for (``fast``, :attr:`PriceTables.fast`) is
    priced at that speed's multiple, any other row at the standard speed, as in `analyze`
    (:func:`tokenecon.price.apply.price_groups`). Unchanged without speeds to price."""
    if len(tables.speeds) == 1:
        return rows, rate
    rows = rows.left_join(fast, (rows.rate_key == fast.speed_key) & (rows.speed == fast.speed_name))
    pace = rows.speed_rate.cast("int64").fill_null(0)
    rows = rows.mutate(price_variant=rate * len(tables.speeds) + pace).drop(*fast.columns)
    return rows, rows.price_variant
