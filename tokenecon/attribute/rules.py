"""Outcome mapping applied to rows: which use case each row belongs to and which task it is part of.

The expressions are built here once and evaluated by the engine for every row; the first use
case whose rules all hold wins, and a row no use case matches is left unattributed (null).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tokenecon.attribute.mapping import MatchRule, OutcomeMapping, is_glob

if TYPE_CHECKING:
    import ibis.expr.types as ir

Resolver = Callable[[str], "ir.StringValue"]
"""Turns an attribute name (canonical column or ``tags.<key>``) into a text expression."""


def _glob_to_like(pattern: str) -> str:
    escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%").replace("?", "_")


def _rule_condition(rule: MatchRule, resolve: Resolver, total: bool = True) -> ir.BooleanValue:
    """Whether the row's attribute matches one of the rule's values; ``total``: False rather
    than null where the attribute is missing (a CASE branch needs no such guard)."""
    import ibis

    column = resolve(rule.attribute)
    exact = [v for v in rule.values if not is_glob(v)]
    parts: list[ir.BooleanValue] = []
    if exact:
        parts.append(column.isin(exact) if len(exact) > 1 else column == exact[0])
    for pattern in (v for v in rule.values if is_glob(v)):
        if "[" in pattern:
            import fnmatch

            parts.append(column.re_search("^" + fnmatch.translate(pattern)[4:-3] + "$"))
        else:
            parts.append(column.like(_glob_to_like(pattern)))
    condition = ibis.or_(*parts)
    return condition.fill_null(False) if total else condition


LOOKUP_MIN_VALUES = 8
"""A run of use cases matched by value lists of one attribute becomes a lookup from this many
values (fewer are a handful of comparisons per row)."""


@dataclass(frozen=True)
class Lookup:
    """Consecutive use cases, each matched by one rule listing exact values of one attribute:
    one value -> use case table (the first use case listing a value wins, as in the CASE)."""

    attribute: str
    names: dict[str, str]
    """Value -> use case name."""
    first: int
    """The index of the run's first use case in the mapping."""
    size: int
    """How many use cases the run holds."""


def _plain_rule(use_case_rules: tuple[MatchRule, ...]) -> MatchRule | None:
    if len(use_case_rules) != 1 or any(is_glob(v) for v in use_case_rules[0].values):
        return None
    return use_case_rules[0]


def use_case_lookups(mapping: OutcomeMapping | None) -> list[Lookup]:
    """The runs of use cases that :func:`use_case_expression` tests by one lookup.

    The engine runs a long value list (``user IN (...)``) as a join against the list, one per
    use case, and a CASE of N such use cases probes every row N times: 50 use cases of 10
    users each cost 1.7 s per million rows, one left join against the 500 values 0.1 s.
    """
    runs: list[Lookup] = []
    run: list[tuple[int, MatchRule]] = []

    def close() -> None:
        values = sum(len(rule.values) for _, rule in run)
        if len(run) > 1 and values >= LOOKUP_MIN_VALUES:
            names: dict[str, str] = {}
            for index, rule in run:
                for value in rule.values:
                    names.setdefault(value, mapping.use_cases[index].name)  # type: ignore[union-attr]
            runs.append(Lookup(run[0][1].attribute, names, run[0][0], len(run)))
        run.clear()

    for index, use_case in enumerate(mapping.use_cases if mapping else ()):
        rule = _plain_rule(tuple(use_case.match))
        if run and (rule is None or rule.attribute != run[0][1].attribute):
            close()
        if rule is not None:
            run.append((index, rule))
    close()
    return runs


def use_case_expression(
    mapping: OutcomeMapping | None,
    resolve: Resolver,
    looked_up: Mapping[int, ir.StringValue] | None = None,
) -> ir.StringValue:
    """The name of the first use case whose rules all match the row, else null.

    ``looked_up`` maps the first index of each :class:`Lookup` of the mapping that the caller
    joined to the rows to the looked-up use case (null where the row's value is not listed):
    the run's use cases are then one test instead of one each.
    """
    import ibis

    if mapping is None or not mapping.use_cases:
        return ibis.null("string")
    looked_up = looked_up or {}
    skip: set[int] = set()
    for lookup in use_case_lookups(mapping):
        if lookup.first in looked_up:
            skip |= set(range(lookup.first + 1, lookup.first + lookup.size))
    branches = []
    for index, use_case in enumerate(mapping.use_cases):
        if index in skip:
            continue
        if index in looked_up:
            branches.append((looked_up[index].notnull(), looked_up[index]))
            continue
        # A null condition fails a CASE branch like False does: no guard per rule per row.
        conditions = [_rule_condition(rule, resolve, total=False) for rule in use_case.match]
        condition = ibis.and_(*conditions) if conditions else ibis.literal(True)
        branches.append((condition, ibis.literal(use_case.name)))
    return ibis.cases(*branches, else_=ibis.null("string"))


def task_key_expression(
    mapping: OutcomeMapping | None, use_case: ir.StringValue, resolve: Resolver
) -> ir.StringValue:
    """The row's task key under its use case's ``task_key``; null: the request is its own task."""
    import ibis

    if mapping is None:
        return ibis.null("string")
    # One branch per task key attribute, not one per use case: 50 use cases keyed by task_id
    # are one test per row (a use case has one task key, so the branches are disjoint).
    keyed: dict[str, list[str]] = {}
    for u in mapping.use_cases:
        if u.task_key:
            keyed.setdefault(u.task_key, []).append(u.name)
    if not keyed:
        return ibis.null("string")
    if len(keyed) == 1 and all(u.task_key for u in mapping.use_cases):
        # Every use case keys its tasks the same way: one null test per row, no name compared.
        return ibis.cases(
            (use_case.notnull(), resolve(next(iter(keyed)))), else_=ibis.null("string")
        )
    branches = [(_one_of(use_case, names), resolve(key)) for key, names in keyed.items()]
    return ibis.cases(*branches, else_=ibis.null("string"))


def _one_of(use_case: ir.StringValue, names: list[str]) -> ir.BooleanValue:
    return use_case == names[0] if len(names) == 1 else use_case.isin(names)


def residency_expression(
    mapping: OutcomeMapping | None, use_case: ir.StringValue, resolve: Resolver
) -> ir.BooleanValue:
    """Whether the row ran in an allowed region of its use case's ``residency:``.

    True or False for rows of a use case that declares residency (globs allowed, like match
    values); null for every other row, and where the region was not reported.
    """
    import ibis

    declared = [u for u in mapping.use_cases if u.residency] if mapping else []
    if not declared:
        return ibis.null("boolean")
    region = resolve("region")
    allowed: dict[tuple[str, ...], list[str]] = {}
    for u in declared:
        allowed.setdefault(tuple(u.residency), []).append(u.name)
    branches = [
        (
            _one_of(use_case, names),
            ibis.cases(
                (region.isnull(), ibis.null("boolean")),
                else_=_rule_condition(MatchRule("region", regions), resolve),
            ),
        )
        for regions, names in allowed.items()
    ]
    return ibis.cases(*branches, else_=ibis.null("boolean"))
