"""Bad outcome mappings and outcome files are refused loudly and quickly: exit 2, file:line, a
Hint naming docs/mapping.md; never a traceback, never minutes of work, and never a line of a
file the mapping names echoed back (docs/mapping.md#limits)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import FIXTURES, run_cli

SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI"


def analyze(mapping: Path) -> object:
    return run_cli(
        "analyze", str(FIXTURES / "small.csv"), "--outcomes", str(mapping),
        "--prices", str(FIXTURES / "book.yaml"), "--no-default-prices",
    )  # fmt: skip


def refused(result: object, *fragments: str) -> str:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert stderr.startswith("Error: ") and "Traceback" not in stderr, stderr
    assert "\nHint: " in stderr and ("docs/mapping.md" in stderr or "docs/ownership.md" in stderr)
    for fragment in fragments:
        assert fragment in stderr, stderr
    return stderr


def write(folder: Path, text: str) -> Path:
    path = folder / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


ONE = "use_cases:\n  a:\n    match: {use_case: support-bot}\n    task_key: task_id\n"


@pytest.mark.parametrize(
    ("outcomes", "fragment"),
    [
        ("{count: 1e400}", "larger than 10^15"),
        ('{count: "1e999999999"}', "larger than 10^15"),  # was a billion-digit int: minutes
        ("{count: .nan}", "expected a number >= 0"),
        ("{count: .inf}", "expected a number >= 0"),
        ("{count: [1, 2]}", "expected a number, got a list"),
        ("{count: 2.5}", "expected a whole number"),
        ("{file: [a, b]}", "expected a file path"),
    ],
)
def test_bad_counts_in_the_mapping(tmp_path: Path, outcomes: str, fragment: str) -> None:
    started = time.monotonic()
    refused(
        analyze(write(tmp_path, ONE + f"    outcomes: {outcomes}\n")), "mapping.yaml:", fragment
    )
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (ONE + "    targets: [1, 2]\n", "a.targets: expected a mapping"),
        (ONE + "    value_per_outcome: {minutes_saved: 3}\n", "hourly_rate: expected a number"),
        (ONE + "    overhead: {a: 1}\n", "expected a number, got a mapping"),
        ("use_cases:\n  a:\n    match: {team: [[x]]}\n", "expected a value or a list"),
        ("use_cases: [a, b]\n", "expected a mapping with `use_cases:`"),
        (ONE + "    residency: {eu: 1}\n", "a.residency: expected a region or a list"),
    ],
)
def test_a_list_where_a_mapping_is_expected(tmp_path: Path, text: str, fragment: str) -> None:
    refused(analyze(write(tmp_path, text)), fragment)


@pytest.mark.parametrize(
    ("count", "line"),
    [("NaN", 3), ("inf", 3), ("1e400", 3), ("1e999999999", 3), ("-1", 3), ("x", 3)],
)
def test_bad_counts_in_a_counts_file(tmp_path: Path, count: str, line: int) -> None:
    (tmp_path / "counts.csv").write_text(f"period,count\n2026-10,4\n2026-10,{count}\n")
    mapping = write(tmp_path, ONE + "    outcomes: {counts: counts.csv}\n")
    stderr = refused(analyze(mapping), f"counts.csv:{line}: column count is not a whole number")
    assert f",{count}" not in stderr  # the line is not echoed


def test_a_counts_file_with_a_bad_period_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "counts.csv").write_text("period,count\n2026-10,4\nOctober,5\n")
    refused(analyze(write(tmp_path, ONE + "    outcomes: {counts: counts.csv}\n")),
            "counts.csv:3: column period is not a month")  # fmt: skip


def test_a_non_utf8_events_file_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "events.csv").write_bytes(b"task_id,verified\nT-1,yes\nT-\xff2,yes\n")
    mapping = write(tmp_path, ONE + "    outcomes: {file: events.csv, verified: verified}\n")
    refused(analyze(mapping), "events.csv:3: outcomes file is not UTF-8 text")


def test_a_file_outside_the_mapping_folder_is_refused_unless_absolute(tmp_path: Path) -> None:
    secret = tmp_path / "env"
    secret.write_text(f"{SECRET}\nHOME=/root\n")
    folder = tmp_path / "repo"
    folder.mkdir()
    climbing = write(folder, ONE + "    outcomes: {file: ../env, key: task_id}\n")
    stderr = refused(analyze(climbing), "'../env' is outside the mapping's folder")
    assert SECRET not in stderr
    # written in full, it is read as meant, and its lines are still not echoed
    absolute = write(folder, ONE + f"    outcomes: {{file: {secret}, key: task_id}}\n")
    stderr = refused(analyze(absolute), f"{secret}:1: no column 'task_id'", "not CSV column names")
    assert "wJalr" not in stderr and "AWS" not in stderr
    counts = write(folder, ONE + f"    outcomes: {{counts: {secret}}}\n")
    stderr = refused(analyze(counts), f"{secret}:1: expected columns period,count")
    assert "wJalr" not in stderr and "AWS" not in stderr


def test_a_header_of_column_names_is_shown(tmp_path: Path) -> None:
    (tmp_path / "events.csv").write_text("ticket,ok\nT-1,yes\n")
    mapping = write(tmp_path, ONE + "    outcomes: {file: events.csv}\n")
    refused(analyze(mapping), "no column 'task_id' (found: ticket, ok)")


def test_a_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9)]
    text = "\n".join(lines) + "\nuse_cases:\n  a:\n    match: {team: *l8}\n"
    started = time.monotonic()
    refused(analyze(write(tmp_path, text)), "mapping.yaml:", "expands to more than 200,000")
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("text", ["use_cases: " + "[" * 5000 + "]" * 5000, "a: &a [*a]\n"])
def test_deep_or_recursive_yaml_is_refused(tmp_path: Path, text: str) -> None:
    refused(analyze(write(tmp_path, text)), "nest")


def test_huge_match_lists_are_refused(tmp_path: Path) -> None:
    globs = ", ".join(f"'team-{i}-*'" for i in range(1001))
    text = f"use_cases:\n  a:\n    match: {{team: [{globs}]}}\n"
    refused(analyze(write(tmp_path, text)), "1,001 globs", "at most 10,000 values and 1,000 globs")


def test_a_mapping_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_bytes(b'use_cases:\n  a:\n    match: {team: "\xe9quipe"}\n')
    refused(analyze(path), "mapping.yaml:3: outcome mapping is not UTF-8 text")


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (f"amount\n12.50\n{SECRET}\n", "invoices.csv:3: column amount is not an amount"),
        (f"{SECRET}\n", "invoices.csv:1: an invoices file needs an `amount` column"),
        (b"amount\n1\n\xff\n", "invoices.csv:3: invoices file is not UTF-8 text"),
    ],
)
def test_invoices_files_are_read_or_refused_without_echo(
    tmp_path: Path, content: str | bytes, fragment: str
) -> None:
    invoices = tmp_path / "invoices.csv"
    if isinstance(content, bytes):
        invoices.write_bytes(content)
    else:
        invoices.write_text(content)
    text = ONE + "domains:\n  Support: {owner: ann, use_cases: [a]}\n"
    text += "shared_costs:\n  tools: {invoices: invoices.csv, allocate: even}\n"
    stderr = refused(analyze(write(tmp_path, text)), fragment)
    assert "wJalr" not in stderr
