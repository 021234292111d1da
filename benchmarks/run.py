"""Time `tokenecon analyze` against the plain hand-written DuckDB query doing the same work.

Baseline: benchmarks/baseline.sql run by the duckdb Python client, in its own process.
Both run the same number of times on the same file; the table reports the median wall time,
the peak RSS of each process, and the ratio analyze / baseline. The script also checks that
both produced the same token totals, so the comparison is between equal work.

    python benchmarks/run.py --rows 10000000 [--repeat 3] [--memory-limit 1500MB]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = """
import duckdb, json, sys
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")  # it prints to stdout
if sys.argv[2]:
    con.execute(f"SET memory_limit = '{sys.argv[2]}'")
sql = open(sys.argv[3]).read().replace("{path}", sys.argv[1])
rows = con.execute(sql).fetchall()
totals = {"output": 0, "uncached_input": 0, "rows": 0}
for kind, *_, n, req, ui, cr, cw, cw1, o, r in rows:
    if kind == "sums":
        totals["output"] += int(o or 0)
        totals["uncached_input"] += int(ui or 0)
        totals["rows"] += int(n)
print(json.dumps(totals))
"""


def timed(command: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) of the child, and its stdout."""
    started = time.perf_counter()
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr}")
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far: run each child alone.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak, process.stdout


def measure(command: list[str], repeat: int) -> tuple[float, float, str]:
    times, peaks, out = [], [], ""
    for _ in range(repeat):
        # A fresh interpreter per run: the RSS figure must be this command's alone.
        wrapper = [sys.executable, "-c", (
            "import resource, subprocess, sys, time, json\n"
            "t = time.perf_counter()\n"
            "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
            "e = time.perf_counter() - t\n"
            "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
            "sys.stderr.write(p.stderr)\n"
            "print(json.dumps({'s': e, 'rss': rss, 'rc': p.returncode, 'out': p.stdout}))\n"
        ), *command]  # fmt: skip
        _, _, raw = timed(wrapper)
        result = json.loads(raw)
        if result["rc"] != 0:
            sys.exit(f"failed ({result['rc']}): {' '.join(command)}")
        times.append(result["s"])
        peaks.append(result["rss"])
        out = result["out"]
    return statistics.median(times), max(peaks), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-limit", default="", help="DuckDB memory limit for both")
    args = parser.parse_args()
    data = HERE / "data" / f"usage-{args.rows}.csv"
    if not data.exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate_usage.py"), "--rows", str(args.rows),
             "-o", str(data)], check=True,
        )  # fmt: skip
    tokenecon = [sys.executable, "-m", "tokenecon.cli.main", "analyze", str(data),
                 "--outcomes", str(HERE / "outcomes.yaml"), "--json"]  # fmt: skip
    if args.memory_limit:
        tokenecon += ["--memory-limit", args.memory_limit]
    baseline = [sys.executable, "-c", BASELINE, str(data), args.memory_limit,
                str(HERE / "baseline.sql")]  # fmt: skip
    base_s, base_rss, base_out = measure(baseline, args.repeat)
    tool_s, tool_rss, tool_out = measure(tokenecon, args.repeat)
    report = json.loads(tool_out)
    mine = report["totals"]["tokens"]
    theirs = json.loads(base_out)
    same = mine["output"] == theirs["output"] and mine["uncached_input"] == theirs["uncached_input"]
    print(
        f"rows: {args.rows:,}  file: {data.stat().st_size / 1e6:,.0f} MB  repeat: {args.repeat}"
        f"  cores: {os.cpu_count()}  memory limit: {args.memory_limit or 'DuckDB default'}"
    )
    print(f"{'':24}{'median s':>10}{'peak RSS MB':>14}")
    print(f"{'baseline (DuckDB SQL)':24}{base_s:>10.2f}{base_rss:>14,.0f}")
    print(f"{'tokenecon analyze':24}{tool_s:>10.2f}{tool_rss:>14,.0f}")
    print(f"ratio analyze / baseline: {tool_s / base_s:.2f}x")
    print(
        f"same token totals: {'yes' if same else 'NO'} (output {mine['output']:,} vs "
        f"{theirs['output']:,})"
    )


if __name__ == "__main__":
    main()
