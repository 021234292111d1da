"""The aggregation's result rows, filed into :class:`~.types.UsageAggregates`: sums at the
pricing grain, tasks and outcomes, and the copies of repeated request ids merged into one.

Plain Python on a small result (the engine has summed every row already): no engine here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from tokenecon.aggregate.types import (
    BEYOND_FIRST,
    SAMPLE_LIMIT,
    OwnedGroup,
    UsageAggregates,
    UsageGroup,
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
        raise _too_many(r["model"], r["day"])


def _too_many(model: str, day: Any) -> UsageInputError:
    return UsageInputError(
        f"more than 2^53 tokens of {model} on {day} in one group: too many to add up exactly",
        "split the usage into shorter periods with --since/--until",
    )


def file_usage(
    records: list[dict[str, Any]],
    result: UsageAggregates,
    owners: bool = False,
    owned_sums: Mapping[str, Sequence[Any]] | None = None,
) -> None:
    """File the usage records of the query (sums, copies of repeated ids, tasks, outcomes)
    into ``result``; the accounting records are :func:`~.accounting.count_rows`'s. With
    ``owners`` (:attr:`~.types.AggregateOptions.owner_only`) the sums are per value of the
    ownership key: ``groups`` are their sums per pricing key, ``owner_groups`` the parts; the
    sums come as ``owned_sums`` (columns: :func:`file_owned`) or among the records."""
    repeated: list[dict[str, Any]] = []
    largest: list[dict[str, Any]] = []
    owned: list[dict[str, Any]] = []
    for r in records:
        kind = r["kind"]
        if kind == "sums" and owners:
            owned.append(r)  # checked per column by file_owned
            continue
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
    if owners:  # the kept copies of repeated ids join their user's part
        columns = owned_sums if owned_sums is not None else sums_columns(owned)
        result.owner_groups = file_owned(columns, result.groups)
        result.groups = [o.group for o in result.owner_groups]
    else:
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


_KEY_COLUMNS = (
    "use_case", "model", "day", "service_tier", "prompt_class", "in_region", "has_cost",
    "billing_geo", "speed",
)  # fmt: skip
"""A sums record's pricing key: :data:`SUM_KEYS` but ``by_value`` (``has_cost``: its
``reported_rows`` > 0, as :func:`combine` keys it)."""
_PART_COLUMNS = (
    "by_value", "rows", "requests", "requests_unknown_rows", *TOKEN_COLUMNS, "reported_cost",
    "reported_rows", *BEYOND_FIRST.values(),
)  # fmt: skip
"""A sums record's part of its pricing key, in the order :func:`_owned_group` reads."""
_COLUMNS = frozenset((*_KEY_COLUMNS, *_PART_COLUMNS))
_ABSENT = dict.fromkeys(("in_region", "billing_geo", "speed", *BEYOND_FIRST.values()))
"""The columns a record made by hand may leave out (None, as :func:`usage_group` reads)."""
_TOKENS = slice(4, 4 + len(TOKEN_COLUMNS))
_COST = 4 + len(TOKEN_COLUMNS)
_LATER = slice(_COST + 2, None)


def sums_columns(records: Sequence[Mapping[str, Any]]) -> dict[str, list[Any]]:
    """Sums records as the columns :func:`file_owned` reads (records made by hand may lack
    some: :data:`_ABSENT`, and ``has_cost`` follows ``reported_rows``)."""
    if records and not records[0].keys() >= _COLUMNS:
        records = [{**_ABSENT, **r, "has_cost": (r["reported_rows"] or 0) > 0} for r in records]
    return {c: [r[c] for r in records] for c in _COLUMNS}


def file_owned(sums: Mapping[str, Sequence[Any]], kept: list[UsageGroup]) -> list[OwnedGroup]:
    """The sums per value of the ownership key, as columns (the query's result columns, each
    a list over the sums rows; an empty mapping for none), and the ``kept`` copies of repeated
    ids, which join their value's part, filed per pricing key: each key's group summed over
    the values, with the parts. Columns and tuples, not a record or a :class:`UsageGroup` per
    part: 245k per-user sums of 1M rows cost 3.8 s as groups (filed, merged, then summed per
    key), and 1.1 s as records before any filing."""
    parts: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    if sums:
        keys = zip(*(sums[c] for c in _KEY_COLUMNS), strict=True)
        for key, part in zip(
            keys, zip(*(sums[c] for c in _PART_COLUMNS), strict=True), strict=True
        ):
            parts.setdefault(key, []).append(part)
    for g in kept:
        key = (
            g.use_case, g.model, g.day, g.service_tier, g.prompt_class, g.in_region,
            g.reported_rows > 0, g.billing_geo, g.speed,
        )  # fmt: skip
        part = (
            g.by_value, g.rows, g.requests, g.requests_unknown_rows,
            *(g.tokens[c] for c in TOKEN_COLUMNS), g.reported_cost, g.reported_rows,
            *(g.beyond_first.get(c, 0) for c in BEYOND_FIRST),
        )  # fmt: skip
        parts.setdefault(key, []).append(part)
    out = [_owned_group(key, values) for key, values in parts.items()]
    return sorted(out, key=lambda o: _group_order(o.group))


def _owned_group(key: tuple[Any, ...], parts: list[tuple[Any, ...]]) -> OwnedGroup:
    """One pricing key's group and its parts (the parts of one value merged first, in the
    order :func:`combine` merged them: a kept copy after the engine's sums)."""
    values = [p[0] for p in parts]
    if len(set(values)) < len(parts):
        merged: dict[str | None, tuple[Any, ...]] = {}
        for p in parts:
            m = merged.get(p[0])
            merged[p[0]] = p if m is None else _added(m, p)
        parts = list(merged.values())
        values = list(merged)
    if None in values:
        parts.sort(key=lambda p: (p[0] is not None, p[0] or ""))
    else:  # values are distinct: tuples compare by them alone
        parts.sort()
    columns = list(zip(*parts, strict=True))
    sums = [0] * len(columns)
    for i, column in enumerate(columns):
        if i and i != _COST:
            try:
                sums[i] = sum(column)
            except TypeError:  # a null: the sum of no value
                columns[i] = column = tuple(n or 0 for n in column)
                sums[i] = sum(column)
    if (
        max(sums[2:_COST]) >= EXACT_SUM_LIMIT
        and max(max(c) for c in columns[2:_COST]) >= EXACT_SUM_LIMIT
    ):
        raise _too_many(key[1], key[2])
    costs = [c for c in columns[_COST] if c is not None]
    group = UsageGroup(
        use_case=key[0], model=key[1], day=key[2], service_tier=key[3],
        prompt_class=int(key[4]), by_value=None, rows=sums[1], requests=sums[2],
        requests_unknown_rows=sums[3], tokens=dict(zip(TOKEN_COLUMNS, sums[_TOKENS], strict=True)),
        reported_cost=sum(costs, Decimal(0)) if costs else None,
        reported_rows=sums[_COST + 1], in_region=key[5], billing_geo=key[7], speed=key[8],
        beyond_first=dict(zip(BEYOND_FIRST, sums[_LATER], strict=True)),
    )  # fmt: skip
    return OwnedGroup(group, columns[0], columns[1], columns[2], tuple(columns[_TOKENS]),
                      columns[_COST], columns[_COST + 1])  # fmt: skip


def _added(a: tuple[Any, ...], b: tuple[Any, ...]) -> tuple[Any, ...]:
    """Two parts of one value summed, as :func:`combine` sums two groups."""
    costs = [c for c in (a[_COST], b[_COST]) if c is not None]
    return (
        a[0],
        *((x or 0) + (y or 0) for x, y in zip(a[1:_COST], b[1:_COST], strict=True)),
        sum(costs, Decimal(0)) if costs else None,
        *((x or 0) + (y or 0) for x, y in zip(a[_COST + 1 :], b[_COST + 1 :], strict=True)),
    )


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
