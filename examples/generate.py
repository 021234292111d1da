"""Generate the example month: usage, outcome mapping and outcome files (seeded, stdlib only).

    python examples/generate.py            # rewrites everything in examples/

The company runs six LLM use cases in October 2026; the numbers are built to tell the story
that `tokenecon analyze` should find (see examples/README.md):

- support-triage: gpt-4.1-mini with heavy prompt caching, ~1.3 calls per ticket. Healthy.
- lead-scoring: a classification job on claude-opus-4-1, a frontier model. Pricing layer.
- contract-drafting: users re-prompt ~5 times per accepted draft. Design layer.
- code-review: a claude-sonnet-4-5 agent, ~12 calls per PR, some above the 200k cliff.
- meeting-summaries: cheap calls, but long human review: never worth it.
- rag-experiment: an internal experiment nobody mapped, partly on a self-hosted model.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = [
    "timestamp", "provider", "model", "uncached_input_tokens", "cache_read_tokens",
    "cache_write_tokens", "cache_write_1h_tokens", "output_tokens", "reasoning_tokens",
    "requests", "reported_cost", "service_tier", "region", "team", "project", "use_case",
    "user", "api_key", "task_id", "session_id", "trace_id", "request_id", "tags",
]  # fmt: skip
START = datetime(2026, 10, 1, tzinfo=UTC)
DAYS = 31
DUPLICATE_AFTER = (1000, 4000, 8000, 12000)
"""Data rows (0-based, before insertion) that a log shipper re-sent right after themselves."""
BAD_ROWS_AT = (2500, 6500, 10500)
"""Data rows (0-based, before insertion) after which one impossible row is inserted."""


class Month:
    """Draws timestamps with a weekday, office-hours shape."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def moment(self, night: bool = False) -> datetime:
        while True:
            day = START + timedelta(days=self.rng.randrange(DAYS))
            if day.weekday() < 5 or self.rng.random() < 0.15:
                break
        hour = self.rng.choice([0, 1, 2, 3, 4]) if night else int(self.rng.triangular(7, 19, 11))
        return day + timedelta(hours=hour, minutes=self.rng.randrange(60),
                               seconds=self.rng.randrange(60))  # fmt: skip


def row(**values: object) -> dict[str, object]:
    out: dict[str, object] = dict.fromkeys(HEADER, "")
    out.update(values)
    out["requests"] = 1
    return out


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def support_triage(rng: random.Random, month: Month, rows: list, outcomes: list) -> None:
    for n in range(1, 3001):
        first = month.moment()
        calls = 1 if rng.random() < 0.72 else 2
        for c in range(calls):
            cached = rng.randint(4200, 5400)
            rows.append(row(
                timestamp=stamp(first + timedelta(seconds=40 * c)),
                provider="openai",
                model="openai/gpt-4.1-mini" if rng.random() < 0.3 else "gpt-4.1-mini-2025-04-14",
                uncached_input_tokens=rng.randint(700, 1700), cache_read_tokens=cached,
                output_tokens=rng.randint(120, 380), service_tier="standard", region="eu",
                team="support", project="helpdesk", use_case="support-bot",
                user=f"agent{rng.randint(1, 40)}@acme.example", api_key="support-bot",
                task_id=f"T-{n}", session_id=f"S-{n}", tags=json.dumps({"feature": "triage"}),
            ))  # fmt: skip
        verified = rng.random() < 0.85
        outcomes.append((f"T-{n}", "true" if verified else "false", stamp(first)))


def lead_scoring(rng: random.Random, month: Month, rows: list) -> None:
    for n in range(1, 3001):
        rows.append(row(
            timestamp=stamp(month.moment()), provider="anthropic",
            model="claude-opus-4-1-20250805", uncached_input_tokens=rng.randint(3400, 4600),
            cache_read_tokens=0, cache_write_tokens=0, cache_write_1h_tokens=0,
            output_tokens=rng.randint(8, 30), service_tier="standard", region="us",
            team="sales", project="crm", use_case="lead-scoring",
            user="crm-sync@acme.example", api_key="crm-sync", task_id=f"L-{n}",
        ))  # fmt: skip


def contract_drafting(rng: random.Random, month: Month, rows: list) -> int:
    attempts = 0
    for draft in range(1, 301):
        lawyer = f"lawyer{rng.randint(1, 12)}@acme.example"
        begun = month.moment()
        for _ in range(rng.choice([3, 4, 5, 5, 6, 7])):
            attempts += 1
            begun += timedelta(minutes=rng.randint(3, 25))
            rows.append(row(
                timestamp=stamp(begun), provider="openai", model="gpt-4.1-2025-04-14",
                uncached_input_tokens=rng.randint(4500, 8000), cache_read_tokens=0,
                output_tokens=rng.randint(2200, 4200), service_tier="standard", region="eu",
                team="legal", project="contracts", user=lawyer, api_key="legal-tools",
                task_id=f"D-{attempts}", session_id=f"C-{draft}",
                tags=json.dumps({"feature": "contract-drafting"}),
            ))  # fmt: skip
    return attempts


def code_review(rng: random.Random, month: Month, rows: list, outcomes: list) -> None:
    for n in range(1, 301):
        night = rng.random() < 0.2
        moment = month.moment(night=night)
        for c in range(rng.randint(9, 15)):
            moment += timedelta(seconds=rng.randint(20, 90))
            big = rng.random() < 0.04
            cached = rng.randint(200_000, 240_000) if big else rng.randint(40_000, 80_000)
            rows.append(row(
                timestamp=stamp(moment), provider="anthropic",
                model="claude-sonnet-4-5-20250929",
                uncached_input_tokens=rng.randint(1500, 6000), cache_read_tokens=cached,
                cache_write_tokens=rng.randint(2000, 6000),
                cache_write_1h_tokens=rng.randint(8000, 12000) if c == 0 else 0,
                output_tokens=rng.randint(500, 2000),
                service_tier="batch" if night else "standard", region="us", team="platform",
                project="ci", use_case="code-review", user="review-bot@acme.example",
                api_key="ci-review", task_id=f"PR-{n}", trace_id=f"tr-{n}-{c}",
            ))  # fmt: skip
        verified = rng.random() < 0.7
        outcomes.append((f"PR-{n}", "true" if verified else "false", stamp(moment)))


def meeting_summaries(rng: random.Random, month: Month, rows: list) -> None:
    for n in range(1, 1501):
        rows.append(row(
            timestamp=stamp(month.moment()), provider="google", model="gemini-2.5-flash",
            uncached_input_tokens=rng.randint(8000, 16000), cache_read_tokens=0,
            output_tokens=rng.randint(500, 1100), reasoning_tokens=rng.randint(0, 400),
            service_tier="standard", region="eu", team="ops", project="workspace",
            use_case="meeting-notes", user=f"staff{rng.randint(1, 200)}@acme.example",
            api_key="notes-addon", task_id=f"M-{n}",
        ))  # fmt: skip


def rag_experiment(rng: random.Random, month: Month, rows: list) -> None:
    for n in range(1, 841):
        unknown = n % 21 == 0
        rows.append(row(
            timestamp=stamp(month.moment()),
            provider="self-hosted" if unknown else "google",
            model="acme-ft-llama-70b" if unknown else "gemini-2.5-pro",
            uncached_input_tokens=rng.randint(25_000, 55_000), cache_read_tokens=0,
            output_tokens=rng.randint(800, 2200),
            reasoning_tokens="" if unknown else rng.randint(200, 700),
            service_tier="standard", region="us", team="research", project="rag-lab",
            use_case="rag-experiment", user=f"researcher{rng.randint(1, 4)}@acme.example",
            api_key="research-sandbox",
        ))  # fmt: skip


def bad_row(kind: int, moment: str) -> dict[str, object]:
    base = row(
        timestamp=moment, provider="google", model="gemini-2.5-pro",
        uncached_input_tokens=30000, cache_read_tokens=0, output_tokens=1200,
        reasoning_tokens=300, service_tier="standard", region="us", team="research",
        project="rag-lab", use_case="rag-experiment", api_key="research-sandbox",
    )  # fmt: skip
    if kind == 0:
        base["output_tokens"] = -1200  # a sign error in an exporter
    elif kind == 1:
        base["reasoning_tokens"] = 1500  # reasoning reported on top of output
    else:
        base["cache_read_tokens"] = "abc"  # a corrupted cell
    return base


def write_csv(path: Path, header: list[str], rows: list) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261101)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    month = Month(rng)
    rows: list[dict[str, object]] = []
    triage_outcomes: list[tuple[str, str, str]] = []
    review_outcomes: list[tuple[str, str, str]] = []
    support_triage(rng, month, rows, triage_outcomes)
    lead_scoring(rng, month, rows)
    contract_drafting(rng, month, rows)
    code_review(rng, month, rows, review_outcomes)
    meeting_summaries(rng, month, rows)
    rag_experiment(rng, month, rows)
    rows.sort(key=lambda r: (str(r["timestamp"]), str(r["task_id"]), str(r["model"])))
    for number, r in enumerate(rows):
        r["request_id"] = f"req_{number:06d}"
    final: list[dict[str, object]] = []
    for index, r in enumerate(rows):
        final.append(r)
        if index in DUPLICATE_AFTER:
            final.append(dict(r))
        if index in BAD_ROWS_AT:
            bad = bad_row(BAD_ROWS_AT.index(index), str(r["timestamp"]))
            bad["request_id"] = f"req_bad_{BAD_ROWS_AT.index(index)}"
            final.append(bad)
    write_csv(HERE / "usage-2026-10.csv", HEADER, [[r[h] for h in HEADER] for r in final])
    unknown_tasks = [(f"T-9000{i}", "true", "2026-10-31T23:00:00Z") for i in range(1, 6)]
    write_csv(
        HERE / "outcomes" / "support-triage.csv",
        ["task_id", "verified", "timestamp"],
        sorted(triage_outcomes, key=lambda o: o[2]) + unknown_tasks,
    )
    write_csv(
        HERE / "outcomes" / "code-review.csv",
        ["task_id", "verified", "timestamp"],
        sorted(review_outcomes, key=lambda o: o[2]),
    )
    write_csv(
        HERE / "outcomes" / "contract-drafting-counts.csv",
        ["period", "count"],
        [["2026-09", 281], ["2026-10", 300]],
    )
    lines = {i + 2 + sum(1 for d in DUPLICATE_AFTER if d < i) + sum(1 for b in BAD_ROWS_AT if b < i)
             for i in DUPLICATE_AFTER}  # fmt: skip
    print(f"wrote {len(final):,} usage rows; duplicates follow lines {sorted(lines)}")


if __name__ == "__main__":
    main()
