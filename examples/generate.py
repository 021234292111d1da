"""Generate the example months: usage, outcome mapping and outcome files (seeded, stdlib only).

    python examples/generate.py            # rewrites everything in examples/

The company runs six LLM use cases in October 2026; the numbers are built to tell the story
that `tokenecon analyze` should find (see examples/README.md):

- support-triage: gpt-4.1-mini with heavy prompt caching, ~1.3 calls per ticket. Healthy.
- lead-scoring: a classification job on claude-opus-4-1, a frontier model. Pricing layer.
- contract-drafting: users re-prompt ~5 times per accepted draft. Design layer.
- code-review: a claude-sonnet-4-5 agent, ~12 calls per PR, some above the 200k cliff.
- meeting-summaries: cheap calls, but long human review: never worth it.
- rag-experiment: an internal experiment nobody mapped, partly on a self-hosted model.

November 2026 (its own random stream, so October's files stay byte for byte as they were) has
three changes that `tokenecon diff` should explain:

- a price cut: the negotiated 20% off claude-sonnet-4-5 from 2026-11-01
  (examples/prices-acme.yaml), so code-review's cost per token falls;
- a prompt that grew: support-triage's system prompt gained ~2,000 uncached tokens (a policy
  section pasted after the cache breakpoint), so its tokens per task rise; a regional failover
  also sent 4% of its calls to us-east, outside its `residency: [eu]`;
- a workflow that stopped re-prompting: contract-drafting's new template gets accepted in 1-3
  attempts instead of 3-7, so its tasks per outcome fall.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = [
    "timestamp", "provider", "model", "uncached_input_tokens", "cache_read_tokens",
    "cache_write_tokens", "cache_write_1h_tokens", "output_tokens", "reasoning_tokens",
    "requests", "reported_cost", "service_tier", "region", "team", "project", "use_case",
    "user", "api_key", "task_id", "session_id", "trace_id", "request_id", "tags",
]  # fmt: skip


@dataclass(frozen=True)
class Story:
    """What differs between the months (October's values are the defaults)."""

    name: str = "2026-10"
    start: datetime = datetime(2026, 10, 1, tzinfo=UTC)
    days: int = 31
    seed: int = 20261101
    ids: str = ""
    """Prefix of task and request ids (October has none)."""
    tickets: int = 3000
    extra_prompt: int = 0
    """Uncached tokens added to every support-triage call (a prompt that grew)."""
    failover: float = 0.0
    """Share of support-triage calls that ran in us-east instead of eu."""
    drafts: int = 300
    attempts: tuple[int, ...] = (3, 4, 5, 5, 6, 7)
    """Attempts per accepted contract draft, drawn uniformly."""
    reviews: int = 300
    duplicate_after: tuple[int, ...] = (1000, 4000, 8000, 12000)
    """Data rows (0-based, before insertion) that a log shipper re-sent right after themselves."""
    bad_rows_at: tuple[int, ...] = (2500, 6500, 10500)
    """Data rows (0-based, before insertion) after which one impossible row is inserted."""


OCTOBER = Story()
NOVEMBER = Story(
    name="2026-11", start=datetime(2026, 11, 1, tzinfo=UTC), days=30, seed=20261201,
    ids="2611-", tickets=3300, extra_prompt=2000, failover=0.04, drafts=320,
    attempts=(1, 1, 2, 2, 2, 3), reviews=320, duplicate_after=(3000, 9000), bad_rows_at=(7000,),
)  # fmt: skip


class Month:
    """Draws timestamps with a weekday, office-hours shape."""

    def __init__(self, rng: random.Random, story: Story = OCTOBER) -> None:
        self.rng = rng
        self.story = story

    def moment(self, night: bool = False) -> datetime:
        while True:
            day = self.story.start + timedelta(days=self.rng.randrange(self.story.days))
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
    s = month.story
    for n in range(1, s.tickets + 1):
        first = month.moment()
        calls = 1 if rng.random() < 0.72 else 2
        for c in range(calls):
            cached = rng.randint(4200, 5400)
            rows.append(row(
                timestamp=stamp(first + timedelta(seconds=40 * c)),
                provider="openai",
                model="openai/gpt-4.1-mini" if rng.random() < 0.3 else "gpt-4.1-mini-2025-04-14",
                uncached_input_tokens=rng.randint(700, 1700) + s.extra_prompt,
                cache_read_tokens=cached, output_tokens=rng.randint(120, 380),
                service_tier="standard",
                region="us-east" if s.failover and rng.random() < s.failover else "eu",
                team="support", project="helpdesk", use_case="support-bot",
                user=f"agent{rng.randint(1, 40)}@acme.example", api_key="support-bot",
                task_id=f"T-{s.ids}{n}", session_id=f"S-{s.ids}{n}",
                tags=json.dumps({"feature": "triage"}),
            ))  # fmt: skip
        verified = rng.random() < 0.85
        outcomes.append((f"T-{s.ids}{n}", "true" if verified else "false", stamp(first)))


def lead_scoring(rng: random.Random, month: Month, rows: list) -> None:
    for n in range(1, 3001):
        rows.append(row(
            timestamp=stamp(month.moment()), provider="anthropic",
            model="claude-opus-4-1-20250805", uncached_input_tokens=rng.randint(3400, 4600),
            cache_read_tokens=0, cache_write_tokens=0, cache_write_1h_tokens=0,
            output_tokens=rng.randint(8, 30), service_tier="standard", region="us",
            team="sales", project="crm", use_case="lead-scoring",
            user="crm-sync@acme.example", api_key="crm-sync", task_id=f"L-{month.story.ids}{n}",
        ))  # fmt: skip


def contract_drafting(rng: random.Random, month: Month, rows: list) -> int:
    s = month.story
    attempts = 0
    for draft in range(1, s.drafts + 1):
        lawyer = f"lawyer{rng.randint(1, 12)}@acme.example"
        begun = month.moment()
        for _ in range(rng.choice(list(s.attempts))):
            attempts += 1
            begun += timedelta(minutes=rng.randint(3, 25))
            rows.append(row(
                timestamp=stamp(begun), provider="openai", model="gpt-4.1-2025-04-14",
                uncached_input_tokens=rng.randint(4500, 8000), cache_read_tokens=0,
                output_tokens=rng.randint(2200, 4200), service_tier="standard", region="eu",
                team="legal", project="contracts", user=lawyer, api_key="legal-tools",
                task_id=f"D-{s.ids}{attempts}", session_id=f"C-{s.ids}{draft}",
                tags=json.dumps({"feature": "contract-drafting"}),
            ))  # fmt: skip
    return attempts


def code_review(rng: random.Random, month: Month, rows: list, outcomes: list) -> None:
    s = month.story
    for n in range(1, s.reviews + 1):
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
                api_key="ci-review", task_id=f"PR-{s.ids}{n}", trace_id=f"tr-{s.ids}{n}-{c}",
            ))  # fmt: skip
        verified = rng.random() < 0.7
        outcomes.append((f"PR-{s.ids}{n}", "true" if verified else "false", stamp(moment)))


def meeting_summaries(rng: random.Random, month: Month, rows: list) -> None:
    for n in range(1, 1501):
        rows.append(row(
            timestamp=stamp(month.moment()), provider="google", model="gemini-2.5-flash",
            uncached_input_tokens=rng.randint(8000, 16000), cache_read_tokens=0,
            output_tokens=rng.randint(500, 1100), reasoning_tokens=rng.randint(0, 400),
            service_tier="standard", region="eu", team="ops", project="workspace",
            use_case="meeting-notes", user=f"staff{rng.randint(1, 200)}@acme.example",
            api_key="notes-addon", task_id=f"M-{month.story.ids}{n}",
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


def generate(story: Story) -> tuple[list[dict[str, object]], list, list, int]:
    """One month: usage rows (with duplicates and bad rows in place) and outcome events."""
    rng = random.Random(story.seed)
    month = Month(rng, story)
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
        r["request_id"] = f"req_{story.ids.replace('-', '_')}{number:06d}"
    final: list[dict[str, object]] = []
    for index, r in enumerate(rows):
        final.append(r)
        if index in story.duplicate_after:
            final.append(dict(r))
        if index in story.bad_rows_at:
            k = story.bad_rows_at.index(index)
            bad = bad_row(k, str(r["timestamp"]))
            bad["request_id"] = f"req_{story.ids.replace('-', '_')}bad_{k}"
            final.append(bad)
    lines = {
        i
        + 2
        + sum(1 for d in story.duplicate_after if d < i)
        + sum(1 for b in story.bad_rows_at if b < i)
        for i in story.duplicate_after
    }
    print(f"{story.name}: {len(final):,} usage rows; duplicates follow lines {sorted(lines)}")
    return final, triage_outcomes, review_outcomes, story.drafts


def write_month(story: Story, usage: Path, outcomes: Path, unknown_tickets: int) -> int:
    """Write a month's usage and per-task outcome files; return its accepted drafts."""
    final, triage, review, drafts = generate(story)
    write_csv(usage, HEADER, [[r[h] for h in HEADER] for r in final])
    outcomes.mkdir(parents=True, exist_ok=True)
    last = (story.start + timedelta(days=story.days - 1)).strftime("%Y-%m-%dT23:00:00Z")
    unknown = [(f"T-{story.ids}9000{i}", "true", last) for i in range(1, unknown_tickets + 1)]
    write_csv(
        outcomes / "support-triage.csv",
        ["task_id", "verified", "timestamp"],
        sorted(triage, key=lambda o: o[2]) + unknown,
    )
    write_csv(
        outcomes / "code-review.csv",
        ["task_id", "verified", "timestamp"],
        sorted(review, key=lambda o: o[2]),
    )
    return drafts


def november_mapping() -> str:
    """October's mapping with November's per-task outcome files (everything else the same)."""
    text = (HERE / "outcomes.yaml").read_text(encoding="utf-8")
    for name in ("support-triage", "code-review"):
        text = text.replace(f"outcomes/{name}.csv", f"outcomes/2026-11/{name}.csv")
    header = "# Generated by examples/generate.py from outcomes.yaml: November's outcome files.\n"
    return header + text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    october = write_month(OCTOBER, HERE / "usage-2026-10.csv", HERE / "outcomes", 5)
    november = write_month(NOVEMBER, HERE / "usage-2026-11.csv", HERE / "outcomes" / "2026-11", 2)
    write_csv(
        HERE / "outcomes" / "contract-drafting-counts.csv",
        ["period", "count"],
        [["2026-09", 281], ["2026-10", october], ["2026-11", november]],
    )
    (HERE / "outcomes-2026-11.yaml").write_text(november_mapping(), encoding="utf-8")


if __name__ == "__main__":
    main()
