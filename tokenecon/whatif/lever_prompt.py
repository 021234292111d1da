"""Levers on the size of calls: trim prompts, trim outputs, cap the context.

A prompt lever records a :class:`~tokenecon.whatif.scenario_parts.PromptStep` on the parts it
changes, so that a trimmed or capped prompt is priced on the side of each long-context cliff
where it now falls (the engine split the usage at the sizes that decide it).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import ClassVar

from tokenecon.aggregate.types import DECLARED_ABOVE, UNKNOWN_PROMPT
from tokenecon.economics.decompose import ratio
from tokenecon.ingest.canonical import INPUT_TOKEN_COLUMNS
from tokenecon.whatif.lever_values import SHARE_VALUE, TOKENS_VALUE, parse_tokens
from tokenecon.whatif.levers import Flag, Lever, OneValueLever, ShareLever
from tokenecon.whatif.scenario_parts import (
    Context,
    Part,
    PromptStep,
    State,
    input_tokens,
    pct,
    scaled,
)
from tokenecon.whatif.slices import by_use_case, take, total


def _trim_flag(key: str, tokens: str, means: str) -> Flag:
    """The flag of a trim lever: this share fewer ``tokens`` per call (``means``: the same, as
    the scenario file's schema says it)."""
    return Flag(
        key, f"This share (20% or 0.2) fewer {tokens} per call.", "SHARE", "20%",
        means=f"this share fewer {means} per call", schema=SHARE_VALUE,
    )  # fmt: skip


@dataclass(frozen=True)
class _Trim(ShareLever):
    """Fewer tokens per call on one side, ``fraction`` fewer (the two trim levers differ only
    in the side)."""

    side: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]
    sentence = "trim {0.side}s by {0.percent}"

    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """Scale the slice's tokens on this side; a prompt trim records its prompt step."""
        keep = 1 - self.fraction
        step = self.prompt_step()

        def change(p: Part) -> Part:
            steps = (*p.steps, step) if step else p.steps
            return Part(scaled(p.group, keep, self.columns), p.engine_class, steps)

        pairs = take(state, lever, ctx, change)
        column = "input" if self.side == "prompt" else "output"
        for use_case, mine in by_use_case(pairs).items():
            calls = total([b for b, _ in mine], lambda g: g.requests)
            state.note(
                lever,
                use_case,
                f"{pct(self.fraction)} fewer {column} tokens on "
                f"{calls:,.0f} calls; the answers are assumed as good",
            )
        if not pairs:
            state.note(lever, "all", "nothing to trim: the slice has no priced usage")


@dataclass(frozen=True)
class TrimPrompt(_Trim):
    """Fewer prompt tokens per call: every input bucket in proportion."""

    flag = _trim_flag("trim_prompt", "prompt tokens", "input tokens")
    side = "prompt"
    columns = INPUT_TOKEN_COLUMNS
    reference = (
        "SHARE fewer prompt tokens per call (`20%` or `0.2`), every input bucket in proportion. "
        "A trimmed prompt that falls below a long-context cliff is priced below it."
    )

    def prompt_step(self) -> PromptStep:
        """Prompts scale by 1 - fraction."""
        return PromptStep("scale", 1 - self.fraction)


@dataclass(frozen=True)
class TrimOutput(_Trim):
    """Fewer output tokens per call, reasoning included."""

    flag = _trim_flag("trim_output", "output tokens", "output tokens")
    side = "output"
    columns = ("output_tokens", "reasoning_tokens")
    reference = "SHARE fewer output tokens per call (`20%` or `0.2`), reasoning tokens with them."


@dataclass(frozen=True)
class ContextCap(OneValueLever):
    """No prompt above this many tokens (retrieve instead of stuffing context)."""

    tokens: int

    flag = Flag(
        "context_cap", "No prompt above TOKENS (cut to it).", "TOKENS", "150k", parse_tokens,
        means="no prompt above this many tokens", schema=TOKENS_VALUE,
    )  # fmt: skip
    sentence = "cap prompts at {0.tokens:,} tokens"
    reference = (
        "no prompt above TOKENS (`150000` or `150k`): calls above it are cut to it (every input "
        "bucket in proportion) and priced on the side of each cliff where TOKENS is. Bucket rows "
        "without a per-call prompt size are left as they are."
    )

    def shown(self) -> str:
        """``150,000``."""
        return f"{self.tokens:,}"

    def prompt_step(self) -> PromptStep:
        """Prompts are capped at the tokens."""
        return PromptStep("cap", Decimal(self.tokens))

    def apply(self, state: State, lever: Lever, ctx: Context) -> None:
        """Requests above the cap are cut to it, every input bucket in proportion."""
        step = self.prompt_step()
        cap = self.tokens

        def change(p: Part) -> Part:
            group = p.group
            if p.above(cap):
                prompt = input_tokens(group)
                group = scaled(
                    group, Decimal(group.requests) * cap / Decimal(prompt), INPUT_TOKEN_COLUMNS
                )
            return Part(group, p.engine_class, (*p.steps, step))

        pairs = take(state, lever, ctx, change)
        for use_case, mine in by_use_case(pairs).items():
            calls = total([b for b, _ in mine if b.above(cap)], lambda g: g.requests)
            before = total([b for b, _ in mine], input_tokens)
            after = total([a for _, a in mine], input_tokens)
            if calls:
                state.note(
                    lever,
                    use_case,
                    f"{calls:,.0f} calls above {cap:,} prompt tokens cut to it "
                    f"({pct(ratio(before - after, before), 1)} of prompt tokens); the answers "
                    "are assumed as good",
                )
            unknown = total(
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
