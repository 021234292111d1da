"""The aggregation's pieces on their own: the merge of repeated ids and the row accounting
(plain Python on hand-made result records), the duplicate rule in the engine, and the
locator of rejected rows on small files written here, with numbers worked out by hand."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import pyarrow.parquet as pq
import pytest
from conftest import FIXTURES, run_cli

from tokenecon.aggregate.accounting import count_rows
from tokenecon.aggregate.merge import file_usage
from tokenecon.aggregate.query import aggregate_usage
from tokenecon.aggregate.read import flag_rows, keep_one_copy
from tokenecon.aggregate.types import AggregateOptions, RejectedRow, RowAccounting, UsageAggregates
from tokenecon.engine.connect import EngineOptions, connect
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.ingest.sources import digest_file, expand_sources

DAY = date(2026, 10, 1)


def record(kind: str, **values: Any) -> dict[str, Any]:
    """A result record of the aggregation query (every column of its schema)."""
    base: dict[str, Any] = {
        "kind": kind, "use_case": "support", "task_key": None, "model": "gpt-4.1-mini",
        "service_tier": "standard", "by_value": None, "label": None, "request_id": None,
        "day": DAY, "prompt_class": 0, "source_id": 0, "in_region": None, "rows": 1,
        "requests": None, "requests_unknown_rows": 0, "tasks": None, "rejected": None,
        "reported_cost": None, "reported_rows": 0, "copy_rank": None,
        **{c: None for c in TOKEN_COLUMNS},
    }  # fmt: skip
    return base | values


def test_merge_keeps_one_copy_with_the_largest_buckets() -> None:
    """r1 was sent three times: twice as a streamed partial (1000 in, 40 out each), once whole
    (1000 in, 100 out, $0.30 reported). The engine summed the two identical partials into one
    group (k = 2); it ranked the whole copy first and found the largest buckets (1000, 100)."""
    records = [
        # 5 single rows of the same key: 5 requests, 5000 in, 500 out, $1.25 reported on 4
        record("sums", rows=5, requests=5, uncached_input_tokens=5000, output_tokens=500,
               reported_cost=Decimal("1.25"), reported_rows=4),
        record("repeated", request_id="r1|1000|0|0|0|40|0|1", rows=2, requests=2,
               uncached_input_tokens=2000, output_tokens=80, copy_rank=1),
        record("repeated", request_id="r1|1000|0|0|0|100|0|1", rows=1, requests=1,
               uncached_input_tokens=1000, output_tokens=100, reported_cost=Decimal("0.30"),
               reported_rows=1, copy_rank=0),
        record("largest_copy", request_id="r1|1000|0|0|0|100|0|1", requests=1,
               uncached_input_tokens=1000, output_tokens=100),
        # 5 keyless singles + 3 keyless copies of r1, as the engine counted them
        record("tasks", tasks=8),
    ]  # fmt: skip
    result = UsageAggregates()
    file_usage(records, result)
    [group] = result.groups  # the kept copy joins the group of the same key
    assert (group.rows, group.requests) == (6, 6)
    assert group.tokens["uncached_input_tokens"] == 6000
    assert group.tokens["output_tokens"] == 600
    assert (group.reported_cost, group.reported_rows) == (Decimal("1.55"), 5)
    assert (result.rows_duplicate, result.duplicates_conflicting) == (2, 1)
    assert result.duplicate_samples == [("r1", 3)]
    assert result.tasks == {"support": 6}  # 8 - 3 copies + 1 kept


def test_merge_of_identical_copies_divides_their_sums() -> None:
    """Four identical copies of r2 (gpt-4.1, 300 in, 20 out, $0.10 each): one group, k = 4;
    the kept copy has one copy's counts and cost."""
    records = [
        record("repeated", request_id="r2|300|0|0|0|20|0|", model="gpt-4.1", rows=4,
               uncached_input_tokens=1200, output_tokens=80, reported_cost=Decimal("0.40"),
               reported_rows=4, requests_unknown_rows=4, copy_rank=0, task_key="t9"),
        record("largest_copy", request_id="r2|300|0|0|0|20|0|", uncached_input_tokens=300,
               output_tokens=20),
        record("tasks", tasks=1),
    ]  # fmt: skip
    result = UsageAggregates()
    file_usage(records, result)
    [group] = result.groups
    assert (group.model, group.rows, group.requests, group.requests_unknown_rows) == (
        "gpt-4.1",
        1,
        0,
        1,
    )
    assert (group.tokens["uncached_input_tokens"], group.tokens["output_tokens"]) == (300, 20)
    assert (group.reported_cost, group.reported_rows) == (Decimal("0.10"), 1)
    assert (result.rows_duplicate, result.duplicates_conflicting) == (3, 0)
    assert result.tasks == {"support": 1}  # keyed task: counted once by the engine already


def test_sums_too_large_to_add_exactly_are_refused() -> None:
    from tokenecon.errors import UsageInputError

    with pytest.raises(UsageInputError, match="2\\^53"):
        file_usage([record("sums", output_tokens=2**53)], UsageAggregates())


def test_count_rows_files_the_accounting_records() -> None:
    records = [
        record("source", source_id=0, rows=10, rejected=3),
        record("source", source_id=1, rows=4, rejected=0),
        record("reject", label="model: empty", rows=1),
        record("reject", label="output_tokens: '-1' is negative", rows=2),
        record("reject_sample", label="model: empty", request_id="2026-10-02\x1fr9",
               source_id=0),
        record("reject_sample", label="output_tokens: '-1' is negative",
               request_id="2026-10-01\x1fr2", source_id=0),
        record("filtered", rows=5),
        record("sums", rows=6),  # not an accounting record: left alone
    ]  # fmt: skip
    accounting = RowAccounting()
    count_rows(records, accounting)
    assert (accounting.rows_read, accounting.rows_rejected, accounting.rows_filtered) == (14, 3, 5)
    assert accounting.rows_per_source == {0: 10, 1: 4}
    assert accounting.reject_reasons == [
        ("output_tokens: '-1' is negative", 2), ("model: empty", 1)
    ]  # fmt: skip
    assert [s["request_id"] for s in accounting.reject_sample_rows] == [
        "2026-10-01\x1fr2", "2026-10-02\x1fr9"
    ]  # fmt: skip


def test_keep_one_copy_in_the_engine() -> None:
    """r1: three copies, two with 1100 billable tokens (a tie: the last model in text order,
    gpt-4.1-mini, wins) and a partial of 900; each bucket keeps its largest count (1050 in,
    100 out). r2 is rejected; r3 and r4 are single, outside the period in the first run."""
    con = connect(EngineOptions())
    stamp = "2026-10-01 00:00:0{}"
    rows = ibis.memtable(
        {
            "request_id": ["r1", "r1", "r1", "r2", "r3", "r4"],
            "model": ["gpt-4.1", "gpt-4.1-mini", "gpt-4.1", "gpt-4.1", "gpt-4.1", "o3"],
            "timestamp": [stamp.format(i) for i in range(6)],
            "service_tier": ["standard"] * 6,
            "source_id": [0] * 6,
            "reported_cost": [None] * 6,
            "uncached_input_tokens": [1000, 1050, 900, 5, 7, 9],
            "output_tokens": [100, 50, 0, 1, 1, 1],
            "requests": [1] * 6,
            "reject_reason": [None, None, None, "bad", None, None],
        }
    ).mutate(timestamp=ibis._.timestamp.cast("timestamp"), reported_cost=ibis.null("decimal"))
    for column in TOKEN_COLUMNS:
        if column not in rows.columns:
            rows = rows.mutate(**{column: ibis.null("int64")})
    until = datetime(2026, 10, 1, 0, 0, 4)
    flagged = flag_rows(con, rows, ["r1"], None, until)
    kept = keep_one_copy(con, flagged, any_repeated=True)
    got = {
        r["request_id"]: (r["model"], r["uncached_input_tokens"], r["output_tokens"])
        for r in con.to_pyarrow(kept).to_pylist()
    }
    assert got == {"r1": ("gpt-4.1-mini", 1050, 100)}
    flagged = flag_rows(con, rows, ["r1"], None, None)
    kept = keep_one_copy(con, flagged, any_repeated=True)
    assert sorted(r["request_id"] for r in con.to_pyarrow(kept).to_pylist()) == [
        "r1", "r3", "r4"
    ]  # fmt: skip


def _rejected(path: Path) -> list[RejectedRow]:
    con = connect(EngineOptions())
    sources = expand_sources([str(path)], None)
    digests = [digest_file(s) for s in sources]
    result = aggregate_usage(con, sources, None, AggregateOptions(), lambda i: digests[i].newlines)
    return result.rejected_samples


def test_rejected_rows_are_found_on_their_physical_line(tmp_path: Path) -> None:
    """Line 1 is the header; r2's tags hold a line break, so r3 starts on line 5."""
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens,request_id,tags\n"
        "2026-10-01T00:00:01Z,gpt-4.1,10,1,r1,\n"
        '2026-10-01T00:00:02Z,gpt-4.1,10,1,r2,"two\nlines"\n'
        "2026-10-01T00:00:03Z,gpt-4.1,10,-1,r3,\n"
        "2026-10-01T00:00:04Z,gpt-4.1,10,1,r4,\n"
        "2026-10-01T00:00:05Z,,10,1,r5,\n"
    )
    assert _rejected(usage) == [
        RejectedRow(str(usage), 5, "output_tokens: '-1' is negative"),
        RejectedRow(str(usage), 7, "model: empty"),
    ]


def test_rejected_rows_out_of_time_order_and_without_ids(tmp_path: Path) -> None:
    """Not in time order (bisection cannot place r3: the id scan finds it) and, in a second
    file, no request ids (the numbered pass)."""
    shuffled = tmp_path / "shuffled.csv"
    shuffled.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens,request_id\n"
        "2026-10-01T00:00:09Z,gpt-4.1,10,1,r1\n"
        "2026-10-01T00:00:01Z,gpt-4.1,10,1,r2\n"
        "2026-10-01T00:00:05Z,gpt-4.1,x,1,r3\n"
        "2026-10-01T00:00:02Z,gpt-4.1,10,1,r4\n"
    )
    [row] = _rejected(shuffled)
    assert (row.line, row.reason) == (4, "uncached_input_tokens: 'x' is not a number")
    keyless = tmp_path / "keyless.csv"
    keyless.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens\n"
        "2026-10-01T00:00:01Z,gpt-4.1,10,1\n"
        "2026-10-01T00:00:02Z,gpt-4.1,10,1.5\n"
        "2026-10-01T00:00:03Z,gpt-4.1,10,1\n"
    )
    [row] = _rejected(keyless)
    assert (row.line, row.reason) == (3, "output_tokens: '1.5' is not a whole number")


def test_analyze_and_convert_keep_the_same_copy(tmp_path: Path) -> None:
    """Two copies of r1 with the same billable tokens on two models: both commands keep the
    gpt-4.1-mini copy (the last model in text order), so analyze prices 1000 in and 100 out
    at $0.40 and $1.60 per 1M: $0.00056, and convert writes that copy."""
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens,request_id\n"
        "2026-10-01T00:00:00Z,gpt-4.1-mini,1000,100,r1\n"
        "2026-10-01T00:00:01Z,gpt-4.1,1000,100,r1\n"
    )
    book = ["--prices", str(FIXTURES / "book.yaml"), "--no-default-prices"]
    result = run_cli("analyze", str(usage), *book, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [m["model"] for m in report["models"]] == ["gpt-4.1-mini"]
    assert report["totals"]["cost"] == "0.000560"
    out = tmp_path / "usage.parquet"
    result = run_cli("convert", str(usage), *book, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).column("model").to_pylist() == ["gpt-4.1-mini"]


def test_the_tie_goes_to_the_model_whatever_the_use_case(tmp_path: Path) -> None:
    """The same tie with the copies in two use cases (alpha: gpt-4.1-mini, zeta: gpt-4.1):
    the model decides, as in convert, so the call is counted in alpha at the mini's price."""
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens,request_id,team\n"
        "2026-10-01T00:00:00Z,gpt-4.1-mini,1000,100,r1,a\n"
        "2026-10-01T00:00:01Z,gpt-4.1,1000,100,r1,z\n"
    )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        "use_cases:\n  alpha:\n    match: {team: a}\n    outcomes: {count: 1}\n"
        "  zeta:\n    match: {team: z}\n    outcomes: {count: 1}\n"
    )
    result = run_cli("analyze", str(usage), "--prices", str(FIXTURES / "book.yaml"),
                     "--no-default-prices", "--outcomes", str(mapping), "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    costs = {u["name"]: u["cost"] for u in report["use_cases"]}
    assert costs["alpha"] == "0.000560"
    assert report["totals"]["cost"] == "0.000560"


LOOKUP_MAPPING = """\
use_cases:
  a: {match: {user: [u1, u2, u3, u4]}}
  b: {match: {user: [u4, u5, u6, u7, u8]}}
  c: {match: {user: "u9*"}}
  d: {match: {user: [u10, u11, u12, u13]}}
  g: {match: {user: [u25, u26, u27, u28]}}
  e: {match: {user: [u14, u15, u16, u17], team: ops}}
  f: {match: {user: [u1, u18, u19, u20, u21, u22, u23, u24]}}
"""


def test_use_cases_matched_by_value_lists_are_looked_up_in_order(tmp_path: Path) -> None:
    """a and b, then d and g, are runs of use cases matched by one list of users each: the
    engine looks each run up in one join. The first use case listing a user still wins (u4:
    a, not b; u1: a, not f), a glob (c) or a second rule (e) is tested in order between the
    runs, and a user no list holds (or spelt in capitals) is unattributed. One request per row;
    the use case of each worked out from the mapping by hand."""
    from tokenecon.attribute.mapping import load_mapping
    from tokenecon.attribute.rules import use_case_lookups

    users = [
        ("u1", "dev", "a"), ("u4", "dev", "a"), ("u5", "dev", "b"), ("u90", "dev", "c"),
        ("u9", "dev", "c"), ("u10", "dev", "d"), ("u26", "dev", "g"), ("u14", "ops", "e"),
        ("u14", "dev", None), ("u18", "dev", "f"), ("u1", "ops", "a"), ("", "dev", None),
        ("U1", "dev", None), ("u8", "ops", "b"),
    ]  # fmt: skip
    usage = tmp_path / "usage.csv"
    usage.write_text(
        "timestamp,model,uncached_input_tokens,output_tokens,request_id,user,team\n"
        + "".join(
            f"2026-10-01T00:00:{i:02d}Z,gpt-4.1,10,1,r{i},{user},{team}\n"
            for i, (user, team, _) in enumerate(users)
        )
    )
    path = tmp_path / "mapping.yaml"
    path.write_text(LOOKUP_MAPPING)
    mapping = load_mapping(path)
    runs = use_case_lookups(mapping)
    assert [(r.first, r.size, len(r.names)) for r in runs] == [(0, 2, 8), (3, 2, 8)]
    assert runs[0].names["u4"] == "a"
    con = connect(EngineOptions())
    sources = expand_sources([str(usage)], None)
    result = aggregate_usage(con, sources, mapping, AggregateOptions())
    got: dict[str | None, int] = {}
    for g in result.groups:
        got[g.use_case] = got.get(g.use_case, 0) + g.requests
    expected: dict[str | None, int] = {}
    for _, _, use_case in users:
        expected[use_case] = expected.get(use_case, 0) + 1
    assert got == expected


def test_per_user_groups_sum_to_the_usual_grain() -> None:
    """A people file makes the engine group by user; the usual grain is their sum per pricing
    key: u1 and u2 on gpt-4.1 that day are one group (3 rows, 300 + 50 in, $0.25 + $0.05
    reported on 2 of them), the reported and unreported groups of gpt-4.1-mini stay apart
    (has_cost is part of the key), as does the residency flag."""
    from dataclasses import replace

    from tokenecon.aggregate.merge import combine, file_usage
    from tokenecon.economics.owner_usage import per_part

    records = [
        record("sums", model="gpt-4.1", by_value="u1", rows=2, requests=2,
               uncached_input_tokens=300, reported_cost=Decimal("0.25"), reported_rows=1),
        record("sums", model="gpt-4.1", by_value="u2", rows=1, requests=1,
               uncached_input_tokens=50, reported_cost=Decimal("0.05"), reported_rows=1),
        record("sums", by_value="u1", rows=1, requests=1, output_tokens=7),
        record("sums", by_value="u2", rows=1, requests=1, output_tokens=5,
               reported_cost=Decimal("0.01"), reported_rows=1),
        record("sums", by_value="u3", rows=4, requests=4, output_tokens=1, in_region=True),
        record("sums", by_value="u4", rows=1, requests=1, output_tokens=2, in_region=True),
    ]  # fmt: skip
    result, owned = UsageAggregates(), UsageAggregates()
    file_usage(records, result)
    file_usage(records, owned, owners=True)
    summed = owned.groups
    assert summed == combine([replace(g, by_value=None) for g in result.groups])
    # each group's parts are the per-user groups of its key, by user
    assert [o.group for o in owned.owner_groups] == summed
    strip = {"requests_unknown_rows": 0, "beyond_first": {}}
    assert sorted(per_part(owned.owner_groups), key=repr) == sorted(
        (replace(g, **strip) for g in result.groups), key=repr
    )
    got = {
        (g.model, g.reported_rows > 0, g.in_region): (
            g.rows,
            g.tokens["uncached_input_tokens"],
            g.tokens["output_tokens"],
            g.reported_cost,
        )
        for g in summed
    }
    assert got == {
        ("gpt-4.1", True, None): (3, 350, 0, Decimal("0.30")),
        ("gpt-4.1-mini", False, None): (1, 0, 7, None),
        ("gpt-4.1-mini", True, None): (1, 0, 5, Decimal("0.01")),
        ("gpt-4.1-mini", False, True): (5, 0, 3, None),
    }


def test_rejected_rows_keep_their_line_through_a_use_case_lookup(tmp_path: Path) -> None:
    """Rows without request ids are numbered in scan order; the use-case lookup join must not
    reorder them: the bad row is on line 2,502 (header, then row 2,500 counted from 0)."""
    from tokenecon.attribute.mapping import load_mapping

    usage = tmp_path / "usage.csv"
    lines = [
        f"2026-10-01T00:00:00Z,gpt-4.1,10,{'x' if i == 2500 else 1},u{i % 40}" for i in range(3000)
    ]
    usage.write_text("timestamp,model,uncached_input_tokens,output_tokens,user\n"
                     + "\n".join(lines) + "\n")  # fmt: skip
    path = tmp_path / "mapping.yaml"
    path.write_text(LOOKUP_MAPPING)
    con = connect(EngineOptions())
    sources = expand_sources([str(usage)], None)
    digests = [digest_file(s) for s in sources]
    result = aggregate_usage(
        con, sources, load_mapping(path), AggregateOptions(), lambda i: digests[i].newlines
    )
    assert [(r.line, r.reason) for r in result.rejected_samples] == [
        (2502, "output_tokens: 'x' is not a number")
    ]
