"""Cost lines in the FOCUS rows under ``--cost-source auto``, taken as `analyze` takes them.

A cost line is a request row with the source's cost and no tokens (a cost report's line). Per
row, the book would price it at $0 wherever it prices its model; `analyze`
(:func:`tokenecon.price.reconcile.choose_costs`) instead decides per model and day:

- a line of a model the book prices is the cost report of that model's token usage on its day
  when there is some (``computed``: $0 of its own, the usage is the spend), and otherwise the
  spend itself (``reported``: a cost report read alone is not $0);
- a line without a model ("(all models)", :mod:`tokenecon.price.ungrouped`) covers the token
  usage of its day without a reported cost of its own (of its use case, where the line has
  one): beside usage the book prices it is that usage's cost report ($0), and where the day
  also has usage the book cannot price, it keeps what it says beyond the priced part (never
  below $0); beside no usage it is the spend.

In: the priced request rows of :func:`tokenecon.convert.focus.focus_table` (book key, price
period, prices per token type, ``cost_source``). Out: the same rows with ``cost_source``
decided as above and ``line_offset``: what a line's reported cost is reduced by (null: none).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.attribute.domains import UNATTRIBUTED
from tokenecon.convert.focus_prices import TOKEN_TYPES
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS
from tokenecon.ingest.formats.openai import ALL_MODELS

if TYPE_CHECKING:
    import ibis.expr.types as ir

MONEY = "decimal(38, 20)"


def _computed(rows: ir.Table) -> Any:
    """A request's cost at the book's prices (0 where it has none)."""
    zero = ibis.literal(Decimal(0), MONEY)
    parts = [
        (rows[column].fill_null(0).cast("decimal(16, 0)") * rows[f"unit_{kind}"])
        .cast(MONEY)
        .fill_null(zero)
        for kind, column, _, _ in TOKEN_TYPES
    ]
    return sum(parts[1:], parts[0])


def _covered(rows: ir.Table, keys: dict[str, Any]) -> ir.Table:
    """Per ``keys``: whether the token usage without a reported cost has some priced and some
    unpriced, and the priced part's computed cost."""
    usage = rows.filter(rows.line_usage)
    priced = usage.period_id.notnull()
    return usage.group_by(**{k: v(usage) for k, v in keys.items()}).aggregate(
        cover_priced=priced.any(),
        cover_unpriced=(~priced).any(),
        cover_cost=_computed(usage).sum(),
    )


def auto_cost_lines(rows: ir.Table) -> ir.Table:
    """The rows with each cost line's ``cost_source`` (and ``line_offset``) as `analyze`
    decides it under ``auto``."""
    no_tokens = ibis.and_(*[rows[c].fill_null(0) == 0 for c in BILLABLE_TOKEN_COLUMNS])
    use_case = rows.mapped_use_case if "mapped_use_case" in rows.columns else None
    rows = rows.mutate(
        line_row=no_tokens & rows.reported_cost.notnull(),
        line_usage=~no_tokens & rows.reported_cost.isnull(),
        line_tokens=~no_tokens,
        line_use_case=use_case if use_case is not None else ibis.null("string"),
    )
    rows = rows.mutate(
        line_ungrouped=rows.line_row & (rows.model == ALL_MODELS),
        line_whole_day=rows.line_use_case.isnull() | (rows.line_use_case == UNATTRIBUTED),
    )
    usage = rows.filter(rows.line_tokens & rows.period_id.notnull())
    cells = usage.select(cell_key=usage.rate_key, cell_day=usage.day).distinct()
    rows = rows.left_join(cells, (rows.rate_key == cells.cell_key) & (rows.day == cells.cell_day))
    by_day = _covered(rows, {"day_day": lambda t: t.day})
    rows = rows.left_join(
        by_day, rows.line_ungrouped & rows.line_whole_day & (rows.day == by_day.day_day)
    )
    by_case = _covered(
        rows, {"case_day": lambda t: t.day, "case_use": lambda t: t.line_use_case}
    ).rename(case_priced="cover_priced", case_unpriced="cover_unpriced", case_cost="cover_cost")
    rows = rows.left_join(
        by_case,
        rows.line_ungrouped & ~rows.line_whole_day & (rows.day == by_case.case_day)
        & (rows.line_use_case == by_case.case_use),
    )  # fmt: skip
    ungrouped = rows.line_ungrouped
    priced = ibis.coalesce(rows.cover_priced, rows.case_priced).fill_null(False)
    unpriced = ibis.coalesce(rows.cover_unpriced, rows.case_unpriced).fill_null(False)
    cost = ibis.coalesce(rows.cover_cost, rows.case_cost)
    metered_line = rows.line_row & rows.period_id.notnull() & rows.cell_key.notnull()
    source = ibis.cases(
        (rows.line_row & rows.period_id.notnull() & ~metered_line, "reported"),
        (ungrouped & priced & ~unpriced, "computed"),
        else_=rows.cost_source,
    )
    offset = ibis.cases((ungrouped & priced & unpriced, cost), else_=ibis.null(MONEY))
    rows = rows.mutate(cost_source=source, line_offset=offset)
    helpers = ("line_", "cell_", "day_day", "case_", "cover_")
    return rows.drop(*[c for c in rows.columns if c.startswith(helpers) and c != "line_offset"])
