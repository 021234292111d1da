"""Time `tokenecon whatif` against `tokenecon analyze` on the same data: the bound is 1.5x.

Both read the benchmark usage (benchmarks/generate_usage.py, shared with run.py) with the same
mapping, in which support-triage has per-task outcome events (generated here, 80% of its tasks
verified) so that whatif's per-model yields cost what they cost in real use. whatif applies
the scenarios of benchmarks/whatif-plans.yaml, which use every lever. Each command runs in its
own process, analyze and whatif alternately (so that load on a shared machine hits both); the
table reports the median wall time, the median CPU time (user + system, DuckDB's threads
included: steadier than wall time when other processes compete for the cores), peak RSS and
the ratios whatif / analyze, and checks that whatif's baseline equals analyze's totals.

    python benchmarks/whatif.py --rows 10000000 [--repeat 3] [--memory-limit 1500MB]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from run import alternate, data_file

HERE = Path(__file__).resolve().parent


def prepare(rows: int) -> tuple[Path, Path]:
    """The usage file, and a mapping whose support-triage outcomes are per-task events."""
    import duckdb

    data = data_file(rows, "csv")
    events = HERE / "data" / f"support-outcomes-{rows}.csv"
    if not events.exists():
        duckdb.connect().execute(
            f"""COPY (SELECT DISTINCT task_id, hash(task_id) % 10 < 8 AS verified
                      FROM read_csv('{data}', all_varchar = true)
                      WHERE use_case = 'support-bot' ORDER BY task_id)
                TO '{events}' (FORMAT csv, HEADER true)"""
        )
    mapping = HERE / "data" / f"whatif-mapping-{rows}.yaml"
    text = (HERE / "outcomes.yaml").read_text()
    text = text.replace(
        "outcomes: {count: 1000000}",
        f"outcomes: {{file: {events.name}, key: task_id, verified: verified}}",
    )
    text = text.replace(
        "outcomes: {count: 1500000}", "outcomes: {count: 1500000}\n    urgent: false"
    )
    mapping.write_text(text)
    return data, mapping


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-limit", default="", help="DuckDB memory limit for both")
    args = parser.parse_args()
    data, mapping = prepare(args.rows)
    common = [str(data), "--outcomes", str(mapping), "--json"]
    if args.memory_limit:
        common += ["--memory-limit", args.memory_limit]
    tokenecon = [sys.executable, "-m", "tokenecon.cli.main"]
    analyze = [*tokenecon, "analyze", *common]
    whatif = [*tokenecon, "whatif", *common, "--scenarios", str(HERE / "whatif-plans.yaml")]
    load = os.getloadavg()[0]
    (a_s, a_cpu, a_rss, a_out), (w_s, w_cpu, w_rss, w_out) = alternate(
        [analyze, whatif], args.repeat
    )
    report, document = json.loads(a_out), json.loads(w_out)
    same = report["totals"]["cost"] == document["baseline"]["totals"]["cost"]
    print(
        f"rows: {args.rows:,}  file: {data.stat().st_size / 1e6:,.0f} MB  repeat: {args.repeat}"
        f"  cores: {os.cpu_count()}  load: {load:.1f} -> {os.getloadavg()[0]:.1f}"
        f"  scenarios: {len(document['scenarios'])}"
        f"  memory limit: {args.memory_limit or 'DuckDB default'}"
    )
    print(f"{'':24}{'median s':>10}{'median CPU s':>14}{'peak RSS MB':>14}")
    print(f"{'tokenecon analyze':24}{a_s:>10.2f}{a_cpu:>14.2f}{a_rss:>14,.0f}")
    print(f"{'tokenecon whatif':24}{w_s:>10.2f}{w_cpu:>14.2f}{w_rss:>14,.0f}")
    print(f"ratio whatif / analyze: {w_s / a_s:.2f}x wall (bound: 1.50x), {w_cpu / a_cpu:.2f}x CPU")
    print(f"same baseline cost: {'yes' if same else 'NO'} ({report['totals']['cost']})")
    for scenario in document["scenarios"]:
        saving = scenario["totals"]["saving"]["cost_annualised"]
        print(f"  {scenario['name']:<16} saving a year {saving}")


if __name__ == "__main__":
    main()
