"""Fuzzed usage files (CSV and JSON Lines): never a traceback, never a hang, and every row that
is read is accounted for.

Hypothesis writes files with aliased headers, missing columns, ragged rows, and values that
broke runs before (NaN, 1e400, 25-digit counts, the year 10000, `Infinity` as a time, text
in a count, quotes and commas in a model name, bad JSON lines). Each run must end in exit 0,
with ``read = priced + unpriced + rejected + duplicate + outside the period`` in the report's
totals, or in exit 2 with an ``Error:`` line; anything else (a traceback, exit 1 or 3) fails.
Bounded: 30 examples, about 1 s each, and 30 s of wall time per example at most.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from conftest import FIXTURES, at_most, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TIMESTAMPS = ("timestamp", "created_at", "date", "start_time")
MODELS = ("model", "model_name")
COUNTS = (
    "input_tokens", "prompt_tokens", "output_tokens", "completion_tokens", "response_tokens",
    "cache_read_tokens", "cached_tokens", "cache_creation_input_tokens", "reasoning_tokens",
    "requests", "uncached_input_tokens",
)  # fmt: skip
OTHERS = ("id", "provider", "user", "team", "cost", "service_tier")

times = st.one_of(
    st.sampled_from(
        ["2026-10-01T09:00:00Z", "2026-10-31T23:59:59.999+02:00", "2026-10-15", "1790726400",
         "", "Infinity", "-Infinity", "NaN", "10000-01-01T00:00:00Z", "0001-01-01", "2026-02-30",
         "yesterday", "1e300", "1790726400000"]
    ),
    st.datetimes().map(lambda d: d.isoformat()),
)  # fmt: skip
numbers = st.one_of(
    st.integers(min_value=0, max_value=10**7).map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", "NaN", "nan", "inf", "1e400", "9" * 25, "12.5", "1,000", "x", " 7 ", "٣"]),
)
models = st.sampled_from(
    ["gpt-4.1", "gpt-4.1-mini", "claude-sonnet-4-5", "", "no-such-model", 'a "quoted", model']
)
texts = st.text(max_size=12)


def _value(column: str) -> st.SearchStrategy[str]:
    if column in TIMESTAMPS:
        return times
    if column in MODELS:
        return models
    if column in COUNTS or column == "cost":
        return numbers
    return texts


@st.composite
def usage_files(draw: st.DrawFn) -> tuple[str, str]:
    """(file name, content) of a CSV or JSON Lines usage file."""
    header: list[str] = []
    if draw(st.integers(0, 9)):  # mostly: a time and a model column
        header += [draw(st.sampled_from(TIMESTAMPS)), draw(st.sampled_from(MODELS))]
    header += draw(st.lists(st.sampled_from(COUNTS), min_size=0, max_size=4, unique=True))
    header += draw(st.lists(st.sampled_from(OTHERS), max_size=2, unique=True))
    header = list(dict.fromkeys(header))
    rows = draw(
        st.lists(st.tuples(*[_value(c) for c in header]) if header else st.just(()),
                 min_size=1, max_size=6)
    )  # fmt: skip
    if draw(st.booleans()):
        return "usage.jsonl", _jsonl(draw, header, rows)
    return "usage.csv", _csv(draw, header, rows)


def _csv(draw: st.DrawFn, header: list[str], rows: list[tuple[str, ...]]) -> str:
    lines = [",".join(header)]
    for row in rows:
        fields = list(row)
        ragged = draw(st.integers(0, 14))
        if ragged == 0 and fields:
            fields = fields[:-1]  # a short row
        elif ragged == 1:
            fields.append("extra")  # a long row
        buffer = _StringWriter()
        csv.writer(buffer, lineterminator="").writerow(fields)
        lines.append(buffer.text)
    return "\n".join(lines) + "\n"


def _jsonl(draw: st.DrawFn, header: list[str], rows: list[tuple[str, ...]]) -> str:
    lines = []
    for row in rows:
        record: dict[str, Any] = {}
        for column, value in zip(header, row, strict=True):
            as_number = draw(st.booleans())
            try:
                record[column] = int(value) if as_number else value
            except ValueError:
                record[column] = value
        lines.append(json.dumps(record))
        if draw(st.integers(0, 14)) == 0:
            lines.append('{"timestamp": "2026-10-01", "model": ')  # a broken line
    return "\n".join(lines) + "\n"


class _StringWriter:
    def __init__(self) -> None:
        self.text = ""

    def write(self, chunk: str) -> None:
        self.text += chunk


@settings(
    max_examples=30,
    deadline=None,  # each example is bounded by at_most instead (the machine is shared)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(usage_files())
def test_fuzzed_usage_is_read_or_refused_and_every_row_is_accounted_for(
    tmp_path: Path, usage: tuple[str, str]
) -> None:
    name, content = usage
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with at_most(30):
        result = run_cli(
            "analyze", str(path), "--json", "--prices", str(FIXTURES / "book.yaml"),
            "--no-default-prices",
        )  # fmt: skip
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{type(result.exception).__name__}: {result.exception}\n{content}")
    assert result.exit_code in (0, 2), (result.exit_code, result.output, content)
    if result.exit_code == 2:
        assert result.stderr.startswith("Error: "), result.stderr
        return
    totals = json.loads(result.stdout)["totals"]
    parts = ("rows_priced", "rows_unpriced", "rows_rejected", "rows_duplicate",
             "rows_outside_period")  # fmt: skip
    assert totals["rows_read"] == sum(totals[p] for p in parts), (totals, content)
