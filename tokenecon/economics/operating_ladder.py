"""The operating model's ladder, assessed from the data beside the maturity ladder
(docs/formulas.md#operating-ladder): sticker shock -> showback and internal credits ->
policy-aware routing -> outcome-based chargeback. Each stage has a leading KPI; a stage is held
when its KPI and every earlier one clear their thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tokenecon.economics.board import BoardLines
from tokenecon.economics.decompose import Economics, ratio

STAGES = ("sticker_shock", "showback", "policy_routing", "outcome_chargeback")
SHOWBACK_SHARE = Decimal("0.9")
"""Direct-allocation share that makes showback and internal credits credible."""
ROUTING_LEVERAGE = Decimal("0.1")
"""Cache and batch leverage (share of the list bill taken off) that shows a routing policy ..."""
ROUTING_WIN_RATE = Decimal("0.25")
"""... or this share of priced requests won by utility-tier models."""
CHARGEBACK_COVERAGE = Decimal("0.8")
"""Share of spend whose use cases have both a cost per verified outcome and a
declared value (a margin per workload) before chargeback on outcomes."""
NEXT = {
    "sticker_shock": "attribute spend: a use case in the mapping for at least 90% of it",
    "showback": "route by policy: cache long prompts, batch non-urgent work, send easy tasks "
    "to utility models (leverage >= 10% or route win rate >= 25%)",
    "policy_routing": "count verified outcomes and declare value per outcome for at least 80% "
    "of spend, so each workload has a cost per outcome and a margin",
    "outcome_chargeback": "keep it there: charge back per verified outcome, diff monthly",
}


@dataclass(frozen=True)
class OperatingStage:
    """Where the operating model stands, with every stage's KPI."""

    stage: str
    direct_allocation_share: Decimal | None
    leverage: Decimal | None
    batch_share: Decimal | None
    route_win_rate: Decimal | None
    chargeback_coverage: Decimal | None
    """Spend of use cases with outcomes and a declared value / all priced spend."""
    margins: dict[str, Decimal]
    """Value - fully loaded cost per use case that has both."""

    @property
    def level(self) -> int:
        """0..3."""
        return STAGES.index(self.stage)

    @property
    def next_step(self) -> str:
        """What earns the next stage."""
        return NEXT[self.stage]


def assess_operating_stage(economics: Economics, board: BoardLines) -> OperatingStage:
    """The stage the data supports."""
    margins = {
        u.name: u.value - u.fully_loaded_cost for u in economics.use_cases if u.value is not None
    }
    covered = sum(
        (u.volume.cost for u in economics.use_cases if u.name in margins and u.outcomes),
        Decimal(0),
    )
    coverage = ratio(covered, economics.total.cost)
    allocation, leverage = board.direct_allocation_share, board.leverage
    win, batch = board.route_win_rate, ratio(board.batch_requests, board.requests)
    stage = "sticker_shock"
    if allocation is not None and allocation >= SHOWBACK_SHARE:
        stage = "showback"
        if (leverage or 0) >= ROUTING_LEVERAGE or (win or 0) >= ROUTING_WIN_RATE:
            stage = "policy_routing"
            if coverage is not None and coverage >= CHARGEBACK_COVERAGE:
                stage = "outcome_chargeback"
    return OperatingStage(stage, allocation, leverage, batch, win, coverage, margins)
