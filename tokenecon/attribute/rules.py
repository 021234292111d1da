"""Outcome mapping applied to rows: which use case each row belongs to and which task it is part of.

The expressions are built here once and evaluated by the engine for every row; the first use
case whose rules all hold wins, and a row no use case matches is left unattributed (null).
"""

from __future__ import annotations

from collections.abc import Callable
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


def use_case_expression(mapping: OutcomeMapping | None, resolve: Resolver) -> ir.StringValue:
    """The name of the first use case whose rules all match the row, else null."""
    import ibis

    if mapping is None or not mapping.use_cases:
        return ibis.null("string")
    branches = []
    for use_case in mapping.use_cases:
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
