"""The versioned report object (``tokenecon.report/v1``) and its JSON form.

Money is a decimal string rounded half-up to 1e-6; rates (cost per token) keep 12 decimals and
ratios 6, so that the figures a person reads can be recomputed from the ones beside them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from tokenecon.aggregate.types import UsageAggregates
from tokenecon.economics.board import BoardLines, OutcomeGroup, board_lines
from tokenecon.economics.decompose import Economics, UseCaseEconomics, Volume, ratio
from tokenecon.economics.diagnose import LADDER, NEXT_STEPS, Finding, LayerCheck, layer_checks
from tokenecon.errors import TokenEconError
from tokenecon.ingest.canonical import TOKEN_COLUMNS

SCHEMA = "tokenecon.report/v1"
MONEY = Decimal("0.000001")
RATE = Decimal("0.000000000001")
RATIO = Decimal("0.000001")


class ReportSchemaError(TokenEconError):
    """A saved report of another (older or newer) schema."""

    default_hint = "see docs/reports.md for the saved report"


def _rounded(x: Decimal | None, step: Decimal) -> str | None:
    """``x`` rounded half-up to ``step``, as text; what rounds to zero is ``0``, never ``-0``."""
    if x is None:
        return None
    rounded = x.quantize(step, rounding=ROUND_HALF_UP)
    return format(abs(rounded) if rounded == 0 else rounded, "f")


def money(x: Decimal | None) -> str | None:
    """Money as a decimal string rounded to 1e-6."""
    return _rounded(x, MONEY)


def rate(x: Decimal | None) -> str | None:
    """A per-token rate as a decimal string with 12 decimals."""
    return _rounded(x, RATE)


def number(x: Decimal | None) -> str | None:
    """A ratio as a decimal string with 6 decimals."""
    return _rounded(x, RATIO)


def _tokens(v: Volume) -> dict[str, int]:
    out = {c.removesuffix("_tokens"): v.tokens[c] for c in TOKEN_COLUMNS}
    out["billable"] = v.billable
    return out


def _volume(v: Volume) -> dict[str, Any]:
    return {
        "cost": money(v.cost),
        "reported_cost": money(v.reported_cost) if v.reported_rows else None,
        "tokens": _tokens(v),
        "requests": v.requests,
        "rows": v.rows,
        "unpriced_tokens": v.unpriced_tokens,
        "cliff_unknown_tokens": v.cliff_unknown_tokens,
        "requests_above_cliff": v.above_cliff_requests,
    }


def _cost_source(v: Volume) -> str | None:
    """Where a slice's cost comes from: computed, reported, both, or nowhere (unpriced)."""
    if not v.cost and not v.cost_from_reported and v.unpriced_tokens == v.billable:
        return None
    if not v.cost_from_reported:
        return "computed"
    return "reported" if v.cost_from_reported == v.cost else "computed+reported"


def _reconciliation(lines: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "model": m.model,
            "computed": money(m.computed),
            "reported": money(m.reported),
            "gap": money(m.gap),
            "causes": [
                {"cause": cause, "amount": money(amount)}
                for cause, amount in sorted(m.causes.items(), key=lambda kv: -abs(kv[1]))
            ],
            "zero_cost_rows": m.zero_cost_rows,
        }
        for m in lines
    ]


def finding_json(f: Finding) -> dict[str, Any]:
    """A finding in the report's form: money for budgets, a rate for cost per token, numbers
    otherwise (the diagnosis and the ownership findings alike)."""
    value = money if f.layer == "budget" else rate if f.metric == "cost_per_token" else number
    return {
        "scope": f.scope,
        "layer": f.layer,
        "metric": f.metric,
        "actual": value(f.actual),
        "target": value(f.target),
        "target_source": f.target_source,
        "times_target": number(f.times_target),
        "remedy": f.remedy,
        "saving": money(f.saving),
        "message": f.message,
    }


def _layer(c: LayerCheck) -> dict[str, Any]:
    value = rate if c.metric == "cost_per_token" else number
    return {
        "layer": c.layer,
        "metric": c.metric,
        "actual": value(c.actual),
        "target": value(c.target),
        "target_source": c.target_source,
        "times_target": number(c.times_target),
    }


def _residency(u: UseCaseEconomics) -> dict[str, Any] | None:
    if not u.use_case or not u.use_case.residency:
        return None
    v = u.volume
    return {
        "regions": list(u.use_case.residency),
        "requests_in_region": v.resident_requests,
        "requests_outside": v.nonresident_requests,
        "requests_region_unknown": v.requests - v.resident_requests - v.nonresident_requests,
        "hit_rate": number(ratio(v.resident_requests, v.requests)),
    }


def _quality(g: OutcomeGroup) -> dict[str, Any]:
    return {
        "use_cases": list(g.use_cases),
        "tasks": g.tasks,
        "outcomes": g.outcomes,
        "outcomes_per_task": number(g.outcomes_per_task),
    }


def _board(b: BoardLines) -> dict[str, Any]:
    """The five board-slide lines (see :mod:`tokenecon.economics.board` for the definitions)."""
    return {
        "cost_per_verified_outcome": {
            "value": money(b.cost_per_verified_outcome),
            "cost": money(b.outcome_cost),
            "outcomes": b.outcomes,
            "use_cases": list(b.outcome_use_cases),
        },
        "direct_allocation_share": {
            "value": number(b.direct_allocation_share),
            "attributed_cost": money(b.attributed_cost),
            "cost": money(b.total_cost),
        },
        "route_win_rate": {
            "value": number(b.route_win_rate),
            "utility_requests": b.utility_requests,
            "priced_requests": b.priced_requests,
            "quality": {"utility": _quality(b.utility_quality), "other": _quality(b.other_quality)},
        },
        "cache_batch_leverage": {
            "value": number(b.leverage),
            "cost_without_levers": money(b.cost_without_cache),
            "cache_saving": money(b.cache_saving),
            "batch_saving": money(b.batch_saving),
            "cache_read_share": number(ratio(b.cache_read_tokens, b.input_tokens)),
            "batch_share": number(ratio(b.batch_requests, b.requests)),
        },
        "sovereignty_hit_rate": {
            "value": number(b.sovereignty_hit_rate),
            "use_cases": list(b.residency_use_cases),
            "requests": b.residency_requests,
            "requests_in_region": b.resident_requests,
            "requests_outside": b.nonresident_requests,
            "requests_region_unknown": b.unknown_region_requests,
        },
    }


def _use_case(u: UseCaseEconomics, findings: list[Finding], total_cost: Decimal) -> dict[str, Any]:
    mapped = u.use_case
    return {
        "name": u.name,
        "outcome": mapped.outcome if mapped else "",
        **_volume(u.volume),
        "cost_share": number(ratio(u.volume.cost, total_cost)),
        "tasks": u.tasks,
        "outcomes": u.outcomes,
        "outcomes_source": mapped.outcomes.kind if mapped and mapped.outcomes else None,
        "outcomes_without_usage": (
            u.outcomes_in_file - u.outcomes
            if u.outcomes_in_file is not None and u.outcomes is not None
            else None
        ),
        "cost_per_token": rate(u.cost_per_token),
        "tokens_per_task": number(u.tokens_per_task),
        "tasks_per_outcome": number(u.tasks_per_outcome),
        "cost_per_outcome": money(u.cost_per_outcome),
        "cost_per_task": money(u.cost_per_task),
        "review_cost": money(u.review_cost),
        "fully_loaded_cost": money(u.fully_loaded_cost),
        "fully_loaded_cost_per_outcome": money(u.fully_loaded_cost_per_outcome),
        "value_per_outcome": money(u.value_per_outcome),
        "value": money(u.value),
        "roi": number(u.roi),
        "requests_per_task": number(u.requests_per_task),
        "cache_read_share": number(u.cache_read_share),
        "output_share": number(u.output_share),
        "batch_share": number(u.batch_share),
        "unpriced_share": number(u.unpriced_share),
        "cheapest_model": u.cheapest_model,
        "cost_at_cheapest_model": money(u.cheapest_cost),
        "price_vs_cheapest": number(u.price_vs_cheapest),
        "targets": {k: str(v) for k, v in sorted(mapped.targets.items())} if mapped else {},
        "models": sorted(u.models),
        "layers": [_layer(c) for c in layer_checks(u)],
        "residency": _residency(u),
        "findings": [finding_json(f) for f in findings if f.scope == u.name],
    }


@dataclass(frozen=True)
class TimeViews:
    """Spend over time: the daily series, and the ``--by`` period breakdown if asked for."""

    timezone: str = "UTC"
    daily: list[tuple[str, Volume]] = field(default_factory=list)
    period: str | None = None
    """day, week or month, when ``--by`` names one."""
    attribute: str | None = None
    """The attribute ``--by`` names beside the period, if any."""
    rows: list[tuple[str, str | None, Volume]] = field(default_factory=list)
    """(period, attribute value, usage) for ``--by`` with a period."""


def _time(views: TimeViews, total_cost: Decimal) -> dict[str, Any]:
    """The ``time`` section: the time zone, and cost per day (``daily``)."""
    return {
        "timezone": views.timezone,
        "daily": [
            {"day": day, **_volume(v), "cost_share": number(ratio(v.cost, total_cost))}
            for day, v in views.daily
        ],
    }


def blocks_section(blocks: list[Any], now: datetime | None = None) -> dict[str, Any]:
    """The ``blocks`` section: 5-hour billing blocks of agent logs, oldest first, with the
    burn rate (cost per hour) and, for a block still open, its projected cost."""
    now = now or datetime.now(UTC)
    naive = now.replace(tzinfo=None)  # the engine's timestamps are naive UTC
    return {
        "hours": 5,
        "rows": [
            {
                "start": b.start.isoformat() + "Z",
                "end": b.end.isoformat() + "Z",
                "cost": money(b.cost),
                "requests": b.requests,
                "tokens": b.tokens,
                "unpriced_requests": b.unpriced_requests,
                "models": sorted(b.models),
                "burn_rate_per_hour": money(b.burn_rate()),
                "active": b.start <= naive < b.end,
                "projected_cost": money(b.projection(naive)),
            }
            for b in blocks
        ],
    }


def _period_breakdown(views: TimeViews, total_cost: Decimal) -> dict[str, Any]:
    by = views.period if not views.attribute else f"{views.period},{views.attribute}"
    rows = []
    for period, value, v in views.rows:
        row: dict[str, Any] = {"value": period}
        if views.attribute:
            row = {"value": value if value is not None else "(none)", "period": period}
        rows.append({**row, **_volume(v), "cost_share": number(ratio(v.cost, total_cost))})
    return {"by": by, "timezone": views.timezone, "rows": rows}


@dataclass(frozen=True)
class Report:
    """A report as a JSON-ready document."""

    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document."""
        return self.data

    def to_json(self) -> str:
        """Deterministic JSON text (sorted keys are not used: the order is the schema's)."""
        return json.dumps(self.data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_dict(cls, data: Any) -> Report:
        """Accept a saved report of this schema; refuse others by name."""
        schema = data.get("schema") if isinstance(data, dict) else None
        if schema != SCHEMA:
            raise ReportSchemaError(
                f"report schema {schema!r} is not supported (this tokenecon reads {SCHEMA})",
                "re-run `tokenecon analyze --save` with this version to regenerate it",
            )
        return cls(data)


def build_report(
    economics: Economics,
    aggregates: UsageAggregates,
    findings: list[Finding],
    rung: str,
    inputs: dict[str, Any],
    currency: str,
    by: str | None,
    *,
    reconciliation: list[Any] | None = None,
    estimated_models: set[str] | None = None,
    extra: dict[str, Any] | None = None,
    time: TimeViews | None = None,
) -> Report:
    """Assemble the report document."""
    estimated = estimated_models or set()
    total = economics.total
    # Counted per priced group: a model can be priced on some days and not on others, and be
    # named one way in the book and another in the usage.
    rows_priced = total.priced_rows
    rows_unpriced = total.rows - total.priced_rows
    accounting = {
        "rows_read": aggregates.rows_read,
        "rows_priced": rows_priced,
        "rows_unpriced": rows_unpriced,
        "rows_rejected": aggregates.rows_rejected,
        "rows_duplicate": aggregates.rows_duplicate,
        "rows_outside_period": aggregates.rows_filtered,
    }
    outcomes = [u.outcomes for u in economics.use_cases if u.outcomes is not None]
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "currency": currency,
        "period": {
            "start": economics.start.isoformat() if economics.start else None,
            "end": economics.end.isoformat() if economics.end else None,
        },
        "inputs": inputs,
        "totals": {
            **_volume(total),
            "estimated": bool(estimated),
            "tasks": sum(u.tasks for u in economics.use_cases),
            "outcomes": sum(outcomes) if outcomes else None,
            **accounting,
        },
        "maturity": {
            "rung": rung,
            "level": LADDER.index(rung),
            "ladder": list(LADDER),
            "next_step": NEXT_STEPS[rung],
        },
        "board": _board(board_lines(economics)),
        "use_cases": [
            {**_use_case(u, findings, total.cost), "estimated": bool(set(u.models) & estimated)}
            for u in economics.use_cases
        ],
        "models": [
            {
                "model": name,
                "tier": economics.model_tiers.get(name),
                "provider": economics.model_providers.get(name),
                **_volume(v),
                "cost_share": number(ratio(v.cost, total.cost)),
                "cost_source": _cost_source(v),
                "estimated": name in estimated,
                "cost_per_million_tokens": money(
                    ratio(v.cost * 1_000_000, v.billable - v.unpriced_tokens)
                ),
            }
            for name, v in sorted(economics.models.items(), key=lambda kv: (-kv[1].cost, kv[0]))
        ],
        "unattributed": {
            **_volume(economics.unattributed),
            "cost_share": number(ratio(economics.unattributed.cost, total.cost)),
        },
        "unpriced": [
            {"model": name, "reason": economics.unpriced_reasons[name], **_volume(v)}
            for name, v in sorted(economics.unpriced.items())
        ],
        "rejected": {
            "count": aggregates.rows_rejected,
            "reasons": [{"reason": r, "rows": n} for r, n in aggregates.reject_reasons],
            "rows": [
                {"source": s.source, "line": s.line, "reason": s.reason}
                for s in aggregates.rejected_samples
            ],
        },
        "duplicates": {
            "count": aggregates.rows_duplicate,
            "conflicting_ids": aggregates.duplicates_conflicting,
            "ids": [{"request_id": i, "copies": n} for i, n in aggregates.duplicate_samples],
        },
        "findings": [finding_json(f) for f in findings if f.scope == "portfolio"],
        "cost_source": {
            "option": inputs.get("cost_source", "auto"),
            "computed": money(total.cost - total.cost_from_reported),
            "reported": money(total.cost_from_reported),
        },
        "reconciliation": _reconciliation(reconciliation or []),
        **(extra or {}),
    }
    views = time or TimeViews()
    data["time"] = _time(views, total.cost)
    if views.period:
        data["breakdown"] = _period_breakdown(views, total.cost)
    elif by:
        data["breakdown"] = {
            "by": by,
            "rows": [
                {"value": k, **_volume(v), "cost_share": number(ratio(v.cost, total.cost))}
                for k, v in sorted(economics.breakdown.items(), key=lambda kv: (-kv[1].cost, kv[0]))
            ],
        }
    return Report(data)


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
            f"{path}:{exc.lineno}: not a JSON report ({exc.msg})",
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
