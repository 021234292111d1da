"""The cache lever: a share of input tokens becomes cache reads, paying the writes that needs.

Each distinct prefix is written once per TTL and read by the calls after it: per task (the
first call of a task writes, its later calls read) or shared (one prefix per use case and
model, written at most once per TTL window of a day). Reads never exceed what the reading
calls' prompts hold, and a slice that already reads as much is left alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Self

from tokenecon.aggregate.types import UsageGroup
from tokenecon.economics.decompose import ratio
from tokenecon.whatif.lever_values import (
    SHARE_VALUE,
    TOKENS_VALUE,
    as_percent,
    parse_choice,
    parse_share,
    parse_tokens,
)
from tokenecon.whatif.levers import Flag, Lever, LeverKind
from tokenecon.whatif.scenario_parts import (
    Context,
    Count,
    Part,
    State,
    input_tokens,
    pct,
    tasks_per_call,
    with_counts,
)
from tokenecon.whatif.slices import by_use_case, selector, take, total

CACHE_SCOPES = ("task", "shared")
CACHE_TTLS = ("5m", "1h")
WINDOWS_PER_DAY = {"5m": 288, "1h": 24}
"""Cache lifetimes in a day: a shared prefix is written at most once per window."""
WRITE_COLUMN = {"5m": "cache_write_tokens", "1h": "cache_write_1h_tokens"}


@dataclass(frozen=True)
class Cache(LeverKind):
    """Make a share of input tokens cache reads, paying the writes that needs."""

    rate: Decimal
    """Share of input tokens that becomes cache reads (where reachable)."""
    prefix: int | None = None
    """Cached prefix per call in tokens; None: ``rate`` of the average prompt."""
    scope: str = "task"
    """``task``: each task writes its own prefix once; ``shared``: one prefix for every call
    of the use case and model, written once per TTL window."""
    ttl: str = "5m"
    """Cache lifetime: ``5m`` (cache_write price) or ``1h`` (cache_write_1h price)."""

    flag = Flag(
        "cache", "Share of input tokens (60% or 0.6) that becomes cache reads.", "RATE", "0.6",
        means="this share of the slice's input becomes cache reads where reachable",
        schema=SHARE_VALUE,
    )  # fmt: skip
    modifiers = (
        Flag(
            "cache_prefix", "Cached prefix per call, in tokens.", "TOKENS",
            means="cache: the cached prefix, in tokens (default: the rate of the average prompt)",
            schema=TOKENS_VALUE,
        ),
        Flag.choice(
            "cache_scope", "task (default) or shared: what one prefix serves.", CACHE_SCOPES,
            means="cache: a prefix per task (default) or one shared by the use case and model",
        ),
        Flag.choice(
            "cache_ttl", "5m (default) or 1h.", CACHE_TTLS,
            means="cache: the cache's lifetime (default 5m), priced as cache_write or "
            "cache_write_1h",
        ),
    )  # fmt: skip
    reference = (
        "RATE of the slice's input becomes cache reads where that is reachable: each distinct "
        "prefix is written once per TTL and read by the calls after it. `--cache-scope task` "
        "(default): a prefix per task; a use case's calls-per-task say how many calls write (its "
        "tasks) and how many read (the rest), so single-call tasks gain nothing. `--cache-scope "
        "shared`: one prefix for all calls of a use case and model, written at most once per TTL "
        "window of a day (288 for `--cache-ttl 5m`, 24 for `1h`: an upper bound that assumes "
        "traffic in every window). The prefix is `--cache-prefix TOKENS` or RATE of the average "
        "prompt; reads never exceed what the reading calls' prompts hold. Writes are priced as "
        "`cache_write` (5m) or `cache_write_1h` (1h). A slice that already reads at least as "
        "much is left alone."
    )

    @classmethod
    def parse(cls, value: Any, modifiers: Mapping[str, Any], where: str) -> Self:
        """A share (``0.6`` or ``60%``); prefix in tokens, scope and TTL from the modifiers."""
        prefix, scope, ttl = (
            modifiers.get(k) for k in ("cache_prefix", "cache_scope", "cache_ttl")
        )
        return cls(
            parse_share(value, where),
            parse_tokens(prefix, f"{where} prefix") if prefix is not None else None,
            parse_choice(scope, CACHE_SCOPES, f"{where} scope") if scope else "task",
            parse_choice(ttl, CACHE_TTLS, f"{where} ttl") if ttl else "5m",
        )

    def describe(self) -> str:
        """``cache 60% of input (task prefixes, 5m TTL)``."""
        size = f", {self.prefix:,}-token prefix" if self.prefix else ""
        rate = as_percent(self.rate)
        return f"cache {rate} of input ({self.scope} prefixes, {self.ttl} TTL{size})"

    def to_dict(self) -> dict[str, Any]:
        """Rate, prefix, scope and TTL."""
        return {"rate": str(self.rate), "prefix": self.prefix, "scope": self.scope, "ttl": self.ttl}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> Self:
        """From :meth:`to_dict`'s values."""
        prefix = data["prefix"]
        return cls(
            parse_share(data["rate"], f"{where}: rate"),
            parse_tokens(prefix, f"{where}: prefix") if prefix is not None else None,
            parse_choice(data["scope"], CACHE_SCOPES, f"{where}: scope"),
            parse_choice(data["ttl"], CACHE_TTLS, f"{where}: ttl"),
        )

    def shown(self) -> str:
        """The rate as given: ``0.6``."""
        return str(self.rate)

    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """A share of input becomes cache reads; each distinct prefix is written once per TTL."""
        writes = _writes(self, state, lever, ctx)
        pairs = take(
            state,
            lever,
            ctx,
            lambda p: Part(_plan(p.group, self, writes(p)), p.engine_class, p.steps),
        )
        how = (
            "the first call of each task writes its prefix, the task's later calls read it"
            if self.scope == "task"
            else f"one prefix per use case and model, written at most once per {self.ttl} window"
        )
        for use_case, mine in by_use_case(pairs).items():
            reads_before = total([b for b, _ in mine], lambda g: g.tokens["cache_read_tokens"])
            reads_after = total([a for _, a in mine], lambda g: g.tokens["cache_read_tokens"])
            prompt = total([b for b, _ in mine], input_tokens)
            before, after = ratio(reads_before, prompt), ratio(reads_after, prompt)
            text = f"cache reads {pct(before)} -> {pct(after)} of input ({how})"
            if before is not None and before >= self.rate:
                text += "; already there: unchanged"
            elif after == before:
                text += "; nothing to reuse: every call would write its own prefix"
            elif after is not None and after < self.rate:
                text += f"; {pct(self.rate)} is not reachable"
            state.note(lever, use_case, text)
        if not pairs:
            state.note(lever, "all", "nothing to cache: the slice has no priced usage")


def _plan(group: UsageGroup, cache: Cache, writes: Count) -> UsageGroup:
    """Reads and writes after caching; the group unchanged where it already reads as much."""
    calls = Decimal(group.requests)
    prompt = Decimal(input_tokens(group))
    if calls <= 0 or prompt <= 0:
        return group
    hits = max(calls - Decimal(writes), Decimal(0))
    per_call = prompt / calls
    if cache.prefix is not None:
        prefix = min(Decimal(cache.prefix), per_call)
        reads = min(cache.rate * prompt, hits * prefix)
    else:
        reads = min(cache.rate * prompt, hits * per_call)
        prefix = reads / hits if hits else Decimal(0)
    if reads <= group.tokens["cache_read_tokens"]:
        return group
    written = Decimal(writes) * prefix
    tokens: dict[str, Count] = dict(group.tokens)
    tokens.update(
        uncached_input_tokens=prompt - reads - written,
        cache_read_tokens=reads,
        cache_write_tokens=Decimal(0),
        cache_write_1h_tokens=Decimal(0),
    )
    tokens[WRITE_COLUMN[cache.ttl]] = written
    return with_counts(group, tokens=tokens, reported_cost=None, reported_rows=0)


def _writes(cache: Cache, state: State, lever: Lever, ctx: Context) -> Callable[[Part], Count]:
    """Cache writes a part needs: one per task (first call), or one per window (shared)."""
    if cache.scope == "task":
        first: dict[str | None, Decimal | None] = {}

        def per_task(p: Part) -> Count:
            use_case = p.group.use_case
            if use_case not in first:
                first[use_case] = tasks_per_call(state, use_case)
            share = first[use_case]
            return p.group.requests * (share if share is not None else 1)

        return per_task
    selected = selector(lever, ctx)
    calls: dict[tuple[str | None, str, date], Count] = defaultdict(int)
    for p in state.parts:
        if selected(p):
            calls[(p.group.use_case, p.group.model, p.group.day)] += p.group.requests
    windows = WINDOWS_PER_DAY[cache.ttl]

    def per_window(p: Part) -> Count:
        day = calls[(p.group.use_case, p.group.model, p.group.day)]
        return min(day, windows) * Decimal(p.group.requests) / Decimal(day) if day else 0

    return per_window
