"""Bucketed API pages (OpenAI and Anthropic admin APIs): ``{data: [{start, end, results: [..]}]}``.

A file holds one page, several pages (JSON Lines, or an array of pages), as the API returned
them. Buckets are unnested with Ibis (``unnest`` and struct fields), not engine SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokenecon.ingest.formats.base import Probe
from tokenecon.ingest.readers import Schema, read_json
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend


def page_results(probe: Probe) -> list[dict[str, Any]]:
    """The results of the first buckets of the probed pages (empty if not pages)."""
    out: list[dict[str, Any]] = []
    for record in probe.records:
        for bucket in record.get("data") or []:
            if isinstance(bucket, dict):
                out += [r for r in bucket.get("results") or [] if isinstance(r, dict)]
    return out


def results_have(probe: Probe, *keys: str) -> bool:
    """Whether the probed pages are bucket pages whose results carry ``keys``."""
    results = page_results(probe)
    if results:
        return any(all(k in r for k in keys) for r in results)
    # A page too large to parse whole for detection: look for the keys in its head.
    head = probe.text
    return '"data"' in head and '"results"' in head and all(f'"{k}"' in head for k in keys)


def read_buckets(
    con: Backend, source: SourceFile, start: str, end: str, result: Schema
) -> ir.Table:
    """One row per bucket result: ``bucket_start``, ``bucket_end`` and the result's fields.

    A nested result field ``a: {b: ...}`` becomes the column ``a__b``.
    """
    schema = {"data": [{start: "text", end: "text", "results": [dict(result)]}]}
    raw = read_json(con, source, schema)
    buckets = raw.unnest("data")
    buckets = buckets.select(
        bucket_start=buckets.data[start], bucket_end=buckets.data[end], result=buckets.data.results
    )
    rows = buckets.unnest("result")
    columns: dict[str, Any] = {"bucket_start": rows.bucket_start, "bucket_end": rows.bucket_end}
    for name, node in result.items():
        if isinstance(node, dict):
            for inner in node:
                columns[f"{name}__{inner}"] = rows.result[name][inner]
        else:
            columns[name] = rows.result[name]
    return rows.select(**columns)
