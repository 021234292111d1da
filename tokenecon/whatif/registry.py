"""Every lever kind, in the order command-line flags apply them.

Routing first (later levers price the new model), then prompt sizes (a cap before a trim, so
that the trim reads the capped prompt), output, caching of the prompts that remain, the
service tier, and retries and attempts last (they scale whatever the others produced). A
scenario file applies its levers in its own order.

Flags, scenario-file keys, hints, ``--help`` and the JSON ``lever`` names all come from here,
and so, written by ``docs/gen_cli.py``, do the lever parts of the ``scenarios`` and ``whatif``
schemas and the lever table of docs/whatif.md.
"""

from __future__ import annotations

from tokenecon.whatif.lever_attempts import MaxAttempts, RetryCut
from tokenecon.whatif.lever_cache import Cache
from tokenecon.whatif.lever_prompt import ContextCap, TrimOutput, TrimPrompt
from tokenecon.whatif.lever_tier import Batch, Tier
from tokenecon.whatif.levers import Flag, LeverKind
from tokenecon.whatif.routing import Route

LEVERS: tuple[type[LeverKind], ...] = (
    Route, ContextCap, TrimPrompt, TrimOutput, Cache, Batch, Tier, RetryCut, MaxAttempts,
)  # fmt: skip
"""Every lever kind, in the order flags apply them."""


def lever_flags() -> list[Flag]:
    """Every lever's flags, each lever's modifiers after its own flag (the ``--help`` order)."""
    return [flag for kind in LEVERS for flag in (kind.flag, *kind.modifiers)]


def lever_kind(name: str) -> type[LeverKind] | None:
    """The kind named ``name`` (``route``, ``trim_prompt`` ...), if there is one."""
    return next((kind for kind in LEVERS if kind.name == name), None)


def lever_hint() -> str:
    """The hint when no lever is given."""
    flags = ", ".join(kind.flag.option for kind in LEVERS)
    return f"give a lever: {flags}, or --scenarios FILE"
