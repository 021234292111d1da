"""Report x report -> what changed and why (docs/formulas.md), exactly, with no residual.

Use cases and models are matched by name. For a use case with outcomes in both periods, the
change in cost per outcome is attributed to its three factors by LMDI (:mod:`tokenecon.diff.lmdi`):

    Δ cost_per_outcome = Σ_f L(CPO₂, CPO₁) · ln(f₂ / f₁)
    f ∈ {cost per token, tokens per task, tasks per outcome}

The change in total cost splits, with the same weights per use case L(C₂, C₁), into outcome
volume (all outcomes), mix (each use case's share of the outcomes) and cost per outcome (which
splits again into the three factors), plus two terms that carry the spend that has no outcome
to divide by: use cases without outcomes in a period, and unattributed usage. The terms add up
to the change in total cost exactly.

Edge cases (all documented in the README):
- a use case present in one report only (added or removed) enters or leaves the mix: its whole
  cost is a mix effect (the ε → 0 limit of LMDI);
- a use case with no outcome source, or zero outcomes in either period, has no cost per outcome
  there: its cost change goes to ``without_outcomes`` and its own attribution is None, with the
  reason;
- a factor that did not change contributes 0 (ln 1 = 0), and L(a, a) = a;
- cost zero in one period (all its usage unpriced): the whole change is cost per token's.

The JSON form of a diff is :mod:`tokenecon.diff.document`'s.

Figures are computed from the exact fields of the reports (cost, billable tokens, tasks,
outcomes), not from their rounded ratios, so the contributions add up to the printed change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

from tokenecon.diff.lmdi import PRECISION, ZERO, log_mean, log_ratio, split_product
from tokenecon.economics.decompose import ratio
from tokenecon.report.document import Report

FACTORS = ("cost_per_token", "tokens_per_task", "tasks_per_outcome")


@dataclass(frozen=True)
class Period:
    """One use case in one report, as the numbers LMDI needs."""

    present: bool
    """It had usage in this period."""
    cost: Decimal = ZERO
    tokens: int = 0
    tasks: int = 0
    outcomes: int | None = None
    """None: the use case has no outcome source."""

    @classmethod
    def of(cls, entry: dict[str, Any] | None) -> Period:
        """From a report's use-case entry (None: absent)."""
        if entry is None or not entry.get("rows"):
            return cls(present=False)
        return cls(
            present=True,
            cost=Decimal(entry["cost"]),
            tokens=int(entry["tokens"]["billable"]),
            tasks=int(entry["tasks"]),
            outcomes=entry["outcomes"],
        )

    @property
    def counted(self) -> bool:
        """It has usage and at least one outcome, so a cost per outcome."""
        return self.present and bool(self.outcomes)

    @property
    def cost_per_outcome(self) -> Decimal | None:
        """C / O."""
        return ratio(self.cost, self.outcomes) if self.counted and self.outcomes else None

    def factors(self) -> dict[str, Decimal] | None:
        """The three factors (C/T, T/K, K/O), or None when one is undefined."""
        if not self.counted or not self.tokens or not self.tasks or not self.outcomes:
            return None
        return {
            "cost_per_token": ratio(self.cost, self.tokens) or ZERO,
            "tokens_per_task": ratio(self.tokens, self.tasks) or ZERO,
            "tasks_per_outcome": ratio(self.tasks, self.outcomes) or ZERO,
        }


@dataclass(frozen=True)
class UseCaseDiff:
    """A use case matched across the two reports."""

    name: str
    status: str
    """``changed``, ``unchanged``, ``added`` or ``removed``."""
    base: Period
    head: Period
    contributions: dict[str, Decimal] | None
    """Each factor's share of the change in cost per outcome (None: not attributable)."""
    note: str | None
    """Why there is no attribution."""

    @property
    def cost_per_outcome_change(self) -> Decimal | None:
        """CPO₂ − CPO₁ where both exist."""
        a, b = self.base.cost_per_outcome, self.head.cost_per_outcome
        return None if a is None or b is None else b - a


@dataclass(frozen=True)
class NamedChange:
    """A model (or any named line) matched across the reports, from its report entries."""

    name: str
    status: str
    base: dict[str, Any] | None
    head: dict[str, Any] | None


@dataclass(frozen=True)
class CostSplit:
    """The change in total cost, term by term; the terms add up to it exactly."""

    outcome_volume: Decimal = ZERO
    mix: Decimal = ZERO
    cost_per_outcome: Decimal = ZERO
    factors: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(FACTORS, ZERO))
    """``cost_per_outcome`` again, by factor."""
    without_outcomes: Decimal = ZERO
    """Cost change of use cases with no outcomes in either period."""
    unattributed: Decimal = ZERO
    outcomes_base: int = 0
    """Outcomes of the use cases in the split."""
    outcomes_head: int = 0

    @property
    def total(self) -> Decimal:
        """Sum of the terms (= change in total cost)."""
        return (
            self.outcome_volume
            + self.mix
            + self.cost_per_outcome
            + self.without_outcomes
            + self.unattributed
        )


@dataclass(frozen=True)
class ReportDiff:
    """Everything that changed between a base and a head report."""

    base: dict[str, Any]
    head: dict[str, Any]
    use_cases: list[UseCaseDiff]
    models: list[NamedChange]
    split: CostSplit


def _status(base_present: bool, head_present: bool, same: bool) -> str:
    if not base_present:
        return "added"
    if not head_present:
        return "removed"
    return "unchanged" if same else "changed"


def _use_case(name: str, base: dict[str, Any] | None, head: dict[str, Any] | None) -> UseCaseDiff:
    b, h = Period.of(base), Period.of(head)
    status = _status(b.present, h.present, b == h)
    contributions, note = None, None
    fb, fh = b.factors(), h.factors()
    if status in ("added", "removed"):
        note = f"{status}: no cost per outcome to compare"
    elif fb is None or fh is None:
        which, period = ("base", b) if fb is None else ("head", h)
        why = (
            "no outcome source"
            if period.outcomes is None
            else "zero outcomes"
            if not period.outcomes
            else "no tokens"
        )
        note = f"no cost per outcome in the {which} period ({why})"
    else:
        contributions = split_product(fb, fh)
        if contributions is None:
            note = "several factors are zero: not attributable"
    return UseCaseDiff(name, status, b, h, contributions, note)


def _models(base: dict[str, Any], head: dict[str, Any]) -> list[NamedChange]:
    b = {m["model"]: m for m in base["models"]}
    h = {m["model"]: m for m in head["models"]}
    out = []
    for name in sorted(b.keys() | h.keys()):
        same = name in b and name in h and _money_fields(b[name]) == _money_fields(h[name])
        out.append(NamedChange(name, _status(name in b, name in h, same), b.get(name), h.get(name)))
    return out


def _money_fields(entry: dict[str, Any]) -> tuple[Any, ...]:
    return entry["cost"], entry["requests"], entry["tokens"]


def split_total_cost(
    use_cases: list[UseCaseDiff], unattributed_base: Decimal, unattributed_head: Decimal
) -> CostSplit:
    """The change in total cost as outcome volume + mix + cost per outcome + the rest."""
    in_split = [
        u
        for u in use_cases
        if (u.base.counted and u.head.counted)
        or (u.base.counted and not u.head.present)
        or (u.head.counted and not u.base.present)
    ]
    o1 = sum(u.base.outcomes or 0 for u in in_split if u.base.counted)
    o2 = sum(u.head.outcomes or 0 for u in in_split if u.head.counted)
    volume = mix = per_outcome = ZERO
    factors = dict.fromkeys(FACTORS, ZERO)
    with localcontext() as ctx:
        ctx.prec = PRECISION
        for u in in_split:
            c1, c2 = u.base.cost, u.head.cost
            if not (u.base.counted and u.head.counted):
                mix += c2 - c1  # entering or leaving the mix
                continue
            if c1 == 0 or c2 == 0:
                # All of one period's usage unpriced: the limit gives the change to cost/token.
                per_outcome += c2 - c1
                factors["cost_per_token"] += c2 - c1
                continue
            weight = log_mean(c2, c1)
            volume += weight * log_ratio(Decimal(o2), Decimal(o1))
            share1, share2 = Decimal(u.base.outcomes or 0) / o1, Decimal(u.head.outcomes or 0) / o2
            mix += weight * log_ratio(share2, share1)
            per_outcome += weight * log_ratio(
                u.head.cost_per_outcome or ZERO, u.base.cost_per_outcome or ZERO
            )
            fb, fh = u.base.factors(), u.head.factors()
            assert fb is not None and fh is not None
            for f in FACTORS:
                factors[f] += weight * log_ratio(fh[f], fb[f])
        rest = sum((u.head.cost - u.base.cost for u in use_cases if u not in in_split), ZERO)
    return CostSplit(
        outcome_volume=volume,
        mix=mix,
        cost_per_outcome=per_outcome,
        factors=factors,
        without_outcomes=rest,
        unattributed=unattributed_head - unattributed_base,
        outcomes_base=o1,
        outcomes_head=o2,
    )


def diff_reports(base: Report, head: Report) -> ReportDiff:
    """Match use cases and models and attribute every change."""
    b, h = base.to_dict(), head.to_dict()
    b_cases = {u["name"]: u for u in b["use_cases"]}
    h_cases = {u["name"]: u for u in h["use_cases"]}
    names = [*b_cases, *(n for n in h_cases if n not in b_cases)]
    use_cases = [_use_case(n, b_cases.get(n), h_cases.get(n)) for n in names]
    split = split_total_cost(
        use_cases, Decimal(b["unattributed"]["cost"]), Decimal(h["unattributed"]["cost"])
    )
    return ReportDiff(b, h, use_cases, _models(b, h), split)


# --- the JSON document -------------------------------------------------------------------------


def relative_change(base: Decimal | None, head: Decimal | None) -> Decimal | None:
    """(head − base) / |base|; None when undefined (no base, or from zero)."""
    if base is None or head is None or base == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return (head - base) / abs(base)
