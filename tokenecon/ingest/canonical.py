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

ALIASES: dict[str, str] = {
    # timestamps
    "created_at": "timestamp", "createdat": "timestamp", "time": "timestamp",
    "date": "timestamp", "start_time": "timestamp", "starttime": "timestamp",
    "ts": "timestamp", "datetime": "timestamp", "request_time": "timestamp",
    "usage_date_utc": "timestamp", "start_time_iso": "timestamp",
    "end_time": "timestamp_end", "endtime": "timestamp_end", "ended_at": "timestamp_end",
    # model and provider
    "model_name": "model", "model_id": "model", "modelid": "model", "engine": "model",
    "model_version": "model", "deployment": "model",
    "vendor": "provider", "provider_name": "provider", "custom_llm_provider": "provider",
    # tokens
    "input_uncached_tokens": "uncached_input_tokens", "uncached_input": "uncached_input_tokens",
    "usage_input_tokens_no_cache": "uncached_input_tokens",
    "prompt_tokens": "input_tokens", "tokens_prompt": "input_tokens",
    "prompttokens": "input_tokens", "inputtokens": "input_tokens",
    "n_context_tokens_total": "input_tokens",
    "cached_tokens": "cache_read_tokens", "cache_read_input_tokens": "cache_read_tokens",
    "input_cached_tokens": "cache_read_tokens", "cached_input_tokens": "cache_read_tokens",
    "tokens_cached": "cache_read_tokens", "usage_input_tokens_cache_read": "cache_read_tokens",
    "cache_creation_input_tokens": "cache_write_tokens",
    "cache_creation_tokens": "cache_write_tokens",
    "cache_write_input_tokens": "cache_write_tokens",
    "input_cache_write_tokens": "cache_write_tokens",
    "usage_input_tokens_cache_write_5m": "cache_write_tokens",
    "ephemeral_1h_input_tokens": "cache_write_1h_tokens",
    "usage_input_tokens_cache_write_1h": "cache_write_1h_tokens",
    "completion_tokens": "output_tokens", "tokens_completion": "output_tokens",
    "completiontokens": "output_tokens", "outputtokens": "output_tokens",
    "n_generated_tokens_total": "output_tokens", "generated_tokens": "output_tokens",
    "usage_output_tokens": "output_tokens",
    "reasoning_output_tokens": "reasoning_tokens", "tokens_reasoning": "reasoning_tokens",
    "response_tokens": "output_tokens", "output_token_count": "output_tokens",
    "num_output_tokens": "output_tokens", "tokens_out": "output_tokens",
    "out_tokens": "output_tokens", "usage_completion_tokens": "output_tokens",
    "candidates_token_count": "output_tokens",
    "input_token_count": "input_tokens", "prompt_token_count": "input_tokens",
    "num_input_tokens": "input_tokens", "tokens_in": "input_tokens", "in_tokens": "input_tokens",
    "usage_prompt_tokens": "input_tokens", "request_tokens": "input_tokens",
    "cached_content_token_count": "cache_read_tokens",
    "prompt_tokens_details_cached_tokens": "cache_read_tokens",
    "usage_prompt_tokens_details_cached_tokens": "cache_read_tokens",
    "cache_read_input_token_count": "cache_read_tokens",
    "completion_tokens_details_reasoning_tokens": "reasoning_tokens",
    "usage_completion_tokens_details_reasoning_tokens": "reasoning_tokens",
    # counts and cost
    "num_model_requests": "requests", "n_requests": "requests", "request_count": "requests",
    "num_requests": "requests", "api_requests": "requests",
    "cost": "reported_cost", "cost_usd": "reported_cost", "spend": "reported_cost",
    "total_cost": "reported_cost", "cost_total": "reported_cost",
    # tier and place
    "tier": "service_tier", "inference_geo": "region", "data_region": "region",
    # attribution
    "team_id": "team", "team_name": "team", "project_id": "project",
    "project_name": "project", "workspace": "project", "feature": "use_case",
    "user_id": "user", "end_user": "user", "user_email": "user", "email": "user",
    "api_key_id": "api_key", "api_key_name": "api_key", "key_name": "api_key",
    "ticket_id": "task_id", "job_id": "task_id",
    "conversation_id": "session_id", "thread_id": "session_id",
    "traceid": "trace_id", "sessionid": "session_id",
    "id": "request_id", "generation_id": "request_id", "requestid": "request_id",
    "call_id": "request_id", "labels": "tags", "request_tags": "tags",
}  # fmt: skip
"""Source column names (normalised by :func:`normalise_header`) and the canonical name they mean."""

IGNORED_COLUMNS = frozenset({"total_tokens", "totaltokens"})
"""Derived columns that carry nothing the buckets do not (read and ignored)."""


def normalise_header(name: str) -> str:
    """Lower-case, BOM and quotes stripped, runs of non-alphanumerics as one underscore."""
    cleaned = name.replace("\ufeff", "").strip().strip('"').lower()
    return re.sub(r"[^0-9a-z]+", "_", cleaned).strip("_")
