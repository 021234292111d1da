"""This run's own scratch folder: the engine's spill files, the copy of stdin or of a pipe.

Each run gets a fresh folder under the system's temp directory, removed when the run ends:
two runs in one working folder no longer share DuckDB's default ``.tmp`` spill files, and no
copy of the usage is left behind.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

_RUN: list[Path] = []


def run_directory() -> Path:
    """The run's scratch folder (made on first use, removed at exit)."""
    if not _RUN or not _RUN[0].is_dir():
        path = Path(tempfile.mkdtemp(prefix="tokenecon-run-"))
        atexit.register(shutil.rmtree, path, ignore_errors=True)
        _RUN[:] = [path]
    return _RUN[0]


def scratch_directory(prefix: str) -> str:
    """A fresh folder inside the run's (one per engine connection, say)."""
    return tempfile.mkdtemp(prefix=prefix, dir=run_directory())
