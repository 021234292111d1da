"""The progress of a running query, for the bar the command line draws while the engine scans."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tokenecon.engine.connect import is_duckdb
from tokenecon.progress import bytes_hashed

if TYPE_CHECKING:
    from ibis.backends import BaseBackend


def query_fraction(con: BaseBackend) -> float | None:
    """How far the running query is (0 to 1), None when the engine cannot say."""
    if is_duckdb(con):
        percent = float(con.con.query_progress())  # -1: no query running
        return percent / 100 if percent >= 0 else None
    tracker = con._session.sparkContext.statusTracker()
    stages = [tracker.getStageInfo(i) for i in tracker.getActiveStageIds()]
    tasks = [(s.numCompletedTasks, s.numTasks) for s in stages if s and s.numTasks]
    if not tasks:
        return None
    return sum(done for done, _ in tasks) / sum(total for _, total in tasks)


def _bytes_read() -> int | None:
    """Bytes this process has read so far (Linux), None elsewhere."""
    try:
        with open("/proc/self/io", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("rchar:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


@contextmanager
def watching(
    con: BaseBackend, report: Callable[[float], None] | None, bytes_total: int = 0
) -> Iterator[None]:
    """Within the block, ``report`` gets the running query's progress every 0.2 s, then 1.0.

    On DuckDB the progress is the bytes the process has read since the block began (less what
    hashing read) over ``bytes_total``: DuckDB's own estimate stays at 0 while it computes a
    shared subquery, which the main query is. Elsewhere it is the engine's own estimate.
    """
    if report is None:
        yield
        return
    start = _bytes_read() if is_duckdb(con) and bytes_total else None
    hashed = bytes_hashed()
    if is_duckdb(con) and start is None:
        # DuckDB tracks progress only with its bar on; it must not print it (stdout is ours).
        con.raw_sql("SET enable_progress_bar = true; SET enable_progress_bar_print = false")
    stop = threading.Event()

    def fraction() -> float | None:
        if start is None:
            return query_fraction(con)
        now = _bytes_read()
        if now is None:
            return None
        return (now - start - (bytes_hashed() - hashed)) / bytes_total

    def poll() -> None:
        while not stop.wait(0.2):
            done = fraction()
            if done is not None:
                report(max(0.0, min(done, 0.99)))

    thread = threading.Thread(target=poll, name="tokenecon-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        report(1.0)
