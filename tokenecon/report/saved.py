"""Saved reports read back (``diff``, ``report``): the file, its JSON, its schema, and where a
hand edit broke it."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tokenecon.errors import broken_json
from tokenecon.report.document import SCHEMA, Report, ReportSchemaError


def read_report(path: Path) -> Report:
    """A saved report file (``--save``); refuses other schemas by name."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportSchemaError(
            f"report {path} does not exist", "save one with `tokenecon analyze ... --save FILE`"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportSchemaError(f"cannot read report {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportSchemaError(
            broken_json(path, exc),
            "save one with `tokenecon analyze ... --save FILE`",
        ) from None
    except (ValueError, RecursionError) as exc:  # a 5,000-digit number, [[[[...]]]]
        raise ReportSchemaError(f"{path}: not a readable JSON report ({exc})"[:200]) from None
    try:
        report = Report.from_dict(data)
    except ReportSchemaError as exc:
        raise ReportSchemaError(f"{path}: {exc.message}", exc.hint) from None
    from tokenecon.report.validate import schema_problem

    problem = schema_problem(data)
    if problem:
        raise ReportSchemaError(
            f"{path}{_line_of(text, problem)}: not a {SCHEMA} report: {problem}",
            "was it edited by hand? Regenerate it with `tokenecon analyze ... --save FILE`; "
            "docs/reports.md describes the document",
        )
    return report


def _line_of(text: str, problem: str) -> str:
    """``:N``, the line of the value a problem names (``$.totals.cost``), found by looking for
    each key after the one before it; nothing when the path goes through a list."""
    path = problem.split(":", 1)[0]
    if "[" in path:
        return ""
    position = 0
    for key in path.split(".")[1:]:
        match = re.compile(rf'"{re.escape(key)}"\s*:').search(text, position)
        if match is None:
            return ""
        position = match.start()
    return f":{text.count(chr(10), 0, position) + 1}" if position else ""
