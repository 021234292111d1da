"""Checking YAML and JSON against tokenecon's schemas, as an editor's schema checker does."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

from tokenecon.report.schemas import schema_text

jsonschema = pytest.importorskip("jsonschema")  # a dev extra (also pulled in by altair)


class _StringDates(yaml.SafeLoader):
    """YAML as an editor's schema checker sees it: dates stay strings (JSON has no date type)."""


_StringDates.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def validator(name: str) -> Any:
    schema = json.loads(schema_text(name))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def errors(name: str, instance: Any) -> list[str]:
    """Every error, with those inside anyOf/oneOf branches, as `path: message`."""

    def leaves(found: Any) -> list[Any]:
        out = []
        for e in found:
            out += [e, *leaves(e.context)]
        return out

    found = leaves(validator(name).iter_errors(instance))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def load(path: Path) -> Any:
    return load_text(path.read_text(encoding="utf-8"))


def load_text(text: str) -> Any:
    return yaml.load(text, Loader=_StringDates)


def yaml_blocks(page: str) -> list[Any]:
    """The ```yaml examples of a page of docs/, loaded."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return [load_text(block) for block in re.findall(r"```yaml\n(.+?)```", text, re.DOTALL)]
