"""Property: every row read is priced, unpriced, rejected or a duplicate, and a row without a
price never adds $0 to a priced total, for any mix of rows with or without the source's cost
and with or without a book price, under every ``--cost-source`` (issue 13).

The reference below prices each group of rows (model as written x day x whether the source
recorded a cost: the grain at which the engine sums) by the rules of docs and
:func:`tokenecon.price.reconcile.choose_costs`, from the test book's prices per 1M tokens:
gpt-4.1-mini 0.40 in / 1.60 out from 2025-04-14; claude-haiku-4-5 1 / 5 from 2025-10-01.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from tempfile import TemporaryDirectory

from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sources import BOOK

PRICES = {  # model as written -> (book key, first day, input, output per 1M)
    "gpt-4.1-mini-2025-04-14": ("gpt-4.1-mini", date(2025, 4, 14), Decimal("0.4"), Decimal("1.6")),
    "claude-haiku-4-5-20251001": ("claude-haiku-4-5", date(2025, 10, 1), Decimal(1), Decimal(5)),
    "claude-haiku-4-5": ("claude-haiku-4-5", date(2025, 10, 1), Decimal(1), Decimal(5)),
    "acme-ft-llama-70b": None,
}  # fmt: skip
DAYS = (date(2025, 9, 30), date(2025, 10, 2))


@dataclass(frozen=True)
class Row:
    model: str
    day: date
    input: int
    output: int
    cost: Decimal | None
    bad: bool
    """A negative output count: rejected."""
    copies: int
    """Identical copies of the row (same request id): all but one are duplicates."""


rows_strategy = st.lists(
    st.builds(
        Row,
        model=st.sampled_from(sorted(PRICES)),
        day=st.sampled_from(DAYS),
        input=st.integers(0, 5000),
        output=st.integers(0, 500),
        cost=st.none() | st.just(Decimal(0)) | st.integers(1, 100).map(lambda c: Decimal(c) / 100),
        bad=st.sampled_from([False, False, False, True]),
        copies=st.sampled_from([1, 1, 1, 2]),
    ),
    min_size=1,
    max_size=8,
).filter(lambda rows: any(not r.bad for r in rows))


def write_usage(rows: list[Row], path: Path) -> None:
    header = "timestamp,model,uncached_input_tokens,output_tokens,requests,reported_cost,request_id"
    lines = [header]
    for i, r in enumerate(rows):
        output = -5 if r.bad else r.output
        cost = "" if r.cost is None else str(r.cost)
        line = f"{r.day}T{i // 60:02d}:{i % 60:02d}:00Z,{r.model},{r.input},{output},1,{cost},r{i}"
        lines += [line] * (1 if r.bad else r.copies)
    path.write_text("\n".join(lines) + "\n")


def computed(r: Row) -> Decimal | None:
    price = PRICES[r.model]
    if price is None or r.day < price[1]:
        return None
    return (r.input * price[2] + r.output * price[3]) / 1_000_000


def expected(rows: list[Row], source: str) -> tuple[int, int, Decimal, int]:
    """(priced rows, unpriced rows, total cost, unpriced tokens) by the documented rules."""
    groups: dict[tuple[str, date, bool], list[Row]] = defaultdict(list)
    for r in rows:
        if not r.bad:
            groups[(r.model, r.day, r.cost is not None)].append(r)
    key = {m: (p[0] if p else m) for m, p in PRICES.items()}
    metered = {
        (key[m], d)
        for (m, d, _), members in groups.items()
        if computed(members[0]) is not None and sum(r.input + r.output for r in members)
    }
    priced = unpriced = unpriced_tokens = 0
    total = Decimal(0)
    for (m, d, covered), members in groups.items():
        tokens = sum(r.input + r.output for r in members)
        book = None if computed(members[0]) is None else sum(computed(r) or 0 for r in members)
        reported = sum((r.cost or Decimal(0) for r in members), Decimal(0)) if covered else None
        cost: Decimal | None
        # auto: the book's price, except a cost line (no tokens) that no priced usage of its
        # model and day stands beside
        by_book = book is not None and (tokens or not covered or (key[m], d) in metered)
        if source == "computed" or (source == "auto" and by_book):
            cost = book
        elif reported is not None and not (reported == 0 and tokens and book is None):
            cost = reported
        else:
            cost = None
        if cost is None:
            unpriced += len(members)
            unpriced_tokens += tokens
        else:
            priced += len(members)
            total += cost
    return priced, unpriced, total, unpriced_tokens


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows_strategy, source=st.sampled_from(["auto", "computed", "reported"]))
def test_every_row_is_accounted_for_and_no_unpriced_row_costs_zero(
    rows: list[Row], source: str
) -> None:
    with TemporaryDirectory() as tmp:
        usage = Path(tmp) / "usage.csv"
        write_usage(rows, usage)
        result = run_cli(
            "analyze", str(usage), "--prices", BOOK, "--no-default-prices", "--cost-source",
            source, "--json",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    t = json.loads(result.stdout)["totals"]
    read = sum(1 if r.bad else r.copies for r in rows)
    assert t["rows_read"] == read
    assert t["rows_read"] == (
        t["rows_priced"] + t["rows_unpriced"] + t["rows_rejected"] + t["rows_duplicate"]
        + t["rows_outside_period"]
    )  # fmt: skip
    assert t["rows_rejected"] == sum(r.bad for r in rows)
    assert t["rows_duplicate"] == sum(r.copies - 1 for r in rows if not r.bad)
    priced, unpriced, total, unpriced_tokens = expected(rows, source)
    assert (t["rows_priced"], t["rows_unpriced"]) == (priced, unpriced)
    assert t["unpriced_tokens"] == unpriced_tokens
    assert Decimal(t["cost"]) == total.quantize(Decimal("0.000001"), ROUND_HALF_UP)
    # whatever the source: a row with neither a book price nor a cost of its own is unpriced
    bare = sum(1 for r in rows if not r.bad and computed(r) is None and r.cost is None)
    assert t["rows_unpriced"] >= bare
