"""ingest/probe.py on its own: what detection sees of a file (headers, first records, head)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tokenecon.errors import UsageInputError
from tokenecon.ingest.probe import FIRST_RECORDS, csv_headers, looks_like, probe_source
from tokenecon.ingest.sources import SourceFile, expand_sources


def source(path: Path) -> SourceFile:
    (found,) = expand_sources([str(path)])
    return found


def test_csv_headers_are_normalised_and_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text('\ufeff"Start Time", Model ,Prompt-Tokens\n2026-10-01,gpt-4o,12\n')
    probe = probe_source(source(path))
    assert probe.headers == ("start_time", "model", "prompt_tokens")
    assert probe.raw_headers == ("Start Time", "Model", "Prompt-Tokens")
    assert probe.has("model", "prompt_tokens") and not probe.has("model", "cost")
    assert probe.any_of("cost", "model") and not probe.any_of("cost", "tier")
    assert probe.records == ()
    assert probe.text.startswith('"Start Time"')  # the BOM is not part of the head


def test_gzip_csv_reads_through_the_compression(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv.gz"
    path.write_bytes(gzip.compress(b"model,output_tokens\ngpt-4o,3\n"))
    found = source(path)
    assert found.compressed
    assert csv_headers(found) == ["model", "output_tokens"]
    assert probe_source(found).headers == ("model", "output_tokens")


def test_jsonl_takes_the_first_records_and_skips_broken_lines(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    lines = [json.dumps({"model": "m", "n": i}) for i in range(FIRST_RECORDS + 5)]
    lines[1:1] = ["{broken", json.dumps([1, 2])]  # neither is a record
    lines.insert(5, json.dumps({"model": "m", "Extra Key": True}))
    path.write_text("\n".join(lines) + "\n")
    probe = probe_source(source(path))
    assert len(probe.records) == FIRST_RECORDS
    assert probe.records[:2] == ({"model": "m", "n": 0}, {"model": "m", "n": 1})
    assert probe.records[3] == {"model": "m", "Extra Key": True}
    # Keys in first-seen order across the records, normalised beside the raw ones.
    assert probe.raw_headers == ("model", "n", "Extra Key")
    assert probe.headers == ("model", "n", "extra_key")


def test_json_document_list_is_parsed_whole(tmp_path: Path) -> None:
    path = tmp_path / "pages.json"
    path.write_text(json.dumps([{"a": 1}, "not a record", {"b": 2}]))
    probe = probe_source(source(path))
    assert probe.records == ({"a": 1}, {"b": 2})
    assert probe.headers == ("a", "b")


def test_a_csv_without_a_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text(" , \nx,y\n")
    with pytest.raises(UsageInputError, match="the first line is not a CSV header"):
        probe_source(source(path))


def test_a_corrupt_gzip_is_refused_with_the_file_named(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"model": "m"}\n' * 200)[:40])
    truncated = SourceFile(path, "log.jsonl.gz", "jsonl", compressed=True)
    with pytest.raises(UsageInputError, match=r"^log\.jsonl\.gz: cannot read") as info:
        probe_source(truncated)
    assert "docs/sources.md" in (info.value.hint or "")


def test_a_changed_file_is_probed_again(tmp_path: Path) -> None:
    path = tmp_path / "usage.csv"
    path.write_text("model\nm\n")
    assert probe_source(source(path)).headers == ("model",)
    path.write_text("model,output_tokens\nm,1\n")
    assert probe_source(source(path)).headers == ("model", "output_tokens")


def test_looks_like_shows_twelve_columns_then_an_ellipsis(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    names = [f"c{i}" for i in range(13)]
    path.write_text(",".join(names) + "\n")
    text = looks_like(probe_source(source(path)))
    assert text == "CSV with columns " + ", ".join(names[:12]) + ", ..."
    path.write_text("A,B\n")
    assert looks_like(probe_source(source(path))) == "CSV with columns A, B"
