"""Anthropic responses saved as usage: Messages API responses (``"type": "message"``) and
Message Batches results (``{"custom_id", "result": {"type": "succeeded", "message"}}``).

Neither carries a time, so a file of them is refused by name with the way in: a line that
carries a ``timestamp`` the user wrote beside the response is read. Input is exclusive
(``input_tokens`` is the uncached part; cache reads and writes are reported apart, writes split
5-minute / 1-hour in ``cache_creation``). Batch results are priced at the batch tier (the
Message Batches API bills 50%); a result that is not ``succeeded`` (errored, canceled, expired)
has no usage and is not billed: it is rejected with its type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import Format, Normalized, text
from tokenecon.ingest.formats.responses import SavedResponses
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokenecon.ingest.options import ReadOptions

RESULT_TYPES = ("succeeded", "errored", "canceled", "expired")
MESSAGE = {
    "id": "text", "type": "text", "model": "text",
    "usage": {
        "input_tokens": "text", "output_tokens": "text", "cache_read_input_tokens": "text",
        "cache_creation_input_tokens": "text", "service_tier": "text", "inference_geo": "text",
        "cache_creation": {"ephemeral_5m_input_tokens": "text",
                           "ephemeral_1h_input_tokens": "text"},
    },
}  # fmt: skip
LINE = {
    **MESSAGE, "timestamp": "text", "custom_id": "text",
    "result": {"type": "text", "message": MESSAGE},
}  # fmt: skip


def _message(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and record.get("type") == "message"
        and isinstance(record.get("usage"), dict)
    )


def _result(record: Any) -> bool:
    result = record.get("result") if isinstance(record, dict) else None
    return isinstance(result, dict) and result.get("type") in RESULT_TYPES and "custom_id" in record


class AnthropicResponses(SavedResponses):
    """Messages API responses or Message Batches results, one per line: the message's fields
    (under ``result.message`` for batch results)."""

    name = "anthropic_responses"
    title = "Anthropic Messages responses or Message Batches results (JSON)"
    schema = LINE
    timeless = (
        "Anthropic Messages responses or Message Batches results (the API writes no time "
        "into either)"
    )

    def is_record(self, record: Any) -> bool:
        """A ``message`` with usage, or a batch result of a known type beside a custom id."""
        return _message(record) or _result(record)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Exclusive buckets; batch results at the batch tier, unsucceeded ones rejected."""
        import ibis

        kind = text(raw["result"]["type"])
        batch = kind.notnull()

        def field(*path: str) -> ir.StringValue:
            inner: Any = raw["result"]["message"]
            outer: Any = raw
            for step in path:
                inner, outer = inner[step], outer[step]
            return ibis.cases((batch, text(inner)), else_=text(outer))

        usage = ("usage",)
        split = ("usage", "cache_creation")
        five = field(*split, "ephemeral_5m_input_tokens")
        tier = text(field(*usage, "service_tier"))
        columns = {
            "timestamp": (raw["timestamp"], "timestamp (written beside the response)"),
            "provider": (ibis.literal("anthropic"), "(anthropic)"),
            "model": (field("model"), "model"),
            "uncached_input_tokens": (field(*usage, "input_tokens"), "usage.input_tokens"),
            "cache_read_tokens": (
                field(*usage, "cache_read_input_tokens"),
                "usage.cache_read_input_tokens",
            ),
            "cache_write_tokens": (
                ibis.coalesce(five, field(*usage, "cache_creation_input_tokens")),
                "usage.cache_creation.ephemeral_5m_input_tokens | cache_creation_input_tokens",
            ),
            "cache_write_1h_tokens": (
                field(*split, "ephemeral_1h_input_tokens"),
                "usage.cache_creation.ephemeral_1h_input_tokens",
            ),
            "output_tokens": (field(*usage, "output_tokens"), "usage.output_tokens"),
            "service_tier": (
                ibis.cases((batch, ibis.literal("batch")), else_=tier),
                "usage.service_tier (batch results: batch)",
            ),
            "region": (field(*usage, "inference_geo"), "usage.inference_geo"),
            "request_id": (field("id"), "id (the message id)"),
        }
        failed = ibis.cases(
            (batch & (kind != "succeeded"), "result: " + kind + " (no usage, not billed)"),
            else_=ibis.null("string"),
        )
        return Normalized.of(
            columns,
            {"custom_id": raw["custom_id"]},
            row_error=failed,
            notes=[
                "Message Batches results are priced at the batch tier (50%); a result that "
                "did not succeed has no usage and is rejected with its type, never priced"
            ],
        )


FORMATS: list[Format] = [AnthropicResponses()]
