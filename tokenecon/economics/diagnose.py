"""Findings as data: which layer is off, by how much against which target, and the remedy.

Targets come from the mapping (``targets:``) or, where it is silent, from the documented
defaults below. A finding never carries prose that the numbers cannot back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from tokenecon.economics.decompose import Economics, UseCaseEconomics, ratio
from tokenecon.units import money_text

DEFAULT_PRICE_RATIO = Decimal(3)
"""Blended price this many times the cheapest utility model's (same provider) ..."""
SHORT_ANSWER_TOKENS = 100
"""... on a mid or frontier model whose answers average at most this many output tokens (a
classification or extraction job): pricing finding."""
DEFAULT_TASKS_PER_OUTCOME = Decimal(2)
"""More tasks than this per verified outcome: design finding."""
DEFAULT_CACHE_READ_SHARE = Decimal("0.2")
"""Below this share of input read from cache ..."""
LONG_PROMPT_TOKENS = 4000
"""... with more input tokens than this per call ..."""
MULTI_CALL_TASK = Decimal(2)
"""... in tasks of more calls than this (the same context sent again): efficiency finding."""
TOLERANCE = Decimal("1.1")
"""A metric this far above its target (10%) is off."""
UNATTRIBUTED_SHARE = Decimal("0.05")
"""Spend share without a use case above which attribution is a finding."""
UNPRICED_SHARE = Decimal("0.01")
"""Share of tokens (or of spend the sources reported) without a price above which the
portfolio gets a finding naming the models."""


@dataclass(frozen=True)
class Finding:
    """One diagnosis."""

    scope: str
    """The use case's name, or ``portfolio``."""
    layer: str
    """pricing, efficiency, design, value, attribution or data."""
    metric: str
    """The metric that is off."""
    actual: Decimal | None
    target: Decimal | None
    target_source: str
    """``mapping`` or ``default``."""
    remedy: str
    """A short code for the lever: route, cache, trim, cut-attempts, stop, map, price."""
    message: str
    """One sentence for people, made from the numbers above."""
    saving: Decimal | None = None
    """Estimated saving over the period, where the lever implies one."""

    @property
    def times_target(self) -> Decimal | None:
        """actual / target."""
        if self.actual is None or self.target is None:
            return None
        return ratio(self.actual, self.target)


@dataclass(frozen=True)
class FindingKind:
    """What every finding of one kind says alike: its layer, its metric, whose target it is
    measured against and its remedy; :meth:`on` adds what one finding says of its scope."""

    layer: str
    metric: str
    target_source: str
    remedy: str

    def on(
        self,
        scope: str,
        actual: Decimal | None,
        target: Decimal | None,
        message: str,
        saving: Decimal | None = None,
    ) -> Finding:
        """The finding of this kind on ``scope``."""
        return Finding(
            scope, self.layer, self.metric, actual, target, self.target_source, self.remedy,
            message, saving,
        )  # fmt: skip


CHEAPER_MODEL = FindingKind("pricing", "price_vs_cheapest", "default", "route")
UNCACHED_CONTEXT = FindingKind("efficiency", "cache_read_share", "default", "cache")


def _fmt(x: Decimal, places: int = 2) -> str:
    return f"{x:,.{places}f}"


def _usd(x: Decimal) -> str:
    """Money as the tables show it (:func:`tokenecon.units.money_text`)."""
    return money_text(x)


def _mapping_target(u: UseCaseEconomics, metric: str) -> Decimal | None:
    """The mapping's target for ``metric`` (``targets:``), if it sets one."""
    return u.use_case.targets.get(metric) if u.use_case else None


def _has_target(u: UseCaseEconomics, metric: str) -> bool:
    """Whether the mapping sets a target for ``metric`` and the use case has the metric."""
    return _mapping_target(u, metric) is not None and getattr(u, metric) is not None


def _over_target(
    u: UseCaseEconomics,
    layer: str,
    metric: str,
    remedy: str,
    say: Callable[[Decimal, Decimal], str],
    default: Decimal | None = None,
) -> Finding | None:
    """The finding where the use case's ``metric`` is above its target, else None.

    The target is the mapping's (off when 10% above it) or else ``default`` (off when above
    it at all); ``say(actual, target)`` is the message.
    """
    actual: Decimal | None = getattr(u, metric)
    target = _mapping_target(u, metric)
    source = "mapping" if target is not None else "default"
    target = target if target is not None else default
    if actual is None or target is None:
        return None
    if actual <= target * (TOLERANCE if source == "mapping" else 1):
        return None
    return Finding(u.name, layer, metric, actual, target, source, remedy, say(actual, target))


def _pricing(u: UseCaseEconomics) -> Finding | None:
    if _has_target(u, "cost_per_token"):
        return _over_target(
            u, "pricing", "cost_per_token", "route",
            lambda cpt, target: f"cost per 1M tokens ${_fmt(cpt * 1_000_000)} vs target "
            f"${_fmt(target * 1_000_000)}: route to a smaller model, cache or batch",
        )  # fmt: skip
    times = u.price_vs_cheapest
    if times is None or times < DEFAULT_PRICE_RATIO or u.cheapest_cost is None:
        return None
    if not _short_answer_job(u):
        return None
    answer = ratio(u.volume.tokens["output_tokens"], u.volume.requests) or Decimal(0)
    saving = u.volume.cost - u.cheapest_cost
    return CHEAPER_MODEL.on(
        u.name,
        times,
        DEFAULT_PRICE_RATIO,
        f"a {u.main_tier} model for {_fmt(answer, 0)}-token answers: its tokens cost "
        f"{_fmt(times, 1)}x what {u.cheapest_model} would charge; route to it "
        f"(saves up to ${_fmt(saving)} if quality holds)",
        saving,
    )


def _short_answer_job(u: UseCaseEconomics) -> bool:
    """A mid or frontier model giving short answers: where the default price ratio applies."""
    answer = ratio(u.volume.tokens["output_tokens"], u.volume.requests)
    return (
        u.main_tier in ("mid", "frontier") and answer is not None and answer <= SHORT_ANSWER_TOKENS
    )


def _efficiency(u: UseCaseEconomics) -> Finding | None:
    if _has_target(u, "tokens_per_task"):
        return _over_target(
            u, "efficiency", "tokens_per_task", "trim",
            lambda tpt, target: f"{_fmt(tpt, 0)} tokens per task vs target {_fmt(target, 0)}: "
            "trim prompts, retrieve instead of stuffing context, shorten outputs",
        )  # fmt: skip
    share = u.cache_read_share
    per_request = ratio(u.volume.input, u.volume.requests)
    calls = u.requests_per_task
    if share is None or per_request is None or calls is None:
        return None
    if not (
        per_request > LONG_PROMPT_TOKENS
        and share < DEFAULT_CACHE_READ_SHARE
        and calls > MULTI_CALL_TASK
    ):
        return None
    return UNCACHED_CONTEXT.on(
        u.name,
        share,
        DEFAULT_CACHE_READ_SHARE,
        f"{_fmt(calls, 1)} calls per task of {_fmt(per_request, 0)} input tokens each, "
        f"only {_fmt(share * 100, 0)}% read from cache: put the shared context first and cache it",
    )


def _design(u: UseCaseEconomics) -> Finding | None:
    return _over_target(
        u, "design", "tasks_per_outcome", "cut-attempts",
        lambda tpo, target: f"{_fmt(tpo, 1)} tasks per verified outcome vs {_fmt(target, 1)}: "
        "cut re-prompts and retries, fix the workflow, or put a person in the loop earlier",
        default=DEFAULT_TASKS_PER_OUTCOME,
    )  # fmt: skip


def _value(u: UseCaseEconomics) -> Finding | None:
    loaded, value = u.fully_loaded_cost_per_outcome, u.value_per_outcome
    if loaded is None or value is None or loaded <= value:
        return None
    return Finding(
        u.name,
        "value",
        "fully_loaded_cost_per_outcome",
        loaded,
        value,
        "mapping",
        "stop",
        f"fully loaded ${_fmt(loaded)} per outcome exceeds its value ${_fmt(value)}: "
        "redesign or stop the use case",
    )


def _outcome_target(u: UseCaseEconomics) -> Finding | None:
    return _over_target(
        u, "outcome", "cost_per_outcome", "see-layers",
        lambda cpo, target: f"cost per outcome ${_fmt(cpo, 4)} vs target ${_fmt(target, 4)}",
    )  # fmt: skip


def _unpriced(u: UseCaseEconomics) -> Finding | None:
    share = u.unpriced_share
    if not share:
        return None
    return Finding(
        u.name,
        "data",
        "unpriced_share",
        share,
        Decimal(0),
        "default",
        "price",
        f"{_fmt(share * 100, 1)}% of tokens have no price: add the model to a --prices book",
    )


def _unattributed(economics: Economics) -> Finding | None:
    """Spend that matches no use case; without any use case, what a mapping would add.

    The share is of cost, or of billable tokens when nothing has a cost: an all-clear is never
    printed for usage that nothing attributes.
    """
    un, total = economics.unattributed, economics.total
    share = ratio(un.cost, total.cost) if total.cost else ratio(un.billable, total.billable)
    if not economics.use_cases and total.rows:
        return Finding(
            "portfolio", "attribution", "unattributed_share", share or Decimal(0),
            UNATTRIBUTED_SHARE, "default", "map",
            "no use case is mapped: all spend "
            f"({'no price yet' if un.unpriced_all else _usd(un.cost)}) is unattributed; an outcome "
            "mapping (--outcomes) would give cost per task and per outcome by use case, and "
            "findings on each",
        )  # fmt: skip
    if share is None or share <= UNATTRIBUTED_SHARE:
        return None
    spend = f"spend ({_usd(un.cost)})" if total.cost else "tokens"
    return Finding(
        "portfolio", "attribution", "unattributed_share", share, UNATTRIBUTED_SHARE, "default",
        "map", f"{_fmt(share * 100, 1)}% of {spend} matches no use case: add match rules to the "
        "mapping",
    )  # fmt: skip


def _unpriced_models(economics: Economics) -> Finding | None:
    """Unpriced usage over 1% of tokens or spend: which models, and how to price them."""
    if not economics.unpriced:
        return None
    total = economics.total
    spend = sum((v.reported_cost for v in economics.unpriced.values()), Decimal(0))
    shares = [
        s for s in (ratio(total.unpriced_tokens, total.billable), ratio(spend, total.cost + spend))
        if s is not None
    ]  # fmt: skip
    share = max(shares, default=None)
    if share is None or share <= UNPRICED_SHARE:
        return None
    names = sorted(economics.unpriced, key=lambda m: (-economics.unpriced[m].billable, m))
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return Finding(
        "portfolio", "data", "unpriced_share", share, UNPRICED_SHARE, "default", "price",
        f"{_fmt(share * 100, 1)}% of usage has no price ({shown}): import newer prices "
        "(`tokenecon prices import prices.json -o new.yaml`, then --prices new.yaml), add the "
        "models to a --prices book, or map a deployment name to its model with `match:` "
        "(docs/price-book-fields.md)",
    )  # fmt: skip


def diagnose(economics: Economics) -> list[Finding]:
    """All findings, use case by use case, then the portfolio's."""
    rules = (_pricing, _efficiency, _design, _value, _outcome_target, _unpriced)
    found = [rule(u) for u in economics.use_cases for rule in rules]
    found += [rule(economics) for rule in (_unattributed, _unpriced_models, _tier_at_standard)]
    return [f for f in found if f is not None]


def _tier_at_standard(economics: Economics) -> Finding | None:
    """Batch (flex, priority) requests of a model whose price has no price of that tier: they
    are billed at standard, which the bill may not be; named so that nobody takes it for a
    discount applied."""
    if not economics.tier_at_standard:
        return None
    requests = sum(economics.tier_at_standard.values())
    ranked = sorted(economics.tier_at_standard.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{tier} on {model} ({n:,} requests)" for (model, tier), n in ranked[:5])
    more = f" and {len(ranked) - 5} more" if len(ranked) > 5 else ""
    return Finding(
        "portfolio", "data", "tier_billed_at_standard", Decimal(requests), Decimal(0),
        "default", "price",
        f"{requests:,} requests are billed at the standard price for want of a price of their "
        f"service tier in the book ({shown}{more}): give the model that tier's price in a "
        "--prices book (docs/price-book-fields.md)",
    )  # fmt: skip


@dataclass(frozen=True)
class LayerCheck:
    """One layer's factor of a use case against its target, for a picture of the three layers."""

    layer: str
    """pricing, efficiency or design."""
    metric: str
    """cost_per_token or price_vs_cheapest; tokens_per_task; tasks_per_outcome."""
    actual: Decimal | None
    target: Decimal | None
    """None where neither the mapping nor a default sets one."""
    target_source: str | None
    """``mapping``, ``default`` or None."""

    @property
    def times_target(self) -> Decimal | None:
        """actual / target (above 1.1 with a mapping target, above 1 by default: off)."""
        if self.actual is None or self.target is None:
            return None
        return ratio(self.actual, self.target)


def layer_checks(u: UseCaseEconomics) -> list[LayerCheck]:
    """The three factors against the targets the diagnosis uses (mapping first, then defaults).

    Pricing without a cost-per-token target is the blended price against the cheapest utility
    model of the provider (default 3x) where that default applies (a mid or frontier model
    giving short answers), else it has no target; efficiency has no default target for tokens
    per task (its default rule is about caching); design defaults to 2 tasks per outcome.
    """
    targets = u.use_case.targets if u.use_case else {}
    if "cost_per_token" in targets:
        pricing = LayerCheck(
            "pricing", "cost_per_token", u.cost_per_token, targets["cost_per_token"], "mapping"
        )
    elif u.price_vs_cheapest is not None and _short_answer_job(u):
        pricing = LayerCheck(
            "pricing", "price_vs_cheapest", u.price_vs_cheapest, DEFAULT_PRICE_RATIO, "default"
        )
    else:
        pricing = LayerCheck("pricing", "cost_per_token", u.cost_per_token, None, None)
    tokens = targets.get("tokens_per_task")
    design = targets.get("tasks_per_outcome")
    return [
        pricing,
        LayerCheck(
            "efficiency",
            "tokens_per_task",
            u.tokens_per_task,
            tokens,
            "mapping" if tokens else None,
        ),
        LayerCheck(
            "design",
            "tasks_per_outcome",
            u.tasks_per_outcome,
            design if design is not None else DEFAULT_TASKS_PER_OUTCOME,
            "mapping" if design is not None else "default",
        ),
    ]
