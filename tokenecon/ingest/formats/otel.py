"""OpenTelemetry GenAI spans in OTLP/JSON (the file exporter's output: one request per line).

Semantic conventions (``gen_ai.*``, Development status): ``gen_ai.usage.input_tokens`` SHOULD
include cached tokens, and ``gen_ai.usage.cache_read.input_tokens`` /
``cache_creation.input_tokens`` SHOULD be inside it: inclusive, so an instrumentation that
reports them apart shows up as rejected rows, never as double counting. Deprecated and vendor
names are read too (``gen_ai.system``, ``prompt_tokens``/``completion_tokens``, OpenLLMetry's
``cache_read_input_tokens`` and ``gen_ai.usage.cost``, Sentry's ``input_tokens.cached`` and
``output_tokens.reasoning``). A trace, or a conversation id, groups calls into a task.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tokenecon.ingest.csv_shape import ROW_ERROR
from tokenecon.ingest.formats.base import JSON_KINDS, Format, Normalized, Probe
from tokenecon.ingest.json_records import record_key, unnest_records
from tokenecon.ingest.readers import read_json
from tokenecon.ingest.schema_types import Schema
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

ATTRIBUTES = [{"key": "text", "value": {"stringValue": "text", "intValue": "text",
                                        "doubleValue": "text", "boolValue": "text"}}]  # fmt: skip
SPAN = {"traceId": "text", "spanId": "text", "name": "text", "startTimeUnixNano": "text",
        "endTimeUnixNano": "text", "attributes": ATTRIBUTES}  # fmt: skip
OTLP = {"resourceSpans": [{"resource": {"attributes": ATTRIBUTES},
                           "scopeSpans": [{"spans": [SPAN]}]}],
        # named so that the file exporter's metrics and logs lines are no broken lines
        "resourceMetrics": "json", "resourceLogs": "json"}  # fmt: skip
NAMES = {
    "provider": ("gen_ai.provider.name", "gen_ai.system"),
    "model": ("gen_ai.response.model", "gen_ai.request.model"),
    "input_tokens": ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
    "output_tokens": ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"),
    "cache_read_tokens": ("gen_ai.usage.cache_read.input_tokens",
                          "gen_ai.usage.cache_read_input_tokens",
                          "gen_ai.usage.input_tokens.cached"),
    "cache_write_tokens": ("gen_ai.usage.cache_creation.input_tokens",
                           "gen_ai.usage.cache_creation_input_tokens",
                           "gen_ai.usage.input_tokens.cache_write"),
    "reasoning_tokens": ("gen_ai.usage.reasoning.output_tokens",
                         "gen_ai.usage.output_tokens.reasoning"),
    "reported_cost": ("gen_ai.usage.cost",),
    "session_id": ("gen_ai.conversation.id", "session.id"),
    "request_id": ("gen_ai.response.id",),
}  # fmt: skip


def attribute(attributes: Any, *keys: str) -> ir.StringValue:
    """The first of ``keys`` among a span's attributes, as text (any value type)."""
    import ibis

    values = []
    for key in keys:
        found = attributes.filter(lambda a, key=key: a.key == key)[0].value
        values.append(
            ibis.coalesce(found.stringValue, found.intValue, found.doubleValue, found.boolValue)
        )
    return ibis.coalesce(*values) if len(values) > 1 else values[0]


class OTLPExport(Format):
    """An OTLP/JSON file (a collector's file exporter: one export request per line), read one
    row per item along :attr:`steps`: the row key, the resource's attributes (``resource``),
    :meth:`scope_fields` of the item's scope entry and :meth:`item_fields` of the item. A JSON
    Lines line that is not valid JSON is one row that says so (its items cannot be known)."""

    kinds = JSON_KINDS
    schema: ClassVar[Schema]
    """The fields read (:func:`~tokenecon.ingest.readers.read_json`)."""
    steps: ClassVar[tuple[str, str, str]]
    """The arrays of resources, of their scopes and of the scopes' items (``resourceSpans``,
    ``scopeSpans``, ``spans``)."""

    def item_fields(self, item: Any) -> dict[str, Any]:
        """The columns of an item (a struct of :attr:`schema`'s item)."""
        raise NotImplementedError

    def scope_fields(self, scope: Any) -> dict[str, Any]:
        """The columns of an item's scope entry (none by default)."""
        return {}

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """One row per item, with its resource's attributes."""
        resources_at, scopes_at, items_at = self.steps
        raw = read_json(con, source, self.schema, lines=True)
        # A broken line is a row of nulls: kept through the unnests, to be rejected.
        broken = ROW_ERROR in raw.columns
        carried = [ROW_ERROR] if broken else []
        resources = unnest_records(raw, resources_at, keep_empty=broken)
        resources = resources.select(
            *carried,
            *record_key(resources),
            resource=resources[resources_at].resource.attributes,
            scope=resources[resources_at][scopes_at],
        )
        scopes = unnest_records(resources, "scope", keep_empty=broken)
        # the scope's fields are taken here, not the whole entry carried onto each item
        of_scope = self.scope_fields(scopes.scope)
        items = scopes.select(
            *carried,
            *record_key(scopes),
            resource=scopes.resource,
            **of_scope,
            item=scopes.scope[items_at],
        )
        items = unnest_records(items, "item", keep_empty=broken)
        return items.select(
            *carried,
            *record_key(items),
            resource=items.resource,
            **{name: items[name] for name in of_scope},
            **self.item_fields(items.item),
        )

    def record_steps(self, source: SourceFile) -> tuple[str, ...]:
        """Items in scopes in resources: :attr:`steps`."""
        return self.steps


class OTelGenAI(OTLPExport):
    """OTLP/JSON traces with GenAI spans: one row per span."""

    name = "otel_genai"
    title = "OpenTelemetry GenAI spans (OTLP/JSON)"
    schema = OTLP
    steps = ("resourceSpans", "scopeSpans", "spans")

    def detect(self, probe: Probe) -> bool:
        """OTLP resource spans mentioning gen_ai attributes."""
        return probe.has("resourcespans") and "gen_ai." in probe.text

    def item_fields(self, item: Any) -> dict[str, Any]:
        """The span's ids, name, start and end, and attributes."""
        return {
            "trace_id": item.traceId,
            "span_id": item.spanId,
            "span_name": item["name"],
            "start": item.startTimeUnixNano,
            "end": item.endTimeUnixNano,
            "attributes": item.attributes,
        }

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Spans with token usage; inclusive input; nanoseconds to seconds."""
        import ibis

        def seconds(nanos: ir.StringValue) -> ir.StringValue:
            value = nanos.try_cast("decimal(38, 0)")
            return ibis.cases(
                (value.notnull(), (value / 1_000_000_000).cast("decimal(38, 9)").cast("string")),
                else_=nanos,
            )

        found = {name: attribute(raw.attributes, *keys) for name, keys in NAMES.items()}
        columns = {
            "timestamp": seconds(raw.start),
            "timestamp_end": seconds(raw.end),
            **{k: v for k, v in found.items() if k != "request_id"},
            "trace_id": raw.trace_id,
            "request_id": ibis.coalesce(found["request_id"], raw.span_id),
        }
        sources = {name: " | ".join(keys) for name, keys in NAMES.items()}
        sources |= {"timestamp": "startTimeUnixNano", "timestamp_end": "endTimeUnixNano",
                    "trace_id": "traceId", "request_id": "gen_ai.response.id | spanId"}  # fmt: skip
        extras = {
            "service_name": attribute(raw.resource, "service.name"),
            "operation": attribute(raw.attributes, "gen_ai.operation.name"),
            "agent_name": attribute(raw.attributes, "gen_ai.agent.name"),
            "span_name": raw.span_name,
        }
        keep = found["input_tokens"].notnull() | found["output_tokens"].notnull()
        notes = [
            "spans without gen_ai token usage (tools, agents, HTTP) are not model calls; "
            "logs and metrics lines are not read (coding agents' log events: --format "
            "otel_agent_logs)"
        ]
        return Normalized(columns, sources, extras, convention="inclusive", keep=keep,
                          notes=notes)  # fmt: skip


FORMATS: list[Format] = [OTelGenAI()]
