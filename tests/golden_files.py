"""The one golden-file helper: compare a text with its file under tests/golden/, or rewrite it.

`UPDATE_GOLDEN=1 pytest` rewrites every golden file a run compares (only for a deliberate change
of the output, said in the commit); without it a missing or different file fails the test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

GOLDEN = Path(__file__).parent / "golden"


def check(name: str, text: str) -> None:
    """Fail unless ``text`` is tests/golden/``name`` byte for byte (UPDATE_GOLDEN rewrites it)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert path.exists(), f"missing golden file {path}: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{name} differs from its golden file"


def captured(width: int, draw: Callable[[Console], None]) -> str:
    """What ``draw`` prints on a terminal ``width`` columns wide, without colour."""
    console = Console(width=width, no_color=True, force_terminal=False, record=True)
    with console.capture() as capture:
        draw(console)
    return capture.get()


def render_width(renderer: Any, document: dict[str, Any], width: int) -> str:
    """A renderer's output (``renderer(document, console)``) at a fixed width, without colour."""
    return captured(width, lambda console: renderer(document, console))


def as_json(document: Any) -> str:
    """A document as the golden JSON files hold it: indented, UTF-8 as is, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
