"""The lever parts of the ``scenarios`` and ``whatif`` JSON Schemas, from the registry.

Each lever's keys in a scenario file (its flag's key, its dashed alias, its modifiers'), the
schema of their values, the one-lever-per-item rule and which lever each modifier refines all
follow from :data:`~tokenecon.whatif.registry.LEVERS`, as does the list of ``lever`` names in
the ``whatif`` document's schema. The schemas stay whole JSON files (``tokenecon schema``
prints them and the report stage validates with them, below this stage), so
``docs/gen_cli.py`` rewrites their lever parts from here and ``--check`` (run by the tests)
fails when a lever is added and they were not rewritten.

Entries keep the order the file has them in and a new lever's follow: regenerating changes
only what the registry changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from tokenecon.report.schemas import schema_text
from tokenecon.whatif.levers import Flag, LeverKind
from tokenecon.whatif.registry import LEVERS
from tokenecon.whatif.scenario_input import SLICE_KEYS


def file_keys(flag: Flag) -> list[str]:
    """The keys a scenario file may give ``flag`` as: ``trim_prompt`` and ``trim-prompt``."""
    alias = flag.key.replace("_", "-")
    return [flag.key] if alias == flag.key else [flag.key, alias]


def lever_properties() -> dict[str, Any]:
    """Every lever's and modifier's keys, each with its value's schema."""
    flags = (flag for kind in LEVERS for flag in (kind.flag, *kind.modifiers))
    return {key: flag.value_schema() for flag in flags for key in file_keys(flag)}


def one_lever_each() -> dict[str, Any]:
    """The ``oneOf`` entries, by key: an item names exactly one lever."""
    return {key: {"required": [key]} for kind in LEVERS for key in file_keys(kind.flag)}


def _refines(kind: type[LeverKind], modifier: Flag) -> dict[str, Any]:
    """A modifier needs its lever; a switch may also be stated false on its own."""
    needs = {"required": [kind.name]}
    if modifier.switch:
        return {"anyOf": [needs, {"properties": {modifier.key: {"const": False}}}]}
    return needs


def modifiers_need() -> dict[str, Any]:
    """The ``dependentSchemas``: each modifier's key needs its lever."""
    return {m.key: _refines(kind, m) for kind in LEVERS for m in kind.modifiers}


def in_place(old: Iterable[str], new: dict[str, Any], kept: dict[str, Any]) -> dict[str, Any]:
    """``new`` and ``kept`` in ``old``'s order, ``new``'s other keys after: an old key in
    neither is gone."""
    merged = {k: new[k] if k in new else kept[k] for k in old if k in new or k in kept}
    return merged | {k: v for k, v in new.items() if k not in merged}


def scenarios_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The scenario file's schema with its lever parts from the registry; the slice keys
    (``use_case``, ``model``, ``share``) and the rest stay as written."""
    lever = schema["$defs"]["lever"]
    properties = lever["properties"]
    slices = {k: v for k, v in properties.items() if k.replace("-", "_") in SLICE_KEYS}
    lever["properties"] = in_place(properties, lever_properties(), slices)
    one_of = {entry["required"][0]: entry for entry in lever["oneOf"]}
    lever["oneOf"] = list(in_place(one_of, one_lever_each(), {}).values())
    lever["dependentSchemas"] = in_place(lever["dependentSchemas"], modifiers_need(), {})
    return schema


def whatif_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The ``whatif`` document's schema with its ``lever`` names from the registry."""
    scenario = schema["properties"]["scenarios"]["items"]
    lever = scenario["properties"]["levers"]["items"]["properties"]["lever"]
    names = {kind.name: kind.name for kind in LEVERS}
    lever["description"] = ", ".join(in_place(lever["description"].split(", "), names, {}))
    return schema


DERIVED: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "scenarios": scenarios_schema,
    "whatif": whatif_schema,
}
"""The schemas with lever parts, by name (as :data:`tokenecon.report.schemas.SCHEMAS`)."""


def derived_text(name: str) -> str:
    """The schema ``name`` as its file should read, lever parts from the registry."""
    schema = DERIVED[name](json.loads(schema_text(name)))
    return json.dumps(schema, indent=2) + "\n"
