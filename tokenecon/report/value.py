"""The report's value sections (docs/reports.md#beyond-the-sticker): integrity, human baseline,
placement and waterfall per use case; value areas, the portfolio waterfall, the operating
ladder, the frontier share and the five CEO questions. Added to ``tokenecon.report/v1`` beside
the existing sections; nothing is renamed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tokenecon.economics.board import board_lines
from tokenecon.economics.ceo_questions import Answer, answer_questions
from tokenecon.economics.decompose import Economics
from tokenecon.economics.frontier_share import FrontierShare, frontier_share
from tokenecon.economics.human import HumanBaseline, hours_saved_per_million_tokens
from tokenecon.economics.integrity import Integrity
from tokenecon.economics.operating_ladder import (
    NEXT,
    STAGES,
    OperatingStage,
    assess_operating_stage,
)
from tokenecon.economics.placement import Placement
from tokenecon.economics.value import UseCaseValue, ValueAssessment
from tokenecon.economics.waterfall import STEPS, Waterfall, rounded_steps
from tokenecon.price.book import PriceBook
from tokenecon.report.figures import MONEY, money, number


def _waterfall(w: Waterfall | None) -> dict[str, Any] | None:
    if w is None:
        return None
    total = w.total
    per = [v for v in w.per_outcome()]
    per_total = sum(per, Decimal(0))
    period = rounded_steps(w.steps, total, MONEY)
    per_shown = rounded_steps(per, per_total, MONEY)
    return {
        "outcomes": w.outcomes,
        "fully_loaded_cost": money(total),
        "fully_loaded_cost_per_outcome": money(per_total),
        "sticker_share": number(w.sticker_share),
        "reread_tokens": w.reread_tokens,
        "reread_share": number(w.reread_share),
        "steps": [
            {"step": name, "cost": money(c), "per_outcome": money(p)}
            for name, c, p in zip(STEPS, period, per_shown, strict=True)
        ],
    }


def _human(h: HumanBaseline, i: Integrity, billable: int) -> dict[str, Any]:
    return {
        "minutes_per_outcome": number(h.minutes_per_outcome),
        "hourly_rate": money(h.hourly_rate),
        "human_hours": number(h.human_hours),
        "review_hours": number(h.review_hours),
        "hours_saved": number(h.hours_saved),
        "human_cost": money(h.human_cost),
        "hours_saved_per_million_tokens": number(hours_saved_per_million_tokens(h, billable)),
        "hours_saved_per_dollar": number(h.hours_saved_per_dollar),
        "payback_outcomes": number(h.payback_outcomes),
        "roi_vs_human": number(h.roi),
        "roi_vs_declared_value": number(i.roi_net),
    }


def _placement(p: Placement) -> dict[str, Any]:
    return {
        "regions": list(p.regions),
        "source": p.source,
        "book_regions": {r: number(m) for r, m in p.book_regions.items()},
        "premium_rate": number(p.premium_rate),
        "in_region_cost": money(p.in_region_cost),
        "global_cost": money(p.global_cost),
        "book_premium": money(p.book_premium),
        "declared_premium": money(p.declared_premium),
        "premium": money(p.premium),
        "sovereignty_hit_rate": number(p.hit_rate),
    }


def _use_case(v: UseCaseValue) -> dict[str, Any]:
    i, h, p, u = v.integrity, v.human, v.placement, v.economics
    return {
        "name": u.name,
        "value_area": u.use_case.value.value_area if u.use_case else None,
        "integrity": {
            "error_rate": number(i.error_rate),
            "source": i.source,
            "errors": number(i.errors),
            "cost_per_error": money(i.cost_per_error),
            "cost_per_error_basis": i.basis,
            "error_cost": money(i.error_cost),
            "saving": money(i.saving),
            "roi": number(u.roi),
            "roi_net_of_errors": number(i.roi_net),
            "error_cost_exceeds_saving": i.wiped_out,
        },
        "human_baseline": None if h is None else _human(h, i, u.volume.billable),
        "placement": None if p is None else _placement(p),
        "waterfall": _waterfall(v.waterfall),
    }


def _stage(s: OperatingStage) -> dict[str, Any]:
    return {
        "stage": s.stage,
        "level": s.level,
        "ladder": list(STAGES),
        "kpis": {
            "direct_allocation_share": number(s.direct_allocation_share),
            "cache_batch_leverage": number(s.leverage),
            "batch_share": number(s.batch_share),
            "route_win_rate": number(s.route_win_rate),
            "chargeback_coverage": number(s.chargeback_coverage),
            "margin_per_workload": {k: money(m) for k, m in s.margins.items()},
        },
        "next_step": NEXT[s.stage],
    }


def _frontier(f: FrontierShare) -> dict[str, Any]:
    return {
        "share": number(f.share),
        "inside_cost": money(f.inside_cost),
        "cost": money(f.total_cost),
        "use_cases": [
            {
                "name": p.name,
                "cost": money(p.cost),
                "cost_per_outcome": money(p.cost_per_outcome),
                "quality": number(p.quality),
                "inside": p.inside,
                "cheaper_model": p.cheaper_model,
                "cheaper_cost_per_outcome": money(p.cheaper_cost_per_outcome),
                "cheaper_quality": number(p.cheaper_quality),
                "rate_stated_at": p.rate_source,
            }
            for p in f.points
        ],
        "not_assessed": f.not_assessed,
        "on_cheapest": f.on_cheapest,
    }


def _answer(a: Answer) -> dict[str, Any]:
    return {
        "key": a.key,
        "question": a.question,
        "answered": a.answered,
        "operator": a.operator,
        "buyer": a.buyer,
        "missing": a.missing,
        "closes": a.closes,
        "figures": {k: (v if isinstance(v, int) else number(v)) for k, v in a.figures.items()},
    }


def value_sections(
    economics: Economics, assessment: ValueAssessment, book: PriceBook
) -> dict[str, Any]:
    """``value`` (per use case and areas), ``waterfall``, ``operating_ladder``,
    ``frontier_share`` and ``ceo_questions``."""
    board = board_lines(economics)
    stage = assess_operating_stage(economics, board)
    frontier = frontier_share(economics, book)
    answers = answer_questions(economics, board, assessment, stage, frontier)
    return {
        "ceo_questions": [_answer(a) for a in answers],
        "value": {
            "use_cases": [_use_case(v) for v in assessment.use_cases],
            "areas": [
                {
                    "area": a.area,
                    "use_cases": a.use_cases,
                    "cost": money(a.cost),
                    "fully_loaded_cost": money(a.fully_loaded_cost),
                    "outcomes": a.outcomes,
                    "value": money(a.value),
                    "roi": number(a.roi),
                }
                for a in assessment.areas
            ],
        },
        "waterfall": _waterfall(assessment.waterfall),
        "operating_ladder": _stage(stage),
        "frontier_share": _frontier(frontier),
    }
