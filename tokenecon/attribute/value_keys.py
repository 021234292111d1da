"""The mapping's value keys of a use case (docs/mapping.md#value-integrity-and-placement):
answer integrity (``error_rate``, ``cost_per_error``), the human alternative
(``human_baseline``), the value area (``value_area``) and the placement premium
(``placement_premium``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tokenecon.errors import MappingError
from tokenecon.yamlfile import line_of

VALUE_KEYS = (
    "error_rate", "error_rate_by_model", "cost_per_error", "human_baseline", "value_area",
    "placement_premium",
)  # fmt: skip
VALUE_AREAS = (
    "revenue_growth", "operational_efficiency", "risk_reduction", "decision_intelligence",
)  # fmt: skip
ERROR_WORDS = ("failed", "escalated", "false")
"""Values of an outcome-events column that mark an outcome as an error, by default."""


@dataclass(frozen=True)
class ErrorCount:
    """Errors counted from a per-task outcome-events file: rows whose ``column`` is one of
    ``values`` (distinct task keys)."""

    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class ValueInputs:
    """What a use case declares about quality, value and placement (all optional)."""

    error_rate: Decimal | None = None
    """Share of verified outcomes that are wrong (0..1), if declared."""
    error_count: ErrorCount | None = None
    """Or: count errors from the outcome-events file."""
    cost_per_error: Decimal | None = None
    """What one error costs: rework at a rate, or a declared liability."""
    cost_per_error_basis: str | None = None
    """``rework`` or ``liability``."""
    human_minutes_per_outcome: Decimal | None = None
    """Minutes a person takes for one outcome without AI."""
    human_hourly_rate: Decimal | None = None
    """That person's hourly cost."""
    value_area: str | None = None
    """One of :data:`VALUE_AREAS`."""
    placement_premium: Decimal = Decimal(0)
    """In-region price over the global price of the same tokens, minus one (0.15: 15% more)."""
    model_error_rates: tuple[tuple[str, Decimal, str], ...] = ()
    """``error_rate_by_model``: (model as written, share, ``where``); `whatif --route` and the
    baseline weigh them by each model's share of the use case's requests."""


def _number(value: Any, where: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise MappingError(f"{where}: expected a number, got {value!r}") from None
    if not number.is_finite() or number < 0:
        raise MappingError(f"{where}: expected a number >= 0, got {value!r}")
    return number


def parse_share(value: Any, where: str, hint: str) -> Decimal:
    """A share written ``0.05`` or ``5%``; outside 0..1 (0..100%) is refused."""
    text = str(value).strip()
    if text.endswith("%"):
        number = _number(text.removesuffix("%"), where) / 100
    else:
        number = _number(text, where)
    if number > 1:
        raise MappingError(f"{where}: {value!r} is not a share between 0 and 1", hint)
    return number


def _error_rate(
    raw: Any, where: str, raw_outcomes: Any
) -> tuple[Decimal | None, ErrorCount | None]:
    if raw is None:
        return None, None
    if isinstance(raw, dict):
        unknown = set(raw) - {"column", "values"}
        if unknown or "column" not in raw:
            raise MappingError(
                f"{where}: expected a share (0.05 or 5%) or {{column: ..., values: [...]}}",
                "count errors from the outcome-events file: {column: status}",
            )
        values = raw.get("values") or list(ERROR_WORDS)
        values = values if isinstance(values, list) else [values]
        outcomes = raw_outcomes.get("outcomes") if isinstance(raw_outcomes, dict) else None
        if not (isinstance(outcomes, dict) and "file" in outcomes):
            raise MappingError(
                f"{where}: errors are counted from per-task outcome events",
                "give `outcomes: {file: ...}`, or declare a share: error_rate: 0.05",
            )
        return None, ErrorCount(str(raw["column"]), tuple(str(v).strip().lower() for v in values))
    hint = "write 0.05 (or 5%) for one verified outcome in twenty being wrong"
    return parse_share(raw, where, hint), None


def _cost_per_error(raw: Any, where: str) -> tuple[Decimal | None, str | None]:
    if raw is None:
        return None, None
    if isinstance(raw, dict):
        if set(raw) != {"rework_minutes", "hourly_rate"}:
            raise MappingError(
                f"{where}: expected a liability per error (a number) or "
                "{rework_minutes: ..., hourly_rate: ...}"
            )
        minutes = _number(raw["rework_minutes"], f"{where}.rework_minutes")
        rate = _number(raw["hourly_rate"], f"{where}.hourly_rate")
        return minutes * rate / 60, "rework"
    return _number(raw, where), "liability"


def _human(raw: Any, where: str) -> tuple[Decimal | None, Decimal | None]:
    if raw is None:
        return None, None
    if not isinstance(raw, dict) or set(raw) != {"minutes_per_outcome", "hourly_rate"}:
        raise MappingError(
            f"{where}: expected {{minutes_per_outcome: ..., hourly_rate: ...}}",
            "the human alternative: how long a person takes for one outcome, at what cost",
        )
    return (
        _number(raw["minutes_per_outcome"], f"{where}.minutes_per_outcome"),
        _number(raw["hourly_rate"], f"{where}.hourly_rate"),
    )


def _area(raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    text = str(raw).strip().lower().replace(" ", "_").replace("-", "_")
    if text not in VALUE_AREAS:
        raise MappingError(
            f"{where}: unknown value area {raw!r}", f"one of: {', '.join(VALUE_AREAS)}"
        )
    return text


def parse_value_keys(raw: dict[str, Any], where: str) -> ValueInputs:
    """The value keys of one use case's YAML mapping; ``where`` is ``file:line: name``."""

    def at(key: str) -> str:
        return f"{where}.{key} (line {line_of(raw, key)})"

    rate, count = _error_rate(raw.get("error_rate"), at("error_rate"), raw)
    per_error, basis = _cost_per_error(raw.get("cost_per_error"), at("cost_per_error"))
    minutes, hourly = _human(raw.get("human_baseline"), at("human_baseline"))
    premium = Decimal(0)
    if raw.get("placement_premium") is not None:
        text = str(raw["placement_premium"]).strip()
        premium = (
            _number(text.removesuffix("%"), at("placement_premium")) / 100
            if text.endswith("%")
            else _number(text, at("placement_premium"))
        )
        if premium and not raw.get("residency"):
            raise MappingError(
                f"{at('placement_premium')}: a placement premium needs `residency:`",
                "name the regions the policy requires; the premium is paid on their requests",
            )
    by_model = raw.get("error_rate_by_model")
    if by_model is not None and not isinstance(by_model, dict):
        raise MappingError(
            f"{at('error_rate_by_model')}: expected models mapped to shares",
            "e.g. error_rate_by_model: {gpt-4.1-mini: 8%, gpt-4.1: 2%}",
        )
    hint = "write 0.05 (or 5%) for one verified outcome in twenty being wrong"
    model_rates = tuple(
        (
            str(m),
            parse_share(v, f"{at('error_rate_by_model')}.{m}", hint),
            at("error_rate_by_model"),
        )
        for m, v in (by_model or {}).items()
    )
    return ValueInputs(
        model_error_rates=model_rates,
        error_rate=rate,
        error_count=count,
        cost_per_error=per_error,
        cost_per_error_basis=basis,
        human_minutes_per_outcome=minutes,
        human_hourly_rate=hourly,
        value_area=_area(raw.get("value_area"), at("value_area")),
        placement_premium=premium,
    )


def count_errors(path: Path, key: str, count: ErrorCount) -> int:
    """Distinct task keys of an outcome-events CSV whose ``count.column`` is an error word."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or count.column not in reader.fieldnames:
            raise MappingError(
                f"{path}: no column {count.column!r} for `error_rate`",
                f"found: {', '.join(reader.fieldnames or [])}; fix `error_rate.column`",
            )
        keys = {
            (row.get(key) or "").strip()
            for row in reader
            if (row.get(count.column) or "").strip().lower() in count.values
        }
    return len(keys - {""})
