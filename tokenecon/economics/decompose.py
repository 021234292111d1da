"""The three factors per use case, fully loaded cost and ROI (docs/formulas.md).

cost_per_outcome = cost_per_token x tokens_per_task x tasks_per_outcome, with Decimal arithmetic
at 50 significant digits so that the product equals the quotient exactly to the digits shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

from tokenecon.aggregate.types import UsageAggregates
from tokenecon.attribute.mapping import OutcomeMapping, UseCase
from tokenecon.attribute.outcomes import count_for_period
from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS, INPUT_TOKEN_COLUMNS, TOKEN_COLUMNS
from tokenecon.price.apply import PricedGroup
from tokenecon.price.book import BUCKETS, PriceBook
from tokenecon.price.rates import SERVICE_TIERS

PRECISION = 50


def ratio(numerator: Decimal | int, denominator: Decimal | int) -> Decimal | None:
    """numerator / denominator at high precision; None when the denominator is zero."""
    if not denominator:
        return None
    with localcontext() as ctx:
        ctx.prec = PRECISION
        return Decimal(numerator) / Decimal(denominator)


def product(a: Decimal | int | None, b: Decimal | int | None) -> Decimal | None:
    """a x b; None when either is unknown."""
    return None if a is None or b is None else Decimal(a) * Decimal(b)


@dataclass
class Volume:
    """Token, request and cost sums of a slice of usage."""

    cost: Decimal = Decimal(0)
    cost_from_reported: Decimal = Decimal(0)
    """The part of ``cost`` that is the sources' own (``--cost-source`` auto or reported)."""
    reported_cost: Decimal = Decimal(0)
    reported_rows: int = 0
    rows: int = 0
    priced_rows: int = 0
    """Rows of the slice that have a cost (the rest are unpriced)."""
    requests: int = 0
    batch_requests: int = 0
    tokens: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TOKEN_COLUMNS, 0))
    unpriced_tokens: int = 0
    cliff_unknown_tokens: int = 0
    above_cliff_requests: int = 0
    priced_requests: int = 0
    utility_requests: int = 0
    """Priced requests on a utility-tier model."""
    cost_standard_tier: Decimal = Decimal(0)
    """Priced usage at the standard tier (the cost without batch, flex or priority)."""
    cost_without_cache: Decimal = Decimal(0)
    """Priced usage at the standard tier with every prompt token uncached."""
    resident_requests: int = 0
    """Requests of use cases with ``residency:`` that ran in an allowed region."""
    nonresident_requests: int = 0
    """Requests of use cases with ``residency:`` that ran elsewhere."""

    def add(self, priced: PricedGroup) -> None:
        """Fold one priced group in."""
        g = priced.group
        self.rows += g.rows
        self.requests += g.requests
        if g.service_tier == "batch":
            self.batch_requests += g.requests
        for column in TOKEN_COLUMNS:
            self.tokens[column] += g.tokens[column]
        if priced.cost is None:
            self.unpriced_tokens += priced.billable_tokens
        else:
            self.cost += priced.cost
            self.priced_rows += g.rows
            if priced.cost_source == "reported":
                self.cost_from_reported += priced.cost
            self.priced_requests += g.requests
            self.utility_requests += g.requests if priced.tier == "utility" else 0
            if priced.cost_source == "computed":
                # List prices exist only for what the price book prices.
                self.cost_standard_tier += priced.cost_standard_tier or Decimal(0)
                self.cost_without_cache += priced.cost_without_cache or Decimal(0)
        if g.in_region is not None:
            self.resident_requests += g.requests if g.in_region else 0
            self.nonresident_requests += 0 if g.in_region else g.requests
        if priced.cliff == "unknown":
            self.cliff_unknown_tokens += priced.billable_tokens
        if priced.cliff == "above":
            self.above_cliff_requests += g.requests
        if g.reported_cost is not None:
            self.reported_cost += g.reported_cost
            self.reported_rows += g.reported_rows

    @property
    def billable(self) -> int:
        """Tokens that add up to the bill."""
        return sum(self.tokens[c] for c in BILLABLE_TOKEN_COLUMNS)

    @property
    def unpriced_all(self) -> bool:
        """Tokens and none of them with a price: the cost is unknown, not 0."""
        billable = self.billable
        return bool(billable) and self.unpriced_tokens >= billable

    @property
    def input(self) -> int:
        """All input tokens: uncached, cache read and cache write."""
        return sum(self.tokens[c] for c in INPUT_TOKEN_COLUMNS)


@dataclass
class UseCaseEconomics:
    """A use case over the period: volumes, the three factors and what they are worth."""

    name: str
    use_case: UseCase | None
    volume: Volume
    tasks: int
    outcomes: int | None
    outcomes_in_file: int | None
    models: dict[str, Volume]
    cheapest_model: str | None = None
    cheapest_cost: Decimal | None = None
    cheapest_base: Decimal | None = None
    """What the usage compared with the cheapest model cost (the book-priced part)."""
    main_tier: str | None = None
    """Tier of the model that carries most of the use case's cost."""

    @property
    def cost_per_token(self) -> Decimal | None:
        """C / T."""
        return ratio(self.volume.cost, self.volume.billable)

    @property
    def tokens_per_task(self) -> Decimal | None:
        """T / K."""
        return ratio(self.volume.billable, self.tasks)

    @property
    def tasks_per_outcome(self) -> Decimal | None:
        """K / O."""
        return ratio(self.tasks, self.outcomes) if self.outcomes is not None else None

    @property
    def cost_per_outcome(self) -> Decimal | None:
        """C / O."""
        return ratio(self.volume.cost, self.outcomes) if self.outcomes is not None else None

    @property
    def cost_per_task(self) -> Decimal | None:
        """C / K."""
        return ratio(self.volume.cost, self.tasks)

    @property
    def review_cost(self) -> Decimal:
        """Human review of every task at the reviewer's hourly rate."""
        if not self.use_case:
            return Decimal(0)
        minutes = self.use_case.review_minutes_per_task * self.tasks
        return minutes * self.use_case.reviewer_hourly_rate / 60

    @property
    def fully_loaded_cost(self) -> Decimal:
        """Model cost + human review + overhead."""
        overhead = self.use_case.overhead if self.use_case else Decimal(0)
        return self.volume.cost + self.review_cost + overhead

    @property
    def fully_loaded_cost_per_outcome(self) -> Decimal | None:
        """Fully loaded cost / O."""
        return ratio(self.fully_loaded_cost, self.outcomes) if self.outcomes is not None else None

    @property
    def value_per_outcome(self) -> Decimal | None:
        """From the mapping."""
        return self.use_case.value_per_outcome if self.use_case else None

    @property
    def value(self) -> Decimal | None:
        """Value per outcome x outcomes."""
        return product(self.value_per_outcome, self.outcomes)

    @property
    def roi(self) -> Decimal | None:
        """(value - fully loaded cost) / fully loaded cost."""
        if self.value is None:
            return None
        return ratio(self.value - self.fully_loaded_cost, self.fully_loaded_cost)

    @property
    def requests_per_task(self) -> Decimal | None:
        """Model calls per task."""
        return ratio(self.volume.requests, self.tasks)

    @property
    def cache_read_share(self) -> Decimal | None:
        """Cache reads / all input."""
        return ratio(self.volume.tokens["cache_read_tokens"], self.volume.input)

    @property
    def output_share(self) -> Decimal | None:
        """Output / billable tokens."""
        return ratio(self.volume.tokens["output_tokens"], self.volume.billable)

    @property
    def batch_share(self) -> Decimal | None:
        """Batch-tier requests / requests."""
        return ratio(self.volume.batch_requests, self.volume.requests)

    @property
    def unpriced_share(self) -> Decimal | None:
        """Unpriced tokens / billable tokens."""
        return ratio(self.volume.unpriced_tokens, self.volume.billable)

    @property
    def price_vs_cheapest(self) -> Decimal | None:
        """Cost of the book-priced usage / the same tokens at the cheapest utility model."""
        if self.cheapest_cost is None or self.cheapest_base is None:
            return None
        return ratio(self.cheapest_base, self.cheapest_cost)


@dataclass
class Economics:
    """Everything decomposed: totals, use cases, unattributed, models, breakdown."""

    total: Volume
    use_cases: list[UseCaseEconomics]
    unattributed: Volume
    models: dict[str, Volume]
    """By the price book's key, or the raw name for unpriced models."""
    unpriced: dict[str, Volume]
    """By raw model name."""
    unpriced_reasons: dict[str, str]
    breakdown: dict[str, Volume]
    """By the ``--by`` attribute (``(none)`` for empty)."""
    start: date | None
    end: date | None
    model_tiers: dict[str, str]
    model_providers: dict[str, str]
    tier_at_standard: dict[tuple[str, str], int] = field(default_factory=dict)
    """(book model, service tier) -> requests of a tier the price in force does not price,
    billed at the standard price (docs/price-book.md, "Buckets and tiers"); a speed the model
    has no rate for (Anthropic's fast mode) is there as ``speed fast``."""


def _cheapest_utility(book: PriceBook, provider: str | None, at: date) -> str | None:
    candidates = []
    for model in book.models.values():
        if model.tier != "utility" or (provider and model.provider != provider):
            continue
        if not model.routable:
            continue
        entry = model.active(at)
        if entry:
            candidates.append((entry.rates.input + entry.rates.output, model.key))
    return min(candidates)[1] if candidates else None


def _reprice(volume: Volume, book: PriceBook, key: str, at: date) -> Decimal | None:
    entry = book.models[key].active(at)
    if entry is None:
        return None
    total = sum(
        (
            Decimal(volume.tokens[c]) * entry.rates.of(b)
            for c, b in zip(BILLABLE_TOKEN_COLUMNS, BUCKETS, strict=True)
        ),
        Decimal(0),
    )
    return total / Decimal(1_000_000)


def _outcomes(
    use_case: UseCase | None, aggregates: UsageAggregates, start: date | None, end: date | None
) -> tuple[int | None, int | None]:
    if use_case is None or use_case.outcomes is None:
        return None, None
    source = use_case.outcomes
    if source.kind == "count":
        return source.count, None
    if source.kind == "counts":
        return count_for_period(source, start, end), None
    name = use_case.name
    return aggregates.outcomes_matched.get(name, 0), aggregates.outcomes_in_file.get(name, 0)


def decompose(
    priced: Sequence[PricedGroup],
    aggregates: UsageAggregates,
    mapping: OutcomeMapping | None,
    book: PriceBook,
) -> Economics:
    """Fold priced groups into use cases, models and totals, and attach tasks and outcomes."""
    total, unattributed = Volume(), Volume()
    per_use_case: dict[str, Volume] = defaultdict(Volume)
    per_use_case_model: dict[str, dict[str, Volume]] = defaultdict(lambda: defaultdict(Volume))
    models: dict[str, Volume] = defaultdict(Volume)
    unpriced: dict[str, Volume] = defaultdict(Volume)
    reasons: dict[str, str] = {}
    breakdown: dict[str, Volume] = defaultdict(Volume)
    at_standard: dict[tuple[str, str], int] = defaultdict(int)
    for p in priced:
        name = p.model_key or p.group.model
        for tier in _at_standard(p, book):
            at_standard[(name, tier)] += p.group.requests
        total.add(p)
        models[name].add(p)
        breakdown[p.group.by_value or "(none)"].add(p)
        if p.cost is None:
            unpriced[p.group.model].add(p)
            reasons[p.group.model] = _reasons(reasons.get(p.group.model), p.unpriced_reason)
        if p.group.use_case is None:
            unattributed.add(p)
        else:
            per_use_case[p.group.use_case].add(p)
            per_use_case_model[p.group.use_case][name].add(p)
    days = [p.group.day for p in priced]
    start, end = (min(days), max(days)) if days else (None, None)
    declared = {u.name: u for u in mapping.use_cases} if mapping else {}
    use_cases = []
    for name in [*declared, *sorted(set(per_use_case) - set(declared))]:
        volume = per_use_case.get(name, Volume())
        outcomes, in_file = _outcomes(declared.get(name), aggregates, start, end)
        economics = UseCaseEconomics(
            name=name,
            use_case=declared.get(name),
            volume=volume,
            tasks=aggregates.tasks.get(name, 0),
            outcomes=outcomes,
            outcomes_in_file=in_file,
            models=dict(per_use_case_model.get(name, {})),
        )
        _attach_cheapest(economics, book, end)
        use_cases.append(economics)
    return Economics(
        total=total,
        use_cases=use_cases,
        unattributed=unattributed,
        models=dict(models),
        unpriced=dict(unpriced),
        unpriced_reasons=reasons,
        breakdown=dict(breakdown),
        start=start,
        end=end,
        model_tiers={k: m.tier for k, m in book.models.items()},
        model_providers={k: m.provider for k, m in book.models.items()},
        tier_at_standard=dict(at_standard),
    )


def _at_standard(p: PricedGroup, book: PriceBook) -> list[str]:
    """The tier (or ``speed fast``) the book priced ``p`` at standard for want of its price."""
    if p.model_key is None or p.cost is None or p.cost_source != "computed":
        return []
    tier = p.group.service_tier
    entry = book.models[p.model_key].active(p.group.day) if tier in SERVICE_TIERS else None
    out = [tier] if entry is not None and tier not in entry.tiers else []
    return [*out, f"speed {p.group.speed}"] if p.speed_at_standard else out


def _reasons(known: str | None, reason: str | None) -> str:
    """Every distinct reason a model's usage is unpriced, in the order first met."""
    parts = known.split("; ") if known else []
    if reason and reason not in parts:
        parts.append(reason)
    return "; ".join(parts)


def _attach_cheapest(economics: UseCaseEconomics, book: PriceBook, at: date | None) -> None:
    """The cheapest utility model of the use case's main provider, and its cost for the tokens.

    Only models the book priced in full enter the comparison (usage priced from the source's
    own cost or left unpriced has no list price to compare), on both sides of the ratio.
    """
    priced = {k: v for k, v in economics.models.items() if k in book.models}
    if not priced or at is None:
        return
    main = max(priced, key=lambda k: (priced[k].cost, k))
    economics.main_tier = book.models[main].tier
    cheapest = _cheapest_utility(book, book.models[main].provider, at)
    comparable = [v for v in priced.values() if not v.unpriced_tokens and not v.cost_from_reported]
    if cheapest is None or not comparable:
        return
    base = _priced_volume(comparable)
    economics.cheapest_model = cheapest
    economics.cheapest_base = base.cost
    economics.cheapest_cost = _reprice(base, book, cheapest, at)


def _priced_volume(volumes: Iterable[Volume]) -> Volume:
    out = Volume()
    for v in volumes:
        for c in TOKEN_COLUMNS:
            out.tokens[c] += v.tokens[c]
        out.cost += v.cost
    return out
