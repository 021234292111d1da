"""A saved report checked against its JSON Schema before anything reads it.

`diff` and `report` read reports that people keep, move and sometimes edit by hand; one that does
not follow ``tokenecon.report/v1`` (a list where the totals were, ``NaN`` as a cost, a key
removed) is refused with the JSON path of the first value at fault and the schema's own words,
instead of failing deep inside a computation. The checker covers the subset of JSON Schema
2020-12 that tokenecon's schemas use (type, const, enum, pattern, minimum, required, properties,
additionalProperties, items, anyOf/oneOf/allOf and local ``$ref``), so that reading a report needs
no extra package; ``tests/test_schemas.py`` checks the schemas with the full validator.

A word outside its list (a finding's ``layer`` that is none of the defined layers, a status
misspelled) is refused like any other damage: the layers are what the report, the diff and the
board group findings by, and one they do not know would be shown under no heading or counted
nowhere.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from tokenecon.report.schemas import schema_text

LARGEST = Decimal(10) ** 18
"""No figure of a report is larger (in tokens or in money): a larger one is an edit gone wrong,
and one like ``1e999999999`` would take the diff's arithmetic out of range."""
_NUMBERS = {"money", "decimal", "ratio", "rate"}
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}  # fmt: skip


@cache
def _schema(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(schema_text(name))
    return document


def schema_problem(data: Any, name: str = "report") -> str | None:
    """Where and how ``data`` departs from the schema ``name``; None when it follows it."""
    root = _schema(name)
    return _check(data, root, root, "$")


def _is(value: Any, kind: str) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[kind])


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str) -> str | None:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        problem = _check(value, root["$defs"][name], root, at)
        if problem is None and name in _NUMBERS and isinstance(value, str):
            try:
                too_large = abs(Decimal(value)) > LARGEST
            except InvalidOperation:
                too_large = True
            if too_large:
                return f"{at}: {value[:30]!r} is out of range (at most 10^18)"
        return problem
    for keyword in ("anyOf", "oneOf"):
        if keyword in schema:
            problems = [_check(value, s, root, at) for s in schema[keyword]]
            if all(problems):
                return next(p for p in problems if p)
    for part in schema.get("allOf", ()):
        problem = _check(value, part, root, at)
        if problem:
            return problem
    return _check_value(value, schema, root, at)


def _check_value(value: Any, schema: dict[str, Any], root: dict[str, Any], at: str) -> str | None:
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is(value, k) for k in kinds):
            return f"{at}: expected {' or '.join(kinds)}, found {_kind(value)}"
    if "const" in schema and value != schema["const"]:
        return f"{at}: expected {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        words = ", ".join(str(w) for w in schema["enum"])
        return f"{at}: {str(value)[:30]!r} is not one of {words}"
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        return f"{at}: {value[:30]!r} is not {schema.get('description') or schema['pattern']}"
    if _is(value, "number"):
        if value != value or value in (float("inf"), float("-inf")) or abs(value) > LARGEST:
            return f"{at}: {value!r} is out of range"
        if "minimum" in schema and value < schema["minimum"]:
            return f"{at}: {value!r} is below {schema['minimum']}"
    if isinstance(value, dict):
        return _check_object(value, schema, root, at)
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problem = _check(item, schema["items"], root, f"{at}[{i}]")
            if problem:
                return problem
    return None


def _check_object(
    value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], at: str
) -> str | None:
    for key in schema.get("required", ()):
        if key not in value:
            return f"{at}: `{key}` is missing"
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        sub = properties.get(key, extra)
        if sub is False:
            return f"{at}: unexpected key `{key}`"
        if isinstance(sub, dict):
            problem = _check(item, sub, root, f"{at}.{key}")
            if problem:
                return problem
    return None


def _kind(value: Any) -> str:
    for kind in ("null", "boolean", "integer", "number", "string", "array", "object"):
        if _is(value, kind):
            return "a number" if kind in ("integer", "number") else kind
    return type(value).__name__
