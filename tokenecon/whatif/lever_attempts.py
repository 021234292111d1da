"""Levers on how many calls and tasks an outcome takes: cut retries, cap attempts per outcome.

Both scale whole calls (every token bucket with the requests): the calls and tasks not made
are the use case's average ones. Outcomes hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tokenecon.economics.decompose import ratio
from tokenecon.errors import OptionError
from tokenecon.whatif.lever_values import SHARE_VALUE, parse_number
from tokenecon.whatif.levers import Flag, Lever, OneValueLever, ShareLever
from tokenecon.whatif.scenario_parts import Context, Part, State, scaled, tasks_per_call
from tokenecon.whatif.slices import by_use_case, take, total


def parse_attempts(value: Any, where: str) -> Decimal:
    """A number of tasks per outcome, 1 or more."""
    number = parse_number(value, where)
    if number < 1:
        raise OptionError(
            f"{where}: {value} is below 1", "every verified outcome takes at least one task"
        )
    return number


@dataclass(frozen=True)
class RetryCut(ShareLever):
    """Cut a fraction of the calls beyond the first of each task (retries, re-asks, steps)."""

    flag = Flag(
        "retry_cut",
        "This share (20% or 0.2) of the calls beyond each task's first cut.",
        "SHARE",
        "50%",
        means="this share of the calls beyond the first of each task is not made",
        schema=SHARE_VALUE,
    )
    sentence = "cut {0.percent} of retried calls"
    reference = (
        "SHARE (`20%` or `0.2`) of the calls beyond the first of each task (retries, re-asks, "
        "agent steps) are not made; they are the use case's average calls; tasks and outcomes "
        "hold."
    )

    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """Cut a fraction of the calls beyond the first of each task; tasks and outcomes hold."""
        factors: dict[str | None, Decimal] = {}
        for use_case in sorted({p.group.use_case for p in state.parts}, key=lambda u: u or ""):
            per_call = tasks_per_call(state, use_case)
            factors[use_case] = 1 - self.fraction * (1 - per_call) if per_call else Decimal(1)
        pairs = take(
            state,
            lever,
            ctx,
            lambda p: Part(scaled(p.group, factors[p.group.use_case]), p.engine_class, p.steps),
        )
        for use_case, mine in by_use_case(pairs).items():
            tasks = state.tasks.get(use_case)
            before = total([b for b, _ in mine], lambda g: g.requests)
            after = total([a for _, a in mine], lambda g: g.requests)
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


@dataclass(frozen=True)
class MaxAttempts(OneValueLever):
    """At most this many tasks (attempts) per verified outcome."""

    attempts: Decimal

    flag = Flag(
        "max_attempts", "At most N tasks per verified outcome.", "N", "1.5", parse_attempts,
        means="at most this many tasks per verified outcome",
        schema={"anyOf": [{"type": "number", "minimum": 1}, {"type": "string"}]},
    )  # fmt: skip
    sentence = "at most {0.attempts} attempts per outcome"
    reference = (
        "at most N tasks (attempts) per verified outcome: a use case above N runs only N × "
        "outcomes tasks, the ones not run being average ones. Needs outcomes; applies to whole "
        "use cases."
    )

    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """At most N tasks per verified outcome: the surplus tasks (average ones) are not run."""
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
            if baseline is None or not baseline.outcomes or not tasks:
                if lever.use_cases:
                    raise OptionError(
                        f"{lever.where}: {name} has no verified outcomes, so no attempts per "
                        "outcome",
                        f"give {name} an `outcomes:` source in the mapping",
                    )
                if name in ctx.use_cases:
                    state.note(lever, name, "skipped: no verified outcomes to count attempts by")
                continue
            limit = self.attempts * baseline.outcomes
            if tasks <= limit:
                state.note(
                    lever,
                    name,
                    f"already at {ratio(tasks, baseline.outcomes):.2f} tasks per outcome: "
                    "unchanged",
                )
                continue
            target = tasks - lever.share * (tasks - limit)
            one = Lever(lever.action, (name,), (), Decimal(1), lever.where)
            take(state, one, ctx, _scaling(Decimal(target) / Decimal(tasks)))
            state.tasks[name] = target
            state.note(
                lever,
                name,
                f"tasks per outcome {ratio(tasks, baseline.outcomes):.2f} -> "
                f"{ratio(target, baseline.outcomes):.2f}: the tasks not run are average ones; "
                "the outcomes hold",
            )


def _scaling(factor: Decimal) -> Callable[[Part], Part]:
    """Whole calls more or fewer: every bucket and the requests scale together."""
    return lambda p: Part(scaled(p.group, factor), p.engine_class, p.steps)
