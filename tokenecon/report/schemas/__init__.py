"""JSON Schemas (draft 2020-12) of tokenecon's inputs and documents, shipped as package data.

``price-book``, ``mapping`` and ``scenarios`` describe the YAML a user writes
(docs/price-book-fields.md, docs/mapping.md with docs/ownership.md, docs/whatif.md) and accept
what the loaders accept; ``report``, ``whatif`` and ``diff`` the JSON documents tokenecon writes
(docs/reports.md), every section of them. ``tokenecon schema NAME`` prints one.
"""

from __future__ import annotations

from importlib import resources

from tokenecon.errors import OptionError

SCHEMAS = {
    "price-book": "price-book.schema.json",
    "mapping": "mapping.schema.json",
    "scenarios": "scenarios.schema.json",
    "report": "report.schema.json",
    "whatif": "whatif.schema.json",
    "diff": "diff.schema.json",
}
"""Schema name -> its file in this package."""


def schema_text(name: str) -> str:
    """The schema ``name`` as JSON text; an unknown name is an :class:`OptionError`."""
    if name not in SCHEMAS:
        raise OptionError(f"no schema named {name!r}", f"one of: {', '.join(SCHEMAS)}")
    return (resources.files(__package__) / SCHEMAS[name]).read_text(encoding="utf-8")
