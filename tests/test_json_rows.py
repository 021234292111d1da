"""JSON sources: one bad line or value is one rejected row with its file and place; a file
that is not JSON at all is refused whole, with file:line:col and a hint.

The inputs are the source fixtures (tests/fixtures/sources) and a public one (the OpenAI
cookbook's bucket list, tests/fixtures/public) with one value or line broken in the test.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli
from sources import BOOK, SOURCES, accounted, model

PUBLIC = FIXTURES / "public"


def analyze(path: Path, *extra: str) -> Any:
    return run_cli(
        "analyze", str(path), "--prices", BOOK, "--no-default-prices", "--json", *extra
    )  # fmt: skip


def read_ok(path: Path, *extra: str) -> dict[str, Any]:
    """The JSON report; its row accounting must add up."""
    result = analyze(path, *extra)
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = accounted(json.loads(result.stdout))
    assert report["rejected"]["count"] == report["totals"]["rows_rejected"]
    return report


def rejected(report: dict[str, Any]) -> list[tuple[str, int | None, str]]:
    return [(Path(r["source"]).name, r["line"], r["reason"]) for r in report["rejected"]["rows"]]


def line_of(path: Path, text: str) -> int:
    """The physical line (from 1) where ``text`` first stands."""
    content = path.read_text()
    return content[: content.index(text)].count("\n") + 1


# --- OpenTelemetry GenAI spans ---------------------------------------------------------

OTEL = json.loads((SOURCES / "otel_traces.jsonl").read_text())


def test_a_broken_line_of_an_otlp_json_lines_file_is_one_rejected_row(tmp_path: Path) -> None:
    # It stopped the whole run with exit 2 (the engine's "Malformed JSON") before.
    path = tmp_path / "traces.jsonl"
    path.write_text(json.dumps(OTEL) + '\n{"resourceSpans": [{"scopeSpans": [\n')
    r = read_ok(path)
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (3, 2, 1)
    assert rejected(r) == [("traces.jsonl", 2, rejected_malformed())]
    # the good line is read as without the broken one (tests/test_sources_logs.py)
    assert model(r, "claude-sonnet-4-5")["cost"] == "0.007412"
    assert model(r, "gpt-4.1-mini")["cost"] == "0.000560"


def rejected_malformed() -> str:
    from tokenecon.ingest.json_lines import MALFORMED

    return MALFORMED


def _second_span(doc: dict[str, Any]) -> dict[str, Any]:
    span: dict[str, Any] = doc["resourceSpans"][0]["scopeSpans"][0]["spans"][1]
    return span


def _set_attribute(span: dict[str, Any], key: str, value: dict[str, Any]) -> None:
    for attribute in span["attributes"]:
        if attribute["key"] == key:
            attribute["value"] = value


OTEL_BAD = {
    "a string": (
        lambda s: _set_attribute(s, "gen_ai.usage.prompt_tokens", {"intValue": "abc"}),
        "input_tokens: 'abc' is not a number",
    ),
    "NaN": (
        lambda s: _set_attribute(s, "gen_ai.usage.prompt_tokens", {"doubleValue": float("nan")}),
        "input_tokens: 'NaN' is not a finite number",
    ),
    "past 2^63": (
        lambda s: _set_attribute(s, "gen_ai.usage.prompt_tokens", {"intValue": str(2**64)}),
        f"input_tokens: '{2**64}' is too large (2^63 or more)",
    ),
    "year 10000": (
        lambda s: s.update(startTimeUnixNano="253402300800000000000"),
        "timestamp: '253402300800.000000000' is not a date-time",
    ),
    "Infinity": (
        lambda s: s.update(startTimeUnixNano="Infinity"),
        "timestamp: 'Infinity' is not a date-time",
    ),
}


@pytest.mark.parametrize("case", list(OTEL_BAD))
@pytest.mark.parametrize("layout", ["document", "lines"])
def test_a_bad_value_in_one_otel_span_is_one_rejected_row(
    tmp_path: Path, case: str, layout: str
) -> None:
    change, reason = OTEL_BAD[case]
    doc = copy.deepcopy(OTEL)
    change(_second_span(doc))
    if layout == "document":
        path = tmp_path / "traces.json"
        path.write_text(json.dumps(doc, indent=1))
        line = line_of(path, '"eee19b7ec3c1b175"')  # the span's id, inside its record
    else:
        path = tmp_path / "traces.jsonl"
        path.write_text(json.dumps(OTEL) + "\n" + json.dumps(doc) + "\n")
        line = 2
    r = read_ok(path)
    t = r["totals"]
    # the lines file holds the untouched copy too: its spans are read (the Claude call, with
    # the same response id on both lines, once)
    expected = (2, 1, 1, 0) if layout == "document" else (4, 2, 1, 1)
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"], t["rows_duplicate"]) == expected
    [(name, found, why)] = rejected(r)
    assert (name, found) == (path.name, line)
    assert why.startswith(reason)
    # the other span's cost stands: 41*3 + 2048*0.3 + 900*3.75 + 220*15 (x1e-6)
    assert model(r, "claude-sonnet-4-5")["cost"] == "0.007412"


# --- API pages and other JSON documents ---------------------------------------------------

PAGE = json.loads((SOURCES / "openai_usage_api.json").read_text())

PAGE_BAD = {
    "a string": ("input_tokens", "abc", "input_tokens: 'abc' is not a number"),
    "NaN": ("input_tokens", float("nan"), "input_tokens: 'NaN' is not a finite number"),
    "past 2^63": (
        "input_tokens",
        99999999999999999999999,
        "input_tokens: '99999999999999999999999' is too large (2^63 or more)",
    ),
    "year 10000": (
        "start_time",
        253402300800,
        "timestamp: '253402300800' is not a date-time (ISO 8601 or Unix time)",
    ),
    "Infinity": (
        "start_time",
        "Infinity",
        "timestamp: 'Infinity' is not a date-time (ISO 8601 or Unix time)",
    ),
}


@pytest.mark.parametrize("case", list(PAGE_BAD))
def test_a_bad_value_in_one_result_of_an_api_page_is_one_rejected_row(
    tmp_path: Path, case: str
) -> None:
    field, value, reason = PAGE_BAD[case]
    page = copy.deepcopy(PAGE)
    bucket = page["data"][0]
    if field == "start_time":
        # a bucket's start is every result's time: both results of the bucket are refused
        bucket["start_time"] = value
    else:
        bucket["results"][1][field] = value
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(page, indent=2))
    # the lines where the two results' objects open
    opening = [opening_line(path, '"gpt-4.1-mini-2025'), opening_line(path, '"gpt-4.1-2025')]
    if field == "start_time":
        # every row of the page rejected: the run is refused, each line named
        result = analyze(path)
        assert result.exit_code == 2, result.output
        said = " ".join(result.output.split())
        assert "every row read was rejected (2 of 2)" in said
        for i, line in enumerate(opening):
            assert f"{path}:{line}: data[0].results[{i}]: {reason}" in said
    else:
        r = read_ok(path)
        t = r["totals"]
        assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (2, 1, 1)
        # gpt-4.1-mini, kept: 56500*0.4 + 64000*0.1 + 9800*1.6 = 44680 (x1e-6)
        assert r["totals"]["cost"] == "0.044680"
        assert rejected(r) == [("usage.json", opening[1], f"data[0].results[1]: {reason}")]


def opening_line(path: Path, text: str) -> int:
    """The line of the ``{`` that opens the object in which ``text`` stands."""
    lines = path.read_text().splitlines()
    line = line_of(path, text)
    while lines[line - 1].strip() != "{":
        line -= 1
    return line


def test_a_bad_value_in_a_minified_page_names_its_record(tmp_path: Path) -> None:
    page = copy.deepcopy(PAGE)
    page["data"][0]["results"][0]["output_tokens"] = "9.8k"
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(page))  # one line: the JSON path tells the records apart
    r = read_ok(path)
    assert rejected(r) == [
        ("usage.json", 1, "data[0].results[0]: output_tokens: '9.8k' is not a number")
    ]


def test_a_bad_value_in_a_bare_bucket_list_names_its_record(tmp_path: Path) -> None:
    # The OpenAI cookbook's own helper output (public fixture): 9 buckets with a result.
    buckets = json.loads((PUBLIC / "openai_cookbook_usage_list.json").read_text())
    good = read_ok(PUBLIC / "openai_cookbook_usage_list.json")
    with_result = [i for i, b in enumerate(buckets) if b["results"]]
    third = with_result[2]
    buckets[third]["results"][0]["output_tokens"] = -5
    path = tmp_path / "cookbook.json"
    path.write_text(json.dumps(buckets, indent=2))
    r = read_ok(path)
    t = r["totals"]
    assert t["rows_read"] == good["totals"]["rows_read"]
    assert t["rows_rejected"] == 1
    assert t["rows_priced"] + t["rows_unpriced"] == t["rows_read"] - 1
    [(_, line, why)] = rejected(r)
    assert why == f"[{third}].results[0]: output_tokens: '-5' is negative"
    assert line == opening_line(path, '"output_tokens": -5')


def test_api_pages_in_json_lines_with_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "pages.jsonl"
    broken = '{"object": "page", "data": [{"start_time": 17675'
    path.write_text(f"{json.dumps(PAGE)}\n{broken}\n{json.dumps(PAGE)}\n")
    r = read_ok(path)
    t = r["totals"]
    # two pages of two results each, and the broken line
    assert (t["rows_read"], t["rows_rejected"]) == (5, 1)
    assert rejected(r) == [("pages.jsonl", 2, rejected_malformed())]


def test_json_lines_whose_first_line_is_broken_read_as_json_lines(tmp_path: Path) -> None:
    # The first line leaves its object open: the file was taken for one JSON document and
    # refused whole; the lines after it are whole objects.
    path = tmp_path / "usage.jsonl"
    good = '{"timestamp": "2026-01-05T10:00:00Z", "model": "gpt-4.1", "input_tokens": 1000, '
    path.write_text(good + '"output_tokens": 10\n' + good + '"output_tokens": 100}\n')
    r = read_ok(path)
    t = r["totals"]
    assert (t["rows_read"], t["rows_priced"], t["rows_rejected"]) == (2, 1, 1)
    assert rejected(r) == [("usage.jsonl", 1, rejected_malformed())]
    assert r["totals"]["cost"] == "0.002800"  # 1000*2 + 100*8 (x1e-6)


# --- files that are not JSON: refused whole, with their place -------------------------


def refused(result: Any, *fragments: str) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert "\nHint: " in result.stderr
    return str(result.stderr)


def test_a_page_that_does_not_parse_is_refused_with_line_and_column(tmp_path: Path) -> None:
    # It was detected from its head and refused with the engine's byte offset (not the
    # file's) before.
    text = json.dumps(PAGE, indent=2).replace('"has_more": false', '"has_more": fals')
    path = tmp_path / "usage.json"
    path.write_text(text)
    line = line_of(path, '"has_more"')
    column = path.read_text().splitlines()[line - 1].index("fals") + 1
    message = refused(analyze(path), f"{path}:{line}:{column}: not valid JSON (Expecting value)")
    assert "docs/sources.md" in message
    refused(analyze(path, "--format", "openai_usage_api"), f"{path}:{line}:{column}:")


def test_a_document_too_large_to_probe_is_still_refused_with_its_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past the probe's size the engine reads the document first: its error is placed too.
    import tokenecon.ingest.probe as probe

    monkeypatch.setattr(probe, "WHOLE_DOCUMENT", 10)
    text = json.dumps(PAGE, indent=2).replace('"output_tokens": 5000', '"output_tokens": 5000,,')
    path = tmp_path / "usage.json"
    path.write_text(text)
    line = line_of(path, "5000,,")
    column = path.read_text().splitlines()[line - 1].index(",,") + 2
    refused(analyze(path), f"{path}:{line}:{column}: not valid JSON")


def test_matching_no_format_keeps_the_place_of_the_cause(tmp_path: Path) -> None:
    # "{}" makes it JSON Lines; no line after it gives a key.
    path = tmp_path / "usage.jsonl"
    path.write_text('{}\n{bad\n{"x": \n')
    message = refused(analyze(path), f"{path}:2:2: not valid JSON", "matches no known format")
    assert f"{path} matches" not in message


def test_a_bad_value_in_a_gzip_page_is_placed_in_the_decompressed_text(tmp_path: Path) -> None:
    import gzip

    page = copy.deepcopy(PAGE)
    page["data"][0]["results"][1]["num_model_requests"] = 1.5
    text = json.dumps(page, indent=2)
    plain = tmp_path / "usage.json"
    plain.write_text(text)
    path = tmp_path / "usage.json.gz"
    path.write_bytes(gzip.compress(text.encode()))
    r = read_ok(path)
    assert (r["totals"]["rows_read"], r["totals"]["rows_rejected"]) == (2, 1)
    assert rejected(r) == [
        (
            "usage.json.gz",
            opening_line(plain, '"gpt-4.1-2025'),
            "data[0].results[1]: requests: '1.5' is not a whole number",
        )
    ]


def test_a_bad_part_of_a_summed_count_rejects_the_row(tmp_path: Path) -> None:
    """A page that splits tokens by modality sums the text parts: a part that is no number
    makes the row rejected, never summed as if it were 0."""
    page = copy.deepcopy(PAGE)
    for result in page["data"][0]["results"]:
        result.update(input_text_tokens=100, input_cached_text_tokens=0, output_text_tokens=10)
    page["data"][0]["results"][1]["input_cached_text_tokens"] = "abc"
    path = tmp_path / "usage.json"
    path.write_text(json.dumps(page, indent=2))
    r = read_ok(path)
    assert (r["totals"]["rows_read"], r["totals"]["rows_rejected"]) == (2, 1)
    [(_, _, why)] = rejected(r)
    assert why == "data[0].results[1]: cache_read_tokens: 'abc' is not a number"


def test_total_is_nan_for_a_part_that_is_no_number() -> None:
    import ibis

    from tokenecon.ingest.formats.base import difference, total

    t = ibis.memtable({"a": ["5", "5", None], "b": ["abc", None, None]})
    summed = t.select(s=total(t.a, t.b), d=difference(t.a, t.b)).to_pyarrow().to_pylist()
    assert [str(x["s"]) for x in summed] == ["nan", "5.0", "None"]
    assert [str(x["d"]) for x in summed] == ["nan", "5.0", "None"]
