"""Time `tokenecon analyze` against ccusage on generated Claude Code log folders.

The folder (`projects/<project>/<session>.jsonl`, seeded) holds N assistant responses, each
written as Claude Code writes them (compact JSON: ccusage's native reader finds nothing in
spaced JSON): a user line with the prompt, then one line per content
block of the response (a thinking block and a text block, the same message id and request id;
the last block carries the final output count), with real-sized content. ccusage
(https://github.com/ccusage/ccusage, from the npm registry, installed by hand into a folder
given with `--ccusage`) runs `claude daily --json --offline` with its own price data and the
folder as `CLAUDE_CONFIG_DIR` (HOME a temporary folder, so it finds no other agent's logs);
tokenecon runs `analyze <folder>/projects --json`. Anchor and tokenecon run alternately, each
in a fresh process; the table gives medians of wall time and their ratio, the ratio of the
median CPU times (user + system, all threads: what a loaded machine distorts least) and each
tool's peak RSS, and the script compares the tokens per day and model of both (input,
output, cache reads and writes).

tokenecon's compiled-SQL cache (docs/engine.md) starts empty for each folder (a temporary
`TOKENECON_CACHE_DIR`): its first run compiles (and, for inputs up to 32 MiB, stores the SQL),
the later ones replay when they may. The medians are of the later runs ("warm"); the first
run's wall time is shown apart ("cold"). Python's bytecode is likewise cached per tree (a
temporary `PYTHONPYCACHEPREFIX`, `PYTHONDONTWRITEBYTECODE` unset), as an installed package's
is: the first run compiles the modules, the later ones load them. With `--compare TREE` the
tokenecon of another source tree (a checkout of an earlier commit) runs in turn too, with
caches of its own, so that a change is measured before and after in the same run.

    npm install --prefix /tmp/ccusage ccusage@20.0.24   # the native build for linux-x64
    python benchmarks/ccusage.py --messages 2000,200000 --ccusage /tmp/ccusage [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODELS = ("claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001")
PER_SESSION = 100
TEXT = "Reading the checkout module and the failing test before changing anything. " * 12


def generate(folder: Path, messages: int) -> None:
    """Write ``messages`` assistant responses in sessions of 100, 20 sessions a project."""
    rng = random.Random(messages)
    for s in range((messages + PER_SESSION - 1) // PER_SESSION):
        project = folder / "projects" / f"-home-u-src-project{s // 20}"
        project.mkdir(parents=True, exist_ok=True)
        session = f"6b1e2c4d-0000-4000-8000-{s:012d}"
        base = {"isSidechain": False, "userType": "external", "cwd": "/home/u/src/project",
                "sessionId": session, "version": "2.1.40", "gitBranch": "main"}  # fmt: skip
        lines = []
        for m in range(min(PER_SESSION, messages - s * PER_SESSION)):
            day = 1 + (s * 7 + m // 40) % 28
            stamp = f"2026-10-{day:02d}T{10 + m % 12:02d}:{m % 60:02d}:00.000Z"
            user = {**base, "type": "user", "uuid": f"u{s}-{m}", "timestamp": stamp,
                    "message": {"role": "user", "content": TEXT}}  # fmt: skip
            lines.append(json.dumps(user, separators=(",", ":")))
            usage = {
                "input_tokens": rng.randint(1, 50),
                "cache_creation_input_tokens": rng.randint(0, 3000),
                "cache_read_input_tokens": rng.randint(1000, 90000),
                "output_tokens": 1,
                "service_tier": "standard",
            }
            message = {"id": f"msg_{s}_{m}", "model": MODELS[(s + m) % 3], "role": "assistant",
                       "type": "message"}  # fmt: skip
            thinking = [{"type": "thinking", "thinking": TEXT, "signature": "x" * 200}]
            final = {**usage, "output_tokens": rng.randint(10, 2000)}
            for content, used in ((thinking, usage), ([{"type": "text", "text": TEXT}], final)):
                line = {**base, "type": "assistant", "uuid": f"a{s}-{m}-{len(lines)}",
                        "timestamp": stamp, "requestId": f"req_{s}_{m}",
                        "message": {**message, "content": content, "usage": used}}  # fmt: skip
                lines.append(json.dumps(line, separators=(",", ":")))
        (project / f"{session}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


@dataclass
class Run:
    """One process: wall seconds, CPU seconds (user + system, all threads), peak RSS."""

    wall: float
    cpu: float
    rss_mib: float
    stdout: str


def timed(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run ``command`` once, measured by the kernel (``wait4``: this child's own usage)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=env, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            sys.exit(f"failed: {' '.join(command)}\n{err.read()[-2000:]}")
        out.seek(0)
        return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.read())


def ccusage_tokens(out: str) -> Counter[tuple[str, str, str]]:
    """ccusage's tokens per (day, model, kind)."""
    totals: Counter[tuple[str, str, str]] = Counter()
    for day in json.loads(out)["daily"]:
        for row in day.get("modelBreakdowns", []):
            for kind, key in (("input", "inputTokens"), ("output", "outputTokens"),
                              ("cache_read", "cacheReadTokens"),
                              ("cache_write", "cacheCreationTokens")):  # fmt: skip
                totals[(day.get("date") or day.get("period"), row["modelName"], kind)] += row[key]
    return totals


def tokenecon_tokens(folder: Path) -> Counter[tuple[str, str, str]]:
    """tokenecon's tokens per (day, model, kind), from a canonical CSV of the folder."""
    import duckdb

    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "canonical.parquet"
        subprocess.run([sys.executable, "-m", "tokenecon.cli.main", "convert", str(folder),
                        "-o", str(out), "--quiet"], check=True, capture_output=True)  # fmt: skip
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        rows = con.sql(
            f"""SELECT strftime(CAST("timestamp" AS TIMESTAMP), '%Y-%m-%d'), model,
                  sum(uncached_input_tokens), sum(output_tokens), sum(cache_read_tokens),
                  sum(coalesce(cache_write_tokens, 0) + coalesce(cache_write_1h_tokens, 0))
                FROM read_parquet('{out}') GROUP BY ALL"""
        ).fetchall()
    totals: Counter[tuple[str, str, str]] = Counter()
    for day, model, *values in rows:
        for kind, value in zip(
            ("input", "output", "cache_read", "cache_write"), values, strict=True
        ):
            totals[(day, model, kind)] += int(value or 0)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", default="2000,200000")
    parser.add_argument("--ccusage", type=Path, required=True, help="its npm install folder")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compare", type=Path, help="another tokenecon source tree, timed too")
    args = parser.parse_args()
    binary = args.ccusage / "node_modules" / ".bin" / "ccusage"
    trees = {"tokenecon": HERE.parent, **({"compared": args.compare} if args.compare else {})}
    print(
        f"{'messages':>10} {'tool':<10}{'wall s':>8}{'cold s':>8}{'ratio':>7}{'cpu s':>7}"
        f"{'cpu ratio':>10}{'MiB':>7}  tokens per day x model (vs ccusage); reports"
    )
    for n in (int(x) for x in args.messages.split(",")):
        folder = HERE / "data" / f"claude-code-{n}"
        if not folder.exists():
            generate(folder, n)
        with tempfile.TemporaryDirectory() as home:
            env = {
                **os.environ,
                "HOME": home,
                "CLAUDE_CONFIG_DIR": str(folder),
                "NO_COLOR": "1",
                "TZ": "UTC",
            }
            anchor = [str(binary), "claude", "daily", "--json", "--offline"]
            mine = [sys.executable, "-P", "-m", "tokenecon.cli.main", "analyze",
                    str(folder / "projects"), "--json", "--quiet"]  # fmt: skip
            # (-P: tokenecon from the tree on PYTHONPATH, not from the current folder)
            # Each tree's bytecode is cached (in a folder of its own), as an installed package's
            # is: a shell that sets PYTHONDONTWRITEBYTECODE would otherwise compile every module
            # of every run from source (~0.1 s of CPU), which no installed tokenecon does.
            plain = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            envs = {
                name: {**plain, "PYTHONPATH": str(tree),
                       "PYTHONPYCACHEPREFIX": str(Path(home) / f"pyc-{name}"),
                       "TOKENECON_CACHE_DIR": str(Path(home) / f"cache-{name}")}
                for name, tree in trees.items()
            }  # fmt: skip
            runs: dict[str, list[Run]] = {"ccusage": [], **{name: [] for name in trees}}
            for _ in range(args.repeat):
                runs["ccusage"].append(timed(anchor, env))
                for name in trees:
                    runs[name].append(timed(mine, envs[name]))
            theirs = runs["ccusage"]
            same = ccusage_tokens(theirs[-1].stdout) == tokenecon_tokens(folder / "projects")
            # every tokenecon report (cold, replayed, either tree) the same document
            reports = len({r.stdout for name in trees for r in runs[name]}) == 1
            wall = statistics.median(r.wall for r in theirs)
            cpu = statistics.median(r.cpu for r in theirs)
            print(
                f"{n:>10,} {'ccusage':<10}{wall:>8.2f}{'':>8}{'':>7}{cpu:>7.2f}{'':>10}"
                f"{max(r.rss_mib for r in theirs):>7,.0f}"
            )
            for name in trees:
                ours = runs[name]
                warm = ours[1:] or ours
                b = statistics.median(r.wall for r in warm)
                cb = statistics.median(r.cpu for r in warm)
                checks = (
                    f"  {'same' if same else 'DIFFER'}; reports "
                    f"{'identical' if reports else 'DIFFER'}"
                )
                print(
                    f"{'':>10} {name:<10}{b:>8.2f}{ours[0].wall:>8.2f}{b / wall:>7.2f}"
                    f"{cb:>7.2f}{cb / cpu:>10.2f}{max(r.rss_mib for r in ours):>7,.0f}"
                    + (checks if name == "tokenecon" else "")
                )


if __name__ == "__main__":
    main()
