"""What-if invariants: no levers reproduce analyze exactly; routing all of a use case to M is
re-pricing its tokens at M's prices."""

from __future__ import annotations

import csv
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenecon.aggregate.types import DECLARED_ABOVE, UNKNOWN_PROMPT, UsageAggregates, UsageGroup
from tokenecon.attribute.mapping import OutcomeMapping, OutcomeSource, UseCase
from tokenecon.economics.decompose import decompose
from tokenecon.errors import PriceBookError
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS, TOKEN_COLUMNS
from tokenecon.price.apply import price_groups
from tokenecon.price.book import BUCKETS, MILLION, load_price_book
from tokenecon.report.analyze import Analysis, AnalyzeOptions, report_of, run_analysis
from tokenecon.whatif.levers import Lever, Scenario
from tokenecon.whatif.routing import Route
from tokenecon.whatif.run import figures, run_whatif, whatif_of
from tokenecon.whatif.scenarios import apply_scenario

WHATIF = FIXTURES / "whatif"
BOOK = load_price_book([WHATIF / "book.yaml"], include_default=False)
NO_LEVERS = Scenario("no levers", ())


def _use_case(name: str, outcomes: int | None) -> UseCase:
    return UseCase(
        name=name, match=(), task_key=None, outcome="",
        outcomes=OutcomeSource(kind="count", count=outcomes) if outcomes is not None else None,
        value_per_outcome=Decimal(3), review_minutes_per_task=Decimal("0.5"),
        reviewer_hourly_rate=Decimal(40), overhead=Decimal(1), targets={}, urgent=False,
        residency=(),
    )  # fmt: skip


_tokens = st.fixed_dictionaries({c: st.integers(0, 5_000_000) for c in TOKEN_COLUMNS})
_group = st.builds(
    lambda use_case, model, day, tier, prompt_class, requests, tokens: UsageGroup(
        use_case, model, date(2026, 10, day), tier, prompt_class, None, requests, requests, 0,
        tokens, None, 0,
    ),
    st.sampled_from([None, "a", "b"]),
    st.sampled_from(["big", "mid", "small", "tiny", "acme-unknown"]),
    st.integers(1, 10),
    st.sampled_from(["standard", "batch", "flex", "priority"]),
    st.sampled_from([0, 1000, UNKNOWN_PROMPT, DECLARED_ABOVE]),
    st.integers(1, 10_000),
    _tokens,
)  # fmt: skip


def _analysis(groups: list[UsageGroup], tasks: tuple[int, int], outcomes: int) -> Analysis:
    unique = {(g.use_case, g.model, g.day, g.service_tier, g.prompt_class): g for g in groups}
    groups = list(unique.values())
    mapping = OutcomeMapping((_use_case("a", outcomes), _use_case("b", None)))
    aggregates = UsageAggregates(groups=groups, tasks={"a": tasks[0], "b": tasks[1]})
    priced = price_groups(groups, BOOK)
    economics = decompose(priced, aggregates, mapping, BOOK)
    return Analysis(AnalyzeOptions(), BOOK, mapping, aggregates, priced, economics, [], {})


@settings(max_examples=150, deadline=None)
@given(
    groups=st.lists(_group, min_size=1, max_size=25),
    tasks=st.tuples(st.integers(1, 10**6), st.integers(1, 10**6)),
    outcomes=st.integers(0, 10**6),
)
def test_no_levers_reproduce_the_analysis_exactly(
    groups: list[UsageGroup], tasks: tuple[int, int], outcomes: int
) -> None:
    analysis = _analysis(groups, tasks, outcomes)
    result = apply_scenario(analysis, NO_LEVERS)
    assert result.economics.total.cost == analysis.economics.total.cost
    assert result.economics.unattributed.cost == analysis.economics.unattributed.cost
    for before, after in zip(analysis.economics.use_cases, result.economics.use_cases, strict=True):
        assert figures(after) == figures(before)
        assert after.fully_loaded_cost == before.fully_loaded_cost
    if analysis.economics.total.unpriced_all:  # every figure would be unknown: refused
        with pytest.raises(PriceBookError, match="no token of the usage has a price"):
            whatif_of(analysis, [NO_LEVERS])
        return
    document = whatif_of(analysis, [NO_LEVERS]).to_dict()
    for u in document["scenarios"][0]["use_cases"]:
        assert u["scenario"] == u["baseline"]
        assert set(u["saving"].values()) == {"0.000000"}


def _cost_at(model_key: str, group: UsageGroup) -> Decimal:
    """A group's cost at another model, straight from the book: the expected repricing."""
    entry = BOOK.models[model_key].active(group.day)
    assert entry is not None
    threshold = entry.above_input_tokens
    above = threshold is not None and (
        group.prompt_class == DECLARED_ABOVE
        or (group.prompt_class != UNKNOWN_PROMPT and group.prompt_class >= threshold)
    )
    rates = entry.above_rates if above and entry.above_rates else entry.rates
    pairs = zip(BILLABLE_TOKEN_COLUMNS, BUCKETS, strict=True)
    total = sum((Decimal(group.tokens[c]) * rates.of(b) for c, b in pairs), Decimal(0))
    return total * entry.multipliers.get(group.service_tier, Decimal(1)) / MILLION


@settings(max_examples=150, deadline=None)
@given(
    groups=st.lists(_group, min_size=1, max_size=25),
    target=st.sampled_from(["big", "mid", "small", "tiny"]),
    outcomes=st.integers(1, 10**6),
)
def test_routing_all_of_a_use_case_to_m_reprices_its_tokens_at_m(
    groups: list[UsageGroup], target: str, outcomes: int
) -> None:
    analysis = _analysis(groups, (1000, 1000), outcomes)
    scenario = Scenario("all to M", (Lever(Route(target), ("a",)),))
    result = apply_scenario(analysis, scenario)
    expected = sum(
        (
            _cost_at(target, p.group)
            for p in analysis.priced
            if p.group.use_case == "a" and p.cost is not None
        ),
        Decimal(0),
    )
    after = next(u for u in result.economics.use_cases if u.name == "a")
    assert after.volume.cost == expected
    assert after.tasks == 1000  # no success rate for the target here: equal quality
    # Everything else is untouched.
    for name in ("b",):
        before = next(u for u in analysis.economics.use_cases if u.name == name)
        assert next(u for u in result.economics.use_cases if u.name == name).volume.cost == (
            before.volume.cost
        )
    assert result.economics.unattributed.cost == analysis.economics.unattributed.cost


_row = st.fixed_dictionaries(
    {
        "day": st.integers(1, 10),
        "model": st.sampled_from(["big", "mid", "small", "tiny", "acme-unknown"]),
        "uncached_input_tokens": st.integers(0, 3000),
        "cache_read_tokens": st.integers(0, 3000),
        "output_tokens": st.integers(0, 2000),
        "service_tier": st.sampled_from(["standard", "batch", "flex"]),
        "use_case": st.sampled_from(["triage", "scoring", "agent", "other"]),
        "task_id": st.sampled_from(["", "T1", "T2", "T3", "T4", "A1", "A2"]),
    }
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_row, min_size=1, max_size=30))
def test_no_levers_reproduce_analyze_through_the_engine(rows: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        usage = Path(tmp) / "usage.csv"
        with usage.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, ["timestamp", *(k for k in rows[0] if k != "day")])
            writer.writeheader()
            for r in rows:
                writer.writerow({"timestamp": f"2026-10-{r['day']:02d}T12:00:00Z",
                                 **{k: v for k, v in r.items() if k != "day"}})  # fmt: skip
        options = AnalyzeOptions(
            prices=[WHATIF / "book.yaml"], no_default_prices=True, outcomes=WHATIF / "mapping.yaml"
        )
        try:
            result = run_whatif([str(usage)], options, [NO_LEVERS])
        except PriceBookError:  # refused only where analyze finds no token with a price
            totals = report_of(run_analysis([str(usage)], options)).to_dict()["totals"]
            assert 0 < totals["tokens"]["billable"] == totals["unpriced_tokens"]
            return
    report = report_of(result.analysis).to_dict()
    document = result.to_dict()
    assert document["baseline"]["totals"]["cost"] == report["totals"]["cost"]
    for analysed, scenario in zip(report["use_cases"], document["scenarios"][0]["use_cases"],
                                  strict=True):  # fmt: skip
        figures_now = scenario["scenario"]
        assert scenario["name"] == analysed["name"]
        for key in ("cost", "tasks", "outcomes", "cost_per_token", "tokens_per_task",
                    "tasks_per_outcome", "cost_per_outcome", "fully_loaded_cost",
                    "fully_loaded_cost_per_outcome", "review_cost"):  # fmt: skip
            assert figures_now[key] == analysed[key], key
        assert figures_now["tokens"] == analysed["tokens"]["billable"]
