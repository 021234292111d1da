"""Saved API responses as usage: the provider's own response objects, one per line (or a JSON
document of them), as teams log them, and the output files of batch jobs.

- OpenAI Chat Completions (``chat.completion``), legacy Completions (``text_completion``) and
  Responses API (``response``) objects: inclusive input (``prompt_tokens`` / ``input_tokens``
  count cached tokens and cache writes), reasoning inside output. Audio tokens are inside
  ``prompt_tokens`` and ``completion_tokens``: they are taken out of the text buckets and kept
  as tags (the price book has no audio rates), as the Usage API adapter does.
- OpenAI Batch API output and error files: each line wraps one such body; priced at the batch
  tier (OpenAI's Batch API bills completed requests at 50%). A line with an ``error`` or a
  non-200 ``status_code`` carries no usage and is not billed: it is a rejected row with that
  reason and its line, never priced and never dropped unseen.

Gemini, Vertex AI and Anthropic responses are in :mod:`.responses_google` and
:mod:`.responses_anthropic`. A response that carries no time of its own is refused by name
with the way in (:func:`refuse_without_time`): usage without a day cannot be priced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import (
    JSON_KINDS,
    Format,
    Normalized,
    Probe,
    difference,
    text,
    total,
)
from tokenecon.ingest.readers import read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

OPENAI_OBJECTS = ("chat.completion", "text_completion", "response")
"""The ``object`` of a response body read as usage."""

OPENAI_USAGE = {
    "prompt_tokens": "text", "completion_tokens": "text",
    "prompt_tokens_details": {"cached_tokens": "text", "audio_tokens": "text",
                              "cache_write_tokens": "text"},
    "completion_tokens_details": {"reasoning_tokens": "text", "audio_tokens": "text"},
    "input_tokens": "text", "output_tokens": "text",
    "input_tokens_details": {"cached_tokens": "text", "cache_write_tokens": "text"},
    "output_tokens_details": {"reasoning_tokens": "text"},
}  # fmt: skip
OPENAI_BODY = {
    "id": "text", "object": "text", "created": "text", "created_at": "text", "model": "text",
    "service_tier": "text", "request_id": "text", "usage": OPENAI_USAGE,
}  # fmt: skip
BATCH_LINE = {
    "id": "text", "custom_id": "text", "timestamp": "text",
    "response": {"status_code": "text", "request_id": "text", "body": OPENAI_BODY},
    "error": {"code": "text", "message": "text"},
}  # fmt: skip

TIME_HINT = (
    "write the time of each call as a `timestamp` field on its line (ISO 8601, or Unix "
    "seconds), where your code saves the response; tokenecon has no option that gives a whole "
    "file one time, since a day decides the price. Lines with a `timestamp` read as {name} "
    "(docs/sources.md, Saved API responses)"
)


def refuse_without_time(
    source: SourceFile, fmt: Format, what: str, has_time: Callable[[dict[str, Any]], bool]
) -> None:
    """Refuse a source whose first records all lack a time: ``what`` they are and why (e.g.
    "Gemini API responses (the API returns no time)"), and the way in. Read, they would be
    rejected row by row ("timestamp: empty"), a run of nothing but rejects."""
    from tokenecon.errors import UsageInputError
    from tokenecon.ingest.probe import probe_source

    probe = probe_source(source)
    records = probe.records
    # a file forced (--format) into this format that is not one: the forced checks say so
    if fmt.detect(probe) and not any(has_time(r) for r in records):
        raise UsageInputError(
            f"{source.display}: {what}, format {fmt.name}: no line carries a time, and usage "
            "without a day cannot be priced; nothing in it was read",
            TIME_HINT.format(name=fmt.name),
        )


def _openai_object(record: Any) -> bool:
    return (
        isinstance(record, dict)
        and record.get("object") in OPENAI_OBJECTS
        and isinstance(record.get("usage"), dict)
    )


def body_columns(body: Any, provider: str = "openai") -> dict[str, tuple[Any, str]]:
    """The canonical columns of an OpenAI response body (a struct of :data:`OPENAI_BODY`):
    Chat Completions and Completions usage (``prompt_tokens``...) or the Responses API's
    (``input_tokens``...), whichever it has."""
    import ibis

    u = body["usage"]
    ptd, ctd = u["prompt_tokens_details"], u["completion_tokens_details"]
    itd, otd = u["input_tokens_details"], u["output_tokens_details"]
    chat = text(u["prompt_tokens"]).notnull() | text(u["completion_tokens"]).notnull()
    return {
        "timestamp": (
            ibis.coalesce(text(body["created"]), text(body["created_at"])),
            "created (Unix seconds) | created_at (Responses API)",
        ),
        "provider": (ibis.literal(provider), f"({provider})"),
        "model": (body["model"], "model"),
        "input_tokens": (
            ibis.cases(
                (chat, difference(u["prompt_tokens"], ptd["audio_tokens"])),
                else_=total(u["input_tokens"]),
            ),
            "usage.prompt_tokens - prompt_tokens_details.audio_tokens | usage.input_tokens "
            "(inclusive of cached tokens and cache writes)",
        ),
        "cache_read_tokens": (
            ibis.coalesce(text(ptd["cached_tokens"]), text(itd["cached_tokens"])),
            "prompt_tokens_details.cached_tokens | input_tokens_details.cached_tokens",
        ),
        "cache_write_tokens": (
            ibis.coalesce(text(ptd["cache_write_tokens"]), text(itd["cache_write_tokens"])),
            "prompt_tokens_details.cache_write_tokens | input_tokens_details.cache_write_tokens",
        ),
        "output_tokens": (
            ibis.cases(
                (chat, difference(u["completion_tokens"], ctd["audio_tokens"])),
                else_=total(u["output_tokens"]),
            ),
            "usage.completion_tokens - completion_tokens_details.audio_tokens | "
            "usage.output_tokens",
        ),
        "reasoning_tokens": (
            ibis.coalesce(text(ctd["reasoning_tokens"]), text(otd["reasoning_tokens"])),
            "completion_tokens_details.reasoning_tokens | output_tokens_details.reasoning_tokens "
            "(part of output)",
        ),
        "service_tier": (body["service_tier"], "service_tier"),
        "request_id": (ibis.coalesce(text(body["id"]), text(body["request_id"])), "id"),
    }


def body_extras(body: Any) -> dict[str, Any]:
    """The tags of a body: its object, request id and audio tokens (not priced)."""
    u = body["usage"]
    return {
        "object": body["object"],
        "openai_request_id": body["request_id"],
        "input_audio_tokens": u["prompt_tokens_details"]["audio_tokens"],
        "output_audio_tokens": u["completion_tokens_details"]["audio_tokens"],
    }


AUDIO_NOTE = (
    "audio tokens (prompt_tokens_details.audio_tokens, completion_tokens_details.audio_tokens) "
    "are taken out of the input and output buckets and kept as tags, not priced: the price "
    "book has no audio rates (docs/sources.md)"
)


class OpenAIResponses(Format):
    """OpenAI response objects as returned (``chat.completion``, ``text_completion``,
    ``response``), one per line or a JSON document of them."""

    name = "openai_responses"
    title = "OpenAI API responses (Chat Completions, Completions, Responses; JSON)"
    kinds = JSON_KINDS

    def detect(self, probe: Probe) -> bool:
        """Records with an OpenAI response ``object`` and a ``usage``."""
        return any(_openai_object(r) for r in probe.records)

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The body fields, and a ``timestamp`` the user may have written beside them."""
        return read_json(con, source, {**OPENAI_BODY, "timestamp": "text"}, lines=True)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Inclusive input, reasoning inside output, audio taken out; the tier as reported."""
        import ibis

        columns = body_columns(raw)
        columns["timestamp"] = (
            ibis.coalesce(text(raw["timestamp"]), columns["timestamp"][0]),
            "timestamp | " + columns["timestamp"][1],
        )
        return Normalized.of(columns, body_extras(raw), convention="inclusive", notes=[AUDIO_NOTE])


def _batch_line(record: Any) -> bool:
    if not isinstance(record, dict) or "custom_id" not in record:
        return False
    response = record.get("response")
    if isinstance(response, dict):
        return "status_code" in response or "body" in response
    return str(record.get("id", "")).startswith("batch_req")


BATCH_FAILED = " (a failed batch request: no usage, not billed)"


class OpenAIBatchOutput(Format):
    """Lines of an OpenAI Batch API output (or error) file."""

    name = "openai_batch_output"
    title = "OpenAI Batch API output or error file (JSONL)"
    kinds = JSON_KINDS

    def detect(self, probe: Probe) -> bool:
        """Lines with a ``custom_id`` and a ``response`` (status code, body) or an error."""
        return any(_batch_line(r) for r in probe.records)

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The line's id, custom id, status, error and the response body's fields."""
        return read_json(con, source, BATCH_LINE, lines=True)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """The body as a response object, at the batch tier; a failed line is rejected."""
        import ibis

        response = raw["response"]
        body = response["body"]
        columns = body_columns(body)
        columns["timestamp"] = (
            ibis.coalesce(text(raw["timestamp"]), columns["timestamp"][0]),
            "timestamp | response.body." + columns["timestamp"][1],
        )
        columns["service_tier"] = (ibis.literal("batch"), "(batch: the Batch API's 50% tier)")
        # not the line's own id (batch_req_...): OpenAI's error file repeats it across lines
        columns["request_id"] = (
            ibis.coalesce(text(body["id"]), text(response["request_id"])),
            "response.body.id | response.request_id",
        )
        code = text(raw["error"]["code"])
        message = text(raw["error"]["message"])
        status = text(response["status_code"])
        failed = ibis.cases(
            (code.notnull(), "error: " + code + BATCH_FAILED),
            (message.notnull(), "error: " + message + BATCH_FAILED),
            (status.notnull() & (status != "200"), "status_code " + status + BATCH_FAILED),
            else_=ibis.null("string"),
        )
        extras = {
            **body_extras(body),
            "custom_id": raw["custom_id"],
            "batch_request_id": raw["id"],
            "openai_request_id": response["request_id"],
        }
        return Normalized.of(
            columns,
            extras,
            convention="inclusive",
            row_error=failed,
            notes=[
                "priced at the batch tier (OpenAI's Batch API bills completed requests at 50%)",
                "a line with an error or a status_code other than 200 has no usage and is not "
                "billed: it is rejected with its reason and line, never priced",
                AUDIO_NOTE,
            ],
        )


FORMATS: list[Format] = [OpenAIResponses(), OpenAIBatchOutput()]
