"""The engine's per-user sums filed per pricing key (aggregate/merge.py, ``file_usage`` with
``owners``: a people file), against filing them as per-user groups: the groups are those
groups summed over the users, the parts are those groups, a kept copy of a repeated request
id joins its user's part, and what ownership folds from the parts (economics/owner_usage.py)
is what pricing each per-user group on its own gives.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenecon.aggregate.merge import combine, file_usage
from tokenecon.aggregate.types import UsageAggregates
from tokenecon.economics.owner_usage import fold_owner_groups, fold_usage, per_part
from tokenecon.errors import UsageInputError
from tokenecon.ingest.canonical import TOKEN_COLUMNS
from tokenecon.price.apply import price_groups
from tokenecon.price.book import load_price_book
from tokenecon.price.reconcile import choose_costs

DAY = date(2026, 10, 5)


def record(kind: str, **values: Any) -> dict[str, Any]:
    """A result record of the aggregation query (every column a sums record has)."""
    base: dict[str, Any] = {
        "kind": kind, "use_case": "support", "task_key": None, "model": "gpt-4.1-mini",
        "service_tier": "standard", "by_value": None, "request_id": None, "day": DAY,
        "prompt_class": 0, "in_region": None, "has_cost": False, "billing_geo": None,
        "speed": None, "rows": 1, "requests": None, "requests_unknown_rows": 0,
        "reported_cost": None, "reported_rows": 0, "copy_rank": None,
        "reread_uncached_input_tokens": 0, "reread_cache_read_tokens": 0,
        "reread_cache_write_tokens": 0, "reread_cache_write_1h_tokens": 0,
        "rework_output_tokens": 0, **dict.fromkeys(TOKEN_COLUMNS),
    }  # fmt: skip
    out = base | values
    out["has_cost"] = out["reported_rows"] > 0
    return out


def filed(records: list[dict[str, Any]], owners: bool) -> UsageAggregates:
    result = UsageAggregates()
    file_usage(records, result, owners)
    return result


def test_a_kept_copy_joins_its_users_part() -> None:
    """ana: 5 rows (5000 in, 500 out, $1.25 reported on 4) and r1, sent three times: two
    identical partials (1000 in, 40 out each) and the whole copy (1000 in, 100 out, $0.30)
    kept. bo: 2 rows, 70 in, 7 out, $0.02 reported on 2. One pricing key (both report costs):
    the group is 8 rows, 8 requests, 6070 in, 607 out, $1.57 reported on 7; ana's part 6
    rows, 6000 in, 600 out, $1.55 on 5; bo's as he sent it."""
    records = [
        record("sums", by_value="ana", rows=5, requests=5, uncached_input_tokens=5000,
               output_tokens=500, reported_cost=Decimal("1.25"), reported_rows=4),
        record("sums", by_value="bo", rows=2, requests=2, uncached_input_tokens=70,
               output_tokens=7, reported_cost=Decimal("0.02"), reported_rows=2),
        record("repeated", by_value="ana", request_id="r1|1000|0|0|0|40|0|1", rows=2,
               requests=2, uncached_input_tokens=2000, output_tokens=80, copy_rank=1),
        record("repeated", by_value="ana", request_id="r1|1000|0|0|0|100|0|1", rows=1,
               requests=1, uncached_input_tokens=1000, output_tokens=100,
               reported_cost=Decimal("0.30"), reported_rows=1, copy_rank=0),
        record("largest_copy", request_id="r1|1000|0|0|0|100|0|1", requests=1,
               uncached_input_tokens=1000, output_tokens=100),
    ]  # fmt: skip
    result = filed(records, owners=True)
    [owned] = result.owner_groups
    assert result.groups == [owned.group]
    g = owned.group
    assert (g.by_value, g.rows, g.requests) == (None, 8, 8)
    assert (g.tokens["uncached_input_tokens"], g.tokens["output_tokens"]) == (6070, 607)
    assert (g.tokens["cache_read_tokens"], g.reported_cost, g.reported_rows) == (
        0, Decimal("1.57"), 7
    )  # fmt: skip
    assert owned.values == ("ana", "bo")
    assert (owned.rows, owned.requests) == ((6, 2), (6, 2))
    uncached, cache_read, *_, output, _reasoning = owned.tokens
    assert (uncached, output, cache_read) == ((6000, 70), (600, 7), (0, 0))  # null sums are 0
    assert (owned.reported_cost, owned.reported_rows) == (
        (Decimal("1.55"), Decimal("0.02")),
        (5, 2),
    )
    assert (result.rows_duplicate, result.duplicates_conflicting) == (2, 1)


def test_parts_are_ordered_by_value_whatever_the_engines_order() -> None:
    """Usage without a user first, then users by name; the same filing for any record order
    (the replay of a cached query must file exactly what the compiled run filed)."""
    records = [
        record("sums", by_value=user, model=model, rows=n, requests=n, output_tokens=10 * n)
        for n, (user, model) in enumerate(
            [(u, m) for u in ("cy", None, "ana", "bo") for m in ("gpt-4.1", "gpt-4.1-mini")], 1
        )
    ]
    first = filed(records, owners=True).owner_groups
    assert [o.values for o in first] == [(None, "ana", "bo", "cy")] * 2
    assert [o.group.model for o in first] == ["gpt-4.1", "gpt-4.1-mini"]
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        assert filed(shuffled, owners=True).owner_groups == first


def test_a_part_too_large_to_add_exactly_is_refused() -> None:
    records = [
        record("sums", by_value="ana", output_tokens=2**53 - 1),
        record("sums", by_value="bo", output_tokens=1),  # the key's sum may pass 2^53
    ]
    assert filed(records, owners=True).groups[0].tokens["output_tokens"] == 2**53
    with pytest.raises(UsageInputError, match="2\\^53"):
        filed([*records, record("sums", by_value="cy", output_tokens=2**53)], owners=True)


tokens = st.one_of(st.none(), st.integers(min_value=0, max_value=2**40))


def engine_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The keys of a generated sums record (the engine's are distinct): user, model, use
    case, day, tier, region and whether it reports a cost."""
    return (*row[:6], row[7] is not None)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ana", "bo", "cy", None]),
            st.sampled_from(["gpt-4.1", "gpt-4.1-mini", "no-such-model"]),
            st.sampled_from([None, "support"]),
            st.integers(min_value=1, max_value=3),
            st.sampled_from(["standard", "batch"]),
            st.sampled_from([None, True, False]),
            st.lists(tokens, min_size=len(TOKEN_COLUMNS), max_size=len(TOKEN_COLUMNS)),
            st.sampled_from([None, "0.01", "2.5"]),
            st.integers(min_value=1, max_value=9),
            st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
        ),
        max_size=25,
        unique_by=engine_key,
    )
)
def test_owner_filing_is_the_per_user_groups_summed(rows: list[tuple[Any, ...]]) -> None:
    records = [
        record("sums", by_value=user, model=model, use_case=use_case, day=date(2026, 10, day),
               service_tier=tier, in_region=region, rows=n, requests=requests,
               **dict(zip(TOKEN_COLUMNS, counts, strict=True)),
               reported_cost=None if cost is None else Decimal(cost),
               reported_rows=0 if cost is None else n)
        for user, model, use_case, day, tier, region, counts, cost, n, requests in rows
    ]  # fmt: skip
    per_user, owned = filed(records, owners=False), filed(records, owners=True)
    assert owned.groups == combine([replace(g, by_value=None) for g in per_user.groups])
    assert [o.group for o in owned.owner_groups] == owned.groups
    strip = {"requests_unknown_rows": 0, "beyond_first": {}}
    assert sorted(per_part(owned.owner_groups), key=repr) == sorted(
        (replace(g, **strip) for g in per_user.groups), key=repr
    )
    book = load_price_book([])
    for source in ("auto", "computed", "reported"):
        slow = fold_usage(choose_costs(price_groups(per_user.groups, book), source))
        fast = fold_owner_groups(owned.owner_groups, book, None, source)
        assert fast.volumes == slow.volumes
        assert fast.daily == slow.daily
