"""Per-row expressions over the canonical rows, shared by the aggregation, `convert` and the
reconciliation: billable tokens, the side of the long-context cliff, the period test, the
attribute a mapping rule names, and the key that finds a rejected row again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.datatypes as dt

from tokenecon.aggregate.types import DECLARED_ABOVE, UNKNOWN_PROMPT
from tokenecon.ingest.canonical import (
    ATTRIBUTE_COLUMNS,
    BILLABLE_TOKEN_COLUMNS,
    TOKEN_COLUMNS,
    normalise_header,
)
from tokenecon.ingest.generic import ColumnPlan
from tokenecon.ingest.model_names import BEDROCK_PREFIX, DATE_SUFFIX, VENDOR_DOT

if TYPE_CHECKING:
    import ibis.expr.types as ir

SAMPLE_SEPARATOR = "\x1f"
"""Between the timestamp and the request id of a :func:`sample_key`."""


def attribute_resolver(table: ir.Table, plan: ColumnPlan) -> Any:
    """The function mapping rules use to reach a canonical column or a tag of ``table``."""
    # `tags.feature` also finds a source column named feature that was read as a canonical one
    renamed = {normalise_header(plan.headers[p]): c for c, p in plan.canonical.items()}

    def resolve(attribute: str) -> ir.StringValue:
        if attribute in ATTRIBUTE_COLUMNS:
            return table[attribute]
        key = attribute.removeprefix("tags.")
        if f"x_{key}" in table.columns:
            return table[f"x_{key}"]
        if renamed.get(key) in ATTRIBUTE_COLUMNS:
            return table[renamed[key]]
        if attribute == "tags":
            return table["tags"]
        # A key inside the JSON tags column ({"feature": "triage"}); null where absent. The
        # text test first: parsing JSON on every row cost 2 s of 12 on 10M rows.
        tags = table["tags"]
        tag = tags.cast("json")[key]
        value = tag.cast("string").re_replace(r'^"(.*)"$', r"\1")
        return ibis.cases((tags.contains(f'"{key}"'), value), else_=ibis.null("string"))

    return resolve


def billable_tokens(rows: ir.Table) -> ir.IntegerValue:
    """Each row's billable tokens: its input buckets and output (a missing bucket is 0)."""
    return sum((rows[c].fill_null(0) for c in BILLABLE_TOKEN_COLUMNS), ibis.literal(0, "int64"))


def prompt_class(rows: ir.Table, thresholds: Sequence[int]) -> ir.IntegerValue:
    """The side of the long-context cliff of each row: for one request, the largest threshold
    its prompt exceeds (0 below every one); for a bucket of requests, the side its source
    declares in ``context_window``, else unknown."""
    prompt = sum((rows[c].fill_null(0) for c in TOKEN_COLUMNS[:4]), ibis.literal(0, "int64"))
    per_request = [(prompt > t, ibis.literal(t, "int64")) for t in sorted(thresholds, reverse=True)]
    exact = ibis.cases(*per_request, else_=ibis.literal(0, "int64")) if per_request else 0
    window = rows["context_window"].lower().replace(" ", "")
    declared_below = window.startswith("0-") | window.contains("≤") | window.contains("<")
    declared_above = window.contains(">") | window.contains("-1m") | window.startswith("200k")
    return ibis.cases(
        (rows["requests"] == 1, exact),
        (declared_below, ibis.literal(0, "int64")),
        (declared_above, ibis.literal(DECLARED_ABOVE, "int64")),
        else_=ibis.literal(UNKNOWN_PROMPT, "int64"),
    )


def in_period(rows: ir.Table, since: datetime | None, until: datetime | None) -> ir.BooleanValue:
    """Whether each row's timestamp lies within ``--since`` (inclusive) and ``--until``
    (exclusive); null where the timestamp is."""
    inside = ibis.literal(True)
    if since:
        inside &= rows.timestamp >= since
    if until:
        inside &= rows.timestamp < until
    return inside


@ibis.udf.scalar.builtin(
    name="timezone", signature=((dt.string, dt.Timestamp(timezone="UTC")), dt.timestamp)
)
def _on_clocks_of(zone: str, moment: Any) -> Any:  # DuckDB's timezone(zone, timestamptz)
    ...


def local_date(timestamp: ir.TimestampValue, zone: str) -> ir.StringValue:
    """The date of each UTC timestamp on the clocks of ``zone`` (an IANA name), as text
    (DuckDB: the connection's own time zone is UTC, so the cast to TIMESTAMPTZ is exact)."""
    moment = timestamp.cast(dt.Timestamp(timezone="UTC"))
    return _on_clocks_of(zone, moment).date().cast("string")


def sample_key(rows: ir.Table) -> ir.StringValue:
    """A rejected row's timestamp and request id: what finds its line, and sorts by time."""
    stamp = rows.timestamp.cast("string").fill_null("")
    return stamp + SAMPLE_SEPARATOR + rows.request_id


def bare_model(model: ir.StringValue) -> ir.StringValue:
    """The model name without provider prefix and snapshot suffix (as the price book strips
    them), so that a task calling one model under two spellings counts once."""
    bare = model.lower().re_replace(r"^.*/", "")
    bare = bare.re_replace(BEDROCK_PREFIX.pattern, "").re_replace(VENDOR_DOT.pattern, "")
    for _ in range(3):  # "-v1:0" after a date, a date after "-latest"...
        bare = bare.re_replace(DATE_SUFFIX.pattern, "")
    return bare
