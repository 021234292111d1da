"""OpenAI: the organization Usage API (completions buckets), its dashboard CSV, and the costs.

Input is inclusive: ``input_tokens`` counts cached and cache-write tokens (the API reference:
"including cached and cache-write tokens"), so uncached = input - cached - cache writes
(``input_cache_write_tokens``, 30-minute retention, and ``input_cache_write_12h_tokens``, kept
in the long-retention bucket), checked >= 0. Reasoning is not reported
by the usage endpoints. The Costs API and the cost CSV carry dollars per day x project x line
item (``"<model>, input"``) and no tokens: they are read as cost-only sources.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import (
    CostReport,
    CSVExport,
    Format,
    Normalized,
    Probe,
    column,
    text,
    total,
)
from tokenecon.ingest.formats.pages import BucketPages
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokenecon.ingest.options import ReadOptions

USAGE_FIELDS = (
    "input_tokens", "output_tokens", "input_cached_tokens", "input_uncached_tokens",
    "input_cache_write_tokens", "input_cache_write_12h_tokens", "input_audio_tokens",
    "input_cached_audio_tokens",
    "output_audio_tokens", "input_image_tokens", "input_cached_image_tokens",
    "output_image_tokens", "input_text_tokens", "input_cached_text_tokens", "output_text_tokens",
    "num_model_requests", "project_id", "user_id", "api_key_id",
    "model", "batch", "service_tier", "api_source",
)  # fmt: skip
MODALITY = (
    "input_audio_tokens",
    "input_cached_audio_tokens",
    "output_audio_tokens",
    "input_image_tokens",
    "input_cached_image_tokens",
    "output_image_tokens",
)
"""Kept as tags, and said so: the price book has no audio or image rates, so they are not
priced. Older pages count them apart from the text tokens (``input_tokens`` was text input);
newer ones (with ``input_text_tokens``) inside ``input_tokens`` and ``output_tokens``, from which
:func:`_text_only` takes them out."""


def _text_only(raw: ir.Table, columns: dict[str, Any], sources: dict[str, str]) -> None:
    """The text buckets of a page that splits tokens by modality.

    Such pages (the API reference: ``input_tokens`` "includes text, audio, and image tokens")
    give the text apart: uncached ``input_text_tokens``, ``input_cached_text_tokens`` and
    ``output_text_tokens``. Pricing the whole ``input_tokens`` at text rates would price audio
    input (8-16x the text rate) as text. Cache writes are not split by modality: read as text.
    A row of an older page in the same file (no text split) keeps the inclusive reading.
    """
    import ibis

    split = text(raw["input_text_tokens"]).notnull()
    writes = [column(raw, n) for n in ("input_cache_write_tokens", "input_cache_write_12h_tokens")]
    cached_text = column(raw, "input_cached_text_tokens")
    text_in = total(raw["input_text_tokens"], cached_text, *writes)
    # as text, so that a bad value of either is a rejected row, not a null that prices as none
    whole_in = text(column(raw, "input_tokens"))
    columns["input_tokens"] = ibis.cases((split, text_in), else_=whole_in)
    columns["cache_read_tokens"] = ibis.cases(
        (split, text(cached_text)), else_=text(column(raw, "input_cached_tokens"))
    )
    out_text = text(column(raw, "output_text_tokens"))
    columns["output_tokens"] = ibis.cases(
        (split & out_text.notnull(), out_text), else_=text(column(raw, "output_tokens"))
    )
    sources["input_tokens"] = (
        "input_text_tokens + input_cached_text_tokens + cache writes (text only; "
        "else input_tokens, inclusive)"
    )
    sources["cache_read_tokens"] = "input_cached_text_tokens (else input_cached_tokens)"
    sources["output_tokens"] = "output_text_tokens (else output_tokens)"


ALL_MODELS = "(all models)"
"""The model of a bucket result without one: the page was fetched without ``group_by=model``
(the API's default), or the cost line has no line item. Its usage and spend are real and kept
(docs/sources.md)."""
UNGROUPED_NOTE = (
    f"a result without a model (fetched without group_by=model) is read as model {ALL_MODELS!r}: "
    "kept, but no per-model price applies (unpriced; the Costs API gives its dollars). "
    "Fetch with group_by=model to price it (docs/sources.md)"
)


COST_UNGROUPED_NOTE = (
    f"a cost without a line item (fetched without group_by=line_item) is read as model "
    f"{ALL_MODELS!r}: its dollars are kept, as the cost report of the day's usage where "
    "the usage is read beside it (docs/sources.md)"
)


def said_notes(notes: list[str], usage: bool, costs: bool) -> list[str]:
    """A source's notes without those about rows of model :data:`ALL_MODELS` where the run
    read none: ``usage``, ``costs``: whether it read such usage (tokens or requests) and
    such cost lines. The notes are written before the rows are read; the report keeps them
    only when they describe rows it has."""
    drop = {UNGROUPED_NOTE} if not usage else set()
    drop |= {COST_UNGROUPED_NOTE} if not costs else set()
    return [n for n in notes if n not in drop]


def all_models(model: Any) -> ir.StringValue:
    """A result's model, or :data:`ALL_MODELS` where the export names none."""
    import ibis

    return ibis.coalesce(model.cast("string").nullif(""), ibis.literal(ALL_MODELS))


def _usage(raw: ir.Table, start: str, end: str) -> Normalized:
    import ibis

    batch = column(raw, "batch").cast("string").lower()
    tier = ibis.cases(
        (batch.isin(["true", "1"]), ibis.literal("batch")),
        else_=column(raw, "service_tier").cast("string"),
    )
    columns: dict[str, Any] = {
        "timestamp": raw[start],
        "timestamp_end": raw[end],
        "provider": ibis.literal("openai"),
        "model": all_models(column(raw, "model")),
        "cache_read_tokens": column(raw, "input_cached_tokens"),
        "output_tokens": column(raw, "output_tokens"),
        "requests": column(raw, "num_model_requests"),
        "service_tier": tier,
        "project": column(raw, "project_id"),
        "user": column(raw, "user_id"),
        "api_key": column(raw, "api_key_id"),
    }
    sources = {
        "timestamp": start, "timestamp_end": end, "provider": "(openai)",
        "model": f"model (empty: {ALL_MODELS})",
        "cache_read_tokens": "input_cached_tokens", "output_tokens": "output_tokens",
        "requests": "num_model_requests", "service_tier": "service_tier, batch",
        "project": "project_id", "user": "user_id", "api_key": "api_key_id",
    }  # fmt: skip
    if "input_cache_write_tokens" in raw.columns:
        columns["cache_write_tokens"] = raw["input_cache_write_tokens"]
        sources["cache_write_tokens"] = "input_cache_write_tokens (30-minute retention)"
    if "input_cache_write_12h_tokens" in raw.columns:
        # The longer retention is the canonical long-retention bucket (price: cache_write_1h).
        columns["cache_write_1h_tokens"] = raw["input_cache_write_12h_tokens"]
        sources["cache_write_1h_tokens"] = "input_cache_write_12h_tokens (12-hour retention)"
    if "input_text_tokens" in raw.columns:
        _text_only(raw, columns, sources)
    elif "input_tokens" in raw.columns:
        columns["input_tokens"] = raw["input_tokens"]
        sources["input_tokens"] = "input_tokens (inclusive of cached)"
    else:
        columns["uncached_input_tokens"] = column(raw, "input_uncached_tokens")
        sources["uncached_input_tokens"] = "input_uncached_tokens"
    extras = {name: raw[name] for name in MODALITY if name in raw.columns}
    modality = (
        [
            f"{', '.join(extras)}: audio and image tokens, not priced (the price book has no "
            "audio or image rates) and kept out of the text buckets (pages with "
            "input_text_tokens count them inside input_tokens and output_tokens: they are "
            "taken out); kept as tags (docs/sources.md)"
        ]
        if extras
        else []
    )
    # An empty bucket (the dashboard writes one per period with no use) is not a usage row.
    empty = ibis.and_(
        *[
            column(raw, name).cast("string").fill_null("").isin(["", "0", "0.0"])
            for name in ("model", "num_model_requests", "input_tokens", "output_tokens")
        ]
    )
    return Normalized(
        columns,
        sources,
        extras,
        convention="inclusive",
        keep=~empty,
        notes=[
            "empty buckets (no model, requests or tokens) are not usage rows: skipped",
            UNGROUPED_NOTE,
            *modality,
        ],
    )


class OpenAIUsageCSV(CSVExport):
    """The dashboard's ``completions_usage_<start>_<end>.csv``."""

    name = "openai_usage_csv"
    title = "OpenAI usage, dashboard CSV export"
    granularity = "bucket"

    def detect(self, probe: Probe) -> bool:
        """The export's header: bucket times, request counts and cached input."""
        return probe.source.kind == "csv" and probe.has(
            "start_time", "num_model_requests", "input_cached_tokens"
        )

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Inclusive input, requests per bucket, batch as a tier."""
        return _usage(raw, "start_time", "end_time")


class OpenAIUsageAPI(BucketPages):
    """Pages of ``GET /v1/organization/usage/completions``."""

    name = "openai_usage_api"
    title = "OpenAI Usage API pages (completions, JSON)"
    bucket_times = ("start_time", "end_time")
    result_keys = ("input_cached_tokens", "num_model_requests")
    result = dict.fromkeys(USAGE_FIELDS, "text")

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """As the CSV: inclusive input, requests per bucket, batch as a tier."""
        return _usage(raw, "bucket_start", "bucket_end")


def _line_item(raw: ir.Table, start: str, amount: Any, line_item: Any) -> Normalized:
    """Costs per day x project x line item; the model is the line item before its last comma."""
    import ibis

    item = line_item.cast("string").nullif("")
    named = ibis.cases((item.contains(","), item.re_replace(r",[^,]*$", "")), else_=item)
    model = all_models(named)
    part = item.re_extract(r",\s*([^,]*)$", 1).nullif("")
    return Normalized(
        {
            "timestamp": raw[start],
            "provider": ibis.literal("openai"),
            "model": model,
            "reported_cost": amount,
            "project": column(raw, "project_id"),
        },
        {
            "timestamp": start,
            "provider": "(openai)",
            "model": f"line_item (before the comma; empty: {ALL_MODELS})",
            "reported_cost": "amount.value (USD)",
            "project": "project_id",
        },
        {"line_item": item, "token_type": part},
        keep=amount.cast("string").fill_null("") != "",
        notes=[
            "rows without an amount (empty days) are skipped",
            COST_UNGROUPED_NOTE,
        ],
    )


class OpenAICostCSV(CostReport, CSVExport):
    """The dashboard's ``cost_<start>_<end>.csv``."""

    name = "openai_cost_csv"
    title = "OpenAI cost, dashboard CSV export"

    def detect(self, probe: Probe) -> bool:
        """Amount and line item columns."""
        return probe.source.kind == "csv" and probe.has("amount_value", "line_item")

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Dollars per day, project and line item."""
        return _line_item(raw, "start_time", raw["amount_value"], raw["line_item"])


COSTS_RESULT = {"amount": {"value": "text", "currency": "text"}, "line_item": "text",
                "project_id": "text"}  # fmt: skip
"""The fields of a Costs API result that are read."""


class OpenAICostsAPI(CostReport, BucketPages):
    """Pages of ``GET /v1/organization/costs``."""

    name = "openai_costs_api"
    title = "OpenAI Costs API pages (JSON)"
    bucket_times = ("start_time", "end_time")
    result_keys = ("amount", "line_item")
    result = COSTS_RESULT

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Dollars per day, project and line item."""
        return _line_item(raw, "bucket_start", raw["amount__value"], raw["line_item"])


FORMATS: list[Format] = [
    OpenAIUsageCSV(),
    OpenAIUsageAPI(),
    OpenAICostCSV(),
    OpenAICostsAPI(),
]
