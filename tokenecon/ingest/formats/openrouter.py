"""OpenRouter activity exports: per generation, and the daily aggregate.

Per generation: ``tokens_prompt`` includes ``tokens_cached`` (OpenAI-style usage), reasoning is
part of ``tokens_completion``; ``cost_total`` (USD) is the reported cost. Cache writes are not
reported. The daily aggregate (day x model) has no cached count: its prompt tokens are taken as
uncached (an upper bound where caching was used), and ``Usage`` is the reported cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenecon.ingest.formats.base import CSVExport, Format, Normalized, Probe, column
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokenecon.ingest.options import ReadOptions


class OpenRouterActivity(CSVExport):
    """Activity -> Export, one row per generation."""

    name = "openrouter_activity_csv"
    title = "OpenRouter activity export (per generation)"

    def detect(self, probe: Probe) -> bool:
        """Generation id, permaslug and prompt tokens."""
        return probe.has("generation_id", "model_permaslug", "tokens_prompt")

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Inclusive prompt tokens, reasoning inside completion."""
        columns = {
            "timestamp": raw.created_at,
            "provider": column(raw, "provider_name").cast("string").lower(),
            "model": raw.model_permaslug,
            "input_tokens": raw.tokens_prompt,
            "cache_read_tokens": column(raw, "tokens_cached"),
            "output_tokens": column(raw, "tokens_completion"),
            "reasoning_tokens": column(raw, "tokens_reasoning"),
            "reported_cost": column(raw, "cost_total"),
            "user": column(raw, "user"),
            "api_key": column(raw, "api_key_name"),
            "request_id": raw.generation_id,
        }
        sources = {
            "timestamp": "created_at", "provider": "provider_name", "model": "model_permaslug",
            "input_tokens": "tokens_prompt (inclusive of cached)",
            "cache_read_tokens": "tokens_cached", "output_tokens": "tokens_completion",
            "reasoning_tokens": "tokens_reasoning (part of completion)",
            "reported_cost": "cost_total (USD)", "user": "user", "api_key": "api_key_name",
            "request_id": "generation_id",
        }  # fmt: skip
        names = ("app_name", "variant", "cancelled", "streamed", "finish_reason_normalized",
                 "byok_usage_inference", "cost_cache")  # fmt: skip
        extras = {n: raw[n] for n in names if n in raw.columns}
        return Normalized(columns, sources, extras, convention="inclusive")


class OpenRouterDaily(CSVExport):
    """The aggregated export: Date, Slug, Usage, Requests, token totals."""

    name = "openrouter_daily_csv"
    title = "OpenRouter aggregated export (day x model)"
    granularity = "bucket"

    def detect(self, probe: Probe) -> bool:
        """Date, slug, usage and request counts."""
        return probe.has("date", "slug", "usage", "requests", "prompt_tokens")

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Prompt tokens as uncached (no cached count), reasoning inside completion."""
        columns = {
            "timestamp": raw.date,
            "model": raw.slug,
            "uncached_input_tokens": raw.prompt_tokens,
            "output_tokens": column(raw, "completion_tokens"),
            "reasoning_tokens": column(raw, "reasoning_tokens"),
            "requests": raw.requests,
            "reported_cost": raw.usage,
        }
        sources = {
            "timestamp": "Date", "model": "Slug",
            "uncached_input_tokens": "Prompt Tokens (no cached count: all taken as uncached)",
            "output_tokens": "Completion Tokens", "reasoning_tokens": "Reasoning Tokens",
            "requests": "Requests", "reported_cost": "Usage (USD)",
        }  # fmt: skip
        notes = ["no cached-token count: prompt tokens priced as uncached (an upper bound)"]
        extras = {"byok_usage": column(raw, "byok_usage")}
        return Normalized(columns, sources, extras, notes=notes)


FORMATS: list[Format] = [OpenRouterActivity(), OpenRouterDaily()]
