"""The analyze pipeline: usage files -> aggregates -> prices -> economics -> findings -> report."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tokenecon.aggregate.memo import aggregate_usage_cached
from tokenecon.aggregate.types import AggregateOptions, UsageAggregates, split_local_day
from tokenecon.attribute.mapping import OutcomeMapping, load_mapping
from tokenecon.attribute.outcomes import event_sources
from tokenecon.economics.blocks import hourly_blocks
from tokenecon.economics.decompose import Economics, decompose
from tokenecon.economics.diagnose import Finding, diagnose
from tokenecon.economics.maturity import maturity
from tokenecon.economics.owner_usage import OwnerUsage, fold_owner_groups
from tokenecon.economics.periods import check_timezone, period_breakdown, series, split_by
from tokenecon.economics.value import ValueAssessment, assess_value, value_findings
from tokenecon.engine.connect import EngineOptions, Session
from tokenecon.errors import OptionError
from tokenecon.ingest.canonical import ATTRIBUTE_COLUMNS
from tokenecon.ingest.formats.openai import said_notes
from tokenecon.ingest.options import ReadOptions
from tokenecon.ingest.sources import (
    FileDigest,
    SourceFile,
    digest_file,
    expand_sources,
    scan_bytes,
)
from tokenecon.ingest.time_format import check_timestamp_format
from tokenecon.price.apply import PricedGroup, price_groups
from tokenecon.price.book import PriceBook, load_price_book
from tokenecon.price.reconcile import ModelReconciliation, choose_costs, reconcile, zero_cost_groups
from tokenecon.price.regional import residency_policies
from tokenecon.price.ungrouped import ungrouped_rows
from tokenecon.progress import Reporter
from tokenecon.report.document import Report, build_report
from tokenecon.report.empty import refuse_empty
from tokenecon.report.ownership import account, ownership_key, with_ownership
from tokenecon.report.time_sections import (
    OutcomeSeries,
    TimeViews,
    blocks_section,
    outcome_series,
)
from tokenecon.report.value import value_sections


@dataclass(frozen=True)
class AnalyzeOptions:
    """Everything `tokenecon analyze` takes besides the usage files."""

    prices: Sequence[Path] = ()
    """Extra price books, layered over the default (later wins)."""
    no_default_prices: bool = False
    """Use only ``prices``."""
    outcomes: Path | None = None
    """The outcome mapping."""
    by: str | None = None
    """Breakdown attribute (``--by``; a period, day/week/month, is split off into ``period``)."""
    period: str | None = None
    """The time view of the breakdown: day, week or month (``--by day`` ...)."""
    timezone: str | None = None
    """``--timezone``: the IANA zone whose clocks the time views use (None: UTC)."""
    since: datetime | None = None
    until: datetime | None = None
    invoice_window: tuple[date, date] | None = None
    """The first and last day whose invoices the shared pools hold (a billing period); None:
    the calendar months the usage spans."""
    column_map: dict[str, str] = field(default_factory=dict)
    input_convention: str | None = None
    """None: the mapping's ``usage.input_convention``, else inclusive."""
    source_format: str | None = None
    """``--format``: read every source as this format instead of detecting it."""
    timestamp_format: str | None = None
    """``--timestamp-format``: the strptime layout of timestamp text (checked)."""
    table: str | None = None
    """``--table``: the table of a database source."""
    cost_source: str = "auto"
    """``--cost-source``: auto (computed where priced, reported otherwise), computed, reported."""
    engine: EngineOptions = field(default_factory=EngineOptions)
    prompt_thresholds: tuple[int, ...] = ()
    """More prompt sizes to split per-request usage at, beside the book's cliffs (`whatif`
    asks for the sizes that decide which side of a cliff a capped or trimmed prompt falls)."""
    per_model_yields: bool = False
    """Also count tasks and verified outcomes per use case x model (`whatif`)."""
    progress: Reporter | None = None
    """Told how far each pass over the usage is."""


def _check_by(by: str | None) -> None:
    if by and by not in ATTRIBUTE_COLUMNS and not by.startswith("tags."):
        raise OptionError(
            f"--by {by!r} is not a column", f"use one of {', '.join(ATTRIBUTE_COLUMNS)} or tags.KEY"
        )


@dataclass(frozen=True)
class Analysis:
    """Every stage's result of one run, for commands that go on from it (report, whatif)."""

    options: AnalyzeOptions
    book: PriceBook
    mapping: OutcomeMapping | None
    aggregates: UsageAggregates
    """What the engine returned: sums at the pricing grain, tasks, outcomes, accounting."""
    priced: list[PricedGroup]
    economics: Economics
    findings: list[Finding]
    inputs: dict[str, Any]
    """The report's ``inputs`` section: file hashes, detected columns, conventions."""
    reconciliation: list[ModelReconciliation] = field(default_factory=list)
    """Computed vs reported cost per model, where a source reports cost."""
    estimated_models: set[str] = field(default_factory=set)
    """Models (price-book key or raw name) whose token counts were estimated from text."""
    blocks: list[Any] = field(default_factory=list)
    """5-hour billing blocks (:class:`tokenecon.economics.blocks.Block`), for agent logs."""
    ownership: Any = None
    """Showback, budgets and people (:class:`tokenecon.economics.ownership.Accounts`), when the
    mapping declares domains, shared costs, budgets or a people file."""
    value: ValueAssessment | None = None
    """Integrity, human baseline, placement, waterfall and value areas (``economics.value``)."""


@dataclass(frozen=True)
class Inputs:
    """What a command that reads usage starts from (analyze, whatif, convert)."""

    book: PriceBook
    mapping: OutcomeMapping | None
    sources: list[SourceFile]
    read: ReadOptions
    """How the adapters read: column map, input convention (option, else mapping, else
    inclusive), forced format, timestamp format."""


def prepare_inputs(
    usage: Sequence[str], options: AnalyzeOptions, book: PriceBook | None = None
) -> Inputs:
    """Check the options that need no reading (``--cost-source``, ``--since``/``--until``,
    ``--timestamp-format``),
    load the price book (unless given) and the mapping, and expand the usage arguments."""
    choose_costs([], options.cost_source)  # a bad --cost-source fails before any reading
    check_timestamp_format(options.timestamp_format)
    if options.since and options.until and options.since >= options.until:
        raise OptionError("--since must be before --until")
    if book is None:
        book = load_price_book(options.prices, include_default=not options.no_default_prices)
    mapping = load_mapping(options.outcomes) if options.outcomes else None
    convention = options.input_convention or (mapping.input_convention if mapping else None)
    sources = expand_sources(list(usage), options.table, remote=options.engine.name == "spark")
    read = ReadOptions(
        column_map=options.column_map,
        input_convention=convention or "inclusive",
        convention_given=convention is not None,
        format=options.source_format,
        timestamp_format=options.timestamp_format,
    )
    return Inputs(book, mapping, sources, read)


def run_analysis(
    usage: Sequence[str],
    options: AnalyzeOptions,
    book: PriceBook | None = None,
    empty_ok: bool = False,
) -> Analysis:
    """Read, price, attribute and decompose the usage; diagnose the result.

    ``book`` is the price book of ``options`` when the caller has loaded it already. Usage
    that leaves no row to analyse is refused (:func:`~.empty.refuse_empty`) unless
    ``empty_ok`` (one billing period of several may have none).
    """
    period, attribute = split_by(options.by)
    options = replace(
        options,
        by=attribute,
        period=period or options.period,
        timezone=check_timezone(options.timezone),
    )
    _check_by(options.by)
    if options.timezone and options.engine.name != "duckdb":
        raise OptionError("--timezone works with the duckdb engine only", "leave --engine out")
    prepared = prepare_inputs(usage, options, book)
    book, mapping, sources = prepared.book, prepared.mapping, prepared.sources
    aggregate_options = AggregateOptions(
        read=prepared.read,
        by=ownership_key(mapping, options.by),
        owner_only=options.by is None
        and ownership_key(mapping, None) is not None
        and not options.timezone,
        since=options.since,
        until=options.until,
        thresholds=tuple(sorted(set(book.cliff_thresholds()) | set(options.prompt_thresholds))),
        per_model_yields=options.per_model_yields,
        progress=options.progress,
        timezone=options.timezone,
        hourly_formats=AGENT_FORMATS,
    )
    session = Session(options.engine, scan_bytes(sources))
    # Hash the inputs for the report while the engine reads them (both release the GIL); the
    # same read counts newlines, which is how rejected rows get their line numbers.
    hashed = _Hashed(sources)
    try:
        aggregates = aggregate_usage_cached(
            session,
            sources,
            mapping,
            aggregate_options,
            lambda i: hashed[i],  # the key's content and the newlines, hashed once
            # outcomes per user (a people file with events files) query the rows again
            lambda a: (
                _replay_suffices(a)
                and (aggregate_options.by != "user" or not (mapping and event_sources(mapping)))
            ),
        )
        digests = [hashed[i].sha256 for i in range(len(sources))]
    finally:
        hashed.join()
    if not empty_ok:
        refuse_empty(aggregates, [s.display for s in sources])
    if options.timezone:
        aggregates.groups = [split_local_day(g) for g in aggregates.groups]
    policies = residency_policies(mapping.use_cases) if mapping else None
    computed = price_groups(aggregates.groups, book, policies)
    reconciliation: list[ModelReconciliation] = []
    if any(g.reported_rows for g in aggregates.groups):
        zero, _ = zero_cost_groups(
            session.ibis(),
            aggregates.rows,
            aggregate_options.thresholds,
            options.since,
            options.until,
        )
        reconciliation = reconcile(computed, zero, book)
    priced = choose_costs(computed, options.cost_source)
    estimated = _estimated_models(session, aggregates, book)
    economics = decompose(priced, aggregates, mapping, book)
    findings = diagnose(economics)
    owned: Sequence[PricedGroup] | OwnerUsage = priced
    if aggregates.owner_groups:  # priced per user for ownership alone (see owner_only)
        owned = fold_owner_groups(aggregates.owner_groups, book, policies, options.cost_source)
    ownership = account(
        owned, economics, mapping, aggregate_options.by,
        lambda m: _user_outcomes(session, aggregates, m, aggregate_options),
        options.invoice_window,
    )  # fmt: skip
    value = assess_value(economics, priced, book)
    findings = findings + value_findings(value)
    ungrouped = ungrouped_rows(aggregates.groups)
    inputs = {
        "usage": [
            {
                "path": s.display,
                "sha256": digests[i],
                "format": "generic_" + s.kind if plan.format == "generic" else plan.format,
                "rows": aggregates.rows_per_source.get(i, 0),
                "columns": {k: plan.headers[v] for k, v in sorted(plan.canonical.items())},
                "notes": said_notes(plan.notes, *ungrouped),
                "estimated": plan.estimated,
            }
            for i, (s, plan) in enumerate(zip(sources, aggregates.plans, strict=True))
        ],
        "price_books": [{"path": f.path, "sha256": f.sha256} for f in book.files],
        "mapping": (
            {"path": Path(mapping.path).name if mapping.path else None, "sha256": mapping.sha256}
            if mapping
            else None
        ),
        "input_convention": aggregate_options.read.input_convention,
        "cost_source": options.cost_source,
        "missing_attributes": aggregates.missing_attributes,
    }
    return Analysis(
        options, book, mapping, aggregates, priced, economics, findings, inputs, reconciliation,
        estimated, hourly_blocks(aggregates.hourly, book), ownership, value,
    )  # fmt: skip


class _Hashed:
    """Each source's :func:`digest_file`, computed in order by a thread of its own. (Not
    concurrent.futures, whose import, logging's with it, was ~3 ms of every run.)"""

    def __init__(self, sources: Sequence[SourceFile]) -> None:
        self._done = [threading.Event() for _ in sources]
        self._out: list[FileDigest | BaseException | None] = [None] * len(sources)
        self._thread = threading.Thread(target=self._run, args=(list(sources),), daemon=True)
        self._thread.start()

    def _run(self, sources: list[SourceFile]) -> None:
        for index, source in enumerate(sources):
            try:
                self._out[index] = digest_file(source)
            except BaseException as exc:  # raised where the digest is asked for, as a future's
                self._out[index] = exc
            finally:
                self._done[index].set()

    def __getitem__(self, index: int) -> FileDigest:
        """The ``index``-th source's digest, once computed (its error, if it failed)."""
        self._done[index].wait()
        out = self._out[index]
        if isinstance(out, BaseException):
            raise out
        assert out is not None
        return out

    def join(self) -> None:
        """Wait until every source is hashed."""
        self._thread.join()


AGENT_FORMATS = ("claude_code_jsonl", "codex_jsonl")
"""Formats whose usage is metered in 5-hour billing blocks (their hourly sums are kept)."""


def _replay_suffices(aggregates: UsageAggregates) -> bool:
    """Whether the rest of the run asks nothing more of the rows than the aggregates (then
    their SQL may be replayed without building the Ibis expression: aggregate/memo.py)."""
    return not (
        any(g.reported_rows for g in aggregates.groups)
        or any(p.estimated for p in aggregates.plans)
    )


def _user_outcomes(
    session: Session,
    aggregates: UsageAggregates,
    mapping: OutcomeMapping,
    options: AggregateOptions,
) -> dict[tuple[str, str], int]:
    """Outcomes per (use case, user): a query of its own, so Ibis only where it is asked."""
    from tokenecon.aggregate.user_outcomes import count_user_outcomes

    return count_user_outcomes(session.ibis(), aggregates.rows, mapping, options)


def _estimated_models(session: Session, aggregates: UsageAggregates, book: PriceBook) -> set[str]:
    """The models of sources whose token counts are estimates (one small query, if any)."""
    ids = [i for i, plan in enumerate(aggregates.plans) if plan.estimated]
    if not ids:
        return set()
    from tokenecon.engine.results import arrow_result

    con = session.ibis()
    rows = aggregates.rows
    names = rows.filter(rows.source_id.isin(ids) & rows.model.notnull()).select("model").distinct()
    found = [r["model"] for r in arrow_result(con, names).to_pylist()]
    return {book.resolve(name) or name for name in found}


def report_of(analysis: Analysis) -> Report:
    """The report document of an analysis."""
    report = build_report(
        analysis.economics,
        analysis.aggregates,
        analysis.findings,
        maturity(analysis.economics, analysis.findings),
        analysis.inputs,
        analysis.book.currency,
        analysis.options.by,
        reconciliation=analysis.reconciliation,
        estimated_models=analysis.estimated_models,
        extra=value_sections(analysis.economics, analysis.value, analysis.book)
        if analysis.value
        else None,
        time=time_views(analysis.priced, analysis.options, analysis),
    )
    if analysis.blocks:
        report.data["blocks"] = blocks_section(analysis.blocks)
    return with_ownership(report, analysis.ownership)


def time_views(
    priced: Sequence[PricedGroup], options: AnalyzeOptions, analysis: Analysis | None = None
) -> TimeViews:
    """The daily series (with verified outcomes where they are dated), and the ``--by``
    period breakdown if one was asked for."""
    outcomes = OutcomeSeries()
    if analysis is not None:
        counted = [
            u.name for u in analysis.economics.use_cases if u.outcomes is not None and u.volume.rows
        ]
        keys = sorted({"day", options.period or "day"})
        aggregates = analysis.aggregates
        outcomes = outcome_series(
            priced, aggregates.outcomes_by_day, aggregates.dated_outcomes, counted, keys
        )
    return TimeViews(
        timezone=options.timezone or "UTC",
        daily=series(priced, "day"),
        period=options.period,
        attribute=options.by,
        rows=period_breakdown(priced, options.period) if options.period else [],
        outcomes=outcomes,
    )


def analyze(usage: Sequence[str], options: AnalyzeOptions) -> Report:
    """Run the whole analysis and return the report."""
    return report_of(run_analysis(usage, options))
