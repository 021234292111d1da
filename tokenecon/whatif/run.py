"""`tokenecon whatif`: analyse once, apply each scenario, compare with the baseline.

:func:`run_whatif` reads the usage once (asking the engine for the few extra figures scenarios
need: outcome yields per model, and prompt sizes around long-context cliffs), applies every
scenario to that one analysis, and builds the ``tokenecon.whatif/v1`` document. Commands that
already hold an analysis prepared with :func:`whatif_options` call :func:`whatif_of`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tokenecon.economics.decompose import Economics, UseCaseEconomics, Volume, ratio
from tokenecon.economics.integrity import Integrity, assess_integrity
from tokenecon.errors import OptionError, PriceBookError
from tokenecon.price.book import PriceBook, load_price_book
from tokenecon.report.analyze import Analysis, AnalyzeOptions, run_analysis
from tokenecon.report.figures import money, number, rate
from tokenecon.whatif.frontier import Placed, Point, model_points, place, point_of
from tokenecon.whatif.levers import Scenario
from tokenecon.whatif.quality import model_yields
from tokenecon.whatif.registry import lever_hint
from tokenecon.whatif.routing import window_sizes
from tokenecon.whatif.scenario_input import check_names
from tokenecon.whatif.scenarios import ScenarioResult, apply_scenario, scenario_thresholds

SCHEMA = "tokenecon.whatif/v1"
DAYS_PER_YEAR = 365
NOTES = (
    "Outcomes are held at the period's verified outcomes: a lever that changes the success "
    "rate changes the tasks (and tokens, and review time) needed to produce them.",
    "Annualised = the period's saving x 365 / the days from its first to its last day of usage.",
    "Counts in a scenario are expectations (a 30% share of 7 calls is 2.1 calls); the JSON "
    "rounds them to whole numbers, ratios are computed before rounding.",
)


@dataclass(frozen=True)
class ScenarioRun:
    """A scenario at its expected assumptions, and at both ends of any uncertain one."""

    expected: ScenarioResult
    low: ScenarioResult | None = None
    high: ScenarioResult | None = None


@dataclass(frozen=True)
class WhatIf:
    """Every scenario of one analysis, and the ``tokenecon.whatif/v1`` document."""

    analysis: Analysis
    runs: list[ScenarioRun]
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """The JSON document."""
        return self.data

    def to_json(self) -> str:
        """Deterministic JSON text."""
        return json.dumps(self.data, indent=2, ensure_ascii=False) + "\n"


def whatif_options(
    options: AnalyzeOptions, scenarios: Sequence[Scenario], book: PriceBook
) -> AnalyzeOptions:
    """The analysis options that give scenarios what they need from the engine."""
    thresholds = scenario_thresholds(
        scenarios, book.cliff_thresholds(), window_sizes(book, scenarios)
    )
    return replace(options, prompt_thresholds=thresholds, per_model_yields=True)


def run_whatif(
    usage: Sequence[str], options: AnalyzeOptions, scenarios: Sequence[Scenario]
) -> WhatIf:
    """Analyse the usage once and compare every scenario with it."""
    if not scenarios:
        raise OptionError("no lever and no scenario", lever_hint())
    check_names(scenarios)
    book = load_price_book(options.prices, include_default=not options.no_default_prices)
    analysis = run_analysis(usage, whatif_options(options, scenarios, book), book)
    return whatif_of(analysis, scenarios)


def whatif_of(analysis: Analysis, scenarios: Sequence[Scenario]) -> WhatIf:
    """Apply the scenarios to an analysis prepared with :func:`whatif_options`; refused when
    no token of the usage has a price (every figure would be an unknown shown as $0.00)."""
    total = analysis.economics.total
    if total.unpriced_all:
        raise PriceBookError(
            f"no token of the usage has a price ({total.billable:,} tokens): a what-if moves "
            "priced tokens, so every cost and saving would be unknown",
            "add the models to a --prices book, import newer prices (`tokenecon prices import`) "
            "or map a deployment name to its model with `match:` (docs/price-book-fields.md)",
        )
    runs = []
    for scenario in scenarios:
        expected = apply_scenario(analysis, scenario)
        if expected.uncertain:
            runs.append(
                ScenarioRun(
                    expected,
                    apply_scenario(analysis, scenario, "low"),
                    apply_scenario(analysis, scenario, "high"),
                )
            )
        else:
            runs.append(ScenarioRun(expected))
    return WhatIf(analysis, runs, document(analysis, runs))


def _whole(x: Decimal | int) -> int:
    return int(Decimal(x).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def figures(u: UseCaseEconomics) -> dict[str, Any]:
    """A use case's figures, the same in the baseline and in a scenario."""
    return {
        "cost": money(u.volume.cost),
        "tokens": _whole(u.volume.billable),
        "requests": _whole(u.volume.requests),
        "tasks": _whole(u.tasks),
        "outcomes": u.outcomes,
        "cost_per_token": rate(u.cost_per_token),
        "tokens_per_task": number(u.tokens_per_task),
        "tasks_per_outcome": number(u.tasks_per_outcome),
        "cost_per_outcome": money(u.cost_per_outcome),
        "outcome_rate": number(ratio(u.outcomes, u.tasks) if u.outcomes is not None else None),
        "review_cost": money(u.review_cost),
        "fully_loaded_cost": money(u.fully_loaded_cost),
        "fully_loaded_cost_per_outcome": money(u.fully_loaded_cost_per_outcome),
        "cache_read_share": number(u.cache_read_share),
        "batch_share": number(u.batch_share),
    }


def _volume(v: Volume) -> dict[str, Any]:
    return {"cost": money(v.cost), "tokens": _whole(v.billable), "requests": _whole(v.requests)}


def _loaded_total(economics: Economics) -> Decimal:
    """All model cost (unattributed included) plus every use case's review and overhead."""
    extra = (u.fully_loaded_cost - u.volume.cost for u in economics.use_cases)
    return economics.total.cost + sum(extra, Decimal(0))


def _saving(
    before: Decimal, after: Decimal, loaded_before: Decimal, loaded_after: Decimal, year: Decimal
) -> dict[str, Any]:
    return {
        "cost": money(before - after),
        "cost_annualised": money((before - after) * year),
        "fully_loaded": money(loaded_before - loaded_after),
        "fully_loaded_annualised": money((loaded_before - loaded_after) * year),
    }


def _scenario(analysis: Analysis, run: ScenarioRun, year: Decimal) -> dict[str, Any]:
    base, result = analysis.economics, run.expected
    after = {u.name: u for u in result.economics.use_cases}
    use_cases = []
    errors = {"baseline": Decimal(0), "scenario": Decimal(0)}
    for u in base.use_cases:
        s = after[u.name]
        one, two = assess_integrity(u, analysis.book), assess_integrity(s, analysis.book)
        errors["baseline"] += one.error_cost or 0
        errors["scenario"] += two.error_cost or 0
        use_cases.append(
            {
                "name": u.name,
                "baseline": figures(u),
                "scenario": figures(s),
                "saving": _saving(
                    u.volume.cost, s.volume.cost, u.fully_loaded_cost, s.fully_loaded_cost, year
                ),
                "integrity": error_costs(u, s, one, two),
            }
        )
    loaded_before, loaded_after = _loaded_total(base), _loaded_total(result.economics)
    scenario = result.scenario
    return {
        "name": scenario.name,
        "description": scenario.description,
        "levers": [lever.to_dict() for lever in scenario.levers],
        "assumptions": [
            {"lever": a.lever, "scope": a.scope, "text": a.text, "uncertain": a.uncertain}
            for a in result.assumptions
        ],
        "use_cases": use_cases,
        "unattributed": {
            "baseline": _volume(base.unattributed),
            "scenario": _volume(result.economics.unattributed),
        },
        "totals": {
            "baseline": {"cost": money(base.total.cost), "fully_loaded_cost": money(loaded_before)},
            "scenario": {
                "cost": money(result.economics.total.cost),
                "fully_loaded_cost": money(loaded_after),
            },
            "saving": _saving(
                base.total.cost, result.economics.total.cost, loaded_before, loaded_after, year
            ),
            "error_cost": {k: money(v) for k, v in errors.items()},
            "saving_net_of_errors": money(
                loaded_before - loaded_after - (errors["scenario"] - errors["baseline"])
            ),
        },
        "sensitivity": _sensitivity(analysis, run, year),
    }


def error_costs(
    before: UseCaseEconomics, after: UseCaseEconomics, one: Integrity, two: Integrity
) -> dict[str, Any]:
    """Expected error rate and cost of a use case before and after the levers, and the
    fully loaded saving net of the change in error cost: a cheaper model with more errors
    (``error_rate_by_model``) can lose (docs/whatif.md#errors)."""
    net = None
    if one.error_cost is not None and two.error_cost is not None:
        net = before.fully_loaded_cost - after.fully_loaded_cost - (two.error_cost - one.error_cost)
    return {
        "baseline": {"error_rate": number(one.error_rate), "error_cost": money(one.error_cost)},
        "scenario": {"error_rate": number(two.error_rate), "error_cost": money(two.error_cost)},
        "saving_net_of_errors": money(net),
    }


def _sensitivity(analysis: Analysis, run: ScenarioRun, year: Decimal) -> dict[str, Any] | None:
    if run.low is None or run.high is None:
        return None
    base = analysis.economics
    loaded = _loaded_total(base)
    results = {"low": run.low, "expected": run.expected, "high": run.high}
    return {
        "driver": [
            {"lever": a.lever, "scope": a.scope, "text": a.text}
            for a in run.expected.assumptions
            if a.uncertain
        ],
        "saving_annualised": {
            k: money((base.total.cost - r.economics.total.cost) * year) for k, r in results.items()
        },
        "fully_loaded_saving_annualised": {
            k: money((loaded - _loaded_total(r.economics)) * year) for k, r in results.items()
        },
        "use_cases": [
            {
                "name": u.name,
                "cost_per_outcome": {
                    k: money(_named(r.economics, u.name).cost_per_outcome)
                    for k, r in results.items()
                },
            }
            for u in base.use_cases
            if u.outcomes is not None
        ],
    }


def _named(economics: Economics, name: str) -> UseCaseEconomics:
    return next(u for u in economics.use_cases if u.name == name)


def _frontier(analysis: Analysis, runs: list[ScenarioRun]) -> list[dict[str, Any]]:
    yields = model_yields(analysis.aggregates, analysis.book)
    out = []
    for u in analysis.economics.use_cases:
        now = point_of("now", "now", u)
        if now is None:
            continue
        points = [now, *model_points(u, yields)]
        for run in runs:
            p = point_of(
                run.expected.scenario.name, "scenario", _named(run.expected.economics, u.name)
            )
            if p is not None:
                points.append(replace(p, assumed=_assumes_quality(run, u.name)))
        # A model that is the whole use case, or a scenario that leaves it alone, is "now".
        points = [p for p in points if p is now or not _same(p, now)]
        out.append({"use_case": u.name, "points": [_placed(p) for p in place(points)]})
    return out


def _assumes_quality(run: ScenarioRun, use_case: str) -> bool:
    """Whether the scenario routes some of the use case with its quality assumed equal."""
    return any(
        a.lever == "route" and a.scope == use_case and "assumes equal quality" in a.text
        for a in run.expected.assumptions
    )


def _same(a: Point, b: Point) -> bool:
    return (a.cost_per_outcome, a.outcome_rate) == (b.cost_per_outcome, b.outcome_rate)


def _placed(p: Placed) -> dict[str, Any]:
    return {
        "label": p.point.label,
        "kind": p.point.kind,
        "cost_per_outcome": money(p.point.cost_per_outcome),
        "outcome_rate": number(p.point.outcome_rate),
        "tasks": _whole(p.point.tasks),
        "outcomes": p.point.outcomes,
        "on_frontier": p.on_frontier,
        "dominated_by": p.dominated_by.label if p.dominated_by else None,
        "assumes_equal_quality": p.point.assumed,
    }


def document(analysis: Analysis, runs: list[ScenarioRun]) -> dict[str, Any]:
    """The ``tokenecon.whatif/v1`` document."""
    economics = analysis.economics
    start, end = economics.start, economics.end
    days = (end - start).days + 1 if start and end else None
    year = Decimal(DAYS_PER_YEAR) / days if days else Decimal(0)
    loaded = _loaded_total(economics)
    return {
        "schema": SCHEMA,
        "currency": analysis.book.currency,
        "period": {
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "days": days,
            "annualisation": f"{DAYS_PER_YEAR}/{days}" if days else None,
        },
        "inputs": analysis.inputs,
        "baseline": {
            "use_cases": [{"name": u.name, **figures(u)} for u in economics.use_cases],
            "unattributed": _volume(economics.unattributed),
            "totals": {"cost": money(economics.total.cost), "fully_loaded_cost": money(loaded)},
        },
        "scenarios": [_scenario(analysis, run, year) for run in runs],
        "frontier": _frontier(analysis, runs),
        "notes": [*NOTES, *_unpriced_note(economics.total)],
    }


def _unpriced_note(total: Volume) -> list[str]:
    """What the figures leave out: tokens with no price are in no cost or saving."""
    if not total.unpriced_tokens:
        return []
    return [
        f"{total.unpriced_tokens:,} of {total.billable:,} tokens have no price: they are in no "
        "cost or saving here (the report's unpriced models say which)."
    ]
