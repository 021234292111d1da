"""The lever parts of the scenario-file and whatif-document schemas follow the lever registry:
every lever and modifier of LEVERS is in them, with a value schema the loader agrees with, and
nothing else is; a lever the registry gains changes what docs/gen_cli.py writes, so that
tests/test_docs.py (which checks the files are as it writes them) fails until they are
regenerated."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from schema_check import errors
from test_docs import DOCS, gen_cli

from tokenecon.report.schemas import schema_text
from tokenecon.whatif import file_schema, registry
from tokenecon.whatif.file_schema import DERIVED, derived_text
from tokenecon.whatif.lever_values import SHARE_VALUE
from tokenecon.whatif.levers import Flag, Lever, LeverKind, ShareLever
from tokenecon.whatif.registry import LEVERS
from tokenecon.whatif.scenario_input import lever_from_file
from tokenecon.whatif.scenario_parts import Context, State

IDS = [kind.name for kind in LEVERS]
SLICE = {"use_case", "use-case", "model", "share"}


def lever_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_text("scenarios"))["$defs"]["lever"]
    return schema


def spellings(key: str) -> set[str]:
    return {key, key.replace("_", "-")}


def one(item: dict[str, Any]) -> dict[str, Any]:
    return {"scenarios": {"s": [item]}}


def test_every_lever_key_is_in_the_schema_and_nothing_else() -> None:
    lever = lever_schema()
    keys = {k for kind in LEVERS for f in (kind.flag, *kind.modifiers) for k in spellings(f.key)}
    assert set(lever["properties"]) == keys | SLICE
    assert all(entry["description"] for entry in lever["properties"].values())
    named = {k for kind in LEVERS for k in spellings(kind.name)}
    assert {entry["required"][0] for entry in lever["oneOf"]} == named
    assert len(lever["oneOf"]) == len(named)
    modifiers = {m.key: kind.name for kind in LEVERS for m in kind.modifiers}
    assert set(lever["dependentSchemas"]) == set(modifiers)
    for key, needed in lever["dependentSchemas"].items():
        assert {"required": [modifiers[key]]} in [needed, *needed.get("anyOf", [])]
    document = json.loads(schema_text("whatif"))["properties"]["scenarios"]["items"]
    listed = document["properties"]["levers"]["items"]["properties"]["lever"]["description"]
    assert sorted(listed.split(", ")) == sorted(IDS)


@pytest.mark.parametrize("kind", LEVERS, ids=IDS)
def test_a_levers_example_passes_the_schema_and_the_loader(kind: type[LeverKind]) -> None:
    for key in spellings(kind.name):
        item = {key: kind.flag.example}
        assert errors("scenarios", one(item)) == []
        assert lever_from_file(item, "plans.yaml:2").kind == kind.name
        # a value of the wrong shape is refused by the schema, as by the loader
        assert errors("scenarios", one({key: {"nested": 1}}))


def test_a_modifier_without_its_lever_or_of_the_wrong_shape_is_refused() -> None:
    for kind in LEVERS:
        for modifier in kind.modifiers:
            other = next(k for k in LEVERS if k is not kind)
            alone = {other.name: other.flag.example, modifier.key: True if modifier.switch else "1"}
            needs = f"'{kind.name}' is a required property"
            assert any(needs in e for e in errors("scenarios", one(alone))), modifier.key
            wrong = "yes" if modifier.switch else {"nested": 1}
            stated = {kind.name: kind.flag.example, modifier.key: wrong}
            assert errors("scenarios", one(stated))


@dataclass(frozen=True)
class PauseBatch(ShareLever):
    """A lever the registry does not have, to see the schema learn it."""

    flag = Flag(
        "pause_batch", "Pause this share of batch jobs.", "SHARE", "20%",
        means="this share of batch jobs is paused", schema=SHARE_VALUE,
    )  # fmt: skip
    modifiers = (
        Flag("pause_all", "Pause every provider's.", switch=True, means="pause_batch: all"),
    )
    sentence = "pause {0.percent} of batch jobs"
    reference = "SHARE of the batch jobs are paused."

    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """Not applied: only its declaration is read here."""


def test_a_new_lever_changes_the_schemas_so_the_check_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(file_schema, "LEVERS", (*LEVERS, PauseBatch))
    for name in DERIVED:
        assert derived_text(name) != schema_text(name)
    lever = json.loads(derived_text("scenarios"))["$defs"]["lever"]
    new = ["pause_batch", "pause-batch", "pause_all", "pause-all"]
    assert list(lever["properties"])[-4:] == new
    assert lever["properties"]["pause-batch"] == {
        **SHARE_VALUE,
        "description": "this share of batch jobs is paused",
    }
    assert lever["oneOf"][-2:] == [{"required": ["pause_batch"]}, {"required": ["pause-batch"]}]
    assert lever["dependentSchemas"]["pause_all"]["anyOf"][0] == {"required": ["pause_batch"]}
    # what was there before keeps its place and its bytes
    old = lever_schema()
    assert list(lever["properties"])[:-4] == list(old["properties"])
    assert lever["oneOf"][:-2] == old["oneOf"]
    document = json.loads(derived_text("whatif"))
    levers = document["properties"]["scenarios"]["items"]["properties"]["levers"]
    assert levers["items"]["properties"]["lever"]["description"].endswith(", pause_batch")
    # and the user reference's lever table gains its row
    monkeypatch.setattr(registry, "LEVERS", (*LEVERS, PauseBatch))
    page = gen_cli().whatif_page()
    assert "| `--pause-batch SHARE` | SHARE of the batch jobs are paused. |\n\n<!--" in page
    assert page != (DOCS / "whatif.md").read_text(encoding="utf-8")


def test_a_flag_without_a_value_schema_is_a_mistake_the_generator_names() -> None:
    with pytest.raises(TypeError, match="--pause"):
        Flag("pause", "Pause.", "SHARE", "20%", means="pause").value_schema()
