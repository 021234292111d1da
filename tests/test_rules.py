"""attribute/rules.py (with the mapping it reads) on its own: which use case and task each row
of a small table gets, and whether it ran where its use case allows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import pytest

from tokenecon.attribute.mapping import OutcomeMapping, load_mapping
from tokenecon.attribute.rules import (
    residency_expression,
    task_key_expression,
    use_case_expression,
)
from tokenecon.errors import MappingError

MAPPING = """\
use_cases:
  legal-drafts:
    match: {team: legal, tags.feature: [draft, redline]}
    task_key: session_id
    residency: [eu-*]
  support:
    match: {model: "claude-*"}
    task_key: task_id
  support-literal:
    match: {model: "gpt_4%"}
  ticket-digits:
    match: {task_id: "T-[0-9][0-9]"}
  everything-else-in-ops:
    match: {team: ops}
"""

COLUMNS = ("team", "model", "region", "task_id", "session_id", "x_feature")
ROWS = [
    # expected use case, task key, residency: worked out from the rules above by hand
    (("legal", "claude-3", "eu-west-1", "t1", "s1", "draft"), "legal-drafts", "s1", True),
    (("legal", "claude-3", "us-east-1", "t2", "s2", "redline"), "legal-drafts", "s2", False),
    (("legal", "claude-3", None, "t3", "s3", "draft"), "legal-drafts", "s3", None),
    # legal without the feature tag: the first rule fails, the model glob takes it
    (("legal", "claude-3", "eu-west-1", "t4", "s4", None), "support", "t4", None),
    # `_` and `%` in a glob are literal characters, not SQL wildcards
    (("ops", "gpt_4%", None, "t5", None, None), "support-literal", None, None),
    (("ops", "gpt-4o", None, "t6", None, None), "everything-else-in-ops", None, None),
    (("dev", "gpt-4o", None, "T-42", None, None), "ticket-digits", None, None),
    (("dev", "gpt-4o", None, "T-4x", None, None), None, None, None),
    ((None, None, None, None, None, None), None, None, None),
]


@pytest.fixture(scope="module")
def mapping(tmp_path_factory: pytest.TempPathFactory) -> OutcomeMapping:
    path = tmp_path_factory.mktemp("rules") / "mapping.yaml"
    path.write_text(MAPPING)
    return load_mapping(path)


def evaluate(mapping: OutcomeMapping | None) -> list[dict[str, Any]]:
    raw = ibis.memtable(
        {name: [row[0][i] for row in ROWS] for i, name in enumerate(COLUMNS)},
        schema={name: "string" for name in COLUMNS},
    )

    def resolve(name: str) -> Any:
        return raw["x_" + name.removeprefix("tags.")] if name.startswith("tags.") else raw[name]

    use_case = use_case_expression(mapping, resolve)
    table = raw.select(
        use_case=use_case,
        task=task_key_expression(mapping, use_case, resolve),
        resident=residency_expression(mapping, use_case, resolve),
    )
    return table.to_pyarrow().to_pylist()


def test_the_mapping_is_read_in_order(mapping: OutcomeMapping) -> None:
    names = [u.name for u in mapping.use_cases]
    assert names == ["legal-drafts", "support", "support-literal", "ticket-digits",
                     "everything-else-in-ops"]  # fmt: skip
    rules = {r.attribute: r.values for r in mapping.use_cases[0].match}
    assert rules == {"team": ("legal",), "tags.feature": ("draft", "redline")}
    assert mapping.use_cases[0].residency == ("eu-*",)
    assert mapping.use_cases[1].task_key == "task_id"


def test_first_matching_use_case_task_key_and_residency(mapping: OutcomeMapping) -> None:
    got = [(r["use_case"], r["task"], r["resident"]) for r in evaluate(mapping)]
    assert got == [(use_case, task, resident) for _, use_case, task, resident in ROWS]


def test_without_a_mapping_nothing_is_attributed() -> None:
    got = evaluate(None)
    assert {(r["use_case"], r["task"], r["resident"]) for r in got} == {(None, None, None)}


def test_an_unknown_match_column_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("use_cases:\n  a:\n    match: {colour: red}\n")
    with pytest.raises(MappingError, match=r"mapping\.yaml:2: a\.match\.colour: unknown column"):
        load_mapping(path)


def test_runs_of_value_lists_become_lookups_and_nothing_else(tmp_path: Path) -> None:
    """Only consecutive use cases matched by one rule of exact values on one attribute, with
    at least LOOKUP_MIN_VALUES values between them, are looked up: a glob, a second rule, a
    change of attribute or a lone use case breaks or skips a run."""
    from tokenecon.attribute.rules import LOOKUP_MIN_VALUES, use_case_lookups

    many = [f"v{i}" for i in range(LOOKUP_MIN_VALUES)]
    path = tmp_path / "mapping.yaml"
    path.write_text(
        "use_cases:\n"
        f"  one: {{match: {{user: [{', '.join(many[:2])}]}}}}\n"
        f"  two: {{match: {{user: [{', '.join(many[2:])}]}}}}\n"
        f"  three: {{match: {{team: [{', '.join(many)}]}}}}\n"
        f"  four: {{match: {{team: [x, 'y*']}}}}\n"
        f"  five: {{match: {{team: [{', '.join(many)}]}}}}\n"
        f"  six: {{match: {{team: [{', '.join(many)}], user: a}}}}\n"
        f"  seven: {{match: {{team: [a]}}}}\n"
        f"  eight: {{match: {{team: [b]}}}}\n"
    )
    runs = use_case_lookups(load_mapping(path))
    assert [(r.attribute, r.first, r.size) for r in runs] == [("user", 0, 2)]
    assert runs[0].names == {v: ("one" if v in many[:2] else "two") for v in many}
