"""LiteLLM proxy: ``LiteLLM_SpendLogs`` as a CSV/JSON export or read in place from Postgres.

One row per request (``request_id`` is the table's primary key). ``prompt_tokens`` is inclusive:
LiteLLM adds Anthropic's cache reads and writes into it (``litellm/llms/anthropic/chat/
transformation.py``), so uncached = prompt - cache read - cache write, rejected if negative
(older versions did not always add writes). Cache and reasoning counts come from
``metadata.usage_object``; ``spend`` (USD) is the reported cost. A response-cache hit
(``cache_hit``) was served by the proxy without a model call: it is a request at $0 with no
billable tokens. ``request_tags`` and ``metadata.spend_logs_metadata`` become tags.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenecon.ingest.formats.base import (
    Format,
    Normalized,
    Probe,
    bad_json_reason,
    column,
    tags_object,
)
from tokenecon.ingest.readers import json_struct, read_flat
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions

FIELDS = {
    **dict.fromkeys(
        ("request_id", "call_type", "api_key", "spend", "total_tokens", "prompt_tokens",
         "completion_tokens", "starttime", "endtime", "model", "model_group",
         "custom_llm_provider", "user", "cache_hit", "team_id", "organization_id", "end_user",
         "session_id", "status", "agent_id"),
        "text",
    ),
    "metadata": "json",
    "request_tags": "json",
}  # fmt: skip
METADATA = {
    "usage_object": {
        "cache_read_input_tokens": "text",
        "cache_creation_input_tokens": "text",
        "prompt_tokens_details": {
            "cached_tokens": "text", "cache_creation_tokens": "text", "cache_write_tokens": "text",
            "cache_creation_token_details": {
                "ephemeral_5m_input_tokens": "text", "ephemeral_1h_input_tokens": "text"
            },
        },
        "cache_creation": {
            "ephemeral_5m_input_tokens": "text", "ephemeral_1h_input_tokens": "text"
        },
        "completion_tokens_details": {"reasoning_tokens": "text"},
    },
    "user_api_key_alias": "text",
    "user_api_key_team_alias": "text",
    "user_api_key_project_alias": "text",
    "spend_logs_metadata": "json",
}  # fmt: skip
"""The fields of ``metadata`` the adapter reads (parsed once per row)."""


class LiteLLMSpendLogs(Format):
    """``LiteLLM_SpendLogs`` rows (export or table)."""

    name = "litellm_spendlogs"
    title = "LiteLLM_SpendLogs (export, or --table)"
    materialize = True

    def detect(self, probe: Probe) -> bool:
        """The table's columns: request id, spend, prompt tokens and start time."""
        return probe.has("request_id", "spend", "prompt_tokens", "starttime")

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """The columns the adapter uses, as text (metadata and tags as JSON)."""
        return read_flat(con, source, FIELDS)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Inclusive prompt tokens, cache and reasoning from the usage object."""
        import ibis

        metadata = json_struct(column(raw, "metadata"), METADATA)
        usage = metadata.usage_object
        prompt_details = usage.prompt_tokens_details
        read = ibis.coalesce(usage.cache_read_input_tokens, prompt_details.cached_tokens)
        write = ibis.coalesce(
            usage.cache_creation_input_tokens,
            prompt_details.cache_creation_tokens,
            prompt_details.cache_write_tokens,
        )
        # Anthropic's 1-hour cache writes (2x input, not 1.25x) are inside the write count;
        # LiteLLM splits them in prompt_tokens_details.cache_creation_token_details.
        ttl = prompt_details.cache_creation_token_details
        write_1h = ibis.coalesce(
            ttl.ephemeral_1h_input_tokens, usage.cache_creation.ephemeral_1h_input_tokens
        )
        write_5m = ibis.coalesce(
            ttl.ephemeral_5m_input_tokens, usage.cache_creation.ephemeral_5m_input_tokens
        )
        write_1h_n = write_1h.try_cast("float64")
        write = ibis.cases(
            (
                write_1h_n.notnull(),
                ibis.coalesce(
                    (write.try_cast("float64") - write_1h_n).cast("int64").cast("string"),
                    write_5m,
                ),
            ),
            else_=write,
        )
        reasoning = usage.completion_tokens_details.reasoning_tokens
        hit = column(raw, "cache_hit").cast("string").lower().isin(["true", "1", "t"])

        def billed(value: ir.Value) -> ir.Value:
            return ibis.cases((hit, ibis.literal("0")), else_=value.cast("string"))

        columns = {
            "timestamp": (raw.starttime, "startTime"),
            "timestamp_end": (column(raw, "endtime"), "endTime"),
            "provider": (column(raw, "custom_llm_provider"), "custom_llm_provider"),
            "model": (raw.model, "model"),
            "input_tokens": (
                billed(raw.prompt_tokens),
                "prompt_tokens (inclusive of cache reads and writes)",
            ),
            "cache_read_tokens": (
                billed(read),
                "metadata.usage_object.cache_read_input_tokens "
                "| prompt_tokens_details.cached_tokens",
            ),
            "cache_write_tokens": (
                billed(write),
                "metadata.usage_object.cache_creation_input_tokens (less the 1-hour writes)",
            ),
            "cache_write_1h_tokens": (
                billed(write_1h),
                "metadata.usage_object.prompt_tokens_details."
                "cache_creation_token_details.ephemeral_1h_input_tokens",
            ),
            "output_tokens": (billed(raw.completion_tokens), "completion_tokens"),
            "reasoning_tokens": (
                billed(reasoning),
                "metadata.usage_object.completion_tokens_details.reasoning_tokens",
            ),
            "reported_cost": (raw.spend, "spend (USD)"),
            "team": (
                ibis.coalesce(column(raw, "team_id"), metadata.user_api_key_team_alias),
                "team_id | metadata.user_api_key_team_alias",
            ),
            "project": (metadata.user_api_key_project_alias, "metadata.user_api_key_project_alias"),
            "user": (
                ibis.coalesce(column(raw, "end_user").nullif(""), column(raw, "user")),
                "end_user | user",
            ),
            "api_key": (
                ibis.coalesce(metadata.user_api_key_alias, column(raw, "api_key")),
                "metadata.user_api_key_alias | api_key (hash)",
            ),
            "session_id": (column(raw, "session_id"), "session_id"),
            "request_id": (raw.request_id, "request_id"),
            "tags": (
                tags_object(column(raw, "request_tags"), metadata["spend_logs_metadata"]),
                "request_tags + metadata.spend_logs_metadata",
            ),
        }
        extras = {
            "model_group": column(raw, "model_group"),
            "call_type": column(raw, "call_type"),
            "status": column(raw, "status"),
            "agent_id": column(raw, "agent_id"),
            "organization_id": column(raw, "organization_id"),
            "cache_hit": column(raw, "cache_hit"),
        }
        return Normalized.of(
            columns,
            extras,
            convention="inclusive",
            notes=["response-cache hits (cache_hit) are requests at $0 with no billable tokens"],
            row_error=bad_json_reason(metadata=column(raw, "metadata")),
        )


FORMATS: list[Format] = [LiteLLMSpendLogs()]
