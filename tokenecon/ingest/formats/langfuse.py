"""Langfuse observations: UI exports (CSV/JSON, camelCase) and blob-storage JSONL (snake_case).

Only GENERATION observations are model calls. ``usage_details`` keys are additive buckets
(Langfuse sums them into ``total`` and matches each to its own price): ``input`` is uncached
input, ``input_cached_tokens`` / ``input_cache_read`` cache reads, ``input_cache_creation``
cache writes, and ``output_reasoning_tokens`` reasoning *beside* ``output`` — so output is
``output`` + reasoning here, reasoning its part. ``total_cost`` (USD, frozen at ingestion) is
the reported cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.canonical import normalise_header
from tokenecon.ingest.formats.base import (
    JSON_KINDS,
    Format,
    JSONReport,
    Normalized,
    Probe,
    bad_json_reason,
    column,
    json_text,
    tags_object,
    total,
)
from tokenecon.ingest.json_records import record_key, unnest_records
from tokenecon.ingest.readers import as_json, read_flat, read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

FIELDS = {
    **dict.fromkeys(
        ("id", "trace_id", "traceid", "type", "start_time", "starttime", "end_time", "endtime",
         "model", "provided_model_name", "providedmodelname", "total_cost", "totalcost",
         "calculated_total_cost", "calculatedtotalcost", "user_id", "userid", "session_id",
         "sessionid", "name", "environment", "project_id", "projectid", "prompt_name",
         "promptname", "level"),
        "text",
    ),
    **dict.fromkeys(
        ("usage_details", "usagedetails", "cost_details", "costdetails", "tags", "metadata",
         "usage"),
        "json",
    ),
}  # fmt: skip
INPUT_KEYS = ("input", "input_tokens")
OUTPUT_KEYS = ("output", "output_tokens")
READ_KEYS = ("input_cache_read", "input_cached_tokens", "cache_read_input_tokens", "input_cached")
WRITE_KEYS = ("input_cache_creation", "input_cache_write", "cache_creation_input_tokens",
              "input_cache_creation_5m")  # fmt: skip
WRITE_1H_KEYS = ("input_cache_creation_1h",)
REASONING_KEYS = ("output_reasoning_tokens", "output_reasoning")
"""Usage-detail keys per bucket: each a usage type of Langfuse's own model prices
(langfuse/langfuse ``worker/src/constants/default-model-prices.json``: Claude models price
``input``, ``input_tokens``, ``output``, ``output_tokens``, ``cache_creation_input_tokens``,
``input_cache_creation``, ``input_cache_creation_5m``, ``input_cache_creation_1h`` at twice the
input rate, ``cache_read_input_tokens``, ``input_cached_tokens``, ``input_cache_read``). Langfuse
prices each key on its own and adds them up, so keys of one bucket add up here too."""


def page_keys(probe: Probe) -> list[str] | None:
    """The observation keys of a saved API page (``GET /api/public/observations``:
    ``{"data": [observation, ...], "meta": {...}}``), or None if the file is no such page."""
    records = probe.records
    if not records or not all(
        isinstance(r.get("data"), list) and isinstance(r.get("meta"), dict) for r in records
    ):
        return None
    keys: dict[str, None] = {}
    for record in records:
        for item in record["data"][:200]:
            if isinstance(item, dict):
                keys.update(dict.fromkeys(item))
    return list(keys)


def _first(values: list[Any]) -> Any:
    import ibis

    return ibis.coalesce(*values) if len(values) > 1 else values[0]


class LangfuseObservations(Format):
    """Observations exported from Langfuse."""

    name = "langfuse_observations"
    title = "Langfuse observations (UI export, blob JSONL)"
    materialize = True

    def detect(self, probe: Probe) -> bool:
        """A trace id and usage details, in either spelling; or (older SDKs and exports) the
        ``usage`` object beside a start time."""
        keys = page_keys(probe)
        names = {normalise_header(k) for k in keys} if keys is not None else set(probe.headers)
        if not names & {"trace_id", "traceid"}:
            return False
        legacy = "usage" in names and bool(names & {"start_time", "starttime"})
        return bool(names & {"usage_details", "usagedetails"}) or legacy

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The observation fields, usage and cost details as JSON; a saved API page's
        ``data`` unnested, one row per observation."""
        from tokenecon.ingest.probe import probe_source

        keys = page_keys(probe_source(source)) if source.kind in ("json", "jsonl") else None
        if keys is None:
            return read_flat(con, source, FIELDS)
        wanted = {k: FIELDS[normalise_header(k)] for k in keys if normalise_header(k) in FIELDS}
        pages = read_json(con, source, {"data": [wanted]})
        rows = pages.unnest("data")
        return rows.select(**{normalise_header(k): rows.data[k] for k in wanted})

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Additive usage keys to disjoint buckets."""
        import ibis

        usage = as_json(column(raw, "usage_details", "usagedetails"))
        costs = as_json(column(raw, "cost_details", "costdetails"))
        # Older SDKs write `usage: {input, output, total, unit, inputCost, outputCost,
        # totalCost}` (no cache split): read where usage details say nothing.
        legacy = as_json(column(raw, "usage"))

        def summed(keys: tuple[str, ...]) -> ir.Value:
            return total(*[json_text(usage[k]) for k in keys])

        reasoning = _first([json_text(usage[k]) for k in REASONING_KEYS])
        kind = column(raw, "type").cast("string").upper()
        columns = {
            "timestamp": column(raw, "start_time", "starttime"),
            "timestamp_end": column(raw, "end_time", "endtime"),
            "model": ibis.coalesce(
                column(raw, "provided_model_name", "providedmodelname").nullif(""),
                column(raw, "model"),
            ),
            "uncached_input_tokens": ibis.coalesce(summed(INPUT_KEYS), json_text(legacy["input"])),
            "cache_read_tokens": summed(READ_KEYS),
            "cache_write_tokens": summed(WRITE_KEYS),
            "cache_write_1h_tokens": summed(WRITE_1H_KEYS),
            "output_tokens": ibis.coalesce(
                summed((*OUTPUT_KEYS, *REASONING_KEYS)), json_text(legacy["output"])
            ),
            "reasoning_tokens": reasoning,
            "reported_cost": ibis.coalesce(
                column(raw, "total_cost", "totalcost").nullif(""),
                column(raw, "calculated_total_cost", "calculatedtotalcost").nullif(""),
                json_text(costs["total"]),
                json_text(legacy["totalCost"]),
            ),
            "user": column(raw, "user_id", "userid"),
            "session_id": column(raw, "session_id", "sessionid"),
            "trace_id": column(raw, "trace_id", "traceid"),
            "project": column(raw, "project_id", "projectid"),
            "request_id": column(raw, "id"),
            "tags": tags_object(column(raw, "tags"), column(raw, "metadata")),
        }
        sources = {
            "timestamp": "start_time | startTime", "timestamp_end": "end_time | endTime",
            "model": "provided_model_name | model",
            "uncached_input_tokens": "usage_details.input + input_tokens | usage.input "
            "(older SDKs)",
            "cache_read_tokens": "usage_details." + " + ".join(READ_KEYS),
            "cache_write_tokens": "usage_details." + " + ".join(WRITE_KEYS),
            "cache_write_1h_tokens": "usage_details.input_cache_creation_1h",
            "output_tokens": "usage_details.output + output_tokens + output_reasoning_tokens "
            "| usage.output",
            "reasoning_tokens": "usage_details.output_reasoning_tokens",
            "reported_cost": "total_cost | calculatedTotalCost | cost_details.total "
            "| usage.totalCost (USD)",
            "user": "user_id", "session_id": "session_id", "trace_id": "trace_id",
            "project": "project_id", "request_id": "id", "tags": "tags + metadata",
        }  # fmt: skip
        extras = {"name": column(raw, "name"), "environment": column(raw, "environment"),
                  "prompt_name": column(raw, "prompt_name", "promptname")}  # fmt: skip
        keep = kind.isnull() | (kind == "GENERATION")
        broken = bad_json_reason(
            usage_details=column(raw, "usage_details", "usagedetails"),
            cost_details=column(raw, "cost_details", "costdetails"),
            usage=column(raw, "usage"),
        )
        return Normalized(
            columns, sources, extras, keep=keep, row_error=broken,
            notes=["only GENERATION observations are model calls (spans and events skipped)"],
        )  # fmt: skip


DAILY_USAGE = {
    "model": "text", "inputUsage": "text", "outputUsage": "text", "totalUsage": "text",
    "totalCost": "text", "countObservations": "text", "countTraces": "text",
}  # fmt: skip
DAILY_NOTE = (
    "daily metrics: inputUsage sums every usage key named input (Langfuse adds cache reads "
    "and writes into it) and cannot be split, so it is priced as uncached input; totalCost "
    "is Langfuse's own cost (docs/sources.md)"
)


def _daily_pages(probe: Probe) -> bool:
    """Whether the probed records are saved ``GET /api/public/metrics/daily`` pages: ``data``
    of days, each with a ``usage`` list of per-model entries (``inputUsage``...)."""
    if not probe.records:
        return False
    for record in probe.records:
        days = record.get("data")
        if not isinstance(days, list) or not all(
            isinstance(d, dict) and isinstance(d.get("usage"), list) and "date" in d for d in days
        ):
            return False
    entries = [u for r in probe.records for d in r["data"] for u in d["usage"]]
    return all(isinstance(u, dict) and "inputUsage" in u for u in entries) and bool(entries)


class LangfuseDailyMetrics(JSONReport):
    """Saved pages of Langfuse's Daily Metrics API: one row per day and model."""

    name = "langfuse_daily_metrics"
    title = "Langfuse daily metrics (GET /api/public/metrics/daily pages)"

    def detect(self, probe: Probe) -> bool:
        """``{data: [{date, usage: [{model, inputUsage, ...}]}], meta}`` pages."""
        return probe.source.kind in JSON_KINDS and _daily_pages(probe)

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The usage entries of every day, with their day."""
        raw = read_json(con, source, {"data": [{"date": "text", "usage": [DAILY_USAGE]}]})
        days = unnest_records(raw, "data")
        days = days.select(*record_key(days), date=days.data.date, usage=days.data.usage)
        rows = unnest_records(days, "usage")
        fields = {name: rows.usage[name] for name in DAILY_USAGE}
        return rows.select(*record_key(rows), date=rows.date, **fields)

    def record_steps(self, source: SourceFile) -> tuple[str, ...]:
        """Usage entries in days, in pages."""
        return ("data", "usage")

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """A day's model entry as one bucket row; entries without a model and without usage
        (observations that are not generations: spans, events) are not usage rows."""
        import ibis

        day = raw.date.cast("string")
        model = raw.model.cast("string").nullif("")
        usage = (raw.inputUsage, raw.outputUsage, raw.totalCost)
        idle = ibis.and_(*[u.cast("string").fill_null("0").isin(["0", "0.0"]) for u in usage])
        return Normalized.of(
            {
                "timestamp": (day, "date"),
                "model": (model, "usage[].model"),
                "uncached_input_tokens": (raw.inputUsage, "usage[].inputUsage (all input)"),
                "output_tokens": (raw.outputUsage, "usage[].outputUsage"),
                "requests": (raw.countObservations, "usage[].countObservations"),
                "reported_cost": (raw.totalCost, "usage[].totalCost (USD)"),
            },
            {"count_traces": raw.countTraces},
            keep=model.notnull() | ~idle,
            notes=[
                DAILY_NOTE,
                "entries without a model and without usage (spans and events) are skipped",
            ],
        )


FORMATS: list[Format] = [LangfuseObservations(), LangfuseDailyMetrics()]
