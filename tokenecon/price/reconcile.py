"""Computed vs reported cost: which one the report uses, and why they differ.

``--cost-source``: ``computed`` prices every group from the price book (unknown models stay
unpriced); ``reported`` uses only what the sources recorded (a group with no reported cost is
unpriced); ``auto`` (the default) takes computed cost where the book prices the group and the
source's own cost otherwise, so usage is never lost for want of a price nor priced at zero.

Reconciliation compares the two per model over the groups the sources report a cost for, and
splits the gap (reported - computed) into causes that add up to it exactly:

- ``unpriced model``: the book has no price (the whole reported cost is gap);
- ``no token usage to compare``: the source's cost lines have no usage of their model and
  day beside them (a cost report read alone);
- a cost line without a model (``(all models)``, an ungrouped OpenAI cost export) is compared
  with the computed cost of every model's usage of its day that has no reported cost of its
  own (:mod:`tokenecon.price.ungrouped`), its gap booked under the causes below; where some of
  that usage has no price in the book, the whole gap is ``unpriced model``;
- ``no reported cost``: usage of the model for which no source recorded a cost;
- ``reported at $0 with tokens``: rows with tokens that the source recorded at $0 — the
  streaming-loss bug of proxies and SDKs — at their computed cost (found by a query of its own);
- ``tier or long-context cliff``: the rest of the gap on batch/flex/priority rows or rows
  above (or of unknown side of) the long-context cliff;
- ``discount``: the rest of the gap where the book applies a negotiated discount;
- ``price book older than the usage``: the rest, on days after the price was last checked;
- ``unexplained``: the rest (rounding by the source, a price the book does not know).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from tokenecon.aggregate.types import UsageGroup
from tokenecon.errors import OptionError
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.ingest.formats.openai import ALL_MODELS
from tokenecon.price.apply import PricedGroup, price_groups
from tokenecon.price.book import PriceBook
from tokenecon.price.ungrouped import choose_ungrouped, covers, in_ungrouped_line

if TYPE_CHECKING:
    from ibis.backends.duckdb import Backend

COST_SOURCES = ("auto", "computed", "reported")


def choose_costs(priced: Sequence[PricedGroup], source: str) -> list[PricedGroup]:
    """Each group's cost under ``--cost-source``, labelled with where it came from.

    A group without a cost of its own choosing stays unpriced, with the reason: the source's
    cost is taken only where it covers every row of the group, and a $0 the source recorded for
    tokens the book cannot price is the streaming-loss bug, not a price. Under ``auto`` a
    group with no billable tokens (a cost report's line) takes the source's cost: the book
    would price it at $0 — unless the book prices token usage of the same model and day: then
    the line is a cost report of that usage (reconciliation compares the two), not more spend.
    A line without a model ("(all models)", :mod:`tokenecon.price.ungrouped`) is likewise the
    cost report of the usage of its day; under ``reported`` that usage is unpriced per model,
    its dollars being the line's.
    """
    if source not in COST_SOURCES:
        raise OptionError(
            f"--cost-source {source!r} is not one of {', '.join(COST_SOURCES)}",
            "auto: computed where the price book prices it, reported otherwise",
        )
    metered = {_cell(p) for p in priced if p.cost is not None and p.billable_tokens}
    chosen = [_choose(p, source, _cell(p) in metered) for p in priced]
    if source == "computed":
        return chosen
    for i, cover in covers(priced).items():
        chosen[i] = choose_ungrouped(priced[i], source, cover)
        if source == "reported":
            for j in cover.usage:
                chosen[j] = in_ungrouped_line(priced[j])
    return chosen


def _cell(p: PricedGroup) -> tuple[str, date]:
    return (p.model_key or p.group.model, p.group.day)


def _choose(p: PricedGroup, source: str, metered: bool) -> PricedGroup:
    """One group's cost; ``metered``: the book prices token usage of its model on its day."""
    g = p.group
    covered = g.reported_cost is not None and g.reported_rows >= g.rows > 0
    if source == "computed":
        return p
    if source == "auto" and p.cost is not None and (p.billable_tokens or not covered or metered):
        return p
    if covered and g.reported_cost == 0 and p.billable_tokens and p.cost is None:
        reason = f"reported at $0 for {p.billable_tokens:,} tokens"
        return replace(p, cost=None, unpriced_reason=reason, cost_source=None)
    if covered:
        return replace(p, cost=g.reported_cost, unpriced_reason=None, cost_source="reported")
    if g.reported_rows:
        reason = f"the source reported a cost for {g.reported_rows:,} of {g.rows:,} rows"
        if p.unpriced_reason:
            reason = f"{p.unpriced_reason}; {reason}"
        return replace(p, cost=None, unpriced_reason=reason, cost_source=None)
    if source == "reported":
        return replace(p, cost=None, unpriced_reason="no reported cost", cost_source=None)
    return p


@dataclass
class ModelReconciliation:
    """Computed vs reported cost of one model, and the gap by cause."""

    model: str
    computed: Decimal = Decimal(0)
    """Computed cost of the groups compared (unpriced groups count 0)."""
    reported: Decimal = Decimal(0)
    """What the sources recorded for them."""
    causes: dict[str, Decimal] = field(default_factory=dict)
    """Cause -> part of the gap (reported - computed); the parts add up to the gap."""
    zero_cost_rows: int = 0
    """Rows with tokens recorded at $0."""

    @property
    def gap(self) -> Decimal:
        """Reported minus computed."""
        return self.reported - self.computed

    def add(self, cause: str, amount: Decimal) -> None:
        """Book part of the gap under a cause."""
        if amount:
            self.causes[cause] = self.causes.get(cause, Decimal(0)) + amount


def _key(g: UsageGroup) -> tuple[Any, ...]:
    """Reported and computed costs meet per model and UTC day: cost reports have no tier or
    cliff side of their own to match on."""
    return (g.model, g.day)


def zero_cost_groups(
    con: Backend, rows: Any, thresholds: Sequence[int], since: Any = None, until: Any = None
) -> tuple[list[UsageGroup], dict[tuple[Any, ...], int]]:
    """Rows with billable tokens that their source recorded at $0, summed per price grain.

    Identical copies of a request count once (``DISTINCT``). Returns the groups and their
    row counts by (model, day).
    """
    # Imported here: these build Ibis expressions, and a run whose SQL is replayed from the
    # cache (aggregate/memo.py) imports no Ibis.
    from tokenecon.aggregate.columns import billable_tokens, in_period, prompt_class
    from tokenecon.engine.results import arrow_result

    wanted = rows.reject_reason.isnull() & (rows.reported_cost == 0) & (billable_tokens(rows) > 0)
    wanted &= in_period(rows, since, until)
    zero = rows.filter(wanted.fill_null(False))
    zero = zero.select(
        "source_id", "request_id", "timestamp", "model", *TOKEN_COLUMNS, "requests",
        "service_tier", "context_window",
    ).distinct()  # fmt: skip
    zero = zero.mutate(day=zero.timestamp.date(), prompt_class=prompt_class(zero, thresholds))
    sums = zero.group_by(["model", "day", "service_tier", "prompt_class"]).aggregate(
        rows=zero.count(),
        requests=zero.requests.sum(),
        **{c: zero[c].sum() for c in TOKEN_COLUMNS},
    )
    groups, counts = [], {}
    for r in arrow_result(con, sums).to_pylist():  # (Ibis's to_pyarrow imports pandas)
        tokens = {c: int(r[c] or 0) for c in TOKEN_COLUMNS}
        group = UsageGroup(
            use_case=None, model=r["model"], day=r["day"], service_tier=r["service_tier"],
            prompt_class=int(r["prompt_class"]), by_value=None, rows=int(r["rows"]),
            requests=int(r["requests"] or 0), requests_unknown_rows=0, tokens=tokens,
            reported_cost=Decimal(0), reported_rows=int(r["rows"]),
        )  # fmt: skip
        groups.append(group)
        counts[_key(group)] = int(r["rows"])
    return groups, counts


def reconcile(
    priced: Sequence[PricedGroup], zero: Sequence[UsageGroup], book: PriceBook
) -> list[ModelReconciliation]:
    """Per model with any reported cost: computed vs reported and the gap by cause."""
    reported_models = {p.model_key or p.group.model for p in priced if p.group.reported_rows}
    zero_cost: dict[tuple[Any, ...], Decimal] = defaultdict(Decimal)
    zero_rows: dict[tuple[Any, ...], int] = defaultdict(int)
    for z in price_groups(list(zero), book):
        if z.cost is not None:
            zero_cost[_key(z.group)] += z.cost
            zero_rows[_key(z.group)] += z.group.rows
    ungrouped = covers(priced)
    cells: dict[tuple[Any, ...], list[PricedGroup]] = defaultdict(list)
    for i, p in enumerate(priced):
        name = p.model_key or p.group.model
        if name in reported_models and i not in ungrouped:
            cells[(name, *_key(p.group))].append(p)
    out: dict[str, ModelReconciliation] = {}
    for (name, *key), members in sorted(cells.items(), key=lambda kv: str(kv[0])):
        line = out.setdefault(name, ModelReconciliation(name))
        _explain(line, tuple(key), members, zero_cost, zero_rows, book)
    for i, cover in sorted(ungrouped.items(), key=lambda kv: priced[kv[0]].group.day):
        line = out.setdefault(ALL_MODELS, ModelReconciliation(ALL_MODELS))
        _explain_ungrouped(line, priced[i], [priced[j] for j in cover.usage], book)
    return sorted(out.values(), key=lambda m: (-abs(m.gap), m.model))


def _explain(
    line: ModelReconciliation,
    key: tuple[Any, ...],
    members: list[PricedGroup],
    zero_cost: dict[tuple[Any, ...], Decimal],
    zero_rows: dict[tuple[Any, ...], int],
    book: PriceBook,
) -> None:
    """Fold one (model, day) cell into the model's line, by cause."""
    computed = sum((p.cost for p in members if p.cost is not None), Decimal(0))
    reported = sum(
        (p.group.reported_cost for p in members if p.group.reported_cost is not None),
        Decimal(0),
    )
    line.computed += computed
    line.reported += reported
    if any(p.cost is None for p in members):
        line.add("unpriced model", reported - computed)
        return
    if not any(p.billable_tokens for p in members):
        line.add("no token usage to compare", reported - computed)
        return
    members = _without_unreported(line, members)
    if not members:
        return
    computed = sum((p.cost or Decimal(0) for p in members), Decimal(0))
    reported = sum((p.group.reported_cost or Decimal(0) for p in members), Decimal(0))
    streamed = zero_cost.get(key, Decimal(0))
    line.add("reported at $0 with tokens", -streamed)
    line.zero_cost_rows += zero_rows.get(key, 0)
    rest = reported - computed + streamed
    line.add(_cause([p for p in members if p.billable_tokens], book), rest)


def _cause(usage: list[PricedGroup], book: PriceBook) -> str:
    """The cause of the rest of a cell's gap, from the priced usage of one day."""
    if any(p.cliff != "below" or p.group.service_tier != "standard" for p in usage):
        return "tier or long-context cliff"
    models = [(book.models.get(p.model_key or ""), p.group.day) for p in usage]
    if any(m is not None and book.discount_at(m, day) != 1 for m, day in models):
        return "discount"
    for model, day in models:
        entry = model.active(day) if model else None
        checked = _checked(entry.checked if entry else "")
        if checked is not None and day > checked:
            return "price book older than the usage"
    return "unexplained"


def _explain_ungrouped(line: ModelReconciliation, cost: PricedGroup, usage: list[PricedGroup],
                       book: PriceBook) -> None:  # fmt: skip
    """Fold one "(all models)" cost line into its line: compared with the computed cost of
    the usage of its day across models (docs/sources.md, "Computed vs reported cost")."""
    reported = cost.group.reported_cost or Decimal(0)
    computed = sum((p.cost for p in usage if p.cost is not None), Decimal(0))
    line.computed += computed
    line.reported += reported
    if not usage:
        line.add("no token usage to compare", reported)
    elif any(p.cost is None for p in usage):
        # the dollars beyond the priced part are (at least partly) the unpriced usage's cost
        line.add("unpriced model", reported - computed)
    else:
        line.add(_cause(usage, book), reported - computed)


def _without_unreported(line: ModelReconciliation, members: list[PricedGroup]) -> list[PricedGroup]:
    """Book usage that no source reported a cost for, and return the rest of the cell.

    Within a (model, day) cell, a tier and cliff side with tokens but no reported cost is
    "no reported cost" — unless a cost report has lines of a tier or side that no usage has,
    in which case the report splits tiers differently and the whole cell is compared.
    """
    sides: dict[tuple[str, int], list[PricedGroup]] = defaultdict(list)
    for p in members:
        sides[(p.group.service_tier, p.group.prompt_class)].append(p)
    usage = {k for k, ps in sides.items() if any(p.billable_tokens for p in ps)}
    reported = {k for k, ps in sides.items() if any(p.group.reported_rows for p in ps)}
    if reported - usage:
        return members
    kept = []
    for side, ps in sides.items():
        if side in reported:
            kept += ps
        else:
            line.add("no reported cost", -sum((p.cost or Decimal(0) for p in ps), Decimal(0)))
    return kept


def _checked(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None
