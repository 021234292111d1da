"""Gemini and Vertex AI responses saved as usage: ``generateContent`` responses (one per line,
or a JSON document of them) and Vertex AI batch prediction output lines.

The tokens are read as :mod:`.gemini` reads a table of the same fields
(:func:`~tokenecon.ingest.formats.gemini.usage_metadata_columns`): output = candidates +
thoughts, input = prompt (+ tool-use prompts), inclusive of cached content. Vertex AI writes a
``createTime`` into each response; the Gemini API (AI Studio) writes none, nor does its Batch
API's output: such files are refused by name with the way in (a ``timestamp`` per line), not
read as rows that are all rejected. Vertex batch lines are priced at the batch tier; a line
whose ``status`` is not empty failed and carries no usage: it is rejected with that status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import Format, Normalized, text
from tokenecon.ingest.formats.gemini import THOUGHTS_NOTE, usage_metadata_columns
from tokenecon.ingest.formats.responses import BATCH_FAILED, SavedResponses
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokenecon.ingest.options import ReadOptions

USAGE_METADATA = dict.fromkeys(
    ("promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount", "cachedContentTokenCount",
     "toolUsePromptTokenCount", "totalTokenCount", "trafficType"),
    "text",
)  # fmt: skip
RESPONSE = {
    "usageMetadata": USAGE_METADATA, "modelVersion": "text", "responseId": "text",
    "createTime": "text",
}  # fmt: skip
RESPONSE_LINE = {**RESPONSE, "timestamp": "text"}
"""A saved response, and a ``timestamp`` the user may have written beside it."""
BATCH_LINE = {
    "status": "text", "processed_time": "text", "timestamp": "text", "key": "text",
    "response": RESPONSE,
}  # fmt: skip

TRAFFIC_NOTE = (
    "usageMetadata.trafficType is kept as a tag: PROVISIONED_THROUGHPUT requests are paid by "
    "the Provisioned Throughput subscription, yet priced here at the list price like "
    "ON_DEMAND ones (docs/sources.md)"
)


def _response(record: Any) -> bool:
    return isinstance(record, dict) and isinstance(record.get("usageMetadata"), dict)


def response_columns(resp: Any) -> dict[str, tuple[Any, str]]:
    """The canonical columns of one ``generateContent`` response (a struct of
    :data:`RESPONSE`); the time is the caller's to choose."""
    import ibis

    usage = resp["usageMetadata"]
    return {
        "provider": (ibis.literal("google"), "(google)"),
        "model": (resp["modelVersion"], "modelVersion"),
        **usage_metadata_columns(lambda camel, _snake: usage[camel]),
        "request_id": (resp["responseId"], "responseId"),
    }


def _extras(resp: Any) -> dict[str, Any]:
    usage = resp["usageMetadata"]
    return {"traffic_type": usage["trafficType"], "total_tokens": usage["totalTokenCount"]}


class GeminiResponses(SavedResponses):
    """``generateContent`` responses as returned (Vertex AI's carry ``createTime``)."""

    name = "gemini_responses"
    title = "Gemini / Vertex AI generateContent responses (JSON)"
    schema = RESPONSE_LINE
    timeless = (
        "Gemini API responses (generateContent returns no time; Vertex AI's carry createTime)"
    )

    def is_record(self, record: Any) -> bool:
        """A record with a ``usageMetadata`` object at the top."""
        return _response(record)

    def has_time(self, record: dict[str, Any]) -> bool:
        """A ``timestamp`` written beside it, or Vertex AI's ``createTime``."""
        return bool(record.get("timestamp") or record.get("createTime"))

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Output = candidates + thoughts; inclusive input; time: timestamp | createTime."""
        import ibis

        columns = {
            "timestamp": (
                ibis.coalesce(text(raw["timestamp"]), text(raw["createTime"])),
                "timestamp | createTime",
            ),
            **response_columns(raw),
        }
        return Normalized.of(
            columns, _extras(raw), convention="inclusive", notes=[THOUGHTS_NOTE, TRAFFIC_NOTE]
        )


class VertexBatchOutput(SavedResponses):
    """Lines of a Vertex AI batch prediction output (``predictions.jsonl``) for Gemini, or of
    the Gemini API's Batch Mode output (``{"key", "response"}``, which carries no time): the
    line's status and time, the response's fields."""

    name = "vertex_batch_output"
    title = "Vertex AI / Gemini batch prediction output (JSONL)"
    schema = BATCH_LINE
    timeless = "Gemini Batch Mode results (the Gemini API writes no time into them)"

    def is_record(self, record: Any) -> bool:
        """A line of ``status`` and ``processed_time``, or a ``response`` with usageMetadata."""
        if not isinstance(record, dict):
            return False
        response = record.get("response")
        return ("processed_time" in record and "status" in record) or (
            isinstance(response, dict) and _response(response) and "custom_id" not in record
        )

    def has_time(self, record: dict[str, Any]) -> bool:
        """A ``timestamp``, Vertex AI's ``processed_time``, or the response's ``createTime``."""
        response = record.get("response")
        created = response.get("createTime") if isinstance(response, dict) else None
        return bool(record.get("timestamp") or record.get("processed_time") or created)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """The response as a ``generateContent`` response, at the batch tier; a line with a
        status (an error) is rejected."""
        import ibis

        resp = raw["response"]
        status = text(raw["status"])
        columns = {
            "timestamp": (
                ibis.coalesce(
                    text(raw["timestamp"]), text(resp["createTime"]), text(raw["processed_time"])
                ),
                "timestamp | response.createTime | processed_time",
            ),
            **response_columns(resp),
            "service_tier": (ibis.literal("batch"), "(batch: batch prediction's 50% tier)"),
        }
        failed = ibis.cases(
            (status.notnull(), "status: " + status + BATCH_FAILED), else_=ibis.null("string")
        )
        return Normalized.of(
            columns,
            {**_extras(resp), "key": raw["key"]},
            convention="inclusive",
            row_error=failed,
            notes=[
                "priced at the batch tier (batch prediction bills Gemini at 50%)",
                "a line with a status (an error) has no usage and is not billed: it is "
                "rejected with its status and line, never priced",
                THOUGHTS_NOTE,
                TRAFFIC_NOTE,
            ],
        )


FORMATS: list[Format] = [GeminiResponses(), VertexBatchOutput()]
