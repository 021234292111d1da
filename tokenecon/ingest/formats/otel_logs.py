"""Coding agents' OpenTelemetry log events in OTLP/JSON (a collector's file exporter: one
``ExportLogsServiceRequest`` per line, ``resourceLogs`` > ``scopeLogs`` > ``logRecords``).

One row per API call, each agent in its own convention, all turned inclusive here:

- Claude Code, ``claude_code.api_request``: Anthropic's counts, ``input_tokens`` apart from
  ``cache_read_tokens`` and ``cache_creation_tokens`` (the input read is their sum);
  ``cost_usd`` is Claude Code's own estimate, kept as the reported cost.
- Codex, ``codex.sse_event`` of kind ``response.completed``: the Responses API's usage
  (codex-rs/otel ``sse_event_completed``): ``input_token_count`` includes
  ``cached_token_count``, ``output_token_count`` includes ``reasoning_token_count``.
  ``tool_token_count`` is Codex's ``total_tokens`` passed under that name, never added.
- Gemini CLI, ``gemini_cli.api_response``: ``usageMetadata`` renamed (gemini-cli telemetry
  ``ApiResponseEvent``): ``input_token_count`` is ``promptTokenCount`` (cached content
  inside), ``output_token_count`` is ``candidatesTokenCount`` and ``thoughts_token_count`` is
  apart from it, both billed as output; ``tool_token_count`` (tool-use prompt) is billed as
  input beside the prompt. So output = candidates + thoughts, input = prompt + tool use.

Every other record (prompts, tool results, API errors, streaming deltas, Gemini's
``gen_ai.client.inference.operation.details`` restatement of the same call) is not a model
call's usage and is skipped. Spans and metrics lines of the same file are not read: agents
restate the same calls there (Codex's ``gen_ai.usage.*`` spans, ``*.token.usage`` counters).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import Format, Normalized, Probe, total
from tokenecon.ingest.formats.otel import ATTRIBUTES, OTLPExport, attribute
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokenecon.ingest.options import ReadOptions

LOG_RECORD = {"timeUnixNano": "text", "observedTimeUnixNano": "text",
              "body": {"stringValue": "text"}, "attributes": ATTRIBUTES}  # fmt: skip
OTLP_LOGS = {"resourceLogs": [{"resource": {"attributes": ATTRIBUTES},
                               "scopeLogs": [{"scope": {"name": "text"},
                                              "logRecords": [LOG_RECORD]}]}],
             # named so that the file exporter's spans and metrics lines are no broken lines
             "resourceSpans": "json", "resourceMetrics": "json"}  # fmt: skip
EVENTS = ("claude_code.api_request", "codex.sse_event", "gemini_cli.api_response")
"""The log events that carry one API call's usage."""
AGENT_MARKS = ("claude_code.", "codex.", "gemini_cli.")
"""Event name prefixes that tell an agent's log export (in the first kilobytes)."""
UNNAMED = "(model not named)"
"""The model of a call whose record names none: its tokens are kept, unpriced."""


def _seconds(nanos: ir.StringValue) -> ir.StringValue:
    """Unix nanoseconds as seconds text; ``0`` (unset in OTLP) as null."""
    import ibis

    value = nanos.nullif("0").try_cast("decimal(38, 0)")
    return ibis.cases(
        (value.notnull(), (value / 1_000_000_000).cast("decimal(38, 9)").cast("string")),
        else_=ibis.null("string"),
    )


class OTelAgentLogs(OTLPExport):
    """OTLP/JSON logs of Claude Code, Codex and Gemini CLI: one row per log record, with its
    scope's name."""

    name = "otel_agent_logs"
    title = "Coding agents' OpenTelemetry log events (OTLP/JSON: Claude Code, Codex, Gemini CLI)"
    schema = OTLP_LOGS
    steps = ("resourceLogs", "scopeLogs", "logRecords")

    def detect(self, probe: Probe) -> bool:
        """OTLP resource logs naming an agent's events."""
        return probe.has("resourcelogs") and any(m in probe.text for m in AGENT_MARKS)

    def item_fields(self, item: Any) -> dict[str, Any]:
        """The record's time, observed time, body and attributes."""
        return {
            "time": item.timeUnixNano,
            "observed": item.observedTimeUnixNano,
            "body": item.body.stringValue,
            "attributes": item.attributes,
        }

    def scope_fields(self, scope: Any) -> dict[str, Any]:
        """The scope's name (Claude Code's events are told apart by it)."""
        return {"scope": scope.scope["name"]}

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """API-call records of each agent, in its own convention made inclusive."""
        import ibis

        attrs = raw.attributes

        def a(*keys: str) -> ir.StringValue:
            return attribute(attrs, *keys)

        event = a("event.name")
        claude = (
            (raw.body == "claude_code.api_request")
            | (event == "claude_code.api_request")
            | ((event == "api_request") & raw.scope.startswith("com.anthropic.claude_code"))
        ).fill_null(False)
        # a completed stream without usage (Codex logs one when the response fails to parse)
        codex = (
            (event == "codex.sse_event")
            & (a("event.kind") == "response.completed")
            & (a("input_token_count").notnull() | a("output_token_count").notnull())
        ).fill_null(False)
        gemini = (event == "gemini_cli.api_response").fill_null(False)

        def per_agent(
            on_claude: Any = None, on_codex: Any = None, on_gemini: Any = None
        ) -> ir.Value:
            cases = [(c, v) for c, v in ((claude, on_claude), (codex, on_codex),
                                         (gemini, on_gemini)) if v is not None]  # fmt: skip
            return ibis.cases(*cases, else_=ibis.null("string"))

        session = a("session.id", "conversation.id")
        columns = {
            "timestamp": ibis.coalesce(
                a("event.timestamp"), _seconds(raw.time), _seconds(raw.observed)
            ),
            "provider": per_agent(
                ibis.literal("anthropic"), ibis.literal("openai"), ibis.literal("google")
            ),
            "model": ibis.coalesce(a("model").nullif(""), ibis.literal(UNNAMED)),
            "input_tokens": per_agent(
                total(a("input_tokens"), a("cache_read_tokens"), a("cache_creation_tokens")),
                a("input_token_count"),
                total(a("input_token_count"), a("tool_token_count")),
            ),
            "cache_read_tokens": per_agent(
                a("cache_read_tokens"), a("cached_token_count"), a("cached_content_token_count")
            ),
            "cache_write_tokens": per_agent(a("cache_creation_tokens")),
            "output_tokens": per_agent(
                a("output_tokens"),
                a("output_token_count"),
                total(a("output_token_count"), a("thoughts_token_count")),
            ),
            "reasoning_tokens": per_agent(
                None, a("reasoning_token_count"), a("thoughts_token_count")
            ),
            "reported_cost": per_agent(a("cost_usd")),
            "user": a("user.email", "user.account_uuid", "user.account_id", "user.id"),
            "task_id": session,
            "session_id": session,
            "request_id": a("request_id", "response_id"),
        }
        sources = {
            "timestamp": "event.timestamp | timeUnixNano | observedTimeUnixNano",
            "provider": "(anthropic | openai | google, by event)",
            "model": f"model (none: {UNNAMED}, unpriced)",
            "input_tokens": "Claude Code: input_tokens + cache_read_tokens + "
            "cache_creation_tokens; Codex: input_token_count (cached inside); Gemini CLI: "
            "input_token_count + tool_token_count (cached inside)",
            "cache_read_tokens": "cache_read_tokens | cached_token_count | "
            "cached_content_token_count",
            "cache_write_tokens": "cache_creation_tokens (Claude Code)",
            "output_tokens": "output_tokens | output_token_count (Codex: reasoning inside) | "
            "output_token_count + thoughts_token_count (Gemini CLI)",
            "reasoning_tokens": "reasoning_token_count | thoughts_token_count (part of output)",
            "reported_cost": "cost_usd (Claude Code)",
            "user": "user.email | user.account_uuid | user.account_id | user.id",
            "task_id": "session.id | conversation.id",
            "session_id": "session.id | conversation.id",
            "request_id": "request_id | response_id",
        }
        extras = {
            "service_name": attribute(raw.resource, "service.name"),
            "event_name": ibis.coalesce(raw.body.nullif(""), event),
            "prompt_id": a("prompt.id", "prompt_id"),
            "organization_id": a("organization.id"),
            "query_source": a("query_source"),
            "duration_ms": a("duration_ms"),
            "speed": per_agent(a("speed")),
        }
        notes = [
            "only API-call events (claude_code.api_request, codex.sse_event "
            "response.completed, gemini_cli.api_response) are model calls: prompts, tool "
            "results, API errors and other records skipped; spans and metrics lines of the "
            "file are not read (they restate the same calls; --format otel_genai reads spans)"
        ]
        return Normalized(columns, sources, extras, convention="inclusive",
                          keep=claude | codex | gemini, notes=notes)  # fmt: skip


FORMATS: list[Format] = [OTelAgentLogs()]
