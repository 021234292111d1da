"""The outcome mapping (docs/mapping.md): which usage is which use case, what a task and an
outcome are."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from tokenecon.attribute.domains import Ownership, load_ownership
from tokenecon.attribute.fields import named_file, non_negative
from tokenecon.attribute.value_keys import VALUE_KEYS, ValueInputs, parse_value_keys
from tokenecon.errors import MappingError
from tokenecon.ingest.canonical import ATTRIBUTE_COLUMNS
from tokenecon.yamlfile import line_of

TOP_LEVEL_KEYS = ("use_cases", "usage", "domains", "shared_costs", "budgets", "people", "roles")
"""Every key a mapping may have at its top level (docs/mapping.md, docs/ownership.md)."""
INPUT_CONVENTIONS = ("inclusive", "exclusive")
TARGET_KEYS = ("cost_per_token", "tokens_per_task", "tasks_per_outcome", "cost_per_outcome")
_USE_CASE_KEYS = {
    "match", "task_key", "outcome", "outcomes", "value_per_outcome", "review_minutes_per_task",
    "reviewer_hourly_rate", "overhead", "targets", "urgent", "residency", "description", "owner",
    "success_rate", *VALUE_KEYS,
}  # fmt: skip
MAX_VALUES = 10_000
"""Values of one match rule (docs/mapping.md#limits)."""
MAX_GLOBS = 1_000
"""Globs of one match rule: each is a LIKE or a regular expression the engine runs per row."""


@dataclass(frozen=True)
class MatchRule:
    """One condition: the attribute equals one of the values (globs allowed)."""

    attribute: str
    """A canonical column, or ``tags.<key>`` for a tag or an extra source column."""
    values: tuple[str, ...]
    """Accepted values; ``*``, ``?`` and ``[...]`` make a value a glob."""


@dataclass(frozen=True)
class OutcomeSource:
    """Where a use case's outcomes come from."""

    kind: str
    """``events`` (per-task CSV), ``count`` (a number) or ``counts`` (a CSV of period,count)."""
    path: Path | None = None
    """The CSV, for ``events`` and ``counts``."""
    key: str = "task_id"
    """Column of the events CSV holding the task key."""
    verified: str | None = None
    """Boolean column of the events CSV; None means every row is a verified outcome."""
    count: int | None = None
    """The number of outcomes, for ``count``."""


@dataclass(frozen=True)
class StatedRate:
    """A success rate the mapping states for a model within a use case (``success_rate:``)."""

    model: str
    """The model as written; resolved against the price book when a scenario uses it."""
    expected: Decimal
    """Verified outcomes per task on that model, 0 < rate <= 1."""
    low: Decimal
    """Pessimistic bound (equal to ``expected`` when a single number is given)."""
    high: Decimal
    """Optimistic bound."""
    where: str
    """``file:line`` of the statement, for errors and assumptions."""


@dataclass(frozen=True)
class UseCase:
    """A use case of the mapping."""

    name: str
    """Its name in reports."""
    match: tuple[MatchRule, ...]
    """All must hold (AND); a row goes to the first use case that matches it."""
    task_key: str | None
    """Attribute grouping calls into tasks; None means each request is its own task."""
    outcome: str
    """What one outcome is, in words."""
    outcomes: OutcomeSource | None
    """Where outcomes come from; None stops the analysis at cost per task."""
    value_per_outcome: Decimal | None
    """What one outcome is worth, if known."""
    review_minutes_per_task: Decimal
    """Human review per task, for the fully loaded cost."""
    reviewer_hourly_rate: Decimal
    """Hourly cost of that reviewer."""
    overhead: Decimal
    """Other cost of the period (hosting, tooling) added to the fully loaded cost."""
    targets: dict[str, Decimal]
    """Targets for the diagnosis (cost_per_token, tokens_per_task, ...)."""
    urgent: bool
    """False marks work that may move to a batch tier."""
    residency: tuple[str, ...]
    """Regions the use case's requests must run in, if any."""
    success_rates: tuple[StatedRate, ...] = ()
    """Stated success rates per model, used by `whatif --route` where outcomes per model are
    not observed (or to override them)."""
    value: ValueInputs = field(default_factory=ValueInputs)
    """Integrity, human baseline, value area, placement premium (``value_keys``)."""


@dataclass(frozen=True)
class OutcomeMapping:
    """A loaded mapping file."""

    use_cases: tuple[UseCase, ...]
    path: str | None = None
    sha256: str | None = None
    input_convention: str | None = None
    """Declared convention of a plain ``input_tokens`` column (``usage: {input_convention}``)."""
    attributes: tuple[str, ...] = field(default=())
    """Every attribute the rules and task keys name."""
    ownership: Ownership | None = None
    """Domains, shared costs, budgets, people and roles (``docs/ownership.md``), if declared."""


def _decimal(value: Any, where: str) -> Decimal:
    return non_negative(value, where)


def whole_count(value: Any, where: str) -> int:
    """A number of outcomes: a whole number from 0 to 10^15."""
    count = _decimal(value, where)
    if count != count.to_integral_value():
        raise MappingError(f"{where}: expected a whole number, got {str(value)[:40]!r}")
    return int(count)


def _attribute(name: Any, where: str) -> str:
    text = str(name)
    if text in ATTRIBUTE_COLUMNS or text.startswith("tags.") or text == "tags":
        return text
    raise MappingError(
        f"{where}: unknown column {text!r}",
        f"use a canonical column ({', '.join(ATTRIBUTE_COLUMNS)}) or tags.<key>",
    )


def _rules(raw: Any, where: str) -> tuple[MatchRule, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: `match` must be a mapping, e.g. {{team: legal}}")
    rules = []
    for key, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, dict | list) for v in values):
            raise MappingError(f"{where}.{key}: expected a value or a list of values")
        texts = tuple(str(v) for v in values)
        globs = sum(1 for v in texts if is_glob(v))
        if len(texts) > MAX_VALUES or globs > MAX_GLOBS:
            raise MappingError(
                f"{where}.{key}: {len(texts):,} values ({globs:,} globs): at most "
                f"{MAX_VALUES:,} values and {MAX_GLOBS:,} globs a rule",
                "match on a shorter column (a team, a tag) or a glob; see docs/mapping.md#limits",
            )
        rules.append(MatchRule(_attribute(key, f"{where}.{key}"), texts))
    return tuple(rules)


def _outcomes(raw: Any, where: str, base: Path) -> OutcomeSource | None:
    if raw is None:
        return None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = {"count": raw}
    if not isinstance(raw, dict):
        raise MappingError(
            f"{where}: expected {{file: ..., key: ...}}, {{count: N}} or {{counts: F}}"
        )
    if "count" in raw:
        return OutcomeSource(kind="count", count=whole_count(raw["count"], f"{where}.count"))
    kind, file_key = ("events", "file") if "file" in raw else ("counts", "counts")
    if file_key not in raw:
        raise MappingError(f"{where}: expected `file`, `count` or `counts`")
    at = f"{where}.{file_key} (line {line_of(raw, file_key)})"
    path = named_file(raw[file_key], base, at, "outcomes file")
    verified = raw.get("verified")
    return OutcomeSource(
        kind=kind,
        path=path,
        key=str(raw.get("key", "task_id")),
        verified=str(verified) if verified else None,
    )


def _value(raw: Any, where: str) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, dict):
        minutes = _decimal(raw.get("minutes_saved"), f"{where}.minutes_saved")
        rate = _decimal(raw.get("hourly_rate"), f"{where}.hourly_rate")
        return minutes * rate / 60
    return _decimal(raw, where)


def _rate(value: Any, where: str) -> Decimal:
    number = _decimal(value, where)
    if not 0 < number <= 1:
        raise MappingError(
            f"{where}: a success rate is a share of tasks between 0 and 1, got {value!r}",
            "write 0.85 for 85% of tasks ending in a verified outcome",
        )
    return number


def _success_rates(raw: Any, where: str, path: str) -> tuple[StatedRate, ...]:
    """``success_rate: {model: 0.8}`` or ``{model: {low: 0.7, expected: 0.8, high: 0.9}}``."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise MappingError(
            f"{where}: `success_rate` must map models to rates, e.g. {{gpt-4.1-mini: 0.8}}"
        )
    rates = []
    for model, value in raw.items():
        at = f"{path}:{line_of(raw, model)}"
        here = f"{at}: success_rate.{model}"
        if isinstance(value, dict):
            unknown = set(value) - {"low", "expected", "high"}
            if unknown or not {"low", "high"} <= set(value):
                raise MappingError(
                    f"{here}: expected a rate or {{low: ..., expected: ..., high: ...}}",
                    "low and high are required; expected defaults to their midpoint",
                )
            low, high = _rate(value["low"], f"{here}.low"), _rate(value["high"], f"{here}.high")
            expected = (
                _rate(value["expected"], f"{here}.expected")
                if "expected" in value
                else (low + high) / 2
            )
            if not low <= expected <= high:
                raise MappingError(f"{here}: expected low <= expected <= high")
        else:
            low = expected = high = _rate(value, here)
        rates.append(StatedRate(str(model), expected, low, high, at))
    return tuple(rates)


def _flag(raw: Any, key: str, default: bool, where: str) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise MappingError(
            f"{where}.{key}: expected true or false, got {value!r} (line {line_of(raw, key)})",
            f"write `{key}: false` without quotes",
        )
    return value


def _use_case(name: str, raw: Any, where: str, path: Path) -> UseCase:
    if not isinstance(raw, dict):
        raise MappingError(f"{where}: expected a mapping with `match`")
    unknown = set(raw) - _USE_CASE_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise MappingError(
            f"{where}: unknown key {key!r} (line {line_of(raw, key)})",
            f"allowed: {', '.join(sorted(_USE_CASE_KEYS))}",
        )
    targets_raw = raw.get("targets") or {}
    if not isinstance(targets_raw, dict):
        raise MappingError(
            f"{where}.targets: expected a mapping, e.g. {{tasks_per_outcome: 1.3}} "
            f"(line {line_of(raw, 'targets')})"
        )
    targets = {}
    for key, value in targets_raw.items():
        if key not in TARGET_KEYS:
            raise MappingError(f"{where}.targets: unknown target {key!r}", f"one of {TARGET_KEYS}")
        targets[key] = _decimal(value, f"{where}.targets.{key}")
    residency = raw.get("residency") or []
    if isinstance(residency, str):
        residency = [residency]
    if not isinstance(residency, list) or any(isinstance(r, dict | list) for r in residency):
        raise MappingError(
            f"{where}.residency: expected a region or a list of regions, e.g. [eu] "
            f"(line {line_of(raw, 'residency')})"
        )
    task_key = raw.get("task_key")
    return UseCase(
        name=name,
        match=_rules(raw.get("match"), f"{where}.match"),
        task_key=_attribute(task_key, f"{where}.task_key") if task_key else None,
        outcome=str(raw.get("outcome", "")),
        outcomes=_outcomes(raw.get("outcomes"), f"{where}.outcomes", path.resolve().parent),
        value_per_outcome=_value(raw.get("value_per_outcome"), f"{where}.value_per_outcome"),
        review_minutes_per_task=_decimal(raw.get("review_minutes_per_task", 0), where),
        reviewer_hourly_rate=_decimal(raw.get("reviewer_hourly_rate", 0), where),
        overhead=_decimal(raw.get("overhead", 0), f"{where}.overhead"),
        targets=targets,
        urgent=_flag(raw, "urgent", True, where),
        residency=tuple(str(r) for r in residency),
        success_rates=_success_rates(raw.get("success_rate"), where, str(path)),
        value=parse_value_keys(raw, where),
    )


def _check_top_level(data: dict[str, Any], path: Path) -> None:
    """Refuse a top-level key the loader would ignore (``use_case:``, ``domain:``) and a
    ``usage:`` it could not read: a misspelled key must not silently drop a section."""
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            close = difflib.get_close_matches(str(key), TOP_LEVEL_KEYS, n=1)
            raise MappingError(
                f"{path}:{line_of(data, key)}: unknown top-level key {key!r}",
                (f"did you mean `{close[0]}`? " if close else "")
                + f"allowed: {', '.join(TOP_LEVEL_KEYS)} (see docs/mapping.md)",
            )
    usage = data.get("usage")
    if usage is None:
        return
    at = f"{path}:{line_of(data, 'usage')}: usage"
    if not isinstance(usage, dict) or set(usage) - {"input_convention"}:
        raise MappingError(
            f"{at}: expected {{input_convention: inclusive}}", "see docs/mapping.md (Top level)"
        )
    convention = usage.get("input_convention")
    if convention is not None and convention not in INPUT_CONVENTIONS:
        raise MappingError(
            f"{at}.input_convention: {convention!r} is not inclusive or exclusive",
            "see docs/usage-record.md#input-convention",
        )


def load_mapping(path: Path) -> OutcomeMapping:
    """Load and validate an outcome mapping; file paths inside are relative to it."""
    # (kept parsed between runs: a run that reads this mapping again never imports PyYAML)
    from tokenecon.engine.yamlcache import kept_yaml

    data = kept_yaml(path, MappingError, "outcome mapping")
    if isinstance(data, dict):
        _check_top_level(data, path)
    if not isinstance(data, dict) or not isinstance(data.get("use_cases"), dict):
        raise MappingError(
            f"{path}: expected a mapping with `use_cases:`", "see docs/mapping.md for the format"
        )
    use_cases = tuple(
        _use_case(str(name), raw, f"{path}:{line_of(data['use_cases'], name)}: {name}", path)
        for name, raw in data["use_cases"].items()
    )
    usage = data.get("usage") or {}
    convention = usage.get("input_convention") if isinstance(usage, dict) else None
    attributes = sorted(
        {r.attribute for u in use_cases for r in u.match}
        | {u.task_key for u in use_cases if u.task_key}
    )
    return OutcomeMapping(
        use_cases=use_cases,
        path=str(path),
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        input_convention=str(convention) if convention else None,
        attributes=tuple(attributes),
        ownership=load_ownership(data, path, [u.name for u in use_cases]),
    )


def is_glob(value: str) -> bool:
    """Whether a match value is a glob pattern."""
    return any(ch in value for ch in "*?[")
