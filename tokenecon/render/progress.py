"""A progress bar on stderr while the engine scans large inputs: bytes read and rows per second."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from tokenecon.progress import ScanProgress

MIN_BYTES = 32 << 20
"""Smaller inputs finish before a bar would help: none is drawn."""


def _megabytes(n: float) -> str:
    return f"{n / 1e6:,.0f}"


class ScanBar:
    """Draws :class:`~tokenecon.progress.ScanProgress` reports; use as a context manager."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[read]}"),
            TextColumn("{task.fields[speed]}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.tasks: dict[str, tuple[TaskID, float]] = {}

    def __enter__(self) -> ScanBar:
        self.progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def __call__(self, report: ScanProgress) -> None:
        """Update the bar of the report's pass (called from the engine's polling thread)."""
        if report.bytes_total < MIN_BYTES:
            return
        if report.phase not in self.tasks:
            task = self.progress.add_task(f"reading {report.phase}", total=1.0, read="", speed="")
            self.tasks[report.phase] = (task, time.monotonic())
        task, started = self.tasks[report.phase]
        elapsed = max(time.monotonic() - started, 1e-3)
        read = f"{_megabytes(report.fraction * report.bytes_total)}/"
        read += f"{_megabytes(report.bytes_total)} MB"
        speed = ""
        if report.rows_estimate:
            speed = f"{report.fraction * report.rows_estimate / elapsed:,.0f} rows/s"
        self.progress.update(task, completed=report.fraction, read=read, speed=speed)
