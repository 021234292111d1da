"""Output files: checked before any work (exit 2 with a hint), written atomically (the previous
file stays whole on an error), each announced by `Wrote FILE` on stderr; -o is always output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, run_cli

from tokenecon.errors import OptionError
from tokenecon.outputs import check_output, staged, write_output

SMALL = str(FIXTURES / "small.csv")
ARGS = (SMALL, "--prices", str(FIXTURES / "book.yaml"), "--no-default-prices",
        "--outcomes", str(FIXTURES / "mapping.yaml"))  # fmt: skip


def _never(*_: object, **__: object) -> None:
    raise AssertionError("the work started before the output was checked")


@pytest.mark.parametrize(
    ("command", "args", "flag"),
    [
        ("analyze", ARGS, "--save"),
        ("analyze", ARGS, "--html"),
        ("analyze", ARGS, "-o"),
        ("whatif", (*ARGS, "--trim-output", "10%"), "--save"),
        ("whatif", (*ARGS, "--trim-output", "10%"), "-o"),
    ],
)
def test_a_missing_folder_stops_before_the_work(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, command: str, args: tuple[str, ...], flag: str
) -> None:
    monkeypatch.setattr("tokenecon.report.analyze.analyze", _never)
    monkeypatch.setattr("tokenecon.whatif.run.run_whatif", _never)
    target = tmp_path / "missing" / ("r.html" if flag == "--html" else "r.json")
    result = run_cli(command, *args, flag, str(target))
    assert result.exit_code == 2, result.output
    assert result.stderr == (
        f"Error: {flag} {target}: the folder {target.parent} does not exist\n"
        f"Hint: create it, or name another {flag}\n"
    )


def test_report_and_diff_check_their_outputs_before_reading(
    tmp_path: Path, example_months: Path
) -> None:
    missing = tmp_path / "no" / "x.html"
    result = run_cli("report", str(example_months / "10.json"), "-o", str(missing))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: -o {missing}: the folder {missing.parent} does not")
    result = run_cli("diff", "nope.json", "nope2.json", "--chart", str(tmp_path))
    assert result.exit_code == 2  # the chart's folder is checked before the reports are read
    assert result.stderr.startswith(f"Error: --chart {tmp_path} is a directory")


def test_an_unwritable_folder_is_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # root may write anywhere: deny this one folder as a read-only one would
    import os

    real = os.access
    monkeypatch.setattr(
        "tokenecon.outputs.os.access", lambda p, mode: Path(p) != tmp_path and real(p, mode)
    )
    monkeypatch.setattr("tokenecon.report.analyze.analyze", _never)
    result = run_cli("analyze", *ARGS, "--save", str(tmp_path / "r.json"))
    assert result.exit_code == 2
    assert f"cannot write in {tmp_path}" in result.stderr and "Hint: name another --save" in (
        result.stderr
    )


def test_a_failed_write_leaves_the_previous_file_whole(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    saved = tmp_path / "r.json"
    saved.write_text('{"last": "month"}\n')

    def full_disk(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("tokenecon.outputs.os.replace", full_disk)
    result = run_cli("analyze", *ARGS, "--save", str(saved))
    assert result.exit_code == 2
    assert f"Error: cannot write --save {saved}: No space left on device" in result.stderr
    assert saved.read_text() == '{"last": "month"}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temporary file left


def test_staged_removes_its_file_on_any_error(tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), staged(target, "--chart") as staging:
        staging.write_text("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]
    write_output(target, "new", "--chart")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.svg"]


def test_check_output_refuses_a_directory(tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="is a directory") as info:
        check_output(tmp_path, "--save")
    assert info.value.hint == f"name a file: --save {tmp_path / 'report.json'}"


def test_analyze_o_chooses_the_format_by_suffix(tmp_path: Path) -> None:
    out_json, out_html, saved = tmp_path / "a.json", tmp_path / "a.html", tmp_path / "s.json"
    result = run_cli(
        "analyze", *ARGS, "-o", str(out_json), "-o", str(out_html), "--save", str(saved), "--json"
    )
    assert result.exit_code == 0, result.output
    # --json's stdout, --save and -o F.json: the same bytes, from the one emitter
    assert out_json.read_text() == saved.read_text() == result.stdout
    assert json.loads(result.stdout)["schema"] == "tokenecon.report/v1"
    assert out_html.read_text().startswith("<!DOCTYPE html>")
    assert sorted(result.stderr.splitlines()) == sorted(
        f"Wrote {p}" for p in (out_json, out_html, saved)
    )


def test_o_with_a_mapping_says_that_outcomes_moved(tmp_path: Path) -> None:
    result = run_cli("analyze", SMALL, "-o", str(FIXTURES / "mapping.yaml"))
    assert result.exit_code == 2
    assert "cannot tell the format from its suffix" in result.stderr
    hint = "Hint: -o names the output; the outcome mapping is --outcomes; name it .json or .html"
    assert hint in result.stderr


def test_every_writer_announces_its_file(tmp_path: Path, example_months: Path) -> None:
    months = [str(example_months / "10.json"), str(example_months / "11.json")]
    runs: list[tuple[list[str], Path]] = [
        (["report", *months, "-o", str(tmp_path / "r.html")], tmp_path / "r.html"),
        (["diff", *months, "--chart", str(tmp_path / "c.svg")], tmp_path / "c.svg"),
        (["whatif", *ARGS, "--trim-output", "10%", "--save", str(tmp_path / "w.json")],
         tmp_path / "w.json"),
        (["convert", SMALL, "-o", str(tmp_path / "u.parquet")], tmp_path / "u.parquet"),
    ]  # fmt: skip
    for args, path in runs:
        result = run_cli(*args)
        assert result.exit_code == 0, result.output
        assert f"Wrote {path}" in result.stderr
        assert path.stat().st_size > 0


def _json(*args: str) -> Any:
    result = run_cli(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_on_every_command(tmp_path: Path, example_months: Path) -> None:
    months = [str(example_months / "10.json"), str(example_months / "11.json")]
    assert _json("diff", *months)["schema"] == "tokenecon.diff/v1"
    assert _json("diff", *months) == _json("diff", *months, "--format", "markdown")
    listed = _json("sources", SMALL)
    assert "openai_usage_csv" in [f["format"] for f in listed["formats"]]
    assert len(listed["sources"]) == 1
    assert _json("report", *months, "-o", str(tmp_path / "r.html")) == {
        "output": str(tmp_path / "r.html"),
        "shown": months[1],
        "trend": [months[0]],
        "period": json.loads(Path(months[1]).read_text())["period"],
    }
    converted = _json("convert", SMALL, "-o", str(tmp_path / "u.parquet"))
    assert converted["output"] == str(tmp_path / "u.parquet")
    assert converted["rows_written"] > 0


def test_reports_given_newest_first_are_warned_about(tmp_path: Path, example_months: Path) -> None:
    october, november = str(example_months / "10.json"), str(example_months / "11.json")
    result = run_cli("diff", november, october, "--format", "json")
    assert result.exit_code == 0
    assert result.stderr.startswith(
        f"Warning: {october} (2026-10-01) starts before {november} (2026-11-01), yet comes after"
    )
    result = run_cli("report", november, october, "-o", str(tmp_path / "r.html"))
    assert result.exit_code == 0
    assert result.stderr.startswith(f"Warning: {october} (2026-10-01) starts before")
    assert "Warning" not in run_cli("diff", october, november, "--format", "json").stderr
