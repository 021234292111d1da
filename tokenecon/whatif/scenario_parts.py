"""Building blocks of what-if scenarios: parts of the usage, prompt steps, the state levers change.

Levers (:mod:`tokenecon.whatif.levers`) act on a :class:`State` and read a :class:`Context`;
nothing here knows which levers there are.

Counts in a scenario are expectations: a 30% share of a group is 30% of its tokens and
requests, so tokens, requests and tasks may be :class:`~decimal.Decimal` here (pricing and
decomposition only add, multiply and divide them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any, Protocol

from tokenecon.aggregate.types import DECLARED_ABOVE, UNKNOWN_PROMPT, UsageGroup
from tokenecon.attribute.mapping import UseCase
from tokenecon.economics.decompose import UseCaseEconomics, ratio
from tokenecon.errors import UnknownModelError
from tokenecon.ingest.canonical import INPUT_TOKEN_COLUMNS, TOKEN_COLUMNS
from tokenecon.price.book import PriceBook
from tokenecon.units import unsigned_zero

if TYPE_CHECKING:
    from tokenecon.report.analyze import Analysis

Count = Decimal | int
"""A count in a scenario: whole in the baseline, an expectation once a lever has acted."""


@dataclass(frozen=True)
class PromptStep:
    """A change of prompt size: ``scale`` by a factor, or ``cap`` at a number of tokens."""

    kind: str
    value: Decimal


def preimage(size: int, steps: Sequence[PromptStep]) -> int | None:
    """The prompt size a request must exceed so that after ``steps`` it exceeds ``size``.

    None: no prompt does (a cap at or below ``size`` came first, or a scale to zero).
    Prompts are whole tokens, so "above x" is "above floor(x)".
    """
    value = Decimal(size)
    for step in reversed(steps):
        if step.kind == "cap":
            if value >= step.value:
                return None
        elif step.value == 0:
            return None
        else:
            value = value / step.value
    return int(value.to_integral_value(ROUND_FLOOR))


@dataclass(frozen=True)
class Part:
    """Usage at the pricing grain, as the scenario has changed it so far."""

    group: UsageGroup
    engine_class: int
    """The prompt class the engine measured: of the prompt as it was sent."""
    steps: tuple[PromptStep, ...] = ()
    """Prompt-size changes applied so far, in order."""
    priced: bool = True
    """False for usage the baseline could not price: no lever touches it."""
    fixed_cost: Decimal | None = None
    """The source's own cost of this usage, where the baseline priced it so (a model the book
    lacks, or ``--cost-source reported``): it keeps that cost, and only a route to a model the
    book prices changes it (see :func:`~tokenecon.whatif.scenarios.price_parts`)."""

    def price_class(self, book_thresholds: Sequence[int]) -> int:
        """The largest cliff the changed prompt is above (0: none), for pricing."""
        if not self.steps or self.engine_class in (DECLARED_ABOVE, UNKNOWN_PROMPT):
            return self.engine_class
        best = 0
        for threshold in book_thresholds:
            size = preimage(threshold, self.steps)
            if size is not None and self.engine_class >= size:
                best = max(best, threshold)
        return best

    def above(self, size: int) -> bool:
        """Whether every request of the part has (at this point) a prompt above ``size``."""
        if self.engine_class in (DECLARED_ABOVE, UNKNOWN_PROMPT):
            return False
        bound = preimage(size, self.steps)
        return bound is not None and self.engine_class >= bound


@dataclass(frozen=True)
class Assumption:
    """What a lever assumed or found, beside the figures it produced."""

    lever: str
    """The lever's name (``route``, ``cache`` ...)."""
    scope: str
    """The use case (``(unattributed)`` for usage without one, ``all`` for every slice)."""
    text: str
    uncertain: bool = False
    """Whether it spans a range (the sensitivity of the saving)."""


class Named(Protocol):
    """What an assumption records of its lever (a :class:`~tokenecon.whatif.levers.Lever`)."""

    @property
    def kind(self) -> str:
        """The lever's name."""
        ...


@dataclass
class State:
    """A scenario in progress."""

    parts: list[Part]
    tasks: dict[str | None, Count]
    """Tasks per use case (None: unattributed usage)."""
    assumptions: list[Assumption] = field(default_factory=list)

    def note(self, lever: Named, scope: str | None, text: str, uncertain: bool = False) -> None:
        """Record an assumption."""
        name = "(unattributed)" if scope is None else scope
        self.assumptions.append(Assumption(lever.kind, name, text, uncertain))

    def requests(self, use_case: str | None) -> Count:
        """Requests of a use case now."""
        return sum((p.group.requests for p in self.parts if p.group.use_case == use_case), 0)


@dataclass(frozen=True)
class Context:
    """What every lever may read: the analysis and what was derived from it once."""

    analysis: Analysis
    book: PriceBook
    book_thresholds: tuple[int, ...]
    yields: dict[tuple[str, str], tuple[int, int]]
    """(tasks, verified outcomes) per (use case, model key)."""
    bound: str
    """``low``, ``expected`` or ``high``: where uncertain assumptions are taken."""
    use_cases: dict[str, UseCase]
    baseline: dict[str, UseCaseEconomics]
    keys: dict[str, str | None] = field(default_factory=dict)

    def key(self, model: str) -> str | None:
        """The price book's key of a reported model name (cached)."""
        if model not in self.keys:
            self.keys[model] = self.book.resolve(model)
        return self.keys[model]

    def require(self, name: str, where: str) -> str:
        """A model the user named, or "did you mean" naming where they named it."""
        try:
            return self.book.require(name).key
        except UnknownModelError as exc:
            raise UnknownModelError(f"{where}: {exc.message}", exc.hint) from None


def with_counts(group: UsageGroup, **changes: Any) -> UsageGroup:
    """``dataclasses.replace`` that lets counts be Decimal expectations (module docstring)."""
    return replace(group, **changes)


def scaled(group: UsageGroup, factor: Count, columns: Iterable[str] = TOKEN_COLUMNS) -> UsageGroup:
    """The group with ``columns`` multiplied by ``factor`` (requests too for whole calls)."""
    chosen = set(columns)
    tokens = {
        c: group.tokens[c] * factor if c in chosen else group.tokens[c] for c in TOKEN_COLUMNS
    }
    changes: dict[str, Any] = {"tokens": tokens, "reported_cost": None, "reported_rows": 0}
    if chosen == set(TOKEN_COLUMNS):
        changes.update(
            requests=group.requests * factor,
            rows=group.rows * factor,
            requests_unknown_rows=group.requests_unknown_rows * factor,
        )
    return with_counts(group, **changes)


def split(part: Part, share: Decimal) -> tuple[Part | None, Part | None]:
    """(the share that a lever takes, the rest); None where a side is empty."""
    if share >= 1:
        return part, None
    if share <= 0:
        return None, part
    fixed = part.fixed_cost
    return (
        replace(part, group=scaled(part.group, share), fixed_cost=_times(fixed, share)),
        replace(part, group=scaled(part.group, 1 - share), fixed_cost=_times(fixed, 1 - share)),
    )


def _times(cost: Decimal | None, share: Decimal) -> Decimal | None:
    return None if cost is None else cost * share


def merge(parts: Iterable[Part]) -> list[Part]:
    """Parts that now share every key become one (keeps scenarios small)."""
    merged: dict[tuple[Any, ...], Part] = {}
    for part in parts:
        g = part.group
        key = (
            g.use_case,
            g.model,
            g.day,
            g.service_tier,
            g.by_value,
            part.engine_class,
            part.steps,
            part.priced,
            part.fixed_cost is not None,
        )
        if key not in merged:
            merged[key] = part
            continue
        m = merged[key].group
        fixed = merged[key].fixed_cost
        merged[key] = replace(
            part,
            fixed_cost=None if fixed is None else fixed + (part.fixed_cost or Decimal(0)),
            group=with_counts(
                m,
                rows=m.rows + g.rows,
                requests=m.requests + g.requests,
                requests_unknown_rows=m.requests_unknown_rows + g.requests_unknown_rows,
                tokens={c: m.tokens[c] + g.tokens[c] for c in TOKEN_COLUMNS},
                reported_cost=None,
                reported_rows=0,
            ),
        )
    return list(merged.values())


def input_tokens(group: UsageGroup) -> Count:
    """The whole prompt: uncached, cache read and cache writes."""
    return sum((group.tokens[c] for c in INPUT_TOKEN_COLUMNS), 0)


def usd(x: Count) -> str:
    """Money for assumption texts: cents from $1 up, four decimals below (like the tables)."""
    value = Decimal(x)
    return f"${value:,.2f}" if abs(value) >= 1 or value == 0 else f"${value:,.4f}"


def pct(x: Count | None, places: int = 0) -> str:
    """A share as a percentage for assumption texts."""
    return "—" if x is None else unsigned_zero(f"{Decimal(x) * 100:.{places}f}%")


def tasks_per_call(state: State, use_case: str | None) -> Decimal | None:
    """Tasks / calls of a use case now (None when its calls are unknown)."""
    calls = state.requests(use_case)
    tasks = state.tasks.get(use_case)
    if not calls or tasks is None:
        return None
    return ratio(min(tasks, calls), calls)
