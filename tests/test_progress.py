"""Progress of the engine's passes: reported by the core, drawn on stderr only for a terminal."""

from __future__ import annotations

import io
from pathlib import Path

from conftest import FIXTURES, run_cli
from rich.console import Console

from tokenecon.progress import ScanProgress
from tokenecon.render.progress import MIN_BYTES, ScanBar
from tokenecon.report.analyze import AnalyzeOptions, run_analysis


def usage_file(path: Path, rows: int) -> Path:
    lines = ["timestamp,model,uncached_input_tokens,output_tokens,request_id"]
    lines += [f"2026-10-01T00:00:00Z,gpt-4.1-mini,{i % 900},{i % 70},r{i}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_each_pass_reports_fractions_and_ends_at_one(tmp_path: Path) -> None:
    usage = usage_file(tmp_path / "u.csv", 50_000)
    seen: list[ScanProgress] = []
    options = AnalyzeOptions(
        prices=[FIXTURES / "book.yaml"], no_default_prices=True, progress=seen.append
    )
    run_analysis([str(usage)], options)
    phases = [p.phase for p in seen]
    assert phases.index("repeated ids") < phases.index("usage")  # the pre-pass, then the query
    for phase in ("repeated ids", "usage"):
        mine = [p for p in seen if p.phase == phase]
        assert mine[-1].fraction == 1.0
        assert all(0 <= p.fraction <= 1 for p in mine)
        assert mine[-1].bytes_total == usage.stat().st_size
    # 50,000 rows of ~40 bytes: the first MiB's lines give a close estimate
    assert abs((seen[-1].rows_estimate or 0) - 50_000) < 1_000


def test_bar_shows_bytes_and_rows_per_second() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, no_color=True)
    with ScanBar(console) as bar:
        bar(ScanProgress("usage", 0.5, 2 * MIN_BYTES, 1_000_000))
        bar.progress.refresh()
    text = out.getvalue()
    assert "reading usage" in text
    assert f"{MIN_BYTES / 1e6:,.0f}/{2 * MIN_BYTES / 1e6:,.0f} MB" in text
    assert "rows/s" in text


def test_small_inputs_get_no_bar() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120, no_color=True)
    with ScanBar(console) as bar:
        bar(ScanProgress("usage", 0.5, MIN_BYTES - 1, 10))
        bar.progress.refresh()
    assert "reading" not in out.getvalue()


def test_no_bar_off_a_terminal_or_with_quiet() -> None:
    for extra in ((), ("--quiet",)):
        book = str(FIXTURES / "book.yaml")
        args = ("analyze", str(FIXTURES / "small.csv"), "--prices", book, "--no-default-prices")
        result = run_cli(*args, "--json", *extra)
        assert result.exit_code == 0
        assert "reading" not in result.stderr
