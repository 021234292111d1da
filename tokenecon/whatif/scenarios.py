"""What-if transforms: apply a scenario's levers to an analysis and price the result.

A scenario starts from the analysis's own groups at the pricing grain (use case x model x day x
tier x prompt class) and its tasks per use case; each lever changes some of them, and the result
goes through the same pricing (:func:`~tokenecon.price.apply.price_groups`) and decomposition
(:func:`~tokenecon.economics.decompose.decompose`) as `analyze`. A scenario with no levers therefore
reproduces the analysis exactly, and no scenario reads the usage again.

Outcomes are held at the period's: a lever that changes the success rate changes the tasks
(and tokens) needed to produce them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from tokenecon.economics.decompose import Economics, decompose
from tokenecon.errors import TokenEconError
from tokenecon.price.apply import PricedGroup, price_groups
from tokenecon.price.regional import residency_policies
from tokenecon.whatif.levers import Lever, Scenario
from tokenecon.whatif.quality import check_stated_models, model_yields
from tokenecon.whatif.routing import window_sizes
from tokenecon.whatif.scenario_parts import Assumption, Context, Part, State, merge, preimage, usd
from tokenecon.whatif.slices import selector

if TYPE_CHECKING:
    from tokenecon.report.analyze import Analysis

BOUNDS = ("low", "expected", "high")
"""Where uncertain assumptions are taken: for the low saving, the expected one, the high one."""


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario priced and decomposed like the analysis, with what it assumed."""

    scenario: Scenario
    bound: str
    """``low``, ``expected`` or ``high``: where uncertain assumptions were taken."""
    priced: list[PricedGroup]
    economics: Economics
    assumptions: list[Assumption]

    @property
    def uncertain(self) -> bool:
        """Whether an assumption spans a range (then low and high results differ)."""
        return any(a.uncertain for a in self.assumptions)


def scenario_thresholds(
    scenarios: Iterable[Scenario], book_thresholds: Sequence[int], windows: Sequence[int] = ()
) -> tuple[int, ...]:
    """Prompt sizes the engine must split usage at so that every scenario prices exactly.

    For each order-preserving subset of a scenario's prompt levers (a share of the traffic may
    take some and not others): the original size above which a request ends up above each
    long-context cliff, and above each cap where the cap applies. A scenario that routes also
    splits at each context window the book states (``windows``), so that a route can tell
    which calls fit its target.
    """
    out: set[int] = set()
    for scenario in scenarios:
        steps = [s for s in (lever.action.prompt_step() for lever in scenario.levers) if s]
        routes = any(lever.kind == "route" for lever in scenario.levers)
        limits = [*book_thresholds, *(windows if routes else ())]
        out.update(windows if routes else ())
        for mask in range(1, 1 << len(steps)):
            subset = [step for i, step in enumerate(steps) if mask >> i & 1]
            sizes = [preimage(t, subset) for t in limits]
            sizes += [
                preimage(int(s.value), subset[:k]) for k, s in enumerate(subset) if s.kind == "cap"
            ]
            out.update(size for size in sizes if size is not None)
    return tuple(sorted(out - set(book_thresholds)))


def check_prepared(analysis: Analysis, scenario: Scenario) -> None:
    """The engine split the usage at every prompt size this scenario needs."""
    book = analysis.book
    needed = scenario_thresholds(
        [scenario], book.cliff_thresholds(), window_sizes(book, [scenario])
    )
    missing = set(needed) - set(analysis.options.prompt_thresholds)
    if missing:
        raise TokenEconError(
            f"the analysis was not split at the prompt sizes scenario {scenario.name!r} needs "
            f"({', '.join(f'{m:,}' for m in sorted(missing))})",
            "run it through tokenecon.whatif.run.run_whatif, or give AnalyzeOptions the "
            "prompt_thresholds of scenario_thresholds()",
        )


def context_of(analysis: Analysis, bound: str = "expected") -> Context:
    """What levers read, derived once from the analysis."""
    book = analysis.book
    check_stated_models(analysis.mapping, book)
    return Context(
        analysis=analysis,
        book=book,
        book_thresholds=book.cliff_thresholds(),
        yields=model_yields(analysis.aggregates, book),
        bound=bound,
        use_cases={u.name: u for u in analysis.mapping.use_cases} if analysis.mapping else {},
        baseline={u.name: u for u in analysis.economics.use_cases},
    )


def apply_scenario(
    analysis: Analysis, scenario: Scenario, bound: str = "expected"
) -> ScenarioResult:
    """Apply the levers in order, then price and decompose like the analysis."""
    if bound not in BOUNDS:
        raise ValueError(f"bound must be one of {BOUNDS}, not {bound!r}")
    check_prepared(analysis, scenario)
    ctx = context_of(analysis, bound)
    state = State(
        parts=[
            Part(p.group, p.group.prompt_class, (), p.cost is not None, _fixed(p))
            for p in analysis.priced
        ],
        tasks={name: count for name, count in analysis.aggregates.tasks.items()},
    )
    for lever in scenario.levers:
        _note_fixed(state, lever, ctx)
        lever.action.apply(state, lever, ctx)
        state.parts = merge(state.parts)
    priced = price_parts(state.parts, ctx)
    # Tasks may now be expectations (Decimal): decompose only divides and multiplies them.
    aggregates = replace(analysis.aggregates, tasks=cast("dict[str, int]", state.tasks))
    economics = decompose(priced, aggregates, analysis.mapping, ctx.book)
    return ScenarioResult(scenario, bound, priced, economics, state.assumptions)


def _fixed(p: PricedGroup) -> Decimal | None:
    """The baseline's cost of a group when it is the source's own (no lever reprices it)."""
    return p.cost if p.cost_source == "reported" else None


def price_parts(parts: Sequence[Part], ctx: Context) -> list[PricedGroup]:
    """Price a scenario's parts like the analysis: by the book, except usage that keeps the
    cost its source reported (:attr:`Part.fixed_cost`), which keeps it."""
    groups = [
        p.group
        if not p.steps
        else replace(p.group, prompt_class=p.price_class(ctx.book_thresholds))
        for p in parts
    ]
    priced = price_groups(groups, ctx.book, residency_policies(ctx.use_cases.values()))
    return [
        x
        if p.fixed_cost is None
        else replace(x, cost=p.fixed_cost, unpriced_reason=None, cost_source="reported")
        for p, x in zip(parts, priced, strict=True)
    ]


def _note_fixed(state: State, lever: Lever, ctx: Context) -> None:
    """Say what a lever leaves alone because the book cannot reprice it (route aside: it
    moves such usage to a model the book prices)."""
    if lever.kind == "route":
        return
    fixed = [p for p in state.parts if p.fixed_cost is not None]
    if not fixed:
        return
    selected = selector(lever, ctx, fixed=True)
    mine = [p for p in fixed if selected(p)]
    if mine:
        calls = sum((p.group.requests for p in mine), Decimal(0))
        cost = sum((p.fixed_cost or Decimal(0) for p in mine), Decimal(0))
        state.note(
            lever,
            "all",
            f"{calls:,.0f} calls priced from their source's cost ({usd(cost)}) stay as they "
            "are: the price book cannot reprice them",
        )
