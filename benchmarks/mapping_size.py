"""Time `tokenecon analyze` with 1, 10 and 50 use cases sharing one outcome events file.

The usage is benchmarks/generate_usage.py's file; the mapping splits its 500 users among N use
cases (a `match: {user: [...]}` rule each, `task_key: task_id`), and every use case reads its
verified outcomes from the same events file (every third task id, generated here). The anchor,
in the same run, is a hand-written DuckDB query doing the same work: the use case of each row by
one CASE, one row per request id, sums at the pricing grain, distinct tasks, and the events
file read once and joined to the distinct (use case, task) pairs. Each command runs `--repeat`
times in a fresh process, anchor and tokenecon alternately; the table shows medians and ratios.

The peak RSS of each command (largest over its runs) is printed beside its time; `--shuffle`
reads the same rows in a seeded random order (not sorted by time).

    python benchmarks/mapping_size.py --rows 1000000 [--use-cases 1,10,50] [--format parquet]
                                      [--shuffle] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CSV_SOURCE, PARQUET_SOURCE, alternate, data_file

HERE = Path(__file__).resolve().parent
USERS = 500

ANCHOR = """
import duckdb, json, sys
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")
source, events, cases = sys.argv[1], sys.argv[2], sys.argv[3]
sql = f'''
WITH parsed AS (
  SELECT TRY_CAST("timestamp" AS TIMESTAMP) AS ts, model, lower(service_tier) AS tier,
    "user", task_id, request_id,
    TRY_CAST(uncached_input_tokens AS DOUBLE) AS ui, TRY_CAST(cache_read_tokens AS DOUBLE) AS cr,
    TRY_CAST(cache_write_tokens AS DOUBLE) AS cw, TRY_CAST(output_tokens AS DOUBLE) AS o,
    TRY_CAST(reasoning_tokens AS DOUBLE) AS r, TRY_CAST(requests AS DOUBLE) AS req
  FROM {source}
), checked AS (
  SELECT *, coalesce(ts IS NULL OR model IS NULL OR ui < 0 OR cr < 0 OR cw < 0 OR o < 0
                     OR r < 0 OR r > coalesce(o, 0), false) AS bad,
    {cases} AS uc
  FROM parsed
), deduped AS (SELECT DISTINCT ON (request_id) * FROM checked WHERE NOT bad),
grain AS MATERIALIZED (
  SELECT uc, task_id AS task_key, model, ts::DATE AS day, tier,
    CASE WHEN coalesce(ui, 0) + coalesce(cr, 0) + coalesce(cw, 0) > 200000
      THEN 200000 ELSE 0 END AS prompt_class,
    count(*) AS n, sum(req) AS req, sum(ui) AS ui, sum(cr) AS cr, sum(cw) AS cw,
    sum(o) AS o, sum(r) AS r
  FROM deduped GROUP BY ALL
), events AS (
  SELECT DISTINCT trim(task_id) AS key FROM read_csv('{events}', header = true,
    auto_detect = false, columns = {{'task_id': 'VARCHAR', 'verified': 'VARCHAR'}})
  WHERE lower(trim(verified)) IN ('true', 'yes', '1')
)
SELECT 'sums', uc, model, day, tier, prompt_class, sum(n), sum(o), sum(ui)
FROM grain GROUP BY ALL
UNION ALL
SELECT 'tasks', uc, NULL, NULL, NULL, NULL, count(DISTINCT task_key), NULL, NULL
FROM grain GROUP BY uc
UNION ALL
SELECT 'outcomes', uc, NULL, NULL, NULL, NULL, count(*), NULL, NULL
FROM (SELECT DISTINCT uc, task_key AS key FROM grain WHERE uc IS NOT NULL) JOIN events USING (key)
GROUP BY uc
'''
rows = con.execute(sql).fetchall()
print(json.dumps({"output": sum(int(r[7] or 0) for r in rows if r[0] == "sums"),
                  "outcomes": sum(int(r[6]) for r in rows if r[0] == "outcomes")}))
"""


def events_file(rows: int) -> Path:
    """Every third task id of the generated usage, verified (made once)."""
    import duckdb

    path = HERE / "data" / f"events-{rows}.csv"
    if not path.exists():
        duckdb.connect().execute(
            f"""COPY (SELECT DISTINCT 'T' || (hash(i, 'uc') % 6) || '-' || (i // 3) AS task_id,
                      'true' AS verified
                      FROM range({rows}) t(i) WHERE (i // 3) % 3 = 0 ORDER BY 1)
                TO '{path}' (FORMAT csv, HEADER true)"""
        )
    return path


def groups(n: int) -> list[list[str]]:
    """The 500 users split among n use cases."""
    return [[f"user{u}@example.com" for u in range(USERS) if u % n == k] for k in range(n)]


def mapping_file(n: int, events: Path, folder: Path) -> Path:
    """A mapping of n use cases, each matched by its users, all reading one events file."""
    lines = ["use_cases:"]
    for k, users in enumerate(groups(n)):
        lines += [
            f"  uc-{k}:",
            f"    match: {{user: [{', '.join(users)}]}}",
            "    task_key: task_id",
            f"    outcomes: {{file: '{events}', key: task_id, verified: verified}}",
        ]
    # (not under the checkout: the tests check the schema of every YAML file there)
    path = folder / f"mapping-{n}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def case_sql(n: int) -> str:
    """The anchor's one CASE for the use case of a row."""
    whens = [
        f"WHEN \"user\" IN ({', '.join(repr(u) for u in users)}) THEN 'uc-{k}'"
        for k, users in enumerate(groups(n))
    ]
    return "CASE " + " ".join(whens) + " END"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--use-cases", default="1,10,50")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shuffle", action="store_true", help="rows not in time order")
    args = parser.parse_args()
    data = data_file(args.rows, args.format, args.shuffle)
    events = events_file(args.rows)
    reader = (CSV_SOURCE if args.format == "csv" else PARQUET_SOURCE).replace("{path}", str(data))
    print(f"rows: {args.rows:,}  file: {data.name}  events: {events.name}  repeat: {args.repeat}")
    print(
        f"{'use cases':>10}{'anchor s':>10}{'tokenecon s':>13}{'ratio':>8}"
        f"{'anchor MB':>11}{'tokenecon MB':>14}  totals"
    )
    folder = Path(tempfile.mkdtemp(prefix="tokenecon-mappings-"))
    for n in (int(x) for x in args.use_cases.split(",")):
        mapping = mapping_file(n, events, folder)
        anchor = [sys.executable, "-c", ANCHOR, reader, str(events), case_sql(n)]
        tool = [sys.executable, "-m", "tokenecon.cli.main", "analyze", str(data),
                "--outcomes", str(mapping), "--json", "--quiet"]  # fmt: skip
        (base_s, _, base_rss, base_out), (tool_s, _, tool_rss, tool_out) = alternate(
            [anchor, tool], args.repeat
        )
        theirs = json.loads(base_out)
        report = json.loads(tool_out)
        mine = {
            "output": report["totals"]["tokens"]["output"],
            "outcomes": sum(u["outcomes"] or 0 for u in report["use_cases"]),
        }
        same = "same" if mine == theirs else f"DIFFER {mine} vs {theirs}"
        print(
            f"{n:>10}{base_s:>10.2f}{tool_s:>13.2f}{tool_s / base_s:>8.2f}"
            f"{base_rss:>11,.0f}{tool_rss:>14,.0f}  {same}"
        )
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
