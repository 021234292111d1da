"""Generate a large synthetic usage file (canonical columns) for the benchmarks.

Deterministic for a given row count: every value is derived from hashes of the row number,
so the same command writes the same file whatever the thread count. Rows look like a busy
company's per-request log: six use cases, seven models (one unknown to the price book),
tasks of several calls, a share of cache reads and batch traffic, a few duplicates and bad rows.
In time order, or with `--shuffle` in a seeded random order (the same rows: exports are not
always sorted, and an engine can lean on sorted input).

    python benchmarks/generate_usage.py --rows 10000000 [--shuffle] -o benchmarks/data/usage-10m.csv
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

MODELS = [
    ("openai", "gpt-4.1-mini-2025-04-14"),
    ("openai", "gpt-4.1-2025-04-14"),
    ("anthropic", "claude-sonnet-4-5-20250929"),
    ("anthropic", "claude-haiku-4-5-20251001"),
    ("google", "gemini-2.5-flash"),
    ("anthropic", "claude-opus-4-1-20250805"),
    ("self-hosted", "acme-ft-llama-70b"),
]
USE_CASES = ["support-bot", "lead-scoring", "", "code-review", "meeting-notes", "rag-experiment"]
TEAMS = ["support", "sales", "legal", "platform", "ops", "research"]


def _sql(rows: int, fmt: str, out: Path, shuffle: bool = False) -> str:
    models = "[" + ", ".join(f"'{m}'" for _, m in MODELS) + "]"
    providers = "[" + ", ".join(f"'{p}'" for p, _ in MODELS) + "]"
    use_cases = "[" + ", ".join(f"'{u}'" for u in USE_CASES) + "]"
    teams = "[" + ", ".join(f"'{t}'" for t in TEAMS) + "]"
    order = "hash(r, 'order'), r" if shuffle else "r"
    # h(k) is a per-row, per-purpose hash; list indexes are 1-based.
    return f"""
    COPY (
      WITH seeds AS (
        -- every 500,000th row is an exact copy of the row before it: a resent log line
        SELECT CASE WHEN r % 500000 = 499999 THEN r - 1 ELSE r END AS i, r
        FROM range({rows}) t(r)
      ), base AS (
        SELECT i, r,
               CAST(hash(i, 'uc') % 6 AS BIGINT) AS uc,
               CAST(hash(i, 'm') % 100 AS BIGINT) AS mr,
               hash(i, 'in') % 6000 AS inp,
               hash(i, 'cr') % 100 AS crp,
               hash(i, 'out') % 900 AS outp
        FROM seeds
      ), shaped AS (
        SELECT i, r, uc,
          CASE WHEN mr < 2 THEN 7 WHEN mr < 40 THEN 1 + (uc % 5) ELSE 1 + (mr % 6) END AS m,
          inp, crp, outp
        FROM base
      )
      SELECT
        strftime(TIMESTAMP '2026-10-01 00:00:00'
                 + to_seconds(CAST(i * 2678400 // {rows} AS BIGINT)),
                 '%Y-%m-%dT%H:%M:%SZ') AS timestamp,
        {providers}[m] AS provider,
        {models}[m] AS model,
        CAST(inp * (100 - crp) / 100 AS BIGINT) AS uncached_input_tokens,
        CAST(inp * crp / 100 AS BIGINT) AS cache_read_tokens,
        CASE WHEN m IN (3, 4, 6) THEN CAST(hash(i, 'cw') % 400 AS BIGINT) END
          AS cache_write_tokens,
        CASE WHEN m IN (3, 4, 6) THEN 0 END AS cache_write_1h_tokens,
        CASE WHEN i % 1000003 = 17 THEN -5 ELSE CAST(outp AS BIGINT) END AS output_tokens,
        CASE WHEN m IN (1, 2) THEN CAST(outp // 4 AS BIGINT) END AS reasoning_tokens,
        1 AS requests,
        NULL AS reported_cost,
        CASE WHEN hash(i, 'b') % 10 = 0 THEN 'batch' ELSE 'standard' END AS service_tier,
        CASE WHEN hash(i, 'r') % 3 = 0 THEN 'eu' ELSE 'us' END AS region,
        {teams}[uc + 1] AS team,
        'proj-' || (uc + 1) AS project,
        {use_cases}[uc + 1] AS use_case,
        'user' || (hash(i, 'u') % 500) || '@example.com' AS "user",
        'key-' || (uc + 1) AS api_key,
        'T' || uc || '-' || (i // 3) AS task_id,
        NULL AS session_id,
        NULL AS trace_id,
        'req-' || i AS request_id,
        CASE WHEN uc = 2 THEN '{{"feature":"contract-drafting"}}' END AS tags
      FROM shaped
      ORDER BY {order}
    ) TO '{out}' ({fmt});
    """


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--shuffle", action="store_true", help="rows in a seeded random order")
    parser.add_argument("-o", "--output", type=Path, required=True)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    fmt = "FORMAT parquet" if args.output.suffix == ".parquet" else "FORMAT csv, HEADER true"
    started = time.perf_counter()
    duckdb.connect().execute(_sql(args.rows, fmt, args.output.resolve(), args.shuffle))
    size = args.output.stat().st_size / 1e6
    print(
        f"wrote {args.rows:,} rows to {args.output} ({size:,.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
