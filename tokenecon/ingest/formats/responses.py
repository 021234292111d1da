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
with the way in (:class:`SavedResponses`): usage without a day cannot be priced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

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
from tokenecon.ingest.schema_types import Schema
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
OPENAI_LINE = {**OPENAI_BODY, "timestamp": "text"}
"""A saved body, and a ``timestamp`` the user may have written beside it."""
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


class SavedResponses(Format):
    """Saved response objects, one per line or a JSON document of them: a subclass says which
    records are its own (:meth:`is_record`) and which fields it reads (:attr:`schema`); one whose
    API writes no time says so (:attr:`timeless`) and a file of such records is refused."""

    kinds = JSON_KINDS
    schema: ClassVar[Schema]
    """The fields read, with a ``timestamp`` the user may have written beside them."""
    timeless: ClassVar[str | None] = None
    """What the records are and why they carry no time of their own (e.g. "Gemini API
    responses (the API returns no time)"), when their API writes none: a file none of whose
    first records :meth:`has_time` is refused, with the way in."""

    def is_record(self, record: Any) -> bool:
        """Whether a probed record is one of these responses."""
        raise NotImplementedError

    def has_time(self, record: dict[str, Any]) -> bool:
        """Whether a record carries a time (by default a ``timestamp`` written beside it)."""
        return bool(record.get("timestamp"))

    def detect(self, probe: Probe) -> bool:
        """Any probed record that :meth:`is_record`."""
        return any(self.is_record(r) for r in probe.records)

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The :attr:`schema` fields of each line; refused when the records are
        :attr:`timeless` and none of the first says when it ran."""
        if self.timeless is not None:
            self._refuse_without_time(source, self.timeless)
        return read_json(con, source, self.schema, lines=True)

    def _refuse_without_time(self, source: SourceFile, what: str) -> None:
        # Read, such records would be rejected row by row ("timestamp: empty"), a run of
        # nothing but rejects.
        from tokenecon.errors import UsageInputError
        from tokenecon.ingest.probe import probe_source

        probe = probe_source(source)
        # a file forced (--format) into this format that is not one: the forced checks say so
        if self.detect(probe) and not any(self.has_time(r) for r in probe.records):
            raise UsageInputError(
                f"{source.display}: {what}, format {self.name}: no line carries a time, and "
                "usage without a day cannot be priced; nothing in it was read",
                TIME_HINT.format(name=self.name),
            )


def body_columns(body: Any, provider: str = "openai") -> dict[str, tuple[Any, str]]:
    """The canonical columns of an OpenAI response body (a struct of :data:`OPENAI_BODY`):
    Chat Completions and Completions usage (``prompt_tokens``...) or the Responses API's
    (``input_tokens``...), whichever it has."""
    import ibis

    u = body["usage"]
    chat = text(u["prompt_tokens"]).notnull() | text(u["completion_tokens"]).notnull()

    def without_audio(chat_count: str, count: str, note: str = "") -> tuple[Any, str]:
        """A Chat Completions count less its audio (:data:`AUDIO_NOTE`), else the Responses
        API's count."""
        details = f"{chat_count}_details"
        return (
            ibis.cases(
                (chat, difference(u[chat_count], u[details]["audio_tokens"])),
                else_=total(u[count]),
            ),
            f"usage.{chat_count} - {details}.audio_tokens | usage.{count}{note}",
        )

    def detail(name: str, chat_count: str, count: str, note: str = "") -> tuple[Any, str]:
        """A detail of either API's count (``prompt_tokens_details`` | ``input_tokens_details``)."""
        chat_side, side = f"{chat_count}_details", f"{count}_details"
        return (
            ibis.coalesce(text(u[chat_side][name]), text(u[side][name])),
            f"{chat_side}.{name} | {side}.{name}{note}",
        )

    return {
        "timestamp": (
            ibis.coalesce(text(body["created"]), text(body["created_at"])),
            "created (Unix seconds) | created_at (Responses API)",
        ),
        "provider": (ibis.literal(provider), f"({provider})"),
        "model": (body["model"], "model"),
        "input_tokens": without_audio(
            "prompt_tokens", "input_tokens", " (inclusive of cached tokens and cache writes)"
        ),
        "cache_read_tokens": detail("cached_tokens", "prompt_tokens", "input_tokens"),
        "cache_write_tokens": detail("cache_write_tokens", "prompt_tokens", "input_tokens"),
        "output_tokens": without_audio("completion_tokens", "output_tokens"),
        "reasoning_tokens": detail(
            "reasoning_tokens", "completion_tokens", "output_tokens", " (part of output)"
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


class OpenAIResponses(SavedResponses):
    """OpenAI response objects as returned (``chat.completion``, ``text_completion``,
    ``response``), one per line or a JSON document of them."""

    name = "openai_responses"
    title = "OpenAI API responses (Chat Completions, Completions, Responses; JSON)"
    schema = OPENAI_LINE

    def is_record(self, record: Any) -> bool:
        """A record with an OpenAI response ``object`` and a ``usage``."""
        return (
            isinstance(record, dict)
            and record.get("object") in OPENAI_OBJECTS
            and isinstance(record.get("usage"), dict)
        )

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Inclusive input, reasoning inside output, audio taken out; the tier as reported."""
        import ibis

        columns = body_columns(raw)
        columns["timestamp"] = (
            ibis.coalesce(text(raw["timestamp"]), columns["timestamp"][0]),
            "timestamp | " + columns["timestamp"][1],
        )
        return Normalized.of(columns, body_extras(raw), convention="inclusive", notes=[AUDIO_NOTE])


BATCH_FAILED = " (a failed batch request: no usage, not billed)"


class OpenAIBatchOutput(SavedResponses):
    """Lines of an OpenAI Batch API output (or error) file: the line's id, custom id, status,
    error and the response body's fields."""

    name = "openai_batch_output"
    title = "OpenAI Batch API output or error file (JSONL)"
    schema = BATCH_LINE

    def is_record(self, record: Any) -> bool:
        """A line with a ``custom_id`` and a ``response`` (status code, body) or an error."""
        if not isinstance(record, dict) or "custom_id" not in record:
            return False
        response = record.get("response")
        if isinstance(response, dict):
            return "status_code" in response or "body" in response
        return str(record.get("id", "")).startswith("batch_req")

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
