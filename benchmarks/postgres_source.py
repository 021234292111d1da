"""Time reading LiteLLM_SpendLogs from Postgres: rows streamed into the engine vs aggregated
inside Postgres.

    python benchmarks/postgres_source.py --rows 200000

Starts a throwaway server (as tests/pg.py does), loads N generated rows with COPY, then times
(1) `tokenecon analyze postgres://... --table LiteLLM_SpendLogs` end to end, (2) the transfer
alone (the wanted columns as Arrow batches into DuckDB), and (3) the same token sums computed
inside Postgres by Ibis (what pushing the aggregation down would cost), and prints the figures.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

MODELS = ["gpt-4.1-mini-2025-04-14", "gpt-4.1-2025-04-14", "claude-sonnet-4-5-20250929"]


def rows_csv(n: int, seed: int = 7) -> io.StringIO:
    """N SpendLogs rows as CSV for COPY (metadata with a usage object, tags)."""
    rng = random.Random(seed)
    out = io.StringIO()
    for i in range(n):
        prompt, completion = rng.randint(200, 20000), rng.randint(10, 2000)
        cached = rng.choice([0, 0, prompt // 2])
        metadata = json.dumps(
            {"user_api_key_alias": f"key-{i % 7}", "spend_logs_metadata": {"feature": f"f{i % 5}"},
             "usage_object": {"prompt_tokens": prompt, "completion_tokens": completion,
                              "prompt_tokens_details": {"cached_tokens": cached}}}
        )  # fmt: skip
        day = 1 + i % 28
        fields = [
            f"req-{i}", "acompletion", "hash", f"{rng.random() / 100:.6f}",
            str(prompt + completion), str(prompt), str(completion),
            f"2026-01-{day:02d} 10:00:00", f"2026-01-{day:02d} 10:00:02", rng.choice(MODELS),
            "openai", metadata, "False", json.dumps([f"team:t{i % 3}"]), f"team-{i % 3}",
        ]  # fmt: skip
        out.write("\t".join(f.replace("\\", "\\\\") for f in fields) + "\n")
    out.seek(0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()

    import ibis
    import psycopg
    from conftest import run_cli
    from pg import load_sql, postgres_server

    ddl = (ROOT / "tests/fixtures/sources/litellm_spendlogs.sql").read_text().split("INSERT")[0]
    columns = ('"request_id", "call_type", "api_key", "spend", "total_tokens", "prompt_tokens", '
               '"completion_tokens", "startTime", "endTime", "model", "custom_llm_provider", '
               '"metadata", "cache_hit", "request_tags", "team_id"')  # fmt: skip
    with postgres_server() as url:
        load_sql(url, ddl)
        start = time.perf_counter()
        with psycopg.connect(url) as conn, conn.cursor() as cur:
            copy_sql = f'COPY "LiteLLM_SpendLogs" ({columns}) FROM STDIN'
            with cur.copy(copy_sql) as copy:  # type: ignore[arg-type]
                copy.write(rows_csv(args.rows).read())
        print(f"load {args.rows:,} rows: {time.perf_counter() - start:.2f} s")

        start = time.perf_counter()
        result = run_cli("analyze", url, "--table", "LiteLLM_SpendLogs", "--json")
        assert result.exit_code == 0, result.output
        analyze_s = time.perf_counter() - start
        tokens = json.loads(result.stdout)["totals"]["tokens"]["billable"]
        print(f"tokenecon analyze (stream into DuckDB, then the pipeline): {analyze_s:.2f} s")

        from tokenecon.engine.connect import EngineOptions, connect
        from tokenecon.ingest.formats.litellm import FIELDS
        from tokenecon.ingest.readers import read_postgres
        from tokenecon.ingest.sources import expand_sources

        source = expand_sources([url], "LiteLLM_SpendLogs")[0]
        start = time.perf_counter()
        table = read_postgres(connect(EngineOptions()), source, FIELDS)
        n = table.count().execute()
        print(f"  of which the transfer ({n:,} rows, Arrow batches): "
              f"{time.perf_counter() - start:.2f} s")  # fmt: skip

        remote = ibis.connect(url).table("LiteLLM_SpendLogs")
        start = time.perf_counter()
        sums = remote.group_by([remote.model, remote.startTime.date().name("day")]).aggregate(
            prompt=remote.prompt_tokens.sum(), completion=remote.completion_tokens.sum(),
            spend=remote.spend.sum(), rows=remote.count(),
        )  # fmt: skip
        pushed = sums.to_pyarrow()
        print(f"sums inside Postgres (no JSON, no checks, no dedup): "
              f"{time.perf_counter() - start:.2f} s for {pushed.num_rows} groups")  # fmt: skip
        print(f"billable tokens per tokenecon: {tokens:,}")


if __name__ == "__main__":
    main()
