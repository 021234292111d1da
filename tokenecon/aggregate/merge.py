"""The aggregation's result rows, filed into :class:`~.types.UsageAggregates`: sums at the
pricing grain, tasks and outcomes, and the copies of repeated request ids merged into one.

Plain Python on a small result (the engine has summed every row already): no engine here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any

from tokenecon.aggregate.types import (
    BEYOND_FIRST,
    SAMPLE_LIMIT,
    UsageAggregates,
    UsageGroup,
    split_local_day,
)
from tokenecon.errors import UsageInputError
from tokenecon.ingest.canonical import TOKEN_COLUMNS

SUM_KEYS = [
    "use_case", "model", "day", "service_tier", "prompt_class", "by_value", "in_region", "has_cost",
    "billing_geo", "speed",
]  # fmt: skip
"""The grain at which prices are constant (the ``sums`` result)."""
EXACT_SUM_LIMIT = 2**53
"""Whole numbers below this add up exactly as doubles (see :func:`~.query.exact_sum`)."""


def usage_group(r: Mapping[str, Any], rows: int, tokens: dict[str, int]) -> UsageGroup:
    """A result row at the pricing grain as a :class:`UsageGroup` of ``rows`` rows."""
    return UsageGroup(
        use_case=r["use_case"],
        model=r["model"],
        day=r["day"],
        service_tier=r["service_tier"],
        prompt_class=int(r["prompt_class"]),
        by_value=r["by_value"],
        rows=rows,
        requests=int(r["requests"] or 0),
        requests_unknown_rows=int(r["requests_unknown_rows"] or 0),
        tokens=tokens,
        reported_cost=r["reported_cost"],
        reported_rows=int(r["reported_rows"] or 0),
        in_region=r.get("in_region"),
        billing_geo=r.get("billing_geo"),
        speed=r.get("speed"),
        beyond_first={c: int(r.get(name) or 0) for c, name in BEYOND_FIRST.items()},
    )


def check_exact(r: Mapping[str, Any]) -> None:
    """Refuse token sums too large to have been added exactly (see :func:`~.query.exact_sum`)."""
    if any((r[c] or 0) >= EXACT_SUM_LIMIT for c in (*TOKEN_COLUMNS, "requests")):
        raise UsageInputError(
            f"more than 2^53 tokens of {r['model']} on {r['day']} in one group: too many to "
            "add up exactly",
            "split the usage into shorter periods with --since/--until",
        )


def file_usage(records: list[dict[str, Any]], result: UsageAggregates) -> None:
    """File the usage records of the query (sums, copies of repeated ids, tasks, outcomes)
    into ``result``; the accounting records are :func:`~.accounting.count_rows`'s."""
    repeated: list[dict[str, Any]] = []
    largest: list[dict[str, Any]] = []
    for r in records:
        kind = r["kind"]
        if kind in ("sums", "repeated"):
            check_exact(r)
        if kind == "sums":
            tokens = {c: int(r[c]) if r[c] is not None else 0 for c in TOKEN_COLUMNS}
            result.groups.append(usage_group(r, int(r["rows"]), tokens))
        elif kind == "repeated":
            repeated.append(r)
        elif kind == "largest_copy":
            largest.append(r)
        elif kind == "tasks":  # keyless and keyed tasks come as two records
            result.tasks[r["use_case"]] = result.tasks.get(r["use_case"], 0) + int(r["tasks"] or 0)
        elif kind == "outcomes_matched":
            result.outcomes_matched[r["use_case"]] = int(r["rows"])
        elif kind == "outcomes_day":  # by_value: the day (null: an outcome not dated)
            result.outcomes_by_day[(r["use_case"], r["by_value"])] = int(r["rows"])
        elif kind == "outcomes_file":
            result.outcomes_in_file[r["use_case"]] = int(r["rows"])
        elif kind == "model_tasks":
            result.model_tasks[(r["use_case"], r["model"])] = int(r["tasks"] or 0)
        elif kind == "model_outcomes":
            result.model_outcomes[(r["use_case"], r["model"])] = int(r["rows"])
    merge_repeated(repeated, largest, result)
    result.groups = combine(result.groups)


def per_copy(r: Mapping[str, Any]) -> dict[str, Any]:
    """One copy's values from a group of k identical copies (sums are k times one copy)."""
    k = int(r["rows"])
    copy = dict(r)
    for column in (*TOKEN_COLUMNS, "requests", *BEYOND_FIRST.values()):
        copy[column] = int(r[column]) // k if r.get(column) is not None else None
    copy["reported_cost"] = r["reported_cost"] / k if r["reported_cost"] is not None else None
    copy["reported_rows"] = int(r["reported_rows"] or 0) // k
    copy["requests_unknown_rows"] = int(r["requests_unknown_rows"] or 0) // k
    return copy


def _request_id(r: Mapping[str, Any]) -> str:
    """The request id of a group of copies (its ``request_id`` is the id, ``|``, the counts)."""
    return str(r["request_id"]).split("|", 1)[0]


def merge_repeated(
    repeated: list[dict[str, Any]], largest: list[dict[str, Any]], result: UsageAggregates
) -> None:
    """Keep one copy per repeated request id, counted once.

    ``repeated`` are the groups of identical copies of each id, ranked by the duplicate rule
    (:func:`~.read.rank_copies`: ``copy_rank`` 0 is the copy kept); ``largest`` gives per id
    the largest count of each bucket in one copy, which the kept copy takes. Keyless tasks
    were counted once per copy by the engine; the surplus is taken back here.
    """
    by_id: dict[str, list[dict[str, Any]]] = {}
    for r in repeated:
        by_id.setdefault(_request_id(r), []).append(r)
    counts = {_request_id(r): r for r in largest}
    for request_id, groups in sorted(by_id.items()):
        count = sum(int(g["rows"]) for g in groups)
        keep = per_copy(next(g for g in groups if g["copy_rank"] == 0))
        later = any(keep[name] for name in BEYOND_FIRST.values())  # a call beyond the first
        for column in (*TOKEN_COLUMNS, "requests"):
            value = counts[request_id][column]
            keep[column] = int(value) if value is not None else None
        for column, name in BEYOND_FIRST.items():
            keep[name] = keep[column] if later else 0
        tokens = {c: int(keep[c] or 0) for c in TOKEN_COLUMNS}
        result.groups.append(usage_group(keep, 1, tokens))
        result.rows_duplicate += count - 1
        if len(groups) > 1:
            result.duplicates_conflicting += 1
        if len(result.duplicate_samples) < SAMPLE_LIMIT:
            result.duplicate_samples.append((request_id, count))
        for g in groups:
            if g["task_key"] is None and g["use_case"] in result.tasks:
                result.tasks[g["use_case"]] -= int(g["requests"] or g["rows"])
        if keep["task_key"] is None and keep["use_case"] in result.tasks:
            result.tasks[keep["use_case"]] += int(keep["requests"] or 1)


def combine(groups: list[UsageGroup]) -> list[UsageGroup]:
    """Merge groups with the same key (kept copies of repeated ids join their group)."""
    merged: dict[tuple[Any, ...], UsageGroup] = {}
    for g in groups:
        key = (
            g.use_case, g.model, g.day, g.service_tier, g.prompt_class, g.by_value, g.in_region,
            g.reported_rows > 0, g.billing_geo, g.speed,
        )  # fmt: skip
        if key not in merged:
            merged[key] = g
            continue
        m = merged[key]
        costs = [c for c in (m.reported_cost, g.reported_cost) if c is not None]
        merged[key] = replace(
            m,
            rows=m.rows + g.rows,
            requests=m.requests + g.requests,
            requests_unknown_rows=m.requests_unknown_rows + g.requests_unknown_rows,
            tokens={c: m.tokens[c] + g.tokens[c] for c in TOKEN_COLUMNS},
            beyond_first={
                c: m.beyond_first.get(c, 0) + g.beyond_first.get(c, 0) for c in BEYOND_FIRST
            },
            reported_cost=sum(costs, Decimal(0)) if costs else None,
            reported_rows=m.reported_rows + g.reported_rows,
        )
    return sorted(merged.values(), key=_group_order)


def without_by_value(groups: list[UsageGroup]) -> list[UsageGroup]:
    """The groups summed over their ``by_value``: what :func:`combine` of the groups with
    ``by_value`` set to None gives, in one pass (no copy per group: 250k per-user groups of
    a people file cost 19 s that way against 1 s)."""
    sums: dict[tuple[Any, ...], list[Any]] = {}
    for g in groups:
        key = (
            g.use_case, g.model, g.day, g.service_tier, g.prompt_class, g.in_region,
            g.reported_rows > 0, g.local_day, g.billing_geo, g.speed,
        )  # fmt: skip
        acc = sums.get(key)
        if acc is None:
            sums[key] = [g, g.rows, g.requests, g.requests_unknown_rows, dict(g.tokens),
                         g.reported_cost, g.reported_rows, dict(g.beyond_first)]  # fmt: skip
            continue
        acc[1] += g.rows
        acc[2] += g.requests
        acc[3] += g.requests_unknown_rows
        tokens = acc[4]
        for c in TOKEN_COLUMNS:
            tokens[c] += g.tokens[c]
        if g.reported_cost is not None:
            acc[5] = g.reported_cost if acc[5] is None else acc[5] + g.reported_cost
        acc[6] += g.reported_rows
        later = acc[7]
        for c, n in g.beyond_first.items():
            later[c] = later.get(c, 0) + n
    out = [
        replace(first, by_value=None, rows=rows, requests=requests,
                requests_unknown_rows=unknown, tokens=tokens, reported_cost=cost,
                reported_rows=reported, beyond_first=later)
        for first, rows, requests, unknown, tokens, cost, reported, later in sums.values()
    ]  # fmt: skip
    return sorted(out, key=_group_order)


def split_owner_groups(result: UsageAggregates, timezone: str | None) -> None:
    """With :attr:`~.types.AggregateOptions.owner_only`: the groups per value of the ownership
    key kept as ``owner_groups``, and ``groups`` summed over it.

    Summing the per-user groups of a pricing key loses nothing: a price is the same for every
    user, and cost is linear in the tokens (exact Decimal either way). The local day of
    --timezone rides in by_value: taken out first, and kept apart."""
    owned = [split_local_day(g) for g in result.groups] if timezone else result.groups
    result.owner_groups = owned
    result.groups = without_by_value(owned)


def _group_order(g: UsageGroup) -> tuple[Any, ...]:
    return (
        g.use_case or "", g.model, g.day, g.service_tier, g.prompt_class, g.by_value or "",
        (g.in_region is None, g.in_region is True), g.reported_rows > 0, g.billing_geo or "",
        g.speed or "",
    )  # fmt: skip


def file_repeated(records: list[dict[str, Any]], result: UsageAggregates) -> None:
    """File this module's records (``repeated_count``, ``repeated_sample``, ``tasks_adjust``,
    ``hourly``) into ``result``, after :func:`~.merge.file_usage` has filed the tasks."""
    samples = list(result.duplicate_samples)
    for r in records:
        kind = r["kind"]
        if kind == "repeated_count":
            result.rows_duplicate += int(r["rows"] or 0)
            result.duplicates_conflicting += int(r["rejected"] or 0)
        elif kind == "repeated_sample":
            samples.append((r["request_id"], int(r["rows"])))
        elif kind == "tasks_adjust" and r["use_case"] in result.tasks:
            result.tasks[r["use_case"]] += int(r["tasks"] or 0)
        elif kind == "hourly":
            hour = r["hour"]
            group = UsageGroup(
                use_case=None, model=r["model"], day=hour.date(),
                service_tier=r["service_tier"], prompt_class=int(r["prompt_class"]),
                by_value=None, rows=int(r["rows"]), requests=int(r["requests"] or 0),
                requests_unknown_rows=0, tokens={c: int(r[c] or 0) for c in TOKEN_COLUMNS},
                reported_cost=None, reported_rows=0,
            )  # fmt: skip
            result.hourly.append((hour, group))
    result.duplicate_samples = sorted(samples)[:SAMPLE_LIMIT]
    result.hourly.sort(key=lambda h: (h[0], h[1].model, h[1].service_tier or ""))
