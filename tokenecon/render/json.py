"""The one JSON form of every document: ``--json`` on stdout, ``--save`` and ``-o F.json`` files.

Two-space indent, UTF-8 as written (no ``\\u`` escapes), keys in the document's order, one
newline at the end: the same bytes as the core's ``to_json``, so that a report printed with
``--json`` and one saved with ``--save`` compare equal.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def json_text(document: Any) -> str:
    """The document as JSON text."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def emit_json(document: Any) -> None:
    """Print the document as JSON on stdout, and nothing else."""
    sys.stdout.write(json_text(document))
