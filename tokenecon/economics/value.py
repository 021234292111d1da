"""Beyond the sticker price: integrity, the human alternative, value areas, placement and the
hidden-cost waterfall of every use case, assessed together (docs/formulas.md)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tokenecon.economics.decompose import Economics, UseCaseEconomics
from tokenecon.economics.diagnose import Finding, FindingKind, _usd
from tokenecon.economics.human import HumanBaseline, assess_human
from tokenecon.economics.integrity import Integrity, assess_integrity
from tokenecon.economics.placement import Placement, assess_placement, in_region_costs
from tokenecon.economics.value_areas import AreaRollup, roll_up_areas
from tokenecon.economics.waterfall import (
    BeyondFirst,
    Waterfall,
    beyond_first,
    portfolio_waterfall,
    waterfall_of,
)
from tokenecon.price.apply import PricedGroup
from tokenecon.price.book import PriceBook
from tokenecon.units import percent_text

PLACEMENT_SHARE = Decimal("0.05")
"""A placement premium above this share of the use case's model cost is a finding."""
ERRORS_EAT_SAVING = FindingKind("integrity", "error_cost", "mapping", "review")
PLACEMENT_PREMIUM = FindingKind("placement", "placement_premium", "default", "place")


@dataclass(frozen=True)
class UseCaseValue:
    """One use case beyond its sticker price."""

    economics: UseCaseEconomics
    integrity: Integrity
    human: HumanBaseline | None
    placement: Placement | None
    waterfall: Waterfall | None


@dataclass(frozen=True)
class ValueAssessment:
    """Every use case's value view, the areas and the portfolio waterfall."""

    use_cases: list[UseCaseValue]
    areas: list[AreaRollup]
    waterfall: Waterfall | None


def assess_value(
    economics: Economics, priced: Sequence[PricedGroup], book: PriceBook
) -> ValueAssessment:
    """Assess every use case; the waterfall's re-reads are the calls beyond the first of each
    task, measured by the engine and priced like the rest of the usage."""
    resident = in_region_costs(priced)
    by_use_case: dict[str, list[PricedGroup]] = {}
    for p in priced:
        by_use_case.setdefault(p.group.use_case or "", []).append(p)
    views = []
    for u in economics.use_cases:
        integrity = assess_integrity(u, book)
        placement = assess_placement(u, resident)
        premium = placement.premium if placement else Decimal(0)
        declared = placement.premium_rate if placement and placement.declared_premium else 0
        later = (
            beyond_first(by_use_case.get(u.name, []), Decimal(declared))
            if u.outcomes
            else BeyondFirst()
        )
        views.append(
            UseCaseValue(
                u, integrity, assess_human(u, integrity), placement, waterfall_of(u, premium, later)
            )
        )
    falls = [v.waterfall for v in views if v.waterfall]
    return ValueAssessment(views, roll_up_areas(economics.use_cases), portfolio_waterfall(falls))


def _basis(p: Placement) -> str:
    """Where a premium comes from, in words: ``eu x1.1 from the price book``."""
    parts = []
    if p.book_premium:
        rates = ", ".join(f"{r} x{m.normalize():f}" for r, m in p.book_regions.items())
        parts.append(f"{rates} from the price book")
    if p.declared_premium:
        parts.append(f"declared {p.premium_rate * 100:,.1f}% where the book has no regional price")
    return "; ".join(parts)


def value_findings(assessment: ValueAssessment) -> list[Finding]:
    """Error cost that eats the saving; a placement premium worth a look."""
    out = []
    for v in assessment.use_cases:
        i, u = v.integrity, v.economics
        if i.wiped_out and i.error_cost is not None and i.saving is not None:
            out.append(
                ERRORS_EAT_SAVING.on(
                    u.name,
                    i.error_cost,
                    i.saving,
                    f"expected errors cost {_usd(i.error_cost)} against a saving "
                    f"of {_usd(i.saving)}: liability, not ROI (net ROI "
                    f"{percent_text(i.roi_net or Decimal(0))})",
                )
            )
        p = v.placement
        model = u.volume.cost
        if p and p.premium and model and p.premium > model * PLACEMENT_SHARE:
            out.append(
                PLACEMENT_PREMIUM.on(
                    u.name,
                    p.premium,
                    model * PLACEMENT_SHARE,
                    f"in-region inference ({', '.join(p.regions)}) cost "
                    f"{_usd(p.premium)} above the global price of the same tokens "
                    f"({_basis(p)}), "
                    f"{p.premium / model * 100:,.1f}% of its model cost, required by its "
                    "residency policy",
                )
            )
    return out
