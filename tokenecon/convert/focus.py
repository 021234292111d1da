"""FOCUS 1.2 cost and usage rows from the canonical usage: one row per request x token type.

Costs are exact and add up to `analyze`'s: the engine joins the rows to three small tables
built here from the price book (model as reported -> book key; the book key's price periods,
split where a price or discount changes; per period, service tier, token type and side of the
long-context cliff, the price per token after multiplier and discounts) and multiplies integer
tokens by that price in DECIMAL arithmetic: tokens as DECIMAL(16, 0) times a price per token as
DECIMAL(21, 20) is DECIMAL(38, 20) on DuckDB and on Spark alike, with no rounding. Which side of
the cliff a row is on comes from the aggregation's own prompt-class expression, and which cost a
row carries follows ``--cost-source`` as `analyze` applies it (:func:`cost_source`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ibis

from tokenecon.aggregate.columns import billable_tokens, prompt_class
from tokenecon.aggregate.read import fetch_records
from tokenecon.attribute.mapping import OutcomeMapping
from tokenecon.attribute.rules import residency_expression
from tokenecon.convert.conversion import UnpricedModel
from tokenecon.convert.focus_lines import auto_cost_lines
from tokenecon.convert.focus_prices import (
    PRICE_FIELDS,
    TIERS,
    TOKEN_TYPES,
    PriceTables,
    price_key,
)
from tokenecon.convert.focus_speed import speed_variant, stated_columns
from tokenecon.convert.focus_text import decimal_text, millionths, named, next_text, tags_json
from tokenecon.csvsafe import safe_cell_expression
from tokenecon.engine.dialect import small_table
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS
from tokenecon.ingest.generic import ColumnPlan
from tokenecon.price.book import PriceBook

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

REQUEST_ROW = "request"
"""The row of a request that carries no token quantity: the source's own cost figure, a cost
report's line, or a request without billable tokens."""
FOCUS_COLUMNS = (
    "BillingCurrency", "BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart",
    "ChargePeriodEnd", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency",
    "ServiceProviderName", "ProviderName", "ServiceName", "ServiceCategory", "ServiceSubcategory",
    "SkuId", "SkuPriceId", "RegionId", "SubAccountId", "ConsumedQuantity", "ConsumedUnit",
    "PricingQuantity", "PricingUnit", "ListUnitPrice", "ContractedUnitPrice", "ListCost",
    "ContractedCost", "EffectiveCost", "BilledCost", "Tags", "x_TokenType", "x_Model",
    "x_ServiceTier", "x_SessionId", "x_Feature", "x_OutcomeId", "x_CostSource", "x_ReportedCost",
)  # fmt: skip
"""The FOCUS file's columns, in order."""
USER_TEXT = (
    "ChargeDescription", "ServiceProviderName", "ProviderName", "ServiceName", "SkuId",
    "SkuPriceId", "RegionId", "SubAccountId", "x_Model", "x_ServiceTier", "x_SessionId",
    "x_Feature", "x_OutcomeId",
)  # fmt: skip
"""Columns whose text comes from the usage, the mapping or the price book: a spreadsheet must
not run them as formulas (:mod:`tokenecon.csvsafe`). ``Tags`` is a JSON object (``{...}``)."""


def cost_source(option: str, priced: ir.BooleanValue, reported: ir.BooleanValue) -> Any:
    """Where a request's cost comes from under ``--cost-source``, as `analyze` decides it:
    ``computed`` (the book prices its model on its day), ``reported`` (the source's figure), or
    ``unpriced`` (neither)."""
    if option == "computed":
        return ibis.cases((priced, "computed"), else_="unpriced")
    if option == "reported":
        return ibis.cases((reported, "reported"), else_="unpriced")
    return ibis.cases((priced, "computed"), (reported, "reported"), else_="unpriced")


@dataclass(frozen=True)
class FocusExpression:
    """The FOCUS rows as the file's text columns, sorted (``table``), and the priced canonical
    rows they come from (``requests``)."""

    requests: Any
    table: Any


def _engine_tables(con: BaseBackend, tables: PriceTables) -> list[ir.Table]:
    """The tables in the engine: models, periods, prices, regional rates, billed geos' rates,
    speeds' multiples (a table needs one row: an empty one gets a row of nulls, which no usage
    row joins and every cast accepts, as when every row was rejected)."""
    out = []
    for name, columns in (("models", tables.models), ("periods", tables.periods),
                          ("prices", tables.prices), ("regional", tables.regional),
                          ("geos", tables.geos), ("speeds", tables.fast)):  # fmt: skip
        empty = not next(iter(columns.values()))
        filled: dict[str, list[str | None]] = {c: [None] for c in columns}
        out.append(small_table(con, f"tokenecon_focus_{name}", filled if empty else columns))
    return out


def _rate_index(
    rows: ir.Table, regional: ir.Table, geos: ir.Table, mapping: OutcomeMapping | None
) -> ir.Table:
    """``rate_index``: the rate a row is priced at, by `analyze`'s rule
    (:func:`tokenecon.price.apply.price_groups`): a geo its source says it was billed at
    decides, whatever a policy says (the book's rate for exactly that geo, or the global
    price); else its use case's residency policy kept it in an allowed region that the book
    prices regionally; else 0, the global price."""
    rows = rows.left_join(geos, (rows.rate_key == geos.geo_key) & (rows.billing_geo == geos.geo))
    drop = list(geos.columns)
    policy: Any = 0
    if mapping is not None:
        rows = rows.left_join(
            regional,
            (rows.rate_key == regional.regional_key)
            & (rows.mapped_use_case == regional.regional_use_case),
        )
        drop += regional.columns
        # residency resolves only the canonical `region` column, which every kept row has
        in_region = residency_expression(mapping, rows.mapped_use_case, lambda a: rows[a])
        index = rows.regional_rate.cast("int64")
        policy = ibis.cases((in_region.fill_null(False) & index.notnull(), index), else_=0)
    stated = rows.geo_rate.cast("int64").fill_null(0)
    rate = ibis.cases((rows.billing_geo.notnull(), stated), else_=policy)
    return rows.mutate(rate_index=rate).drop(*drop)


def _priced_rows(
    kept: ir.Table,
    book: PriceBook,
    tables: PriceTables,
    engine_tables: list[ir.Table],
    option: str,
    mapping: OutcomeMapping | None,
) -> ir.Table:
    """Canonical rows with their book key, price period, tier, cliff side, regional rate and
    speed, cost source, and each token type's prices."""
    models, periods, prices, regional, geos, fast = engine_tables
    rows = kept.mutate(
        day=kept.timestamp.date(), prompt_class=prompt_class(kept, book.cliff_thresholds())
    )
    rows = rows.left_join(models, rows.model == models.rate_model)
    rows = rows.left_join(
        periods,
        (rows.rate_key == periods.period_key)
        & (rows.day >= periods.period_start.cast("date"))
        & (rows.day < periods.period_end.cast("date")),
    )
    rate: Any = 0
    if len(tables.rates) > 1:
        rows = _rate_index(rows, regional, geos, mapping)
        rate = rows.rate_index
    rows, rate = speed_variant(rows, fast, tables, rate)
    threshold = rows.period_threshold.nullif("").cast("int64")
    no_tokens = ibis.and_(*[rows[c].fill_null(0) == 0 for c in BILLABLE_TOKEN_COLUMNS])
    source = cost_source(option, rows.period_id.notnull(), rows.reported_cost.notnull())
    above = ibis.cases((threshold.notnull() & (rows.prompt_class >= threshold), 1), else_=0)
    tier = ibis.cases(*[(rows.service_tier == t, i) for i, t in enumerate(TIERS) if i], else_=0)
    rows = rows.mutate(
        row_price_key=price_key(rows.period_id.cast("int64"), tier, above, rate, tables.variants),
        cost_source=source,
        request_row=(source == "reported") | no_tokens,
    )
    # typed on the small table's side of the join: cast once per price, not once per row
    typed = {
        name: prices[name].nullif("").cast("decimal(21, 20)")
        for name in prices.columns
        if name.startswith(("unit_", "list_unit_"))
    }
    prices = prices.mutate(price_key=prices.price_key.cast("int64"), **typed)
    return rows.left_join(prices, rows.row_price_key == prices.price_key)


def _long(rows: ir.Table) -> ir.Table:
    """One row per request x token type with tokens, plus request rows, with their prices."""

    def item(order: int, token_type: str, tokens: Any, prices: dict[str, Any]) -> Any:
        return ibis.struct(
            {"token_type": ibis.literal(token_type), "order": ibis.literal(order),
             "tokens": tokens, **prices}
        )  # fmt: skip

    items = [
        item(i, t, rows[c], {f: rows[f"{f}_{t}"] for f in PRICE_FIELDS})
        for i, (t, c, _, _) in enumerate(TOKEN_TYPES)
    ]
    items.append(
        item(len(TOKEN_TYPES), REQUEST_ROW, ibis.null("int64"),
             {f: ibis.null(rows[f"{f}_input"].type()) for f in PRICE_FIELDS})
    )  # fmt: skip
    long = rows.mutate(item=ibis.array(items)).unnest("item")
    long = long.select(
        *[c for c in long.columns if c != "item" and not c.startswith(PRICE_FIELDS)],
        token_type=long.item.token_type,
        type_order=long.item.order,
        tokens=long.item.tokens,
        **{f: long.item[f] for f in PRICE_FIELDS},
    )
    wanted = ((long.token_type != REQUEST_ROW) & (long.tokens > 0)) | (
        (long.token_type == REQUEST_ROW) & long.request_row
    )
    return long.filter(wanted.fill_null(False))


def _costs(long: ir.Table) -> dict[str, Any]:
    """Typed cost columns: DECIMAL(38, 20), null where the row has no cost."""
    money = "decimal(38, 20)"
    zero = ibis.literal(Decimal(0), money)
    token = long.token_type != REQUEST_ROW
    computed = long.cost_source == "computed"
    quantity = long.tokens.cast("decimal(16, 0)")
    reported = long.reported_cost.cast(money)
    if "line_offset" in long.columns:  # a cost line beside usage it reports in part
        less = ibis.greatest(reported - long.line_offset, zero)
        reported = ibis.cases((long.line_offset.notnull(), less), else_=reported)
    billed = ibis.cases(
        (token & computed, (quantity * long.unit).cast(money)),
        (~token & computed, zero),
        (~token & (long.cost_source == "reported"), reported),
        else_=ibis.null(money),
    )
    listed = ibis.cases(
        (token & computed, (quantity * long.list_unit).cast(money)),
        (~token & computed, zero),
        else_=ibis.null(money),
    )
    return {"billed": billed, "listed": listed}


SORT_KEYS = [
    "timestamp", "source", "request_id", "model", "type_order", *BILLABLE_TOKEN_COLUMNS,
    "service_tier", "reported_cost", "session_id", "region", "project", "f_tags", "f_feature",
    "f_outcome",
]  # fmt: skip
"""The FOCUS rows' order: a request's rows together, in time order, token types in their
order; the rest only breaks ties between requests without a request id."""


def focus_table(
    con: BaseBackend,
    kept: ir.Table,
    book: PriceBook,
    tables: PriceTables,
    option: str,
    mapping: OutcomeMapping | None = None,
    plans: Sequence[ColumnPlan] = (),
) -> FocusExpression:
    """The FOCUS rows of the kept canonical rows, priced under ``--cost-source`` ``option``;
    a row whose source (its plan in ``plans``, by ``source_id``) states the geo it was billed
    at is priced at the book's rate for that geo (``tables.geos``), and rows that a use case's
    ``residency:`` in ``mapping`` keeps in a region at the book's regional rate
    (``tables.regional``); a row whose source states ``speed: fast`` at the model's fast-mode
    multiple under either (``tables.fast``), as `analyze` prices them.

    Text that is the same for every row of a request (tags, names, periods) is made once per
    request, before the request is split into its token types.
    """
    kept = kept.mutate(**stated_columns(kept, plans))
    rows = _priced_rows(kept, book, tables, _engine_tables(con, tables), option, mapping)
    if option == "auto":
        rows = auto_cost_lines(rows)
    rows = rows.mutate(**_request_text(rows, book.currency))
    long = _long(rows)
    long = long.mutate(**_costs(long))
    long = long.mutate(billed_text=decimal_text(long.billed), listed_text=decimal_text(long.listed))
    text = _row_text(long)
    text.update({c: safe_cell_expression(text[c]) for c in USER_TEXT})
    table = long.select(*SORT_KEYS, **text)
    table = table.order_by(SORT_KEYS).select(*FOCUS_COLUMNS)
    return FocusExpression(requests=rows, table=table)


def _request_text(rows: ir.Table, currency: str) -> dict[str, Any]:
    """The FOCUS text of a request: what its token rows share."""
    day = rows.day.cast("string")
    month = (day.substr(0, 7) + "-01").cast("date")
    provider = ibis.coalesce(rows.provider, rows.rate_provider.nullif(""))
    lowered = provider.lower()
    return {
        "f_currency": ibis.literal(currency),
        "f_billing_start": month.cast("string") + "T00:00:00Z",
        "f_billing_end": next_text(month, months=1) + "T00:00:00Z",
        "f_charge_start": day + "T00:00:00Z",
        "f_charge_end": next_text(rows.day, days=1) + "T00:00:00Z",
        "f_provider": named(lowered, provider, 0),
        "f_service": named(lowered, provider, 1),
        "f_tags": tags_json(rows),
        "f_feature": rows.mapped_use_case if "mapped_use_case" in rows.columns
        else ibis.null("string"),
        "f_outcome": rows.mapped_task if "mapped_task" in rows.columns else ibis.null("string"),
        "f_reported": decimal_text(rows.reported_cost.cast("decimal(38, 20)")),
    }  # fmt: skip


def _row_text(long: ir.Table) -> dict[str, Any]:
    """Every FOCUS column as text, the same on every engine."""
    token = long.token_type != REQUEST_ROW
    computed = long.cost_source == "computed"
    words = ibis.cases(
        *[(long.token_type == t, ibis.literal(w)) for t, _, _, w in TOKEN_TYPES], else_=None
    )
    whole = ibis.cases(
        (long.reported_cost.notnull(), "cost reported by the source"),
        else_="request without billable tokens",
    )

    def priced(value: Any) -> Any:
        return ibis.cases((token & computed, value), else_=ibis.null("string"))

    def on_tokens(value: Any) -> Any:
        return ibis.cases((token, value), else_=ibis.null("string"))

    return {
        "BillingCurrency": long.f_currency,
        "BillingPeriodStart": long.f_billing_start,
        "BillingPeriodEnd": long.f_billing_end,
        "ChargePeriodStart": long.f_charge_start,
        "ChargePeriodEnd": long.f_charge_end,
        "ChargeCategory": ibis.literal("Usage"),
        "ChargeClass": ibis.null("string"),
        "ChargeDescription": long.model + " " + ibis.coalesce(words, whole),
        "ChargeFrequency": ibis.literal("Usage-Based"),
        "ServiceProviderName": long.f_provider,
        "ProviderName": long.f_provider,
        "ServiceName": long.f_service,
        "ServiceCategory": ibis.literal("AI and Machine Learning"),
        "ServiceSubcategory": ibis.literal("Generative AI"),
        "SkuId": ibis.cases((token, long.model + ":" + long.token_type), else_=long.model),
        "SkuPriceId": priced(long.sku_price_id),
        "RegionId": long.region,
        "SubAccountId": long.project,
        "ConsumedQuantity": on_tokens(long.tokens.cast("string")),
        "ConsumedUnit": on_tokens(ibis.literal("Tokens")),
        "PricingQuantity": on_tokens(millionths(long.tokens)),
        "PricingUnit": on_tokens(ibis.literal("1M Tokens")),
        "ListUnitPrice": priced(long.list_price),
        "ContractedUnitPrice": priced(long.contracted_price),
        "ListCost": long.listed_text,
        "ContractedCost": long.billed_text,
        "EffectiveCost": long.billed_text,
        "BilledCost": long.billed_text,
        "Tags": long.f_tags,
        "x_TokenType": on_tokens(long.token_type),
        "x_Model": long.model,
        "x_ServiceTier": long.service_tier,
        "x_SessionId": long.session_id,
        "x_Feature": long.f_feature,
        "x_OutcomeId": long.f_outcome,
        "x_CostSource": long.cost_source,
        "x_ReportedCost": ibis.cases((~token, long.f_reported), else_=ibis.null("string")),
    }


def unpriced_usage(
    con: BaseBackend, expression: FocusExpression, tables: PriceTables, option: str
) -> list[UnpricedModel]:
    """FOCUS rows without a cost, and their tokens, per model (one small query over the
    requests, before they are split into token rows)."""

    rows = expression.requests
    empty = rows.filter(rows.cost_source == "unpriced")
    positive = [(empty[c] > 0).fill_null(False).cast("int64") for c in BILLABLE_TOKEN_COLUMNS]
    focus_rows = sum(positive[1:], positive[0]) + empty.request_row.cast("int64")
    tokens = billable_tokens(empty)
    per_model = empty.group_by("model").aggregate(
        requests=empty.count(), rows=focus_rows.sum(), tokens=tokens.sum()
    )
    out = []
    for r in sorted(fetch_records(con, per_model), key=lambda r: r["model"]):
        reason = "no reported cost" if option == "reported" else tables.reasons.get(r["model"], "")
        out.append(
            UnpricedModel(
                r["model"], reason, int(r["requests"]), int(r["rows"]), int(r["tokens"] or 0)
            )
        )
    return out
