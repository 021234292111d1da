"""The canonical usage record: its columns, and the aliases other exports use for them."""

from __future__ import annotations

import re

TOKEN_COLUMNS = (
    "uncached_input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
)
"""Disjoint token buckets (reasoning is the informational part of output)."""

BILLABLE_TOKEN_COLUMNS = TOKEN_COLUMNS[:5]
"""The buckets that add up to billable tokens."""

INPUT_TOKEN_COLUMNS = TOKEN_COLUMNS[:4]
"""The buckets that make up a request's whole prompt."""

STRING_COLUMNS = (
    "provider",
    "model",
    "service_tier",
    "context_window",
    "region",
    "team",
    "project",
    "use_case",
    "user",
    "api_key",
    "task_id",
    "session_id",
    "trace_id",
    "request_id",
    "tags",
)
"""Text columns of the canonical record."""

CANONICAL_COLUMNS = (
    "timestamp",
    "timestamp_end",
    *STRING_COLUMNS[:2],
    *TOKEN_COLUMNS,
    "input_tokens",
    "requests",
    "reported_cost",
    *STRING_COLUMNS[2:],
)
"""Every name a source column can map to. ``input_tokens`` is the one convention-dependent one."""

ATTRIBUTE_COLUMNS = tuple(c for c in STRING_COLUMNS if c not in ("context_window", "tags"))
"""Columns that mapping rules, task keys and ``--by`` may name directly: the text columns
less ``context_window`` and ``tags`` (a tag is named as ``tags.<name>``)."""

ALIASES_OF: dict[str, tuple[str, ...]] = {
    "timestamp": (
        "created_at", "createdat", "time", "date", "start_time", "starttime", "ts", "datetime",
        "request_time", "usage_date_utc", "start_time_iso",
    ),
    "timestamp_end": ("end_time", "endtime", "ended_at"),
    "provider": ("vendor", "provider_name", "custom_llm_provider"),
    "model": ("model_name", "model_id", "modelid", "engine", "model_version", "deployment"),
    "uncached_input_tokens": (
        "input_uncached_tokens", "uncached_input", "usage_input_tokens_no_cache",
    ),
    "cache_read_tokens": (
        "cached_tokens", "cache_read_input_tokens", "input_cached_tokens", "cached_input_tokens",
        "tokens_cached", "usage_input_tokens_cache_read", "cached_content_token_count",
        "prompt_tokens_details_cached_tokens", "usage_prompt_tokens_details_cached_tokens",
        "cache_read_input_token_count",
    ),
    "cache_write_tokens": (
        "cache_creation_input_tokens", "cache_creation_tokens", "cache_write_input_tokens",
        "input_cache_write_tokens", "usage_input_tokens_cache_write_5m",
    ),
    "cache_write_1h_tokens": ("ephemeral_1h_input_tokens", "usage_input_tokens_cache_write_1h"),
    "output_tokens": (
        "completion_tokens", "tokens_completion", "completiontokens", "outputtokens",
        "n_generated_tokens_total", "generated_tokens", "usage_output_tokens", "response_tokens",
        "output_token_count", "num_output_tokens", "tokens_out", "out_tokens",
        "usage_completion_tokens", "candidates_token_count",
    ),
    "reasoning_tokens": (
        "reasoning_output_tokens", "tokens_reasoning", "completion_tokens_details_reasoning_tokens",
        "usage_completion_tokens_details_reasoning_tokens",
    ),
    "input_tokens": (
        "prompt_tokens", "tokens_prompt", "prompttokens", "inputtokens", "n_context_tokens_total",
        "input_token_count", "prompt_token_count", "num_input_tokens", "tokens_in", "in_tokens",
        "usage_prompt_tokens", "request_tokens",
    ),
    "requests": (
        "num_model_requests", "n_requests", "request_count", "num_requests", "api_requests",
    ),
    "reported_cost": ("cost", "cost_usd", "spend", "total_cost", "cost_total"),
    "service_tier": ("tier",),
    "region": ("inference_geo", "data_region"),
    "team": ("team_id", "team_name"),
    "project": ("project_id", "project_name", "workspace"),
    "use_case": ("feature",),
    "user": ("user_id", "end_user", "user_email", "email"),
    "api_key": ("api_key_id", "api_key_name", "key_name"),
    "task_id": ("ticket_id", "job_id"),
    "session_id": ("conversation_id", "thread_id", "sessionid"),
    "trace_id": ("traceid",),
    "request_id": ("id", "generation_id", "requestid", "call_id"),
    "tags": ("labels", "request_tags"),
}  # fmt: skip
"""Each canonical name and the source column names (normalised by :func:`normalise_header`) that
other exports use for it."""

ALIASES: dict[str, str] = {alias: name for name, aliases in ALIASES_OF.items() for alias in aliases}
"""Source column name -> the canonical name it means."""

IGNORED_COLUMNS = frozenset({"total_tokens", "totaltokens"})
"""Derived columns that carry nothing the buckets do not (read and ignored)."""


def normalise_header(name: str) -> str:
    """Lower-case, BOM and quotes stripped, runs of non-alphanumerics as one underscore."""
    cleaned = name.replace("\ufeff", "").strip().strip('"').lower()
    return re.sub(r"[^0-9a-z]+", "_", cleaned).strip("_")
