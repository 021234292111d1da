"""The maturity ladder: the rung an analysis's inputs support (Blind, Metered, Attributed,
Unit-economic, Optimized) and the next step up.

In: the economics and the diagnosis's findings. Out: the rung's name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenecon.economics.decompose import Economics
    from tokenecon.economics.diagnose import Finding


LADDER = ("Blind", "Metered", "Attributed", "Unit-economic", "Optimized")
NEXT_STEPS = {
    "Blind": "price the usage: add the models to a --prices book",
    "Metered": "attribute spend: write an outcome mapping (--outcomes) with a use case per job",
    "Attributed": "count outcomes: give each use case an `outcomes:` source",
    "Unit-economic": "act on the findings and set targets until none is off",
    "Optimized": "keep it there: diff each month's report in CI with --fail-on thresholds",
}


def maturity(economics: Economics, findings: list[Finding]) -> str:
    """The rung of the maturity ladder the inputs support."""
    if economics.total.cost == 0 and economics.total.unpriced_tokens:
        return "Blind"
    attributed = [u for u in economics.use_cases if u.volume.rows]
    if not attributed:
        return "Metered"
    with_outcomes = [u for u in attributed if u.outcomes is not None]
    if not with_outcomes:
        return "Attributed"
    levers = {"pricing", "efficiency", "design", "value", "attribution", "integrity", "placement"}
    if len(with_outcomes) == len(attributed) and not any(f.layer in levers for f in findings):
        return "Optimized"
    return "Unit-economic"
