"""Output files: checked before the work starts, written whole or not at all.

Every file a command writes (``--save``, ``--html``, ``-o``, ``--chart``) goes through
:func:`check_output` before any usage is read, so that a missing or read-only folder is an
``Error:`` with exit 2 at once rather than after an hour of scanning; then through
:func:`staged`, which writes a temporary file in the same folder and moves it in place with
:func:`os.replace`, so that a failure or a Ctrl-C leaves the previous file whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tokenecon.errors import OptionError


def check_output(path: Path, flag: str, example: str = "") -> None:
    """Raise an :class:`OptionError` unless ``path`` names a file that can be written: not a
    directory, in a folder that exists and that this user may write in. ``example`` is a file
    name for the hint when ``path`` is a directory."""
    shown = f"{flag} {path}"
    if path.is_dir():
        example = example or _example(flag)
        raise OptionError(f"{shown} is a directory", f"name a file: {flag} {path / example}")
    folder = path.parent
    if not folder.is_dir():
        raise OptionError(
            f"{shown}: the folder {folder} does not exist", f"create it, or name another {flag}"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OptionError(f"{shown}: cannot write in {folder}", f"name another {flag}")
    if path.exists() and not os.access(path, os.W_OK):
        # os.replace would succeed in a writable folder, but a read-only file says "keep me"
        raise OptionError(f"{shown} is read-only", f"name another {flag}, or make it writable")


def _example(flag: str) -> str:
    return {"--html": "report.html", "--chart": "chart.svg"}.get(flag, "report.json")


@contextmanager
def staged(path: Path, flag: str) -> Iterator[Path]:
    """A temporary path beside ``path`` to write into; moved onto ``path`` when the block ends
    without an error, removed when it raises (the previous ``path`` is left as it was)."""
    try:
        handle, name = tempfile.mkstemp(prefix=".tokenecon-", suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise OptionError(
            f"cannot write {flag} {path}: {exc.strerror or exc}", f"name another {flag}"
        ) from None
    os.close(handle)
    staging = Path(name)
    try:
        yield staging
        try:
            os.chmod(staging, 0o666 & ~_umask())
            os.replace(staging, path)
        except OSError as exc:
            raise OptionError(
                f"cannot write {flag} {path}: {exc.strerror or exc}", f"name another {flag}"
            ) from None
    finally:
        if staging.exists():
            staging.unlink()


def write_output(path: Path, text: str, flag: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically: see :func:`staged`."""
    with staged(path, flag) as staging:
        try:
            staging.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OptionError(
                f"cannot write {flag} {path}: {exc.strerror or exc}", f"name another {flag}"
            ) from None


def _umask() -> int:
    # mkstemp creates 0600; a report is as readable as any file the user writes
    mask = os.umask(0)
    os.umask(mask)
    return mask
