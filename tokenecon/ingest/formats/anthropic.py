"""Anthropic: the Admin API usage and cost reports, and the Console's usage and cost CSVs.

Input is exclusive (uncached, cache read, cache write 5m and 1h are reported apart). Usage has
no request count (requests stay null, never 1) and says its ``context_window`` (``0-200k``,
``200k-1M``; the Console writes ``≤ 200k``), which places bucket rows on either side of the
long-context cliff. Cost report amounts are decimal strings in cents; the Console's cost CSV is
in dollars, per day x model (display name) x token type.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import CostReport, CSVExport, Format, Normalized, Probe, column
from tokenecon.ingest.formats.pages import BucketPages
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokenecon.ingest.options import ColumnPlan, ReadOptions

USAGE_RESULT = {
    "uncached_input_tokens": "text",
    "cache_creation": {"ephemeral_5m_input_tokens": "text", "ephemeral_1h_input_tokens": "text"},
    "cache_read_input_tokens": "text",
    "output_tokens": "text",
    "server_tool_use": {"web_search_requests": "text"},
    "api_key_id": "text",
    "workspace_id": "text",
    "model": "text",
    "service_tier": "text",
    "context_window": "text",
    "inference_geo": "text",
    "speed": "text",
}
COST_RESULT = {
    "amount": "text", "currency": "text", "cost_type": "text", "description": "text",
    "model": "text", "service_tier": "text", "context_window": "text", "token_type": "text",
    "workspace_id": "text",
}  # fmt: skip


def display_model(name: Any) -> ir.StringValue:
    """A Console display name as a model id: ``Claude Sonnet 4.5`` -> ``claude-sonnet-4-5``."""
    return name.cast("string").strip().lower().re_replace(r"[\s.]+", "-")


WEB_SEARCH_NOTE = (
    "{field} (web searches, billed per search apart from tokens) is not priced: kept as a tag "
    "(docs/sources.md)"
)
"""Said wherever a source counts web searches: their price is not in the book."""


class AdminReport(BucketPages):
    """Pages of an Admin API report (usage or cost): buckets from ``starting_at`` to
    ``ending_at``, whose results share the model, tier, context window and workspace."""

    bucket_times = ("starting_at", "ending_at")

    def report_columns(self, raw: ir.Table) -> dict[str, tuple[Any, str]]:
        """The columns (expression, source) every Admin API report has."""
        import ibis

        return {
            "timestamp": (raw.bucket_start, "starting_at"),
            "timestamp_end": (raw.bucket_end, "ending_at"),
            "provider": (ibis.literal("anthropic"), "(anthropic)"),
            "model": (raw.model, "model"),
            "service_tier": (raw.service_tier, "service_tier"),
            "context_window": (raw.context_window, "context_window"),
            "project": (
                raw.workspace_id.fill_null("default"),
                "workspace_id (null: default workspace)",
            ),
        }


class AnthropicUsageAPI(AdminReport):
    """Pages of ``GET /v1/organizations/usage_report/messages``."""

    name = "anthropic_usage_api"
    title = "Anthropic usage report API pages (JSON)"
    result_keys = ("uncached_input_tokens", "cache_read_input_tokens")
    result = USAGE_RESULT

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Disjoint buckets as reported; no request count."""
        import ibis

        return Normalized.of(
            {
                **self.report_columns(raw),
                "uncached_input_tokens": (raw.uncached_input_tokens, "uncached_input_tokens"),
                "cache_read_tokens": (raw.cache_read_input_tokens, "cache_read_input_tokens"),
                "cache_write_tokens": (
                    raw.cache_creation__ephemeral_5m_input_tokens,
                    "cache_creation.ephemeral_5m_input_tokens",
                ),
                "cache_write_1h_tokens": (
                    raw.cache_creation__ephemeral_1h_input_tokens,
                    "cache_creation.ephemeral_1h_input_tokens",
                ),
                "output_tokens": (raw.output_tokens, "output_tokens"),
                "requests": (ibis.null("string"), "(not reported)"),
                "region": (raw.inference_geo, "inference_geo"),
                "api_key": (raw.api_key_id, "api_key_id"),
            },
            {"web_search_requests": raw.server_tool_use__web_search_requests, "speed": raw.speed},
            notes=[WEB_SEARCH_NOTE.format(field="server_tool_use.web_search_requests")],
        )


class AnthropicCostAPI(CostReport, AdminReport):
    """Pages of ``GET /v1/organizations/cost_report``."""

    name = "anthropic_cost_api"
    title = "Anthropic cost report API pages (JSON)"
    result_keys = ("amount", "cost_type")
    result = COST_RESULT

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Cents to dollars (exactly: decimal / 100); a non-number stays as written to be
        rejected with its value."""
        import ibis

        cents = raw.amount.try_cast("decimal(38, 12)")
        dollars = ibis.cases(
            (cents.notnull(), (cents / 100).cast("decimal(38, 12)").cast("string")),
            else_=raw.amount,
        )
        return Normalized.of(
            {**self.report_columns(raw), "reported_cost": (dollars, "amount (cents) / 100")},
            {
                "token_type": raw.token_type,
                "cost_type": raw.cost_type,
                "description": raw.description,
            },
        )


class AnthropicConsoleUsageCSV(CSVExport):
    """Console -> Usage -> Export."""

    name = "anthropic_console_usage_csv"
    title = "Anthropic Console usage export (CSV)"
    granularity = "bucket"

    def detect(self, probe: Probe) -> bool:
        """A usage date and the Console's token columns."""
        return (
            probe.source.kind == "csv"
            and probe.has("usage_date_utc")
            and probe.any_of("usage_input_tokens_no_cache", "usage_output_tokens")
        )

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Disjoint buckets; older files have one cache-write column (taken as 5m)."""
        import ibis

        write_5m = (
            "usage_input_tokens_cache_write_5m"
            if "usage_input_tokens_cache_write_5m" in raw.columns
            else "usage_input_tokens_cache_write"
        )
        columns = {
            "timestamp": raw.usage_date_utc,
            "provider": ibis.literal("anthropic"),
            "model": column(raw, "model_version", "model"),
            "uncached_input_tokens": column(raw, "usage_input_tokens_no_cache"),
            "cache_read_tokens": column(raw, "usage_input_tokens_cache_read"),
            "cache_write_tokens": column(raw, write_5m),
            "cache_write_1h_tokens": column(raw, "usage_input_tokens_cache_write_1h"),
            "output_tokens": column(raw, "usage_output_tokens"),
            "requests": ibis.null("string"),
            "service_tier": column(raw, "usage_type"),
            "context_window": column(raw, "context_window"),
            "region": column(raw, "inference_geo"),
            "project": column(raw, "workspace"),
            "api_key": column(raw, "api_key"),
        }
        sources = {
            "timestamp": "usage_date_utc", "provider": "(anthropic)", "model": "model_version",
            "uncached_input_tokens": "usage_input_tokens_no_cache",
            "cache_read_tokens": "usage_input_tokens_cache_read",
            "cache_write_tokens": write_5m,
            "cache_write_1h_tokens": "usage_input_tokens_cache_write_1h",
            "output_tokens": "usage_output_tokens", "requests": "(not reported)",
            "service_tier": "usage_type", "context_window": "context_window",
            "region": "inference_geo", "project": "workspace (name)", "api_key": "api_key (name)",
        }  # fmt: skip
        extras = {n: raw[n] for n in ("web_search_count", "speed") if n in raw.columns}
        notes = (
            [WEB_SEARCH_NOTE.format(field="web_search_count")]
            if "web_search_count" in extras
            else []
        )
        return Normalized(columns, sources, extras, notes=notes)


class AnthropicConsoleCostCSV(CostReport, CSVExport):
    """Console -> Cost -> Export."""

    name = "anthropic_console_cost_csv"
    title = "Anthropic Console cost export (CSV)"

    def detect(self, probe: Probe) -> bool:
        """A usage date, a token type and a dollar cost."""
        return probe.source.kind == "csv" and probe.has("usage_date_utc", "token_type", "cost_usd")

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Dollars; the model's display name as an id."""
        import ibis

        return Normalized(
            {
                "timestamp": raw.usage_date_utc,
                "provider": ibis.literal("anthropic"),
                "model": display_model(raw.model),
                "reported_cost": raw.cost_usd,
                "context_window": column(raw, "context_window"),
                "region": column(raw, "inference_geo"),
                "project": column(raw, "workspace"),
                "api_key": column(raw, "api_key"),
            },
            {
                "timestamp": "usage_date_utc",
                "provider": "(anthropic)",
                "model": "model (display name, as an id)",
                "reported_cost": "cost_usd",
                "context_window": "context_window",
                "region": "inference_geo",
                "project": "workspace (name)",
                "api_key": "api_key (name)",
            },
            {n: raw[n] for n in ("token_type", "list_price_usd", "cost_type") if n in raw.columns},
        )


BILLING_GEO_FIELD = "inference_geo"
"""Anthropic's field for the geo a request was served and billed in (``global``, ``us``): the
Admin usage report, the Console CSVs and Claude Code's ``message.usage`` carry it."""
_FIELD_NAME = re.compile(r"[^a-z0-9]+")


def states_billing_geo(plan: ColumnPlan) -> bool:
    """Whether the source's ``region`` is the geo it billed (an ``inference_geo`` field), not
    a cloud region (Bedrock's ``us-east-1``) or a data region that sets no price."""
    at = plan.canonical.get("region")
    if at is None or at >= len(plan.headers):
        return False
    last = plan.headers[at].rsplit(".", 1)[-1]
    return _FIELD_NAME.sub("_", last.strip().lower()).strip("_") == BILLING_GEO_FIELD


def billing_geo_expression(table: ir.Table, plan: ColumnPlan) -> ir.StringValue:
    """Each row's billed geo in lower case where the source states it (:func:`states_billing_geo`),
    else null: the price stage prices a row at its geo's rate (docs/price-book-fields.md)."""
    import ibis

    if not states_billing_geo(plan):
        return ibis.null("string")
    geo = table.region.cast("string").strip().lower()
    return ibis.cases((geo == "", ibis.null("string")), else_=geo)


SPEED_FORMATS = frozenset(
    {
        "anthropic_usage_api",
        "anthropic_console_usage_csv",
        "claude_code_jsonl",
        "otel_agent_logs",
        "tokenecon_usage",
    }
)
"""The formats whose ``speed`` (``tags.speed``) is Anthropic's: the speed a request ran at,
``fast`` for fast mode. A ``speed`` column of any other source sets no price."""


STANDARD_SPEEDS = ("", "standard", "normal")
"""Speeds at the standard price: the API says ``standard``, Claude Code's OTel events
``normal`` (tests/fixtures/public/otel_logs/claude_code_real_run.jsonl)."""


def states_speed(plan: ColumnPlan) -> bool:
    """Whether the source states the speed each request ran at (Anthropic's ``speed``)."""
    return plan.format in SPEED_FORMATS and "speed" in plan.extra


def speed_expression(table: ir.Table, plan: ColumnPlan) -> ir.StringValue:
    """Each row's speed in lower case where the source states one other than ``standard``
    (:func:`states_speed`), else null: the price stage prices a ``fast`` row at the book's
    fast-mode rate (docs/price-book-fields.md#fast-mode)."""
    import ibis

    if not states_speed(plan):
        return ibis.null("string")
    speed = table["x_speed"].cast("string").strip().lower()
    return ibis.cases((speed.isin(STANDARD_SPEEDS), ibis.null("string")), else_=speed)


FORMATS: list[Format] = [
    AnthropicUsageAPI(),
    AnthropicCostAPI(),
    AnthropicConsoleUsageCSV(),
    AnthropicConsoleCostCSV(),
]
