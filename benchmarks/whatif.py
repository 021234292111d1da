"""Time `tokenecon whatif` against `tokenecon analyze` on the same data: the bound is 1.5x.

Both read the benchmark usage (benchmarks/generate_usage.py, shared with run.py) with the same
mapping, in which support-triage has per-task outcome events (generated here, 80% of its tasks
verified) so that whatif's per-model yields cost what they cost in real use. whatif applies
the scenarios of benchmarks/whatif-plans.yaml, which use every lever. Each command runs in its
own process; the table reports the median wall time, peak RSS and the ratio whatif / analyze,
and checks that whatif's baseline equals analyze's totals.

    python benchmarks/whatif.py --rows 10000000 [--repeat 3] [--memory-limit 1500MB]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import measure  # noqa: E402  (benchmarks/run.py: one fresh process per run)


def prepare(rows: int) -> tuple[Path, Path]:
    """The usage file, and a mapping whose support-triage outcomes are per-task events."""
    import duckdb

    data = HERE / "data" / f"usage-{rows}.csv"
    if not data.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate_usage.py"), "--rows", str(rows),
             "-o", str(data)], check=True,
        )  # fmt: skip
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
    analyze_s, analyze_rss, analyze_out = measure(analyze, args.repeat)
    whatif_s, whatif_rss, whatif_out = measure(whatif, args.repeat)
    report, document = json.loads(analyze_out), json.loads(whatif_out)
    same = report["totals"]["cost"] == document["baseline"]["totals"]["cost"]
    print(
        f"rows: {args.rows:,}  file: {data.stat().st_size / 1e6:,.0f} MB  repeat: {args.repeat}"
        f"  cores: {os.cpu_count()}  scenarios: {len(document['scenarios'])}"
        f"  memory limit: {args.memory_limit or 'DuckDB default'}"
    )
    print(f"{'':24}{'median s':>10}{'peak RSS MB':>14}")
    print(f"{'tokenecon analyze':24}{analyze_s:>10.2f}{analyze_rss:>14,.0f}")
    print(f"{'tokenecon whatif':24}{whatif_s:>10.2f}{whatif_rss:>14,.0f}")
    print(f"ratio whatif / analyze: {whatif_s / analyze_s:.2f}x (bound: 1.50x)")
    print(f"same baseline cost: {'yes' if same else 'NO'} ({report['totals']['cost']})")
    for scenario in document["scenarios"]:
        saving = scenario["totals"]["saving"]["cost_annualised"]
        print(f"  {scenario['name']:<16} saving a year {saving}")


if __name__ == "__main__":
    main()
