"""Time `tokenecon analyze` against the plain hand-written DuckDB query doing the same work.

Baseline: benchmarks/baseline.sql run by the duckdb Python client, in its own process, on the
same file (CSV read with every column as text, as tokenecon reads it; or Parquet). tokenecon
runs on each engine asked for (`--engines duckdb,spark`). Each command runs `--repeat` times
in a fresh process, baseline and tokenecon alternately (so that load on the machine hits
both); the table reports the median wall and CPU time (user + system, threads included: on
a shared machine the steadier figure), the largest peak RSS of each command's processes and
the ratios of the medians, and checks that every run produced the same token totals.
`--shuffle` reads the same rows in a seeded random order (not sorted by time);
`--outcomes benchmarks/owners.yaml` adds domains, budgets and a people file. `--compare TREE`
times the tokenecon of another checkout (an older commit, say) in the same loop.

    python benchmarks/run.py --rows 10000000 [--format csv|parquet] [--engines duckdb,spark]
                             [--repeat 3] [--memory-limit 1500MB] [--outcomes owners.yaml]
                             [--shuffle] [--compare TREE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = (
    "timestamp", "provider", "model", "uncached_input_tokens", "cache_read_tokens",
    "cache_write_tokens", "cache_write_1h_tokens", "output_tokens", "reasoning_tokens",
    "requests", "reported_cost", "service_tier", "region", "team", "project", "use_case", "user",
    "api_key", "task_id", "session_id", "trace_id", "request_id", "tags",
)  # fmt: skip
CSV_SOURCE = (
    "read_csv('{path}', header = true, auto_detect = false, columns = {"
    + ", ".join(f"'{c}': 'VARCHAR'" for c in COLUMNS)
    + "})"
)
PARQUET_SOURCE = "read_parquet('{path}')"
BASELINE = """
import duckdb, json, sys
con = duckdb.connect()
con.execute("SET enable_progress_bar = false")  # it prints to stdout
if sys.argv[2]:
    con.execute(f"SET memory_limit = '{sys.argv[2]}'")
sql = open(sys.argv[3]).read().replace("{source}", sys.argv[4].replace("{path}", sys.argv[1]))
rows = con.execute(sql).fetchall()
totals = {"output": 0, "uncached_input": 0, "rows": 0}
for kind, *_, n, req, ui, cr, cw, cw1, o, r in rows:
    if kind == "sums":
        totals["output"] += int(o or 0)
        totals["uncached_input"] += int(ui or 0)
        totals["rows"] += int(n)
print(json.dumps(totals))
"""


def once(command: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS (MB) and stdout of one fresh run of a command."""
    # A fresh interpreter per run: the RSS and CPU figures must be this command's alone.
    wrapper = [sys.executable, "-c", (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "e = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "sys.stderr.write(p.stderr[-2000:] if p.returncode else '')\n"
        "print(json.dumps({'s': e, 'cpu': u.ru_utime + u.ru_stime, 'rss': u.ru_maxrss / 1024,"
        " 'rc': p.returncode, 'out': p.stdout}))\n"
    ), *command]  # fmt: skip
    process = subprocess.run(wrapper, capture_output=True, text=True, check=False)
    result = json.loads(process.stdout) if process.returncode == 0 else {"rc": -1}
    if result["rc"] != 0:
        sys.exit(f"failed ({result['rc']}): {' '.join(command)}\n{process.stderr}")
    return result["s"], result["cpu"], result["rss"], result["out"]


def alternate(commands: list[list[str]], repeat: int) -> list[tuple[float, float, float, str]]:
    """Median wall and CPU seconds, peak RSS and last stdout of each command, run in turn."""
    runs: list[list[tuple[float, float, float, str]]] = [[] for _ in commands]
    for _ in range(repeat):
        for command, out in zip(commands, runs, strict=True):
            out.append(once(command))
    return [
        (
            statistics.median(r[0] for r in rs),
            statistics.median(r[1] for r in rs),
            max(r[2] for r in rs),
            rs[-1][3],
        )
        for rs in runs
    ]


def data_file(rows: int, fmt: str, shuffle: bool = False) -> Path:
    """The generated usage file (made once, seeded), in time order or shuffled."""
    path = HERE / "data" / f"usage-{rows}{'-shuffled' if shuffle else ''}.{fmt}"
    if not path.exists():
        generate = [sys.executable, str(HERE / "generate_usage.py"), "--rows", str(rows)]
        generate += ["--shuffle"] if shuffle else []
        subprocess.run([*generate, "-o", str(path)], check=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--engines", default="duckdb", help="comma-separated: duckdb,spark")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-limit", default="", help="DuckDB memory limit for both")
    mapping_help = "the mapping (owners.yaml adds domains, budgets, a people file)"
    parser.add_argument("--outcomes", type=Path, default=HERE / "outcomes.yaml", help=mapping_help)
    parser.add_argument("--shuffle", action="store_true", help="rows not in time order")
    parser.add_argument("--compare", type=Path, help="another tokenecon source tree, timed too")
    args = parser.parse_args()
    data = data_file(args.rows, args.format, args.shuffle)
    source = CSV_SOURCE if args.format == "csv" else PARQUET_SOURCE
    baseline = [sys.executable, "-c", BASELINE, str(data), args.memory_limit,
                str(HERE / "baseline.sql"), source]  # fmt: skip
    print(
        f"rows: {args.rows:,}  file: {data.name} {data.stat().st_size / 1e6:,.0f} MB  "
        f"mapping: {args.outcomes.name}  repeat: {args.repeat}  cores: {os.cpu_count()}  "
        f"memory limit: {args.memory_limit or 'engine default'}"
    )
    print(f"{'':26}{'median s':>10}{'CPU s':>8}{'peak RSS MB':>14}{'ratio':>8}{'CPU ratio':>10}")
    for engine in args.engines.split(","):
        command = [sys.executable, "-m", "tokenecon.cli.main", "analyze", str(data),
                   "--outcomes", str(args.outcomes), "--json", "--quiet",
                   "--engine", engine]  # fmt: skip
        if args.memory_limit:
            command += ["--memory-limit", args.memory_limit]
        tools = {f"tokenecon analyze ({engine})": command}
        if args.compare:
            # -P: tokenecon from the tree on PYTHONPATH, not from the installed checkout
            tree = ["env", f"PYTHONPATH={args.compare.resolve()}", sys.executable, "-P"]
            tools[f"{args.compare.name[:16]} ({engine})"] = [*tree, *command[1:]]
        (base_s, base_cpu, base_rss, base_out), *results = alternate(
            [baseline, *tools.values()], args.repeat
        )
        theirs = json.loads(base_out)
        print(
            f"{'baseline (DuckDB SQL)':26}{base_s:>10.2f}{base_cpu:>8.2f}{base_rss:>14,.0f}"
            f"{1:>8.2f}{1:>10.2f}"
        )
        for label, (tool_s, tool_cpu, tool_rss, tool_out) in zip(tools, results, strict=True):
            mine = json.loads(tool_out)["totals"]["tokens"]
            same = (mine["output"], mine["uncached_input"]) == (
                theirs["output"], theirs["uncached_input"],
            )  # fmt: skip
            print(
                f"{label:26}{tool_s:>10.2f}{tool_cpu:>8.2f}{tool_rss:>14,.0f}"
                f"{tool_s / base_s:>8.2f}{tool_cpu / base_cpu:>10.2f}",
                end="",
            )
            print("" if same else "  TOKEN TOTALS DIFFER FROM THE BASELINE")


if __name__ == "__main__":
    main()
