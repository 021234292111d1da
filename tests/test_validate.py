"""ingest/validate.py on its own: text in, parsed canonical rows or a reject reason out.

Each row of the small table below is worked by hand; the reasons are the ones the report's
rejected-rows section prints.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenecon.ingest.validate import GENERIC_INCLUSIVE_HINT, build_canonical

COLUMNS = ("timestamp", "model", "service_tier", "input_tokens", "cache_read_tokens",
           "output_tokens", "reasoning_tokens")  # fmt: skip
ROWS = [
    # an offset is converted to UTC; 1000 inclusive input with 200 cache reads: 800 uncached
    ("2026-10-01T12:00:00+02:00", "m", "Default", "1000", "200", "50", "10"),
    # Unix seconds; a tier other than the standard's aliases is kept (lower case)
    ("1759300000", "m", "Batch", "100", None, "5", None),
    ("2026-10-01", "m", None, "abc", None, "5", None),
    ("2026-10-01", "m", None, "100", "150", "5", None),
    ("2026-10-01", "m", None, "1.5", None, "5", None),
    ("2026-10-01", "m", None, "-3", None, "5", None),
    ("yesterday", "m", None, "100", None, "5", None),
    ("2026-10-01", "m", None, "100", None, "50", "60"),
    (None, "m", None, "100", None, "5", None),
    ("2026-10-01", None, None, "100", None, "5", None),
    ("2026-10-01", "m", None, None, None, None, None),
    ("2026-10-01", "m", None, "1e30", None, "5", None),
]


def canonical(rows: list[tuple[Any, ...]], **options: Any) -> list[dict[str, Any]]:
    raw = ibis.memtable(
        {name: [row[i] for row in rows] for i, name in enumerate(COLUMNS)},
        schema={name: "string" for name in COLUMNS},
    )
    table = build_canonical(raw, {name: raw[name] for name in COLUMNS}, {}, 7, **options)
    return table.to_pyarrow().to_pylist()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return canonical(ROWS)


def test_a_good_row_is_parsed(rows: list[dict[str, Any]]) -> None:
    first = rows[0]
    assert first["reject_reason"] is None
    assert first["source_id"] == 7
    assert first["timestamp"] == datetime(2026, 10, 1, 10, 0, 0)
    assert (first["uncached_input_tokens"], first["cache_read_tokens"]) == (800, 200)
    assert (first["output_tokens"], first["reasoning_tokens"]) == (50, 10)
    assert first["cache_write_tokens"] is None  # not reported: null, never zero
    assert first["requests"] == 1  # one call per row when the source has no count
    assert first["service_tier"] == "standard"


def test_unix_seconds_and_a_kept_tier(rows: list[dict[str, Any]]) -> None:
    second = rows[1]
    assert second["reject_reason"] is None
    assert second["timestamp"] == datetime(2025, 10, 1, 6, 26, 40)  # 1759300000 s after 1970
    assert second["service_tier"] == "batch"
    assert second["uncached_input_tokens"] == 100


def test_each_bad_value_is_a_reason(rows: list[dict[str, Any]]) -> None:
    reasons = [r["reject_reason"] for r in rows[2:]]
    assert reasons == [
        "input_tokens: 'abc' is not a number",
        "cache_read_tokens + cache_write_tokens 150 > input_tokens 100" + GENERIC_INCLUSIVE_HINT,
        "input_tokens: '1.5' is not a whole number",
        "input_tokens: '-3' is negative",
        "timestamp: 'yesterday' is not a date-time (ISO 8601 or Unix time)",
        "reasoning_tokens 60 > output_tokens 50",
        "timestamp: empty",
        "model: empty",
        "no token counts: every token column is empty",
        "input_tokens: '1e30' is too large (2^63 or more)",
    ]


def test_exclusive_input_is_taken_as_uncached() -> None:
    (row,) = canonical([ROWS[0]], convention="exclusive")
    assert (row["uncached_input_tokens"], row["cache_read_tokens"]) == (1000, 200)
    (row,) = canonical([ROWS[3]], convention="exclusive")  # 150 cached beside 100: fine
    assert row["reject_reason"] is None and row["uncached_input_tokens"] == 100


def test_a_cost_only_source_needs_a_cost_and_counts_no_request() -> None:
    (row,) = canonical([ROWS[0]], cost_only=True)
    assert row["reject_reason"] == "reported_cost: empty"
    assert row["requests"] == 0


PLAIN = {
    "timestamp": ["2026-10-01T12:00:00Z", "2026-10-01T12:00:00+02:00", "1759300000"],
    "model": ["m"],
    "reported_cost": [None, "0.5", "1,234.50"],
    "count": [None, "", "0", "12", "1,234", "2.0", "1e3", " 7 ", "300"],
}
"""Values no check refuses (the reasoning and input checks compare columns: some rows fail)."""
EDGES = {
    "timestamp": [None, "yesterday", "10000-01-01", "0", "-5"],
    "model": [None],
    "reported_cost": ["1,234", "-2", "1e12", "abc", "NaN"],
    "count": ["1,23", "-1", "-0", "1.5", "1e19", "9223372036854775807", "NaN", "inf", "-inf",
              "abc", "0x10"],
}  # fmt: skip
"""Values on the edge of a check: one of them, in one column, in most rows."""


@settings(max_examples=8, deadline=None)
@given(st.data())
def test_a_row_skips_the_checks_only_where_none_fires(data: st.DataObject) -> None:
    """The shortcut for clean rows (validate._plain_count and its neighbours) gives the very
    reasons the checks give alone."""
    import tokenecon.ingest.validate as validate

    names = ("timestamp", "model", "input_tokens", "cache_read_tokens", "cache_write_tokens",
             "output_tokens", "reasoning_tokens", "requests", "reported_cost")  # fmt: skip
    kinds = [n if n in PLAIN else "count" for n in names]
    rows = []
    for _ in range(80):
        row = [data.draw(st.sampled_from(PLAIN[k])) for k in kinds]
        edge = data.draw(st.integers(0, len(names)))  # len(names): a row with no edge value
        if edge < len(names):
            row[edge] = data.draw(st.sampled_from(EDGES[kinds[edge]]))
        rows.append(tuple(row))
    columns = {n: [r[i] for r in rows] for i, n in enumerate(names)}
    raw = ibis.memtable(columns, schema=dict.fromkeys(names, "string"))

    def reasons() -> list[Any]:
        table = build_canonical(raw, {n: raw[n] for n in names}, {}, 0)
        return [r["reject_reason"] for r in table.to_pyarrow().to_pylist()]

    shortcut = reasons()
    with pytest.MonkeyPatch.context() as patch:  # no shortcut: every row through the checks
        patch.setattr(validate, "_plain_count", lambda *_, **__: ibis.literal(False))
        checked = reasons()
    assert shortcut == checked
