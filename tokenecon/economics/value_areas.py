"""Spend, value, ROI and outcomes rolled up by value area (docs/formulas.md#value-areas)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from tokenecon.attribute.value_keys import VALUE_AREAS
from tokenecon.economics.decompose import UseCaseEconomics, ratio

UNASSIGNED = "unassigned"


@dataclass
class AreaRollup:
    """One value area over the period."""

    area: str
    use_cases: list[str] = field(default_factory=list)
    cost: Decimal = Decimal(0)
    """Model cost."""
    fully_loaded_cost: Decimal = Decimal(0)
    outcomes: int = 0
    value: Decimal = Decimal(0)
    """Declared value of the use cases that declare one."""
    valued_cost: Decimal = Decimal(0)
    """Fully loaded cost of those use cases (the ROI's denominator)."""

    @property
    def roi(self) -> Decimal | None:
        """(value - fully loaded cost) / fully loaded cost, over the valued use cases."""
        if not self.valued_cost and not self.value:
            return None
        return ratio(self.value - self.valued_cost, self.valued_cost)


def roll_up_areas(use_cases: Sequence[UseCaseEconomics]) -> list[AreaRollup]:
    """The four areas in their fixed order, then ``unassigned`` if any use case has no area."""
    areas = {a: AreaRollup(a) for a in (*VALUE_AREAS, UNASSIGNED)}
    for u in use_cases:
        area = (u.use_case.value.value_area if u.use_case else None) or UNASSIGNED
        roll = areas[area]
        roll.use_cases.append(u.name)
        roll.cost += u.volume.cost
        roll.fully_loaded_cost += u.fully_loaded_cost
        roll.outcomes += u.outcomes or 0
        if u.value is not None:
            roll.value += u.value
            roll.valued_cost += u.fully_loaded_cost
    return [r for r in areas.values() if r.area != UNASSIGNED or r.use_cases]
