"""Gemini usage written as a table: the fields of the API's ``usageMetadata`` (camelCase as
the REST API names them, or snake_case as the Python SDK does), one row per response.

Gemini counts thinking apart from the answer: ``thoughtsTokenCount`` is not inside
``candidatesTokenCount``, and both are billed as output, so output is their sum (reasoning the
thoughts). ``promptTokenCount`` includes the cached content (``cachedContentTokenCount``) and
tool-use prompts (``toolUsePromptTokenCount``) are billed as input beside it
(ai.google.dev/api/generate-content#UsageMetadata).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import CSVExport, Format, Normalized, Probe, column, total

if TYPE_CHECKING:
    import ibis.expr.types as ir

    from tokenecon.ingest.options import ReadOptions
    from tokenecon.ingest.sources import SourceFile


THOUGHTS_NOTE = (
    "thoughtsTokenCount is added to candidatesTokenCount: Gemini counts thinking apart from "
    "the answer and bills both as output"
)


def usage_metadata_columns(field: Callable[[str, str], Any]) -> dict[str, tuple[Any, str]]:
    """The token columns of a ``usageMetadata``, as (expression, source field) by canonical
    name; ``field(camel, snake)`` is the expression of one of its fields (a table column, or
    a field of a JSON response's struct). Shared by every reader of Gemini usage."""
    candidates = field("candidatesTokenCount", "candidates_token_count")
    thoughts = field("thoughtsTokenCount", "thoughts_token_count")
    prompt = field("promptTokenCount", "prompt_token_count")
    tool_use = field("toolUsePromptTokenCount", "tool_use_prompt_token_count")
    return {
        "input_tokens": (
            total(prompt, tool_use),
            "promptTokenCount + toolUsePromptTokenCount (inclusive of cached content)",
        ),
        "cache_read_tokens": (
            field("cachedContentTokenCount", "cached_content_token_count"),
            "cachedContentTokenCount",
        ),
        "output_tokens": (total(candidates, thoughts), "candidatesTokenCount + thoughtsTokenCount"),
        "reasoning_tokens": (thoughts, "thoughtsTokenCount (part of output)"),
    }


def _field(raw: ir.Table, camel: str, snake: str) -> Any:
    """A usageMetadata field under either spelling (headers are normalised to lower case)."""
    return column(raw, camel.lower(), snake)


class GeminiUsageCSV(CSVExport):
    """Rows of Gemini ``usageMetadata`` fields (a table of responses written by a user's own
    logging, or exported from it)."""

    name = "gemini_usage_csv"
    title = "Gemini usageMetadata fields, one row per response (CSV)"

    def detect(self, probe: Probe) -> bool:
        """Prompt and candidates token counts under Gemini's names."""
        return probe.has("prompttokencount", "candidatestokencount") or probe.has(
            "prompt_token_count", "candidates_token_count"
        )

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Output = candidates + thoughts; input = prompt (+ tool-use prompts), inclusive."""
        return Normalized.of(
            {
                "timestamp": (
                    column(raw, "timestamp", "createtime", "create_time", "time"),
                    "timestamp | createTime",
                ),
                "provider": (column(raw, "provider"), "provider"),
                "model": (
                    column(raw, "model", "modelversion", "model_version"),
                    "model | modelVersion",
                ),
                **usage_metadata_columns(lambda camel, snake: _field(raw, camel, snake)),
                "reported_cost": (column(raw, "reported_cost", "cost"), "reported_cost | cost"),
                "user": (column(raw, "user"), "user"),
                "team": (column(raw, "team"), "team"),
                "project": (column(raw, "project"), "project"),
                "use_case": (column(raw, "use_case"), "use_case"),
                "task_id": (column(raw, "task_id"), "task_id"),
                "request_id": (
                    column(raw, "responseid", "response_id", "request_id"),
                    "responseId",
                ),
            },
            {"total_tokens": _field(raw, "totalTokenCount", "total_token_count")},
            convention="inclusive",
            notes=[THOUGHTS_NOTE],
        )


FORMATS: list[Format] = [GeminiUsageCSV()]
