"""The versioned report object (``tokenecon.report/v1``) and its JSON form.

Money is a decimal string rounded half-up to 1e-6; rates (cost per token) keep 12 decimals and
ratios 6, so that the figures a person reads can be recomputed from the ones beside them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tokenecon.aggregate.types import UsageAggregates
from tokenecon.economics.board import BoardLines, OutcomeGroup, board_lines
from tokenecon.economics.decompose import Economics, UseCaseEconomics, Volume, ratio
from tokenecon.economics.diagnose import Finding, LayerCheck, layer_checks
from tokenecon.economics.maturity import LADDER, NEXT_STEPS
from tokenecon.economics.waterfall import rounded_steps
from tokenecon.errors import TokenEconError
from tokenecon.report.figures import (
    MONEY,
    money,
    number,
    rate,
    volume_json,
)
from tokenecon.report.time_sections import TimeViews, period_breakdown, time_section

SCHEMA = "tokenecon.report/v1"


class ReportSchemaError(TokenEconError):
    """A saved report of another (older or newer) schema."""

    default_hint = "see docs/reports.md for the saved report"


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
            "causes": _causes(m.causes, m.gap),
            "zero_cost_rows": m.zero_cost_rows,
        }
        for m in lines
    ]


def _causes(causes: dict[str, Decimal], gap: Decimal) -> list[dict[str, Any]]:
    """The gap's parts, largest first, rounded so that they add up to the rounded gap (two
    parts of half a micro-dollar each would otherwise print one more than their sum)."""
    ranked = sorted(causes.items(), key=lambda kv: -abs(kv[1]))
    amounts = rounded_steps([amount for _, amount in ranked], gap, MONEY)
    return [
        {"cause": cause, "amount": money(amount)}
        for (cause, _), amount in zip(ranked, amounts, strict=True)
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
        **volume_json(u.volume),
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
            **volume_json(total),
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
                **volume_json(v),
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
            **volume_json(economics.unattributed),
            "cost_share": number(ratio(economics.unattributed.cost, total.cost)),
        },
        "unpriced": [
            {"model": name, "reason": economics.unpriced_reasons[name], **volume_json(v)}
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
    data["time"] = time_section(views, total.cost)
    if views.period:
        data["breakdown"] = period_breakdown(views, total.cost)
    elif by:
        data["breakdown"] = {
            "by": by,
            "rows": [
                {"value": k, **volume_json(v), "cost_share": number(ratio(v.cost, total.cost))}
                for k, v in sorted(economics.breakdown.items(), key=lambda kv: (-kv[1].cost, kv[0]))
            ],
        }
    return Report(data)
