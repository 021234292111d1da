"""tokenecon against a plain-Python reading of the same files (tests/reference.py)."""

from __future__ import annotations

import csv
import io
import json
import random
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from conftest import FIXTURES, ROOT, run_cli
from hypothesis import Phase, example, given, settings
from hypothesis import strategies as st
from reference import compute

BOOK = FIXTURES / "book.yaml"
HEADER = [
    "timestamp",
    "provider",
    "model",
    "uncached_input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cache_write_1h_tokens",
    "output_tokens",
    "reasoning_tokens",
    "requests",
    "reported_cost",
    "service_tier",
    "region",
    "team",
    "project",
    "use_case",
    "user",
    "api_key",
    "task_id",
    "session_id",
    "trace_id",
    "request_id",
    "tags",
]
MODELS = [
    "gpt-4.1-mini-2025-04-14", "openai/gpt-4.1", "claude-sonnet-4-5-20250929",
    "claude-haiku-4-5-20251001", "gemini-2.5-flash", "mystery-model",
]  # fmt: skip


def analyze(usage: Path, mapping: Path | None, *, expect: int = 0) -> dict:
    args = ["analyze", str(usage), "--prices", str(BOOK), "--no-default-prices", "--json"]
    if mapping:
        args += ["--outcomes", str(mapping)]
    result = run_cli(*args)
    assert result.exit_code == expect, result.output
    return json.loads(result.stdout) if expect == 0 else {}


def money(x: Decimal) -> Decimal:
    """The report's rounding of money: half-up to 1e-6."""
    return x.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def assert_same(report: dict, ref) -> None:
    totals = report["totals"]
    assert totals["rows_read"] == ref.rows_read
    assert totals["rows_rejected"] == ref.rejected
    assert totals["rows_duplicate"] == ref.duplicates
    assert totals["rows_unpriced"] == ref.unpriced_rows
    assert totals["rows_priced"] == ref.priced_rows
    assert Decimal(totals["cost"]) == money(ref.total.cost)
    assert totals["tokens"]["billable"] == ref.total.tokens
    for u in report["use_cases"]:
        tally = ref.use_cases[u["name"]]
        assert Decimal(u["cost"]) == money(tally.cost), u["name"]
        assert u["tokens"]["billable"] == tally.tokens
        assert u["tasks"] == len(tally.tasks) + tally.keyless_tasks, u["name"]
    un = ref.use_cases["(unattributed)"]
    assert Decimal(report["unattributed"]["cost"]) == money(un.cost)


def test_small_fixture_matches_reference() -> None:
    mapping = FIXTURES / "mapping.yaml"
    assert_same(
        analyze(FIXTURES / "small.csv", mapping), compute(FIXTURES / "small.csv", BOOK, mapping)
    )


def _random_csv(seed: int, rows: int) -> str:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    written: list[list[str]] = []
    for i in range(rows):
        if written and rng.random() < 0.08:
            writer.writerow(rng.choice(written))  # a re-sent line
            continue
        output = rng.randint(0, 3000)
        row = {
            "timestamp": f"2026-10-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00:00Z",
            "model": rng.choice(MODELS),
            "uncached_input_tokens": str(rng.choice([rng.randint(0, 5000), 250_000])),
            "cache_read_tokens": str(rng.randint(0, 20000)),
            "cache_write_tokens": rng.choice(["", str(rng.randint(0, 3000))]),
            "output_tokens": str(output if rng.random() > 0.03 else -1),
            "reasoning_tokens": rng.choice(["", str(rng.randint(0, output + 50))]),
            "service_tier": rng.choice(["standard", "standard", "batch"]),
            "team": rng.choice(["support", "legal", "ops"]),
            "use_case": rng.choice(["support-bot", "", "code-review"]),
            "task_id": rng.choice(["", f"T-{rng.randint(1, 40)}"]),
            "request_id": f"r{i}",
            "requests": "1",
            "tags": rng.choice(["", '{"feature":"contract-drafting"}']),
        }
        values = [row.get(h, "") for h in HEADER]
        written.append(values)
        writer.writerow(values)
    return out.getvalue()


# No shrinking: each example runs the whole CLI; the failing seed and size are printed.
@settings(max_examples=15, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(seed=st.integers(min_value=0, max_value=10**6), rows=st.integers(min_value=1, max_value=120))
@example(seed=78812, rows=1)  # its one line is rejected (reasoning 78 > output 60): CI, stop 20
def test_random_usage_matches_reference(tmp_path_factory, seed: int, rows: int) -> None:
    folder = tmp_path_factory.mktemp("random")
    usage = folder / "usage.csv"
    usage.write_text(_random_csv(seed, rows))
    mapping = FIXTURES / "mapping_random.yaml"
    ref = compute(usage, BOOK, mapping)
    if ref.priced_rows + ref.unpriced_rows == 0:
        # Nothing left to analyse (a small draw where every line is rejected): refused, not $0.
        assert ref.rejected == ref.rows_read > 0
        analyze(usage, mapping, expect=2)
        return
    assert_same(analyze(usage, mapping), ref)


EXAMPLE = ROOT / "examples" / "usage-2026-10.csv"


def test_example_month_reproduced_by_hand() -> None:
    """Every figure of the example's report, recomputed from the raw CSV in plain Python."""
    book = ROOT / "tokenecon" / "data" / "pricing" / "default.yaml"
    mapping = ROOT / "examples" / "outcomes.yaml"
    args = ["analyze", str(EXAMPLE), "--outcomes", str(mapping), "--json"]
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    assert_same(json.loads(result.stdout), compute(EXAMPLE, book, mapping))
