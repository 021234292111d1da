"""OpenRouter's activity API: ``GET /api/v1/activity`` pages, one row per day x model x
endpoint (openrouter.ai/docs/api/api-reference/analytics/get-user-activity).

An item has the daily aggregate CSV's counts under API names: ``prompt_tokens`` (no cached
count: priced as uncached, an upper bound where caching was used), ``completion_tokens`` with
``reasoning_tokens`` inside it, ``requests``, and ``usage`` (the OpenRouter credits spent) with
``byok_usage_inference`` (the provider's inference on BYOK requests) beside it: the reported
cost is their sum, as for the CSV exports (:mod:`.openrouter`).

The model priced is the slug (``model``, ``anthropic/claude-sonnet-4``), not the permaslug
(``anthropic/claude-4-sonnet-20250522``): OpenRouter's permaslugs reorder Anthropic's names and
date xAI's in their own way (``x-ai/grok-4-07-09``), which the price book does not know, while
the slugs resolve; the permaslug is kept as a tag (docs/sources.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.csv_shape import ROW_ERROR
from tokenecon.ingest.formats.base import (
    JSON_KINDS,
    Format,
    JSONReport,
    Normalized,
    Probe,
    fields,
    text,
)
from tokenecon.ingest.formats.openrouter import NO_CACHED_COUNT, with_byok
from tokenecon.ingest.json_records import record_key, unnest_records
from tokenecon.ingest.readers import read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions


ITEM = dict.fromkeys(
    ("date", "model", "model_permaslug", "endpoint_id", "provider_name", "usage",
     "byok_usage_inference", "requests", "prompt_tokens", "completion_tokens",
     "reasoning_tokens", "workspace_id"),
    "text",
)  # fmt: skip
"""The fields of an activity item (``workspace_id`` only with ``group_by=workspace``)."""
SIGNATURE = ("date", "endpoint_id", "provider_name", "usage", "requests", "prompt_tokens")
"""Keys an activity item carries and no other format's record does (for detection)."""


def _items(record: dict[str, Any]) -> list[Any]:
    """The items of a record: a page's ``data``, or the record itself when it is an item."""
    inner = record.get("data")
    return inner if isinstance(inner, list) else [record]


def _pages(source: SourceFile) -> bool:
    """Whether the file holds pages (``{"data": [...]}``) rather than the items alone."""
    from tokenecon.ingest.probe import probe_source

    probe = probe_source(source)
    if probe.records:
        return any(isinstance(r.get("data"), list) for r in probe.records)
    return probe.text.lstrip().startswith("{") and '"data"' in probe.text


class OpenRouterActivityAPI(JSONReport):
    """Saved ``/api/v1/activity`` responses: ``{"data": [...]}`` as returned (a document, an
    array of them, or one per line), or the items alone (an array, or one per line)."""

    name = "openrouter_activity_json"
    title = "OpenRouter activity API (/api/v1/activity, JSON)"

    def detect(self, probe: Probe) -> bool:
        """Items with a date, an endpoint and its provider, credits, requests and tokens."""
        if probe.source.kind not in JSON_KINDS:
            return False
        items = [i for r in probe.records for i in _items(r) if isinstance(i, dict)]
        if items:
            return any(all(k in i for k in SIGNATURE) for i in items)
        # a file too large to parse whole for detection: look for the keys in its head
        return all(f'"{k}"' in probe.text for k in SIGNATURE)

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """One row per item; a JSON Lines line that is not valid JSON is one row that says so
        (its items cannot be known)."""
        if not _pages(source):
            return read_json(con, source, ITEM, lines=True)
        raw = read_json(con, source, {"data": [ITEM]}, lines=True)
        broken = ROW_ERROR in raw.columns
        # a broken line is a row of nulls, kept through the unnest to be rejected; a page
        # with no items (a day of no activity) holds no row
        rows = unnest_records(raw, "data", keep_empty=broken)
        if broken:
            rows = rows.filter(rows.data.notnull() | rows[ROW_ERROR].notnull())
        carried = [ROW_ERROR] if broken else []
        fields = {name: rows.data[name] for name in ITEM}
        return rows.select(*carried, *record_key(rows), **fields)

    def record_steps(self, source: SourceFile) -> tuple[str, ...]:
        """Items in pages, unless the file holds the items alone."""
        return ("data",) if _pages(source) else ()

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Prompt tokens as uncached (no cached count), reasoning inside completion, the
        slug as the model, BYOK inference added to the credits spent."""
        import ibis

        cost, error = with_byok(raw, "usage", "byok_usage_inference")
        columns = {
            "timestamp": (raw.date, "date"),
            "provider": (text(raw.provider_name).lower(), "provider_name"),
            "model": (
                ibis.coalesce(text(raw.model).strip().nullif(""), raw.model_permaslug),
                "model (the slug; else model_permaslug)",
            ),
            "uncached_input_tokens": (
                raw.prompt_tokens,
                "prompt_tokens (no cached count: all taken as uncached)",
            ),
            **fields(raw, output_tokens="completion_tokens"),
            "reasoning_tokens": (raw.reasoning_tokens, "reasoning_tokens (part of completion)"),
            **fields(raw, requests="requests"),
            "reported_cost": (cost, "usage (USD; + byok_usage_inference)"),
        }
        extras = {
            "model_permaslug": raw.model_permaslug,
            "endpoint_id": raw.endpoint_id,
            "provider_name": raw.provider_name,
            "byok_usage_inference": raw.byok_usage_inference,
            "workspace_id": raw.workspace_id,
        }
        return Normalized.of(columns, extras, notes=[NO_CACHED_COUNT], row_error=error)


FORMATS: list[Format] = [OpenRouterActivityAPI()]
