"""OpenRouter activity exports: per generation, and the daily aggregate.

Per generation: ``tokens_prompt`` includes ``tokens_cached`` (OpenAI-style usage), reasoning is
part of ``tokens_completion``; ``cost_total`` (USD) is the reported cost. Cache writes are not
reported. The daily aggregate (day x model) has no cached count: its prompt tokens are taken as
uncached (an upper bound where caching was used), and ``Usage`` is the reported cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import (
    JSON_KINDS,
    CSVExport,
    Format,
    Normalized,
    Probe,
    column,
    text,
)
from tokenecon.ingest.readers import read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

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


GENERATION = dict.fromkeys(
    ("id", "created_at", "model", "provider_name", "native_tokens_prompt",
     "native_tokens_completion", "native_tokens_cached", "native_tokens_reasoning",
     "tokens_prompt", "tokens_completion", "total_cost", "upstream_inference_cost", "is_byok",
     "cache_discount", "app_id", "origin", "api_type", "cancelled", "streamed",
     "native_tokens_completion_images", "num_search_results"),
    "text",
)  # fmt: skip
"""The fields of a generation record that are read."""
GENERATION_TAGS = ("tokens_prompt", "tokens_completion", "is_byok", "upstream_inference_cost",
                   "cache_discount", "app_id", "origin", "api_type", "cancelled", "streamed",
                   "native_tokens_completion_images", "num_search_results")  # fmt: skip


def _generation(record: dict[str, Any]) -> dict[str, Any]:
    """The generation of a record: ``{"data": {...}}`` as the API returns it, or bare."""
    inner = record.get("data")
    return inner if isinstance(inner, dict) else record


class OpenRouterGeneration(Format):
    """Responses of ``GET /api/v1/generation?id=...``: one generation each, ``{"data": {..}}``
    as returned (a document, an array of them, or one per line) or the ``data`` objects alone.

    The billed counts are the ``native_tokens_*`` (the model's own tokenizer; prompt inclusive
    of cached, reasoning inside completion); ``tokens_prompt``/``tokens_completion`` are
    OpenRouter's normalized counts, kept as tags. ``total_cost`` is what OpenRouter charged;
    on a BYOK request the provider's own charge (``upstream_inference_cost``) is added to it.
    """

    name = "openrouter_generation_json"
    title = "OpenRouter generation responses (/api/v1/generation, JSON)"
    kinds = JSON_KINDS

    def detect(self, probe: Probe) -> bool:
        """Records whose generation has native token counts and a total cost."""
        return any(
            {"native_tokens_prompt", "total_cost"} <= set(_generation(r)) for r in probe.records
        )

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The generation fields, under ``data`` where the records wrap them."""
        from tokenecon.ingest.probe import probe_source

        wrapped = any(isinstance(r.get("data"), dict) for r in probe_source(source).records)
        return read_json(con, source, {"data": GENERATION} if wrapped else GENERATION, lines=True)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Inclusive native prompt tokens, reasoning inside completion, BYOK cost added."""
        import ibis

        def field(name: str) -> Any:
            return raw["data"][name] if "data" in raw.columns else raw[name]

        money = "decimal(38, 12)"
        charged = text(field("total_cost")).try_cast(money)
        upstream = text(field("upstream_inference_cost")).try_cast(money).fill_null(0)
        byok = text(field("is_byok")).lower().isin(["true", "1"])
        cost = ibis.cases((byok, charged + upstream), else_=charged).cast("string")
        columns = {
            "timestamp": field("created_at"),
            "provider": text(field("provider_name")).lower(),
            "model": field("model"),
            "input_tokens": field("native_tokens_prompt"),
            "cache_read_tokens": field("native_tokens_cached"),
            "output_tokens": field("native_tokens_completion"),
            "reasoning_tokens": field("native_tokens_reasoning"),
            "reported_cost": ibis.cases((charged.notnull(), cost), else_=text(field("total_cost"))),
            "request_id": field("id"),
        }
        sources = {
            "timestamp": "created_at", "provider": "provider_name", "model": "model",
            "input_tokens": "native_tokens_prompt (inclusive of cached)",
            "cache_read_tokens": "native_tokens_cached",
            "output_tokens": "native_tokens_completion",
            "reasoning_tokens": "native_tokens_reasoning (part of completion)",
            "reported_cost": "total_cost (USD; + upstream_inference_cost where is_byok)",
            "request_id": "id",
        }  # fmt: skip
        notes = [
            "native_tokens_* are the counts billed; tokens_prompt and tokens_completion "
            "(OpenRouter's normalized counts) are kept as tags, not priced",
            "BYOK generations: the provider's upstream_inference_cost is added to total_cost",
        ]
        extras = {name: field(name) for name in GENERATION_TAGS}
        return Normalized(columns, sources, extras, convention="inclusive", notes=notes)


FORMATS: list[Format] = [OpenRouterActivity(), OpenRouterDaily(), OpenRouterGeneration()]
