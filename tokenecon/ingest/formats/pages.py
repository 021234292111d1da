"""Bucketed API pages (OpenAI and Anthropic admin APIs): ``{data: [{start, end, results: [..]}]}``.

A file holds one page, several pages (JSON Lines, or an array of pages), as the API returned
them, or the buckets alone (a JSON list of them, what the OpenAI cookbook's ``get_data`` helper
returns). Buckets are unnested with Ibis (``unnest`` and struct fields), not engine SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from tokenecon.ingest.csv_shape import ROW_ERROR
from tokenecon.ingest.formats.base import JSON_KINDS, JSONReport
from tokenecon.ingest.json_records import record_key, unnest_records
from tokenecon.ingest.probe import Probe, probe_source
from tokenecon.ingest.readers import read_json
from tokenecon.ingest.schema_types import Schema
from tokenecon.ingest.sources import SourceFile

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends.duckdb import Backend

    from tokenecon.ingest.options import ReadOptions


def is_bucket(record: dict[str, Any]) -> bool:
    """Whether a record is a bucket itself (``{start_time, end_time, results}``), not a page."""
    return isinstance(record.get("results"), list) and "data" not in record


def bare_buckets(probe: Probe) -> bool:
    """Whether the file holds buckets without their pages: a JSON list of them, as the OpenAI
    cookbook's helper returns (it keeps each page's ``data``), or one per line."""
    return bool(probe.records) and all(is_bucket(r) for r in probe.records)


def page_results(probe: Probe) -> list[dict[str, Any]]:
    """The results of the first buckets of the probed pages or bare buckets (empty if none)."""
    out: list[dict[str, Any]] = []
    for record in probe.records:
        buckets = [record] if is_bucket(record) else _listed(record.get("data"))
        for bucket in buckets:
            if isinstance(bucket, dict):
                out += [r for r in _listed(bucket.get("results")) if isinstance(r, dict)]
    return out


def _listed(value: Any) -> list[Any]:
    """``value`` if it is a list, else none: a damaged page (``"results": true``) detects as
    no page rather than failing."""
    return value if isinstance(value, list) else []


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

    A nested result field ``a: {b: ...}`` becomes the column ``a__b``. Pages and bare
    buckets (:func:`bare_buckets`) are both read.
    """
    import ibis

    bucket = {start: "text", end: "text", "results": [dict(result)]}
    if bare_buckets(probe_source(source)):
        raw = read_json(con, source, bucket, lines=True)
        broken = _broken_lines(raw)
        raw = _good_lines(raw)
        buckets = raw.select(
            *record_key(raw), bucket_start=raw[start], bucket_end=raw[end], result=raw.results
        )
    else:
        raw = read_json(con, source, {"data": [bucket]}, lines=True)
        broken = _broken_lines(raw)
        raw = _good_lines(raw)
        pages = unnest_records(raw, "data")
        buckets = pages.select(
            *record_key(pages),
            bucket_start=pages.data[start],
            bucket_end=pages.data[end],
            result=pages.data.results,
        )
    rows = unnest_records(buckets, "result")
    columns: dict[str, Any] = {"bucket_start": rows.bucket_start, "bucket_end": rows.bucket_end}
    columns |= {name: rows[name] for name in record_key(rows)}
    for name, node in result.items():
        if isinstance(node, dict):
            for inner in node:
                columns[f"{name}__{inner}"] = rows.result[name][inner]
        else:
            columns[name] = rows.result[name]
    table = rows.select(**columns)
    if broken is None:
        return table
    # A JSON Lines line that is not valid JSON: one row that says so (its results unknown).
    table = table.mutate(**{ROW_ERROR: ibis.null("string")})
    nulls = {name: ibis.null(kind) for name, kind in table.schema().items() if name != ROW_ERROR}
    return ibis.union(table, broken.select(**nulls, **{ROW_ERROR: broken[ROW_ERROR]}))


def _broken_lines(raw: ir.Table) -> ir.Table | None:
    """The rows of a JSON Lines file's lines that are not valid JSON (None: not JSON Lines)."""
    return raw.filter(raw[ROW_ERROR].notnull()) if ROW_ERROR in raw.columns else None


def _good_lines(raw: ir.Table) -> ir.Table:
    return raw.filter(raw[ROW_ERROR].isnull()).drop(ROW_ERROR) if ROW_ERROR in raw.columns else raw


class BucketPages(JSONReport):
    """Pages of an admin API's bucketed report: recognised by the keys of their results, read
    one row per bucket result (``bucket_start``, ``bucket_end`` and the result's fields)."""

    bucket_times: ClassVar[tuple[str, str]]
    """The bucket's start and end fields (``start_time``/``end_time``, ``starting_at``...)."""
    result_keys: ClassVar[tuple[str, ...]]
    """Keys that results of this report, and of no other, carry (for detection)."""
    result: ClassVar[Schema]
    """The result fields read (:func:`read_buckets`)."""

    def detect(self, probe: Probe) -> bool:
        """Bucket pages whose results carry :attr:`result_keys`."""
        return probe.source.kind in JSON_KINDS and results_have(probe, *self.result_keys)

    def read(self, con: Backend, source: SourceFile, options: ReadOptions) -> ir.Table:
        """One row per bucket result."""
        return read_buckets(con, source, *self.bucket_times, self.result)

    def record_steps(self, source: SourceFile) -> tuple[str, ...]:
        """Results in buckets, in pages unless the file holds the buckets alone."""
        return ("results",) if bare_buckets(probe_source(source)) else ("data", "results")
