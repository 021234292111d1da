"""The five questions a CEO should ask, answered from the data (docs/reports.md#ceo-questions).

Each has an **operator** answer (the figures, when the data supports them) or, failing that,
the **buyer** answer (what the bill alone says) with what is missing and the input that closes
the gap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from tokenecon.economics.board import BoardLines
from tokenecon.economics.decompose import Economics, ratio
from tokenecon.economics.diagnose import _usd
from tokenecon.economics.frontier_share import FrontierShare
from tokenecon.economics.operating_ladder import OperatingStage
from tokenecon.economics.value import ValueAssessment
from tokenecon.units import percent_text


@dataclass(frozen=True)
class Answer:
    """One question and what the data says."""

    key: str
    question: str
    answered: bool
    operator: str | None
    """The operator's answer, from the figures (None when the data cannot give it)."""
    buyer: str
    """What the bill alone says: the sticker view."""
    missing: str | None
    """What is missing for the operator answer."""
    closes: str | None
    """The input that would close it (a mapping key or option, with its docs page)."""
    figures: dict[str, Decimal | int | None] = field(default_factory=dict)


QUESTIONS = {
    "real_cost": "What does one verified outcome really cost us?",
    "integrity": "Can we stand behind the answers, and what do errors cost?",
    "time_saved": "How much time do we save against people doing the work?",
    "value_areas": "Where does the money go, in business terms?",
    "right_price": "Are we paying the right price for each workload?",
}
"""The five questions by key, in their fixed order."""


def _operator(
    key: str, operator: str, buyer: str, figures: dict[str, Decimal | int | None]
) -> Answer:
    """An answered question: the figures' answer beside the bill's."""
    return Answer(key, QUESTIONS[key], True, operator, buyer, None, None, figures)


def _buyer(key: str, buyer: str, missing: str, closes: str) -> Answer:
    """A question the data cannot answer: the bill's answer, what is missing, what closes it."""
    return Answer(key, QUESTIONS[key], False, None, buyer, missing, closes)


def _pct(x: Decimal | None) -> str:
    return "n/a" if x is None else percent_text(x)


def answer_questions(
    economics: Economics,
    board: BoardLines,
    value: ValueAssessment,
    stage: OperatingStage,
    frontier: FrontierShare,
) -> list[Answer]:
    """The five answers, in their fixed order."""
    total = economics.total
    cost = total.cost
    buyer_bill = f"the model bill is {_usd(cost)} for the period"
    if total.unpriced_all:  # unknown, never a confident $0.00
        buyer_bill = f"the model bill is unknown: none of its {total.billable:,} tokens has a price"
    elif total.unpriced_tokens:
        buyer_bill += f", without {total.unpriced_tokens:,} tokens that have no price"
    out = []
    w = value.waterfall
    if w is not None:
        per = ratio(w.total, w.outcomes) or Decimal(0)
        out.append(_operator(
            "real_cost",
            f"{_usd(per)} per verified outcome fully loaded over {w.outcomes:,} outcomes; the "
            f"sticker is {_pct(w.sticker_share)} of the real bill",
            buyer_bill,
            {"fully_loaded_cost_per_outcome": per, "sticker_share": w.sticker_share,
             "outcomes": w.outcomes},
        ))  # fmt: skip
    else:
        out.append(_buyer(
            "real_cost", buyer_bill, "no use case counts verified outcomes",
            "outcomes: per use case (docs/mapping.md#outcomes)",
        ))  # fmt: skip
    judged = [v for v in value.use_cases if v.integrity.error_cost is not None]
    if judged:
        error_cost = sum((v.integrity.error_cost or Decimal(0) for v in judged), Decimal(0))
        wiped = [v.economics.name for v in judged if v.integrity.wiped_out]
        out.append(_operator(
            "integrity",
            f"expected errors cost {_usd(error_cost)} across {len(judged)} use case(s); "
            + (f"errors eat the saving of {', '.join(wiped)}" if wiped
               else "no use case's errors eat its saving"),
            "the bill says nothing about wrong answers",
            {"error_cost": error_cost, "use_cases_wiped_out": len(wiped)},
        ))  # fmt: skip
    else:
        out.append(_buyer(
            "integrity", "the bill says nothing about wrong answers",
            "no use case declares an error rate and a cost per error",
            "error_rate and cost_per_error per use case (docs/mapping.md#value-keys)",
        ))  # fmt: skip
    humans = [v.human for v in value.use_cases if v.human is not None]
    if humans:
        saved = sum((h.hours_saved for h in humans), Decimal(0))
        human_cost = sum((h.human_cost for h in humans), Decimal(0))
        loaded = sum((h.fully_loaded_cost + h.error_cost for h in humans), Decimal(0))
        roi = ratio(human_cost - loaded, loaded)
        out.append(_operator(
            "time_saved",
            f"{saved:,.2f} hours saved net of review; the work by hand would cost "
            f"{_usd(human_cost)} against {_usd(loaded)} fully loaded with errors "
            f"(ROI against people {_pct(roi)})",
            buyer_bill,
            {"hours_saved": saved, "human_cost": human_cost, "roi_vs_human": roi},
        ))  # fmt: skip
    else:
        out.append(_buyer(
            "time_saved", buyer_bill, "no use case declares the human alternative",
            "human_baseline per use case (docs/mapping.md#value-keys)",
        ))  # fmt: skip
    assigned = [a for a in value.areas if a.area != "unassigned" and a.use_cases]
    area_cost = sum((a.cost for a in assigned), Decimal(0))
    by_team = f"by team and model only; direct allocation {_pct(board.direct_allocation_share)}"
    if assigned:
        top = max(assigned, key=lambda a: (a.cost, a.area))
        out.append(_operator(
            "value_areas",
            f"{_pct(ratio(area_cost, cost))} of spend sits in a value area; the largest is "
            f"{top.area.replace('_', ' ')} ({_usd(top.cost)}, ROI {_pct(top.roi)})",
            by_team, {"spend_with_area_share": ratio(area_cost, cost)},
        ))  # fmt: skip
    else:
        out.append(_buyer(
            "value_areas", by_team, "no use case names its value area",
            "value_area per use case (docs/mapping.md#value-keys)",
        ))  # fmt: skip
    if frontier.share is not None:
        out.append(_operator(
            "right_price",
            f"{_pct(frontier.share)} of spend is on workloads inside the quality-vs-cost "
            f"frontier ({_usd(frontier.inside_cost)}); operating stage "
            f"{stage.stage.replace('_', ' ')}",
            buyer_bill,
            {"frontier_share": frontier.share, "inside_cost": frontier.inside_cost},
        ))  # fmt: skip
    else:
        out.append(_buyer(
            "right_price", f"{buyer_bill}; operating stage {stage.stage.replace('_', ' ')}",
            "no cheaper model has a stated quality to compare with",
            "success_rate for the cheapest utility model per use case (docs/mapping.md)",
        ))  # fmt: skip
    return out
