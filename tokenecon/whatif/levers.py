"""What-if levers: what each one changes, read from command-line flags or a scenario file.

A lever acts on a slice of the usage (some use cases, some models, a share of their traffic);
a scenario is a named list of levers applied in order by :mod:`tokenecon.whatif.scenarios`. Values
are checked here, where the flag or the file line that gave them is still known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from tokenecon.errors import OptionError
from tokenecon.yamlfile import line_of, load_yaml

ROUTE_TIERS = {"small-model": "utility", "mid-model": "mid"}
"""Route targets that name a tier: the cheapest model of it on the slice's own token mix."""
SERVICE_TIERS = ("flex", "priority")
CACHE_SCOPES = ("task", "shared")
CACHE_TTLS = ("5m", "1h")


@dataclass(frozen=True)
class Route:
    """Move traffic to another model."""

    target: str
    """A model name, or ``small-model`` / ``mid-model``."""
    any_provider: bool = False
    """Look for the cheapest model of the tier at every provider, not only the source's."""


@dataclass(frozen=True)
class Cache:
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


@dataclass(frozen=True)
class Batch:
    """Move non-urgent standard-tier traffic to the batch tier."""

    share: Decimal


@dataclass(frozen=True)
class Trim:
    """Fewer tokens per call."""

    side: str
    """``prompt`` (every input bucket) or ``output`` (reasoning included)."""
    fraction: Decimal
    """0.2 = 20% fewer."""


@dataclass(frozen=True)
class MaxAttempts:
    """At most this many tasks (attempts) per verified outcome."""

    attempts: Decimal


@dataclass(frozen=True)
class RetryCut:
    """Cut a fraction of the calls beyond the first of each task (retries, re-asks, steps)."""

    fraction: Decimal


@dataclass(frozen=True)
class Tier:
    """Move standard-tier traffic to another service tier."""

    tier: str


@dataclass(frozen=True)
class ContextCap:
    """No prompt above this many tokens (retrieve instead of stuffing context)."""

    tokens: int


Action = Route | Cache | Batch | Trim | MaxAttempts | RetryCut | Tier | ContextCap


@dataclass(frozen=True)
class Lever:
    """An action on a slice of the usage."""

    action: Action
    use_cases: tuple[str, ...] = ()
    """Only these use cases (all usage, unattributed included, when empty)."""
    models: tuple[str, ...] = ()
    """Only usage of these models, as written (resolved against the price book later)."""
    share: Decimal = Decimal(1)
    """The share of the slice's traffic the action takes."""
    where: str = ""
    """The flag or ``file:line`` that stated it, for messages."""

    @property
    def kind(self) -> str:
        """The lever's name as a flag without dashes (``route``, ``trim_prompt`` ...)."""
        if isinstance(self.action, Trim):
            return f"trim_{self.action.side}"
        return _KINDS[type(self.action)]

    def describe(self) -> str:
        """One line for people: what it does and to which slice."""
        a = self.action
        if isinstance(a, Route):
            text = f"route to {a.target}" + (" (any provider)" if a.any_provider else "")
        elif isinstance(a, Cache):
            size = f", {a.prefix:,}-token prefix" if a.prefix else ""
            text = f"cache {_pct(a.rate)} of input ({a.scope} prefixes, {a.ttl} TTL{size})"
        elif isinstance(a, Batch):
            text = f"batch {_pct(a.share)} of non-urgent traffic"
        elif isinstance(a, Trim):
            text = f"trim {a.side}s by {_pct(a.fraction)}"
        elif isinstance(a, MaxAttempts):
            text = f"at most {a.attempts} attempts per outcome"
        elif isinstance(a, RetryCut):
            text = f"cut {_pct(a.fraction)} of retried calls"
        elif isinstance(a, Tier):
            text = f"move standard traffic to the {a.tier} tier"
        else:
            text = f"cap prompts at {a.tokens:,} tokens"
        scope = [*self.use_cases, *self.models]
        if self.share != 1:
            scope.append(f"{_pct(self.share)} of traffic")
        return text + (f" [{', '.join(scope)}]" if scope else "")

    def to_dict(self) -> dict[str, Any]:
        """The lever for the JSON document."""
        a = self.action
        values: dict[str, Any]
        if isinstance(a, Route):
            values = {"target": a.target, "any_provider": a.any_provider}
        elif isinstance(a, Cache):
            values = {"rate": str(a.rate), "prefix": a.prefix, "scope": a.scope, "ttl": a.ttl}
        elif isinstance(a, Batch):
            values = {"share": str(a.share)}
        elif isinstance(a, Trim | RetryCut):
            values = {"fraction": str(a.fraction)}
        elif isinstance(a, MaxAttempts):
            values = {"attempts": str(a.attempts)}
        elif isinstance(a, Tier):
            values = {"tier": a.tier}
        else:
            values = {"tokens": a.tokens}
        return {
            "lever": self.kind,
            **values,
            "use_cases": list(self.use_cases),
            "models": list(self.models),
            "share": str(self.share),
            "description": self.describe(),
        }


_KINDS: dict[type, str] = {
    Route: "route", Cache: "cache", Batch: "batch", MaxAttempts: "max_attempts",
    RetryCut: "retry_cut", Tier: "tier", ContextCap: "context_cap",
}  # fmt: skip
PROMPT_LEVERS = ("trim_prompt", "context_cap")
"""Levers that change prompt sizes (and so which side of a long-context cliff a call is on)."""


@dataclass(frozen=True)
class Scenario:
    """A named list of levers, applied in order."""

    name: str
    levers: tuple[Lever, ...]
    description: str = ""


def _pct(x: Decimal) -> str:
    return f"{(x * 100).normalize():f}%"


def _number(value: Any, where: str) -> Decimal:
    text = str(value).strip()
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        number = Decimal(text)
    except InvalidOperation:
        raise OptionError(f"{where}: {value!r} is not a number") from None
    if not number.is_finite():
        raise OptionError(f"{where}: {value!r} is not a number")
    return number


def parse_share(value: Any, where: str) -> Decimal:
    """A share between 0 and 1 (0.3 = 30%)."""
    number = _number(value, where)
    if not 0 <= number <= 1:
        raise OptionError(
            f"{where}: {value} is outside 0–1", "a share is a fraction: write 0.3 for 30%"
        )
    return number


def parse_percent(value: Any, where: str) -> Decimal:
    """A percentage 0–100 (``20`` or ``20%``) as a fraction."""
    text = str(value).strip()
    number = _number(text.removesuffix("%"), where)
    if not 0 <= number <= 100:
        raise OptionError(
            f"{where}: {value} is outside 0–100", "a percentage: write 20 (or 20%) for 20%"
        )
    return number / 100


def parse_tokens(value: Any, where: str) -> int:
    """A whole, positive number of tokens (``150000``, ``150_000`` or ``150k``)."""
    text = str(value).strip().lower().replace("_", "").replace(",", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    number = _number(text[:-1] if scale != 1 else text, where) * scale
    if number <= 0 or number != number.to_integral_value():
        raise OptionError(f"{where}: {value} is not a whole number of tokens above 0")
    return int(number)


def _attempts(value: Any, where: str) -> Decimal:
    number = _number(value, where)
    if number < 1:
        raise OptionError(
            f"{where}: {value} is below 1", "every verified outcome takes at least one task"
        )
    return number


def _choice(value: Any, allowed: Sequence[str], where: str) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise OptionError(f"{where}: {value!r} is not one of {', '.join(allowed)}")
    return text


def _target(value: Any, where: str) -> str:
    text = str(value).strip()
    if not text:
        raise OptionError(f"{where}: the route target is empty", "name a model or small-model")
    return text


@dataclass(frozen=True)
class CacheOptions:
    """The cache lever's modifiers, as given."""

    prefix: Any = None
    scope: Any = None
    ttl: Any = None


def _action(kind: str, value: Any, where: str, any_provider: bool, cache: CacheOptions) -> Action:
    if kind == "route":
        return Route(_target(value, where), any_provider)
    if kind == "cache":
        return Cache(
            parse_share(value, where),
            parse_tokens(cache.prefix, f"{where} prefix") if cache.prefix is not None else None,
            _choice(cache.scope, CACHE_SCOPES, f"{where} scope") if cache.scope else "task",
            _choice(cache.ttl, CACHE_TTLS, f"{where} ttl") if cache.ttl else "5m",
        )
    if kind == "batch":
        return Batch(parse_share(value, where))
    if kind in ("trim_prompt", "trim_output"):
        return Trim(kind.removeprefix("trim_"), parse_percent(value, where))
    if kind == "max_attempts":
        return MaxAttempts(_attempts(value, where))
    if kind == "retry_cut":
        return RetryCut(parse_percent(value, where))
    if kind == "tier":
        return Tier(_choice(value, SERVICE_TIERS, where))
    return ContextCap(parse_tokens(value, where))


LEVER_KEYS = (
    "route", "cache", "batch", "trim_prompt", "trim_output", "max_attempts", "retry_cut",
    "tier", "context_cap",
)  # fmt: skip
"""Lever names, in the order flags apply them (routing first: later levers price the new
model; attempts last: they scale what the others produced)."""
_FLAG_ORDER = (
    "route", "context_cap", "trim_prompt", "trim_output", "cache", "batch", "tier",
    "retry_cut", "max_attempts",
)  # fmt: skip


def levers_from_flags(
    values: dict[str, Any],
    *,
    any_provider: bool = False,
    cache: CacheOptions | None = None,
    use_cases: Sequence[str] = (),
    models: Sequence[str] = (),
    share: str | None = None,
) -> Scenario | None:
    """The scenario the command-line flags describe (None when no lever flag is given).

    ``values`` maps lever names (``route``, ``trim_prompt`` ...) to their flag values; the
    slice options apply to every lever of the command line.
    """
    cache = cache or CacheOptions()
    given = {k: v for k, v in values.items() if v is not None}
    unknown = set(given) - set(LEVER_KEYS)
    if unknown:
        raise ValueError(f"not a lever: {sorted(unknown)}")
    if not given:
        stray = [
            flag
            for flag, value in (
                ("--use-case", use_cases), ("--model", models), ("--share", share),
                ("--any-provider", any_provider), ("--cache-prefix", cache.prefix),
                ("--cache-scope", cache.scope), ("--cache-ttl", cache.ttl),
            )
            if value
        ]  # fmt: skip
        if stray:
            raise OptionError(f"{stray[0]} limits a lever, but no lever is given", _LEVER_HINT)
        return None
    if any_provider and "route" not in given:
        raise OptionError("--any-provider goes with --route", "add --route small-model")
    if (cache.prefix or cache.scope or cache.ttl) and "cache" not in given:
        raise OptionError("--cache-prefix/--cache-scope/--cache-ttl go with --cache")
    slice_share = parse_share(share, "--share") if share is not None else Decimal(1)
    levers = tuple(
        Lever(
            _action(kind, given[kind], "--" + kind.replace("_", "-"), any_provider, cache),
            tuple(use_cases),
            tuple(models),
            slice_share,
            "--" + kind.replace("_", "-"),
        )
        for kind in _FLAG_ORDER
        if kind in given
    )
    return Scenario(" + ".join(_short(lever) for lever in levers), levers)


_LEVER_HINT = (
    "give a lever: --route, --cache, --batch, --trim-prompt, --trim-output, --max-attempts, "
    "--retry-cut, --tier, --context-cap, or --scenarios FILE"
)


def _short(lever: Lever) -> str:
    """A scenario name from a lever: ``route small-model``, ``trim-prompt 20%``."""
    a = lever.action
    if isinstance(a, Route):
        value = a.target
    elif isinstance(a, Cache):
        value = str(a.rate)
    elif isinstance(a, Batch):
        value = str(a.share)
    elif isinstance(a, Trim | RetryCut):
        value = _pct(a.fraction)
    elif isinstance(a, MaxAttempts):
        value = str(a.attempts)
    elif isinstance(a, Tier):
        value = a.tier
    else:
        value = f"{a.tokens:,}"
    return f"{lever.kind.replace('_', '-')} {value}"


_MODIFIERS = {"use_case", "model", "share", "any_provider", "cache_prefix", "cache_scope",
              "cache_ttl"}  # fmt: skip


def _names(value: Any, where: str) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    names = tuple(str(v).strip() for v in values if v is not None and str(v).strip())
    if not names:
        raise OptionError(f"{where}: expected a name or a list of names")
    return names


def _lever(raw: Any, where: str) -> Lever:
    if not isinstance(raw, dict):
        raise OptionError(
            f"{where}: a lever is a mapping such as {{route: small-model, use_case: x}}",
            f"levers: {', '.join(LEVER_KEYS)}",
        )
    raw = {str(k).replace("-", "_"): v for k, v in raw.items()}
    kinds = [k for k in raw if k in LEVER_KEYS]
    unknown = set(raw) - set(LEVER_KEYS) - _MODIFIERS
    if unknown:
        raise OptionError(
            f"{where}: unknown key {sorted(unknown)[0]!r}",
            f"levers: {', '.join(LEVER_KEYS)}; limits: use_case, model, share",
        )
    if len(kinds) != 1:
        raise OptionError(
            f"{where}: each list item is exactly one lever, found {len(kinds) or 'none'}",
            "write one lever per item: - {route: small-model} / - {cache: 0.6}",
        )
    kind = kinds[0]
    if raw.get("any_provider") and kind != "route":
        raise OptionError(f"{where}: any_provider goes with route")
    cache = CacheOptions(raw.get("cache_prefix"), raw.get("cache_scope"), raw.get("cache_ttl"))
    if kind != "cache" and (cache.prefix or cache.scope or cache.ttl):
        raise OptionError(f"{where}: cache_prefix/cache_scope/cache_ttl go with cache")
    any_provider = raw.get("any_provider", False)
    if not isinstance(any_provider, bool):
        raise OptionError(f"{where}: any_provider is true or false")
    return Lever(
        _action(kind, raw[kind], f"{where}: {kind}", any_provider, cache),
        _names(raw["use_case"], f"{where}: use_case") if "use_case" in raw else (),
        _names(raw["model"], f"{where}: model") if "model" in raw else (),
        parse_share(raw["share"], f"{where}: share") if "share" in raw else Decimal(1),
        where,
    )


def load_scenarios(path: Path) -> list[Scenario]:
    """Named scenarios from YAML: ``scenarios: {name: [lever, ...]}``.

    A scenario may also be ``{description: ..., levers: [...]}``.
    """
    data = load_yaml(path, OptionError, "scenario file")
    if not isinstance(data, dict) or not isinstance(data.get("scenarios"), dict):
        raise OptionError(
            f"{path}: expected a mapping with `scenarios:`",
            "scenarios: {right-size: [{route: small-model, use_case: lead-scoring}]}",
        )
    out = []
    for name, raw in data["scenarios"].items():
        where = f"{path}:{line_of(data['scenarios'], name)}"
        description = ""
        if isinstance(raw, dict):
            description = str(raw.get("description", ""))
            raw = raw.get("levers")
        if not isinstance(raw, list) or not raw:
            raise OptionError(
                f"{where}: scenario {name!r} needs a list of levers",
                "e.g. - {route: small-model, use_case: lead-scoring}",
            )
        levers = tuple(
            _lever(item, f"{path}:{line_of(item) or line_of(data['scenarios'], name)}")
            for item in raw
        )
        out.append(Scenario(str(name), levers, description))
    if not out:
        raise OptionError(f"{path}: no scenario in `scenarios:`")
    return out


def check_names(scenarios: Sequence[Scenario]) -> None:
    """Scenario names are unique (they label columns and JSON entries)."""
    seen: set[str] = set()
    for scenario in scenarios:
        if scenario.name in seen:
            raise OptionError(f"two scenarios are named {scenario.name!r}", "rename one of them")
        seen.add(scenario.name)
