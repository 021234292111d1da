"""OpenAI Usage API pages of the endpoints other than completions.

``usage/embeddings`` and ``usage/moderations`` count input tokens only (no cache, no output)
and are read; the other endpoints (images, audio speeches and transcriptions, vector stores,
code interpreter sessions, file search and web search calls) count no tokens and are refused
with a hint to the Costs API, rather than read as zero tokens or misdetected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tokenecon.ingest.formats.base import Normalized, Probe, text
from tokenecon.ingest.formats.openai import ALL_MODELS, UNGROUPED_NOTE, all_models
from tokenecon.ingest.formats.pages import BucketPages
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.formats.base import Format
    from tokenecon.ingest.options import ReadOptions

NOT_TOKENS = {
    "audio_speeches": "characters", "audio_transcriptions": "seconds", "images": "images",
    "vector_stores": "bytes stored", "code_interpreter_sessions": "sessions",
    "file_searches": "file search calls", "web_searches": "web search calls",
}  # fmt: skip
"""Usage API endpoints that count no tokens (result object name -> what they count)."""


def usage_endpoint(probe: Probe) -> str | None:
    """The endpoint of probed Usage API pages other than completions (``embeddings``,
    ``images``...), from their results' ``object`` (``organization.usage.<endpoint>.result``)."""
    import re

    from tokenecon.ingest.formats.pages import page_results

    objects = [str(r.get("object", "")) for r in page_results(probe)]
    if not objects:  # a page too large to parse whole for detection: its head
        objects = re.findall(r'"(organization\.usage\.[a-z_]+\.result)"', probe.text)
    for obj in objects:
        found = re.fullmatch(r"organization\.usage\.([a-z_]+)\.result", obj)
        if found and found.group(1) != "completions":
            return found.group(1)
    return None


class OpenAIInputUsageAPI(BucketPages):
    """Pages of ``usage/embeddings`` and ``usage/moderations`` (input tokens only); pages of
    the endpoints that count no tokens (images, audio, vector stores...) are refused."""

    name = "openai_embeddings_api"
    title = "OpenAI Usage API pages (embeddings, moderations; no-token endpoints refused)"
    bucket_times = ("start_time", "end_time")
    result_keys = ()
    result = dict.fromkeys(
        ("object", "input_tokens", "num_model_requests", "project_id", "user_id", "api_key_id",
         "model"), "text",
    )  # fmt: skip

    def detect(self, probe: Probe) -> bool:
        """Usage API pages whose results are of another endpoint than completions."""
        return probe.source.kind in self.kinds and usage_endpoint(probe) is not None

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """One row per bucket result; a page of an endpoint without tokens is refused."""
        from tokenecon.errors import UsageInputError
        from tokenecon.ingest.probe import probe_source

        endpoint = usage_endpoint(probe_source(source))
        if endpoint in NOT_TOKENS:
            raise UsageInputError(
                f"{source.display}: an OpenAI Usage API page of {endpoint} "
                f"(organization.usage.{endpoint}.result): it counts {NOT_TOKENS[endpoint]}, "
                "not tokens, and tokenecon prices tokens; nothing in it was read",
                "read this spend from the Costs API pages (/v1/organization/costs with "
                "group_by=line_item) instead; the usage/completions, embeddings and "
                "moderations pages carry tokens (docs/sources.md)",
            )
        return super().read(con, source, options)

    def normalize(self, raw: ir.Table, source: SourceFile, options: ReadOptions) -> Normalized:
        """Input tokens per bucket (no cache, no output), requests per bucket."""
        import ibis

        return Normalized(
            {
                "timestamp": raw["bucket_start"],
                "timestamp_end": raw["bucket_end"],
                "provider": ibis.literal("openai"),
                "model": all_models(raw["model"]),
                "uncached_input_tokens": raw["input_tokens"],
                "output_tokens": ibis.literal(0),
                "requests": raw["num_model_requests"],
                "project": raw["project_id"],
                "user": raw["user_id"],
                "api_key": raw["api_key_id"],
            },
            {
                "timestamp": "start_time",
                "timestamp_end": "end_time",
                "provider": "(openai)",
                "model": f"model (empty: {ALL_MODELS})",
                "uncached_input_tokens": "input_tokens",
                "output_tokens": "(none: embeddings and moderations have no output)",
                "requests": "num_model_requests",
                "project": "project_id",
                "user": "user_id",
                "api_key": "api_key_id",
            },
            {"endpoint": raw["object"].re_extract(r"organization\.usage\.([a-z_]+)", 1)},
            keep=text(raw["input_tokens"]).notnull() | text(raw["num_model_requests"]).notnull(),
            notes=[
                "embeddings and moderations pages: input tokens only (no cache, no output)",
                UNGROUPED_NOTE,
            ],
        )


FORMATS: list[Format] = [OpenAIInputUsageAPI()]
