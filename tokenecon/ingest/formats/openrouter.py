"""OpenRouter activity exports: per generation, and the daily aggregate.

Per generation: ``tokens_prompt`` includes ``tokens_cached`` (OpenAI-style usage), reasoning is
part of ``tokens_completion``; ``cost_total`` (USD) is the reported cost. Cache writes are not
reported. The daily aggregate (day x model) has no cached count: its prompt tokens are taken as
uncached (an upper bound where caching was used), and ``Usage`` is the reported cost.

BYOK: a request sent with the customer's own provider key is charged by OpenRouter only its fee
(``cost_total``, ``Usage``: the credits spent) while the provider bills the inference itself.
The Activity page's spend is "OpenRouter credits + estimated BYOK spend", the BYOK part
estimated at the provider's market rates (openrouter.ai/docs/guides/features/activity,
"Estimated BYOK Spend"); the exports carry it apart as ``byok_usage_inference`` /
``BYOK Usage``. The reported cost is the sum, the full cost of the request, as the generation
reader adds ``upstream_inference_cost`` (docs/sources.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenecon.ingest.formats.base import CSVExport, Format, Normalized, Probe, column, text
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokenecon.ingest.options import ReadOptions


NO_CACHED_COUNT = "no cached-token count: prompt tokens priced as uncached (an upper bound)"
"""The note of an aggregate (the daily CSV, the activity API) whose prompt tokens cannot be
split into cached and uncached."""


def with_byok(raw: ir.Table, fee: str, byok: str) -> tuple[ir.Value, ir.Value | None]:
    """The reported cost with the BYOK inference added where the export states one, and the
    reason a row cannot be read (a BYOK amount that is not a number), null where it can."""
    import ibis

    if byok not in raw.columns:
        return raw[fee], None
    money = "decimal(38, 12)"
    stated = text(raw[byok]).strip()
    amount = stated.try_cast(money)
    charged = text(raw[fee]).strip().try_cast(money)
    cost = ibis.cases(
        ((amount > 0) & charged.notnull(), (charged + amount).cast("string")), else_=raw[fee]
    )
    bad = stated.notnull() & (stated != "") & amount.isnull()
    error = ibis.cases((bad, ibis.literal(f"{byok}: not a number")), else_=ibis.null("string"))
    return cost, error


class OpenRouterActivity(CSVExport):
    """Activity -> Export, one row per generation."""

    name = "openrouter_activity_csv"
    title = "OpenRouter activity export (per generation)"

    def detect(self, probe: Probe) -> bool:
        """Generation id, permaslug and prompt tokens."""
        return probe.has("generation_id", "model_permaslug", "tokens_prompt")

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Inclusive prompt tokens, reasoning inside completion, BYOK inference added."""
        cost, error = with_byok(raw, "cost_total", "byok_usage_inference")
        columns = {
            "timestamp": raw.created_at,
            "provider": column(raw, "provider_name").cast("string").lower(),
            "model": raw.model_permaslug,
            "input_tokens": raw.tokens_prompt,
            "cache_read_tokens": column(raw, "tokens_cached"),
            "output_tokens": column(raw, "tokens_completion"),
            "reasoning_tokens": column(raw, "tokens_reasoning"),
            "reported_cost": cost,
            "user": column(raw, "user"),
            "api_key": column(raw, "api_key_name"),
            "request_id": raw.generation_id,
        }
        sources = {
            "timestamp": "created_at", "provider": "provider_name", "model": "model_permaslug",
            "input_tokens": "tokens_prompt (inclusive of cached)",
            "cache_read_tokens": "tokens_cached", "output_tokens": "tokens_completion",
            "reasoning_tokens": "tokens_reasoning (part of completion)",
            "reported_cost": "cost_total (USD; + byok_usage_inference)", "user": "user",
            "api_key": "api_key_name",
            "request_id": "generation_id",
        }  # fmt: skip
        names = ("app_name", "variant", "cancelled", "streamed", "finish_reason_normalized",
                 "byok_usage_inference", "cost_cache")  # fmt: skip
        extras = {n: raw[n] for n in names if n in raw.columns}
        return Normalized(columns, sources, extras, convention="inclusive", row_error=error)


class OpenRouterDaily(CSVExport):
    """The aggregated export: Date, Slug, Usage, Requests, token totals."""

    name = "openrouter_daily_csv"
    title = "OpenRouter aggregated export (day x model)"
    granularity = "bucket"

    def detect(self, probe: Probe) -> bool:
        """Date, slug, usage and request counts."""
        return probe.has("date", "slug", "usage", "requests", "prompt_tokens")

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Prompt tokens as uncached (no cached count), reasoning inside completion, BYOK
        inference added."""
        cost, error = with_byok(raw, "usage", "byok_usage")
        columns = {
            "timestamp": raw.date,
            "model": raw.slug,
            "uncached_input_tokens": raw.prompt_tokens,
            "output_tokens": column(raw, "completion_tokens"),
            "reasoning_tokens": column(raw, "reasoning_tokens"),
            "requests": raw.requests,
            "reported_cost": cost,
        }
        sources = {
            "timestamp": "Date", "model": "Slug",
            "uncached_input_tokens": "Prompt Tokens (no cached count: all taken as uncached)",
            "output_tokens": "Completion Tokens", "reasoning_tokens": "Reasoning Tokens",
            "requests": "Requests", "reported_cost": "Usage (USD; + BYOK Usage)",
        }  # fmt: skip
        notes = [NO_CACHED_COUNT]
        extras = {"byok_usage": column(raw, "byok_usage")}
        return Normalized(columns, sources, extras, notes=notes, row_error=error)


FORMATS: list[Format] = [OpenRouterActivity(), OpenRouterDaily()]
