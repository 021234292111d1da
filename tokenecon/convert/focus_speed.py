"""What a FOCUS row's source states that sets its price, as `analyze` prices it: the geo it
was billed at and the speed it ran at (Anthropic's ``inference_geo``, fast mode), and the price
variant (regional rate x speed) a row joins its prices on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.convert.focus_prices import PriceTables
from tokenecon.ingest.formats.anthropic import (
    billing_geo_expression,
    speed_expression,
    states_billing_geo,
    states_speed,
)
from tokenecon.ingest.generic import ColumnPlan

if TYPE_CHECKING:
    import ibis.expr.types as ir


STATED = {
    "billing_geo": (states_billing_geo, billing_geo_expression),
    "speed": (states_speed, speed_expression),
}
"""The columns a source may state that decide a row's price (the geo it was billed at, the
speed it ran at): whether a source states it, and each row's value where it does."""


def stated_columns(rows: ir.Table, plans: Sequence[ColumnPlan]) -> dict[str, ir.StringValue]:
    """Each canonical row's :data:`STATED` columns, as `analyze` reads them
    (:func:`~tokenecon.ingest.formats.anthropic.billing_geo_expression`, ``speed_expression``):
    the billed geo (its ``region`` in lower case) where its source's region is an
    ``inference_geo`` field, the speed where its source states one other than the standard
    speed (Anthropic's ``speed``), else null."""
    columns: dict[str, ir.StringValue] = {}
    for name, (states, expression) in STATED.items():
        stating = [(i, p) for i, p in enumerate(plans) if states(p)]
        columns[name] = ibis.null("string")
        if stating:
            columns[name] = ibis.cases(
                (rows.source_id.isin([i for i, _ in stating]), expression(rows, stating[0][1])),
                else_=ibis.null("string"),
            )
    return columns


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
