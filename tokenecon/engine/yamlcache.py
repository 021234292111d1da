"""YAML files kept parsed in the cache folder, by content: a run that reads the same mapping
or ``--prices`` book again never imports PyYAML (the same store as the compiled SQL:
:mod:`.sqlcache`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokenecon.engine.sqlcache import Entry, cache_folder, cache_key, file_digest, load, store

if TYPE_CHECKING:
    from tokenecon.errors import TokenEconError


def kept_yaml(path: Path, error: type[TokenEconError], what: str) -> Any:
    """:func:`~tokenecon.yamlfile.load_yaml` of ``path``, kept parsed under a key of the
    file's content (and this code's and PyYAML's versions), as the shipped price book is: a
    run that reads the same mapping again never imports PyYAML (~10 ms of a run; its parse
    is ~1 ms more). A file that fails to load is never kept: its error is raised as
    ``load_yaml`` raises it, on every run."""
    from tokenecon.yamlfile import MAX_BYTES, load_yaml

    if cache_folder() is None:
        return load_yaml(path, error, what)
    try:
        if path.stat().st_size > MAX_BYTES:
            return load_yaml(path, error, what)
        digest = file_digest(path)
    except OSError:  # missing or unreadable: load_yaml says so
        return load_yaml(path, error, what)
    key = cache_key({"what": "yaml", "sha256": digest})
    entry = load(key, "yaml")
    if entry is not None:
        return entry.state
    data = load_yaml(path, error, what)
    with contextlib.suppress(OSError):
        if file_digest(path) == digest:  # (not rewritten while it was parsed)
            store(Entry(key, state=data), "yaml")
    return data
