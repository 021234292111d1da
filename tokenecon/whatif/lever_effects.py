"""What each lever (route aside: :mod:`tokenecon.whatif.routing`) does to a scenario's usage
and tasks.

Every effect takes the slice its lever names (use cases, models, a share of the traffic),
changes it, and records what it assumed. Usage the baseline could not price is never touched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from tokenecon.aggregate.types import DECLARED_ABOVE, UNKNOWN_PROMPT, UsageGroup
from tokenecon.economics.decompose import ratio
from tokenecon.errors import OptionError
from tokenecon.ingest.canonical import INPUT_TOKEN_COLUMNS
from tokenecon.whatif.levers import (
    Batch,
    Cache,
    ContextCap,
    Lever,
    MaxAttempts,
    RetryCut,
    Tier,
    Trim,
)
from tokenecon.whatif.scenario_parts import (
    Context,
    Count,
    Part,
    State,
    input_tokens,
    pct,
    prompt_step,
    scaled,
    selector,
    split,
    tasks_per_call,
    with_counts,
)

WINDOWS_PER_DAY = {"5m": 288, "1h": 24}
"""Cache lifetimes in a day: a shared prefix is written at most once per window."""
WRITE_COLUMN = {"5m": "cache_write_tokens", "1h": "cache_write_1h_tokens"}


def _take(
    state: State,
    lever: Lever,
    ctx: Context,
    change: Callable[[Part], Part],
    share: Decimal | None = None,
    also: Callable[[Part], bool] = lambda p: True,
) -> list[tuple[Part, Part]]:
    """Apply ``change`` to the lever's share of every selected part; (before, after) pairs."""
    selected = selector(lever, ctx)
    out: list[Part] = []
    changed: list[tuple[Part, Part]] = []
    for part in state.parts:
        if not (selected(part) and also(part)):
            out.append(part)
            continue
        moved, kept = split(part, lever.share if share is None else share)
        if kept:
            out.append(kept)
        if moved:
            after = change(moved)
            out.append(after)
            changed.append((moved, after))
    state.parts = out
    return changed


def _by_use_case(pairs: list[tuple[Part, Part]]) -> dict[str | None, list[tuple[Part, Part]]]:
    out: dict[str | None, list[tuple[Part, Part]]] = defaultdict(list)
    for pair in pairs:
        out[pair[0].group.use_case].append(pair)
    return dict(sorted(out.items(), key=lambda kv: kv[0] or ""))


def _sum(parts: list[Part], of: Callable[[UsageGroup], Count]) -> Count:
    return sum((of(p.group) for p in parts), Decimal(0))


def trim(state: State, lever: Lever, ctx: Context) -> None:
    """Fewer prompt tokens (every input bucket) or output tokens (reasoning included)."""
    action = lever.action
    assert isinstance(action, Trim)
    keep = 1 - action.fraction
    if action.side == "prompt":
        step = prompt_step(lever)
        assert step is not None

        def change(p: Part) -> Part:
            return Part(
                scaled(p.group, keep, INPUT_TOKEN_COLUMNS), p.engine_class, (*p.steps, step)
            )
    else:

        def change(p: Part) -> Part:
            group = scaled(p.group, keep, ("output_tokens", "reasoning_tokens"))
            return Part(group, p.engine_class, p.steps)

    pairs = _take(state, lever, ctx, change)
    column = "input" if action.side == "prompt" else "output"
    for use_case, mine in _by_use_case(pairs).items():
        calls = _sum([b for b, _ in mine], lambda g: g.requests)
        state.note(
            lever,
            use_case,
            f"{pct(action.fraction)} fewer {column} tokens on "
            f"{calls:,.0f} calls; the answers are assumed as good",
        )
    if not pairs:
        state.note(lever, "all", "nothing to trim: the slice has no priced usage")


def context_cap(state: State, lever: Lever, ctx: Context) -> None:
    """No prompt above the cap: requests above it are cut to it, buckets in proportion."""
    action = lever.action
    assert isinstance(action, ContextCap)
    step = prompt_step(lever)
    assert step is not None
    cap = action.tokens

    def change(p: Part) -> Part:
        group = p.group
        if p.above(cap):
            prompt = input_tokens(group)
            group = scaled(
                group, Decimal(group.requests) * cap / Decimal(prompt), INPUT_TOKEN_COLUMNS
            )
        return Part(group, p.engine_class, (*p.steps, step))

    pairs = _take(state, lever, ctx, change)
    for use_case, mine in _by_use_case(pairs).items():
        calls = _sum([b for b, _ in mine if b.above(cap)], lambda g: g.requests)
        before = _sum([b for b, _ in mine], input_tokens)
        after = _sum([a for _, a in mine], input_tokens)
        if calls:
            state.note(
                lever,
                use_case,
                f"{calls:,.0f} calls above {cap:,} prompt tokens cut to it "
                f"({pct(ratio(before - after, before), 1)} of prompt tokens); the answers are "
                "assumed as good",
            )
        unknown = _sum(
            [b for b, _ in mine if b.engine_class in (DECLARED_ABOVE, UNKNOWN_PROMPT)],
            lambda g: g.requests,
        )
        if unknown:
            state.note(
                lever,
                use_case,
                f"{unknown:,.0f} calls in bucket rows have no per-call prompt size and are "
                "left as they are",
            )
    if not any(b.above(cap) for b, _ in pairs):
        state.note(lever, "all", f"no call in the slice has a prompt above {cap:,} tokens")


def _plan_cache(group: UsageGroup, action: Cache, writes: Count) -> UsageGroup:
    """Reads and writes after caching; the group unchanged where it already reads as much."""
    calls = Decimal(group.requests)
    prompt = Decimal(input_tokens(group))
    if calls <= 0 or prompt <= 0:
        return group
    hits = max(calls - Decimal(writes), Decimal(0))
    per_call = prompt / calls
    if action.prefix is not None:
        prefix = min(Decimal(action.prefix), per_call)
        reads = min(action.rate * prompt, hits * prefix)
    else:
        reads = min(action.rate * prompt, hits * per_call)
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
    tokens[WRITE_COLUMN[action.ttl]] = written
    return with_counts(group, tokens=tokens, reported_cost=None, reported_rows=0)


def _writes(state: State, lever: Lever, ctx: Context) -> Callable[[Part], Count]:
    """Cache writes a part needs: one per task (first call), or one per window (shared)."""
    action = lever.action
    assert isinstance(action, Cache)
    if action.scope == "task":
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
    windows = WINDOWS_PER_DAY[action.ttl]

    def per_window(p: Part) -> Count:
        day = calls[(p.group.use_case, p.group.model, p.group.day)]
        return min(day, windows) * Decimal(p.group.requests) / Decimal(day) if day else 0

    return per_window


def cache(state: State, lever: Lever, ctx: Context) -> None:
    """A share of input becomes cache reads; each distinct prefix is written once per TTL."""
    action = lever.action
    assert isinstance(action, Cache)
    writes = _writes(state, lever, ctx)
    pairs = _take(
        state,
        lever,
        ctx,
        lambda p: Part(_plan_cache(p.group, action, writes(p)), p.engine_class, p.steps),
    )
    how = (
        "the first call of each task writes its prefix, the task's later calls read it"
        if action.scope == "task"
        else f"one prefix per use case and model, written at most once per {action.ttl} window"
    )
    for use_case, mine in _by_use_case(pairs).items():
        reads_before = _sum([b for b, _ in mine], lambda g: g.tokens["cache_read_tokens"])
        reads_after = _sum([a for _, a in mine], lambda g: g.tokens["cache_read_tokens"])
        prompt = _sum([b for b, _ in mine], input_tokens)
        before, after = ratio(reads_before, prompt), ratio(reads_after, prompt)
        text = f"cache reads {pct(before)} -> {pct(after)} of input ({how})"
        if before is not None and before >= action.rate:
            text += "; already there: unchanged"
        elif after == before:
            text += "; nothing to reuse: every call would write its own prefix"
        elif after is not None and after < action.rate:
            text += f"; {pct(action.rate)} is not reachable"
        state.note(lever, use_case, text)
    if not pairs:
        state.note(lever, "all", "nothing to cache: the slice has no priced usage")


def _multiplier_notes(
    state: State, lever: Lever, ctx: Context, pairs: list[tuple[Part, Part]], tier: str
) -> None:
    missing = set()
    for before, _ in pairs:
        key = ctx.key(before.group.model)
        entry = ctx.book.models[key].active(before.group.day) if key else None
        if entry is not None and tier not in entry.multipliers:
            missing.add(key)
    for key in sorted(k for k in missing if k):
        state.note(lever, "all", f"{key} has no {tier} price in the book: billed at standard")


def _move_tier(state: State, lever: Lever, ctx: Context, tier: str, share: Decimal) -> None:
    pairs = _take(
        state,
        lever,
        ctx,
        lambda p: Part(with_counts(p.group, service_tier=tier), p.engine_class, p.steps),
        share,
        lambda p: p.group.service_tier == "standard",
    )
    for use_case, mine in _by_use_case(pairs).items():
        calls = _sum([b for b, _ in mine], lambda g: g.requests)
        state.note(lever, use_case, f"{calls:,.0f} standard-tier calls -> {tier}")
    if not pairs:
        state.note(lever, "all", "nothing moves: the slice has no standard-tier priced usage")
    _multiplier_notes(state, lever, ctx, pairs, tier)


def batch(state: State, lever: Lever, ctx: Context) -> None:
    """Move a share of non-urgent (``urgent: false``) standard traffic to the batch tier."""
    action = lever.action
    assert isinstance(action, Batch)
    mapping_path = ctx.analysis.mapping.path if ctx.analysis.mapping else "the mapping"
    for name in lever.use_cases:
        use_case = ctx.use_cases.get(name)
        if use_case is not None and use_case.urgent:
            raise OptionError(
                f"{lever.where}: {name} is not marked `urgent: false`, so it cannot wait for "
                "the batch tier",
                f"add `urgent: false` under {name} in {mapping_path}",
            )
    waiting = {name for name, u in ctx.use_cases.items() if not u.urgent}
    if not waiting:
        state.note(
            lever, "all", f"nothing moves: no use case is marked `urgent: false` in {mapping_path}"
        )
        return
    narrowed = Lever(
        lever.action,
        lever.use_cases or tuple(sorted(waiting)),
        lever.models,
        lever.share,
        lever.where,
    )
    _move_tier(state, narrowed, ctx, "batch", lever.share * action.share)


def tier(state: State, lever: Lever, ctx: Context) -> None:
    """Move the slice's standard traffic to the flex or priority tier."""
    action = lever.action
    assert isinstance(action, Tier)
    _move_tier(state, lever, ctx, action.tier, lever.share)


def retry_cut(state: State, lever: Lever, ctx: Context) -> None:
    """Cut a fraction of the calls beyond the first of each task; tasks and outcomes hold."""
    action = lever.action
    assert isinstance(action, RetryCut)
    factors: dict[str | None, Decimal] = {}
    for use_case in sorted({p.group.use_case for p in state.parts}, key=lambda u: u or ""):
        per_call = tasks_per_call(state, use_case)
        factors[use_case] = 1 - action.fraction * (1 - per_call) if per_call else Decimal(1)
    pairs = _take(
        state,
        lever,
        ctx,
        lambda p: Part(scaled(p.group, factors[p.group.use_case]), p.engine_class, p.steps),
    )
    for use_case, mine in _by_use_case(pairs).items():
        tasks = state.tasks.get(use_case)
        before = _sum([b for b, _ in mine], lambda g: g.requests)
        after = _sum([a for _, a in mine], lambda g: g.requests)
        if before == after or not tasks:
            state.note(lever, use_case, "no retries to cut: every task is one call")
            continue
        state.note(
            lever,
            use_case,
            f"{before - after:,.0f} of {before:,.0f} calls cut "
            f"(calls per task {ratio(state.requests(use_case) + before - after, tasks):.2f}"
            f" -> {ratio(state.requests(use_case), tasks):.2f}); the tasks still succeed",
        )


def _scaling(factor: Decimal) -> Callable[[Part], Part]:
    """Whole calls more or fewer: every bucket and the requests scale together."""
    return lambda p: Part(scaled(p.group, factor), p.engine_class, p.steps)


def max_attempts(state: State, lever: Lever, ctx: Context) -> None:
    """At most N tasks per verified outcome: the surplus tasks (average ones) are not run."""
    action = lever.action
    assert isinstance(action, MaxAttempts)
    if lever.models:
        raise OptionError(
            f"{lever.where}: attempts per outcome belong to a whole use case, not a model",
            "drop --model (or `model:`) from this lever",
        )
    names = lever.use_cases or tuple(
        sorted({p.group.use_case for p in state.parts if p.group.use_case is not None})
    )
    for name in names:
        baseline = ctx.baseline.get(name)
        tasks = state.tasks.get(name)
        if baseline is None or baseline.outcomes is None or not baseline.outcomes or not tasks:
            if lever.use_cases:
                raise OptionError(
                    f"{lever.where}: {name} has no verified outcomes, so no attempts per outcome",
                    f"give {name} an `outcomes:` source in the mapping",
                )
            if name in ctx.use_cases:
                state.note(lever, name, "skipped: no verified outcomes to count attempts by")
            continue
        limit = action.attempts * baseline.outcomes
        if tasks <= limit:
            state.note(
                lever,
                name,
                f"already at {ratio(tasks, baseline.outcomes):.2f} tasks per outcome: unchanged",
            )
            continue
        target = tasks - lever.share * (tasks - limit)
        factor = Decimal(target) / Decimal(tasks)
        one = Lever(lever.action, (name,), (), Decimal(1), lever.where)
        _take(state, one, ctx, _scaling(factor))
        state.tasks[name] = target
        state.note(
            lever,
            name,
            f"tasks per outcome {ratio(tasks, baseline.outcomes):.2f} -> "
            f"{ratio(target, baseline.outcomes):.2f}: the tasks not run are average ones; "
            "the outcomes hold",
        )
