"""What the aggregation returns and what it takes: plain data, no engine.

Stages that only read the sums (pricing, economics, the report, `whatif`, `diff`) import these
types from here, so that loading them does not load Ibis or DuckDB.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from tokenecon.ingest.canonical import BILLABLE_TOKEN_COLUMNS
from tokenecon.ingest.options import ColumnPlan, ReadOptions
from tokenecon.progress import Reporter

DECLARED_ABOVE = 1 << 40
"""Prompt class of a bucket row whose source says it ran above the long-context cliff."""
UNKNOWN_PROMPT = -1
"""Prompt class of a bucket row that cannot be tested against a per-request threshold."""
SAMPLE_LIMIT = 20
"""How many rejected rows and duplicate ids are listed by name."""
BEYOND_FIRST = {
    c: ("rework_" if c == "output_tokens" else "reread_") + c for c in BILLABLE_TOKEN_COLUMNS
}
"""Token column -> the engine's sum of that bucket over the calls of a task beyond its first
(``reread_*``: the prompt re-sent; ``rework_output_tokens``: their output)."""


@dataclass(frozen=True)
class UsageGroup:
    """Summed usage at the pricing grain."""

    use_case: str | None
    model: str
    day: date
    service_tier: str
    prompt_class: int
    """0: below every cliff; N: the largest cliff threshold the prompt exceeds; -1: unknown."""
    by_value: str | None
    rows: int
    requests: int
    requests_unknown_rows: int
    tokens: dict[str, int]
    reported_cost: Decimal | None
    reported_rows: int
    in_region: bool | None = None
    """For use cases that declare ``residency:``: ran in an allowed region (None: unknown)."""
    billing_geo: str | None = None
    """The geo the source says the request was billed at (Anthropic's ``inference_geo``, lower
    case); None where the source does not say (docs/price-book-fields.md#regional-prices)."""
    speed: str | None = None
    """The speed the source says the request ran at where it is not standard (Anthropic's
    ``speed: fast``); None where standard or unstated (docs/price-book-fields.md#fast-mode)."""
    local_day: date | None = None
    """The day on the clocks of ``--timezone`` (None: the UTC ``day``)."""
    beyond_first: dict[str, int] = field(default_factory=dict)
    """Token column -> its tokens in calls beyond the first of their task (measured per task
    in the engine; empty or 0 for requests that are their own task)."""

    @property
    def period_day(self) -> date:
        """The day the time views file this group under (``--timezone``, else UTC)."""
        return self.local_day or self.day


class OwnedGroup(NamedTuple):
    """A group at the pricing grain (summed over the ownership key) and its parts per value of
    the key (a user's sums at that pricing key), as columns: pricing the group once prices
    every part (cost is linear in the tokens), so that ownership need not price hundreds of
    thousands of per-user groups. Only what ownership reads of a part is kept."""

    group: UsageGroup
    values: tuple[str | None, ...]
    """The key's value of each part, ascending (None first); the columns below follow it."""
    rows: tuple[int, ...]
    requests: tuple[int, ...]
    tokens: tuple[tuple[int, ...], ...]
    """One column per ``TOKEN_COLUMNS``."""
    reported_cost: tuple[Decimal | None, ...]
    reported_rows: tuple[int, ...]


@dataclass(frozen=True)
class RejectedRow:
    """A row that failed validation, with where it is."""

    source: str
    line: int | None
    """Physical line (header = 1); None for a remote file Spark reads (no local copy)."""
    reason: str


@dataclass
class RowAccounting:
    """Where every row read went: rejected (why, and where), repeated, outside the period, or
    kept. `analyze` and `convert` count rows with the same query (:mod:`.read`)."""

    rows_read: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    """Copies of a repeated request id beyond the one kept."""
    rows_filtered: int = 0
    """Valid rows outside ``--since``/``--until``."""
    reject_reasons: list[tuple[str, int]] = field(default_factory=list)
    """(reason, rows), most frequent first."""
    rejected_samples: list[RejectedRow] = field(default_factory=list)
    duplicate_samples: list[tuple[str, int]] = field(default_factory=list)
    """Repeated request ids and how many valid copies each had (the first 20 by id)."""
    rows_per_source: dict[int, int] = field(default_factory=dict, repr=False)
    reject_sample_rows: list[dict[str, Any]] = field(default_factory=list, repr=False)
    """The first rejected rows as the query returns them, before their lines are found."""


@dataclass
class UsageAggregates(RowAccounting):
    """What the engine returns: small tables, ready for pricing and decomposition."""

    groups: list[UsageGroup] = field(default_factory=list)
    owner_groups: list[OwnedGroup] = field(default_factory=list)
    """With :attr:`AggregateOptions.owner_only`: each of ``groups`` (then at the usual grain,
    without the ownership key) with its shares per value of the key, in the same order."""
    tasks: dict[str, int] = field(default_factory=dict)
    """Distinct tasks per use case (keyed tasks + keyless requests)."""
    outcomes_matched: dict[str, int] = field(default_factory=dict)
    """Verified outcome keys that match a task of the use case in the usage."""
    outcomes_in_file: dict[str, int] = field(default_factory=dict)
    """Verified outcome keys in the use case's file, matched or not."""
    outcomes_by_day: dict[tuple[str, str | None], int] = field(default_factory=dict)
    """Matched outcomes per (use case, day on the clocks of ``--timezone``; None: the time is
    not one), for use cases whose events file dates its outcomes."""
    dated_outcomes: list[str] = field(default_factory=list)
    """The use cases whose events file dates its outcomes (docs/time-views.md)."""
    duplicates_conflicting: int = 0
    """Duplicate ids whose copies disagree on token counts (the largest counts are kept)."""
    plans: list[ColumnPlan] = field(default_factory=list)
    missing_attributes: list[str] = field(default_factory=list)
    """Attributes the mapping names that no input file has."""
    model_tasks: dict[tuple[str, str], int] = field(default_factory=dict)
    """Tasks per (use case, model as reported) that made at least one call on the model, for
    use cases with per-task outcome events (only with ``per_model_yields``)."""
    model_outcomes: dict[tuple[str, str], int] = field(default_factory=dict)
    """Verified outcome keys per (use case, model) matching a task that used the model."""
    rows: Any = None
    """The parsed rows (an Ibis expression), for follow-up queries such as reconciliation."""
    hourly: list[tuple[datetime, UsageGroup]] = field(default_factory=list)
    """Usage per UTC hour at the pricing grain, oldest first (only where asked for:
    :attr:`AggregateOptions.hourly_formats`)."""


@dataclass(frozen=True)
class AggregateOptions:
    """What to read and how to slice it."""

    read: ReadOptions = field(default_factory=ReadOptions)
    by: str | None = None
    """Extra breakdown attribute (``--by``)."""
    since: datetime | None = None
    until: datetime | None = None
    thresholds: tuple[int, ...] = ()
    """Distinct long-context thresholds of the price book."""
    reported_cost: bool = True
    """Whether any source reports a cost (set by :func:`~.query.aggregate_usage`)."""
    sources: int = 0
    """How many files are read (set by :func:`~.query.aggregate_usage`)."""
    residency: bool = True
    """Whether any use case declares ``residency:`` (set by :func:`~.query.aggregate_usage`)."""
    billing_geo: bool = True
    """Whether any source states the geo it billed (set by :func:`~.query.aggregate_usage`)."""
    speed: bool = True
    """Whether any source states the speed a request ran at (Anthropic's fast mode)."""
    tasks: bool = True
    """Whether any use case has a ``task_key`` (set by :func:`~.query.aggregate_usage`)."""
    progress: Reporter | None = None
    """Told how far each pass over the usage is (the CLI draws a bar on a terminal)."""
    per_model_yields: bool = False
    """Also count tasks and verified outcomes per use case x model (for `whatif`)."""
    hourly_formats: tuple[str, ...] = ()
    """Formats whose usage is also summed per UTC hour (:attr:`UsageAggregates.hourly`), when
    every source read is of one of them (coding-agent logs: their 5-hour billing blocks)."""
    hourly: bool = False
    """Whether the hourly sums are computed (set by :func:`~.query.aggregate_usage`)."""
    owner_only: bool = False
    """``by`` is the ownership's key alone (a people file: ``user``), not a breakdown asked
    for: ``groups`` come back at the usual grain and ``owner_groups`` split them per value of
    ``by``, so that only ownership folds the hundreds of thousands of per-user sums. Not with
    ``timezone`` (whose local day rides in ``by_value``): `analyze` then groups by the key."""
    timezone: str | None = None
    """``--timezone`` other than UTC: each group's ``by_value`` then starts with the local day
    and :data:`LOCAL_DAY_SEPARATOR` (:func:`split_local_day` takes it apart)."""


LOCAL_DAY_SEPARATOR = "\x1e"
NO_VALUE = "\x1d"
"""Stands for a null ``--by`` value after the local day."""


def split_local_day(group: UsageGroup) -> UsageGroup:
    """``group`` with the local day of its ``by_value`` (see :attr:`AggregateOptions.timezone`)
    moved to ``local_day``."""
    if group.by_value is None or LOCAL_DAY_SEPARATOR not in group.by_value:
        return group
    day, _, value = group.by_value.partition(LOCAL_DAY_SEPARATOR)
    return replace(
        group, local_day=date.fromisoformat(day), by_value=None if value == NO_VALUE else value
    )
