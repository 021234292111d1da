"""OpenRouter's generation API: ``GET /api/v1/generation?id=...`` responses, one generation
each, billed on the model's own (native) token counts, with the cost OpenRouter charged.
The activity exports (CSV) are in :mod:`.openrouter`, the activity API in
:mod:`.openrouter_activity`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import JSON_KINDS, Format, Normalized, Probe, text
from tokenecon.ingest.readers import read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions


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


FORMATS: list[Format] = [OpenRouterGeneration()]
